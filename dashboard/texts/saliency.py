"""Saliency page text (English)."""

EN = {
    "title": "Saliency",
    "intro": "Which pixels matter for the class score? Gradient maps and their best-known "
    "variants side by side on the same image — and a sanity check of whether each map really "
    "depends on what the network learned.",
    "theory_title": "Theory: gradient saliency maps and their sanity check",
    "theory": """
A CNN's class score S (the **logit**, before softmax) is a function of every input pixel. Its
**gradient** dS/dx says how much S would change if one pixel changed a little: a first-order
answer to "which pixels matter?". All maps here explain the logit of one target class.

* **Vanilla gradient** — Simonyan, Vedaldi & Zisserman (2013,
  [Deep Inside Convolutional Networks](https://arxiv.org/abs/1312.6034)): the absolute
  gradient, with the largest value over the colour channels at each pixel. Cheap (one
  backward pass) but noisy.
* **Guided backpropagation** — Springenberg et al. (2014,
  [Striving for Simplicity](https://arxiv.org/abs/1412.6806)): on the way back, every ReLU
  lets a gradient through only where its forward input was positive *and* the gradient itself
  is positive. The maps look crisp — but see the sanity check below.
* **SmoothGrad** — Smilkov et al. (2017, [SmoothGrad](https://arxiv.org/abs/1706.03825)):
  average the absolute gradient over noisy copies of the image (noise standard deviation =
  noise level × the image's value range; the paper finds 10–20 % works best). Noise in the map
  averages out; the cost is one backward pass per copy.
* **Integrated Gradients** — Sundararajan, Taly & Yan (2017,
  [Axiomatic Attribution for Deep Networks](https://arxiv.org/abs/1703.01365)): average the
  gradient along the straight path from a **baseline** image x′ (black, the dataset mean, a
  blurred copy, noise) to the image, times (x − x′). Its **completeness** axiom says the
  attributions add up to S(x) − S(x′); the page reports how far the finite sum is from it.
  Attributions are signed: red pixels push the score up, blue ones down.
* **Grad-CAM** — Selvaraju et al. (2017, [Grad-CAM](https://arxiv.org/abs/1610.02391)):
  weight each feature map A_k of a conv layer (by default the last one) by its average
  gradient, add them up, keep the positive part and upsample it to the image. Coarse (the
  layer's resolution) but class-specific. **Guided Grad-CAM** multiplies it with guided
  backprop for a sharp, class-specific map.

**Sanity check** — Adebayo et al. (2018, [Sanity Checks for Saliency
Maps](https://arxiv.org/abs/1810.03292)): if a map explains what the model learned, it must
change when the learned weights are destroyed. *Cascading randomisation* re-initialises the
layers from the output down, one at a time, and compares each new map with the original by
the Spearman rank correlation of their absolute values. A method whose maps stay correlated
with random weights — guided backprop, in the paper — mostly shows the image's edges, not the
model's reasoning.

All gradients are taken on a copy of the input; the shared model is never changed (no hooks,
no weight updates), also for torchvision's in-place ReLUs.
""",
    "model": "Model",
    "model_active": "active model (sidebar)",
    "model_resnet18": "ImageNet ResNet-18",
    "model_vgg16": "ImageNet VGG-16",
    "weights_missing": "The ImageNet weights are not available: {error}",
    "no_model": "No model is available for this dataset yet: train one on the Train page or "
    "pick the digits dataset in the sidebar.",
    "error": "This cannot be computed: {error}",
    "target": "Target class",
    "target_pred": "predicted",
    "target_true": "true",
    "target_chosen": "choose",
    "chosen": "Class",
    "top5_title": "Top-5 class probabilities",
    "prediction": "Predicted **{cls}** ({p:.1%}); the maps explain the logit of **{target}**.",
    "methods": "Methods",
    "settings": "Method settings",
    "sg_noise": "SmoothGrad noise level (fraction of the value range)",
    "sg_samples": "SmoothGrad noisy copies",
    "ig_steps": "Integrated Gradients steps",
    "ig_baseline": "Integrated Gradients baseline",
    "base_zero": "black",
    "base_mean": "dataset mean",
    "base_blur": "blurred image",
    "base_noise": "noise",
    "ig_method": "Integration rule",
    "layer": "Grad-CAM layer",
    "layer_help": "Any layer with feature maps; the default is the last convolution "
    "(Selvaraju et al.'s choice). Earlier layers give finer but less class-specific maps.",
    "precision": "Precision",
    "precision_help": "bf16 runs the noisy copies and path steps about 1.5× faster on this "
    "CPU, with maps that differ slightly from the exact fp32 ones.",
    "cost": "Cost: **{passes:,}** forward + backward passes in all ({detail}).",
    "estimate": "Estimated time: about {seconds:.1f} s.",
    "run": "Compute the maps",
    "run_note": "The maps of an ImageNet model are computed when you press the button.",
    "progress": "{title}…",
    "opacity": "Overlay opacity",
    "overlay_title": "{title} over the image",
    "method_header": "**{title}** — [{paper}]({url})",
    "seconds": "{seconds:.2f} s, {precision}",
    "ig_completeness": "Completeness: sum of attributions {attr_sum:.4f} vs S(x) − S(x′) "
    "{score_diff:.4f} — gap {delta:+.2e} ({gap:.2%}).",
    "gradcam_layer": "Layer {layer}, maps {shape}.",
    "signed_note": "signed: red raises the score, blue lowers it",
    "unsigned_note": "magnitude only",
    "download_png": "PNG",
    "download_npy": ".npy",
    "download_npy_help": "The full attribution, shape {shape}.",
    "no_methods": "Pick at least one method.",
    "sanity_header": "Sanity check: randomise the model from the top down",
    "sanity_intro": "Adebayo et al. (2018): re-initialise the layers one group at a time, from "
    "the output down (each step keeps the earlier randomisations), and recompute each map on a "
    "private copy of the model. The number is the Spearman rank correlation of the absolute "
    "map with the original one: near 1 means the map barely changed although the weights did.",
    "sanity_methods": "Methods to check",
    "sanity_steps": "Layer groups to randomise (from the top)",
    "sanity_cost": "{steps} randomisation steps + the original × {methods} methods = **{maps}** "
    "maps, about {passes:,} forward + backward passes.",
    "sanity_run": "Run the sanity check",
    "sanity_progress": "{done}/{total} maps",
    "sanity_corr_title": "Spearman rank correlation of |map| with the original",
    "sanity_maps_title": "Maps (|map| scaled to its own maximum) as layers are randomised",
    "sanity_summary": "Target **{target}** at every step. Done in {seconds:.1f} s.",
    "sanity_table_method": "method",
    "sanity_nan": "A correlation is missing (—) where a map is constant, e.g. an all-zero "
    "Grad-CAM map of a randomised model.",
    "stopped_maps": "Stopped: the maps finished before Stop are kept; press the button to "
    "compute the rest.",
}
