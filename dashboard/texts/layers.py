"""Layers page text (English)."""

EN = {
    "title": "Layers",
    "intro": "What each layer of a CNN computes: convolution by hand, the feature maps inside "
    "a trained network, what a filter responds to, and the small layers around them.",
    "tab_conv": "Convolution by hand",
    "tab_network": "Inside the network",
    "tab_filter": "What a filter looks for",
    "tab_explainers": "Softmax · dropout · fully-connected",
    # -- 1. convolution by hand
    "conv_theory_title": "Theory: convolution, ReLU and pooling",
    "conv_theory": """
A **convolution layer** slides small weight matrices (*kernels* or *filters*) over the image.
At each position it multiplies the kernel with the pixels under it and adds the products: one
number per position, a **feature map** per kernel. A kernel that looks like a vertical edge
answers strongly where the image has one. A CNN *learns* its kernels by back-propagation;
here you pick classic hand-made ones (Sobel for edges, Laplacian as a high-pass filter, blurs).
Strictly, CNN layers compute a *cross-correlation* (the kernel is not flipped); deep-learning
texts call it convolution anyway.

**Output size**: for an input side *n*, kernel *k*, padding *p* and stride *s*:
n_out = ⌊(n + 2p − k) / s⌋ + 1. Padding of (k − 1) / 2 keeps the size at stride 1.

**ReLU** follows: ReLU(x) = max(0, x). It keeps positive values *as they are* and sets
negative ones to 0 (it does not output 1 for positive inputs). Without such a non-linearity,
stacked layers would collapse into a single linear map.

**Max pooling** (2×2, stride 2) then keeps the strongest response of each 2×2 block, halving
each side; see the Pooling Calculator page for every detail.

Reading: Dumoulin & Visin (2016), [A guide to convolution arithmetic for deep
learning](https://arxiv.org/abs/1603.07285); Nair & Hinton (2010),
[Rectified Linear Units Improve Restricted Boltzmann
Machines](https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf).
""",
    "work_size": "Work at most this many pixels per side",
    "mode": "Colour channels",
    "mode_gray": "Grayscale (one map per kernel)",
    "mode_per_channel": "Per channel (one map per kernel and R, G, B)",
    "kernels": "Kernels (up to 8)",
    "custom": "Add my own kernel",
    "custom_size": "Custom kernel size",
    "custom_name": "My kernel",
    "input_mode": "Edit the kernel as",
    "mode_grid": "Grid",
    "mode_text": "Text",
    "text_help": "One row per line, numbers separated by spaces or commas; 3×3 or 5×5.",
    "grid_help": "Click a cell to edit it. All kernels must have the same size.",
    "stride": "Stride",
    "padding": "Padding",
    "kernel_values": "Kernel values",
    "shapes": "Shapes",
    "formula": "Output-size formula",
    "stage_conv": "After convolution",
    "stage_relu": "After ReLU",
    "stage_pool": "After 2×2 max pool",
    "relu_title": "ReLU(x) = max(0, x)",
    "bad_conv": "This convolution cannot be computed: {error}",
    "need_kernel": "Choose at least one kernel.",
    # -- 2. inside the network
    "net_theory_title": "Theory: feature maps inside a trained network",
    "net_theory": """
A trained CNN is a stack of the same pieces: convolution, (batch norm), ReLU, pooling, and
at the end fully-connected layers that turn the last feature maps into one score per class;
**softmax** turns the scores into probabilities. The **receptive field** of a unit is the
patch of the input it can see: it grows with every convolution and pooling layer, which is
how deeper layers respond to larger patterns. Pick a layer to see its feature maps for your
image.
""",
    "no_model": "No model is available for this dataset yet: train one on the Train page or "
    "pick the digits dataset in the sidebar.",
    "model_error": "The model could not be loaded: {error}",
    "data_error": "The dataset is not available: {error}",
    "layer_table": "Layer table",
    "layer": "Layer",
    "sort": "Order feature maps by",
    "sort_mean": "mean activation",
    "sort_max": "max activation",
    "sort_index": "channel number",
    "max_maps": "Show at most",
    "prediction": "Prediction",
    "probabilities": "Class probabilities",
    "predicted": "Predicted **{cls}** with probability {p:.1%}.",
    "true_class": "True class: **{cls}**.",
    "model_input": "What the model sees ({shape})",
    "weights": "Filter weights",
    "weights_layer": "Convolution layer",
    "weights_out": "Output filter (its weights on each input channel)",
    "maps_of": "{n} of {total} feature maps of {layer}, shape {shape}",
    "vector_of": "{layer} is a vector of {n} values",
    # -- 3. what a filter looks for
    "filter_theory_title": "Theory: activation maximisation and dataset examples",
    "filter_theory": """
Two ways to ask what a channel responds to. **Dataset examples**: run the whole test split
and keep the images (and the patch inside the channel's receptive field) that excite it most
(Yosinski et al., 2015, [Deep Visualization Toolbox](https://arxiv.org/abs/1506.06579)).
**Activation maximisation**: start from noise and change the *input* by gradient ascent to make
the channel's mean activation as large as possible, with small random shifts (jitter) and
penalties on total variation and size to keep the picture natural (Erhan, Bengio, Courville &
Vincent, 2009, *Visualizing Higher-Layer Features of a Deep Network*, Université de Montréal
technical report 1341; Olah, Mordvintsev & Schubert, 2017,
[Feature Visualization](https://distill.pub/2017/feature-visualization/)).
""",
    "channel": "Channel",
    "top_k": "Top images",
    "examples_caption": "The {k} test images whose channel {c} of {layer} fires hardest; the red "
    "box is the receptive field of the strongest unit.",
    "steps": "Steps",
    "lr": "Learning rate",
    "jitter": "Jitter (px)",
    "tv": "Total-variation weight",
    "l2": "L2 weight",
    "seed": "Seed",
    "run_actmax": "Run activation maximisation",
    "actmax_progress": "Step {step}/{steps} · activation {value:.3f}",
    "actmax_result": "Optimised input",
    "actmax_curve": "Target activation per step",
    # -- 4. explainers
    "softmax_header": "Softmax",
    "softmax_text": """
softmax(z)ᵢ = exp(zᵢ / T) / Σⱼ exp(zⱼ / T). Every exponential is positive, and each is divided
by their sum, so the outputs lie between 0 and 1 and **add up to exactly 1**: a probability
distribution over the classes. The largest score gets the largest probability. The
temperature T sharpens (T < 1) or flattens (T > 1) the distribution without changing the order.
""",
    "logits": "Scores (logits), separated by commas",
    "temperature": "Temperature T",
    "softmax_sum": "Sum of the probabilities: **{total:.6f}**",
    "bad_logits": "The scores cannot be used: {error}",
    "dropout_header": "Dropout",
    "dropout_text": """
During **training**, dropout sets each activation to 0 with probability *p* and multiplies the
survivors by 1 / (1 − p), so the expected value stays the same; the network cannot rely on any
single unit. During **evaluation** (model.eval()) it does nothing. Batch normalisation is the
other common regulariser in the lab's models (Ioffe & Szegedy, 2015).
""",
    "dropout_p": "Dropout probability p",
    "dropout_seed": "Mask seed",
    "dropout_in": "Activations in",
    "dropout_train": "Training: mask × 1/(1 − p)",
    "dropout_eval": "Evaluation: unchanged",
    "dropout_kept": "{kept} of {total} kept; mean in {mean_in:.3f}, mean out in training "
    "{mean_train:.3f}.",
    "fc_header": "Fully-connected: where the flatten size comes from",
    "fc_text": """
A fully-connected layer needs the length of the flattened feature maps, C × H × W after the
last pooling layer — it follows from the shapes, it is not a free choice. The course notes'
network (1 → 32 channels, 5×5 kernel, 2×2 max pool, on 28×28 images) wrote `32*4`; the shapes
below give 32 × 12 × 12 = **{flat}**, and PyTorch refuses the notes' layer with the error shown.
""",
    "fc_error": "PyTorch, with the notes' nn.Linear(32*4, 10):",
}
