"""Pooling Calculator page text (English)."""

EN = {
    "title": "Pooling Calculator",
    "intro": "Edit a small matrix, choose a pooling operation and its parameters, and follow "
    "every window to the number it produces.",
    "theory_title": "Theory: what pooling does",
    "theory": """
A **pooling layer** shrinks each feature map by summarising small windows of it. It has no
weights to learn: the same rule is applied to every window, and each channel is pooled on its
own. Shrinking the maps makes the next layers cheaper, widens what each later unit "sees"
(its receptive field), and makes the answer less sensitive to small shifts of the input.

* **Max pooling** keeps the largest value of each window — "was this feature present
  anywhere here?". With a 2×2 window and stride 2, a 4×4 map becomes 2×2.
  During back-propagation the gradient of each output goes only to the input cell that won
  the max; every other cell gets zero (tick *Show gradient routing* below).
* **Average pooling** keeps the mean of each window. With padding, *count_include_pad*
  decides whether the padded zeros count in the divisor.
* **Global average pooling** averages the whole map to one number per channel (Lin et al.,
  2013, *Network in Network*): it replaces a large fully-connected layer at the end of many
  modern CNNs. **Global max pooling** keeps the single largest value.
* **Adaptive average pooling** chooses the windows itself so that the output has the size you
  ask for (window *i* spans ⌊i·H/out⌋ … ⌈(i+1)·H/out⌉).

**Output size.** For a dimension of size *n*, kernel *k*, stride *s*, padding *p* and
dilation *d*: n_out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 (⌈…⌉ with *ceil_mode*, as long as
the last window still starts inside the input or its left padding).

Example from the course notes: the 4×4 matrix preset below gives [[4, 8], [6, 9]] with 2×2 max
pooling, stride 2, and its global average is 69 / 16 = 4.3125.

Further reading: Scherer, Müller & Behnke (2010), [Evaluation of pooling operations in
convolutional architectures](https://doi.org/10.1007/978-3-642-15825-4_10);
[PyTorch pooling layers](https://pytorch.org/docs/stable/nn.html#pooling-layers).
""",
    "input_header": "1. Input matrix",
    "preset": "Preset",
    "rows": "Rows",
    "cols": "Columns",
    "seed": "Seed",
    "load": "Load preset",
    "input_mode": "Edit as",
    "mode_grid": "Grid",
    "mode_text": "Text",
    "text_help": "One row per line; numbers separated by spaces, commas or semicolons. "
    "Python/NumPy list syntax such as [[1, 2], [3, 4]] works too. At most 32×32.",
    "grid_help": "Click a cell to edit it. Load a preset to change the size.",
    "params_header": "2. Operation and parameters",
    "op": "Operation",
    "square": "Same value for height and width",
    "kernel": "Kernel",
    "stride": "Stride",
    "padding": "Padding",
    "dilation": "Dilation",
    "output_size": "Output size",
    "ceil_mode": "ceil_mode (round the output size up)",
    "count_include_pad": "count_include_pad (padded zeros count in the divisor)",
    "result_header": "3. Result",
    "input_shape": "Input",
    "output_shape": "Output",
    "formula": "Output-size formula",
    "input_heatmap": "Input",
    "output_heatmap": "Output",
    "copy": "Result as text",
    "walk_header": "4. Step through the windows",
    "window": "Window",
    "prev": "◀ Previous",
    "next": "Next ▶",
    "win_where": "Output cell **({i}, {j})** looks at input rows {r0}–{r1}, columns {c0}–{c1}.",
    "win_max": "Max = **{value}**, found at input cell ({r}, {c}) (orange).",
    "win_pad_max": "{n} window cell(s) fall on padding, which counts as −∞ and never wins.",
    "win_avg": "Sum = {total}, divided by {divisor} → **{value}**.",
    "win_pad_avg": "{n} window cell(s) fall on padding (zeros); count_include_pad decides "
    "whether they count in the divisor.",
    "win_all_pad": "Every cell of this window falls on padding, so the output is −∞ (torch "
    "gives the same).",
    "routing": "Show gradient routing (max pooling)",
    "routing_caption": "Each input cell shows how many outputs send their gradient to it "
    "(upstream gradient of 1 everywhere). Cells that never win a max get 0.",
    "routing_title": "Gradient routed back to the input",
    "bad_matrix": "The matrix cannot be used: {error}",
    "bad_params": "These parameters cannot be used: {error}",
}
