"""Style Transfer page text (English)."""

EN = {
    "title": "Style Transfer",
    "intro": "Paint one photo in the style of another: keep the arrangement of the content "
    "image, take the textures and colours of the style image, by gradient descent on the "
    "pixels through a VGG19 network.",
    "theory_title": "Theory: content, style and Gram matrices",
    "theory": """
Gatys, Ecker & Bethge (2016, [Image Style Transfer Using Convolutional Neural
Networks](https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html);
[arXiv version](https://arxiv.org/abs/1508.06576)) noticed that a network trained to recognise
objects (VGG19, [Simonyan & Zisserman 2015](https://arxiv.org/abs/1409.1556)) separates two
things an image has:

* **Content** — *what is where*. The feature maps of a deep layer (here `conv4_2`, after its
  ReLU) keep the objects and their arrangement but forget the exact pixels. The content loss is
  the mean squared difference between the feature maps of the generated image and those of the
  content photo.
* **Style** — *which textures occur, wherever they are*. For a layer with C channels, the
  **Gram matrix** G = F Fᵀ / (C·H·W) multiplies every pair of channels position by position and
  sums over all positions: entry (i, j) is large when channels i and j fire *together*. Summing
  over positions throws the layout away and keeps the statistics. The style loss compares the
  Gram matrices of several layers (`conv1_1` … `conv5_1`): low layers capture colours and fine
  grain, high layers larger brush strokes and motifs.

The generated image starts from the content photo (or noise) and is changed pixel by pixel to
lower **content weight × content loss + style weight × style loss (+ TV weight × total
variation)**, the network's weights staying fixed. No network is trained here: the *image* is
the thing being optimised. L-BFGS (the paper's choice) converges in a few hundred evaluations;
Adam is simpler and steadier but slower. The **ratio** of style to content weight decides the
balance; the paper's figures use content/style ratios of 10⁻³ to 10⁻⁴ with its own scaling
(this lab's losses are means, as in the PyTorch tutorial, so the useful style weights are
around 10⁶).

**Colour preservation** (Gatys et al. 2017, [Controlling Perceptual Factors in Neural Style
Transfer](https://arxiv.org/abs/1611.07865)): transfer only the luminance. Both images are
converted to YIQ; the style's luminance is shifted and scaled to the content's mean and spread;
the transfer runs on luminance alone; the result's luminance is combined with the content's
colour channels (I, Q). The style's brush strokes arrive, its palette does not.

**Random features**: without the ImageNet weights, a VGG19 with random (He-initialised)
weights still transfers some texture — [He, Wang & Hopcroft
(2016)](https://arxiv.org/abs/1606.04801) showed how far random filters go — but the result
looks far less like a painting: what the trained filters learned matters.
""",
    "model_header": "Network",
    "weights": "VGG19 weights",
    "weights_imagenet": "ImageNet (trained)",
    "weights_random": "random features (no download)",
    "pooling": "Pooling",
    "pool_max": "max (the network's own)",
    "pool_avg": "average (the paper's suggestion)",
    "weights_missing": "The VGG19 ImageNet weights are not on this machine, so the page uses "
    "random features. To get the real ones, download **{url}** and place the file "
    "**{file}** in **{directory}** (torchvision fetches it there itself when the machine is "
    "online: pick *ImageNet* above).",
    "weights_failed": "The VGG19 ImageNet weights cannot be loaded: {error}",
    "use_random": "Use random features instead",
    "content_header": "Content image",
    "style_header": "Style image",
    "style2_header": "Second style image",
    "blend_on": "Blend a second style image",
    "blend": "Weight of the second style",
    "settings_header": "Settings",
    "size": "Output size (longer side, px)",
    "size_help": "The content's aspect ratio is kept. Time and memory grow with the square of "
    "the size.",
    "ratio": "Style weight (content weight 1)",
    "ratio_help": "How strongly the style counts against the content: 10^k.",
    "content_layer": "Content layer",
    "layer_weights": "Style layer weights",
    "tv": "Total-variation weight",
    "tv_help": "Penalises differences between neighbouring pixels: smooths noise, blurs detail.",
    "optimizer": "Optimiser",
    "opt_lbfgs": "L-BFGS (the paper's)",
    "opt_adam": "Adam",
    "steps": "Steps (one forward + backward pass each)",
    "lr": "Adam learning rate",
    "init": "Start from",
    "init_content": "content image",
    "init_style": "style image",
    "init_noise": "white noise",
    "colour": "Preserve the content's colours (luminance-only transfer)",
    "seed": "Seed (noise start)",
    "precision": "Precision",
    "prec_auto": "auto",
    "prec_fp32": "fp32",
    "prec_bf16": "bf16",
    "cost": "{steps} steps at {h}×{w} px: {steps} forward + backward passes through VGG19 up "
    "to {last}.",
    "run_header": "Run",
    "start": "Start style transfer",
    "stop": "Stop",
    "resume": "Resume",
    "discard": "New run",
    "running_note": "Settings are fixed while a run exists; *New run* unlocks them.",
    "progress": "Step {done}/{total} · {per:.2f} s per step · about {eta:.0f} s left",
    "result": "Result after {step} steps",
    "start_caption": "Start: step 0",
    "snapshots": "Every few steps",
    "snapshot": "step {step}",
    "loss_chart": "Losses (weighted, log scale)",
    "finished": "Finished: {steps} steps in {seconds:.1f} s ({precision}, {device}).",
    "stopped": "Stopped after {done} of {total} steps. Resume, or download the image as it is.",
    "diverged": "The optimisation stopped: {message}.",
    "download": "Download the image (PNG)",
    "error": "This cannot be run: {error}",
    "no_images": "Pick or upload a content and a style image.",
    "explain_header": "Look inside",
    "gram_tab": "Gram matrices",
    "recon_tab": "Reconstructions (the paper's Figure 1)",
    "gram_layer": "Layer",
    "gram_channels": "Channels shown",
    "gram_note": "Each Gram matrix is computed at {size} px with the network in fp32. Bright "
    "cells: channel pairs that fire together. Two images with similar textures have similar "
    "Gram matrices even when nothing is in the same place.",
    "gram_content": "Content · {layer} · first {n} of {c} channels",
    "gram_style": "Style · {layer} · first {n} of {c} channels",
    "gram_diff": "Mean squared difference of the full {c}×{c} matrices (the style loss of "
    "this layer at the start): {mse:.4g}",
    "recon_intro": "Start from noise and match only one thing: the content image's feature maps "
    "at one layer (top row), or the style image's Gram matrices over a growing set of layers "
    "(bottom row). Low layers give the pixels back; high layers keep the arrangement "
    "(content) or larger-scale textures (style).",
    "recon_size": "Size (px)",
    "recon_steps": "L-BFGS steps each",
    "recon_run": "Compute the reconstructions",
    "recon_cost": "{n} small optimisations of {steps} steps each at {size} px.",
    "recon_progress": "Reconstruction {done}/{total}",
    "recon_content_row": "Content reconstructions from one layer",
    "recon_style_row": "Style reconstructions from growing layer sets",
    "recon_caption": "{layers} · loss {loss:.3g}",
}
