"""Occlusion page text (English)."""

EN = {
    "title": "Occlusion",
    "intro": "Cover part of the image, slide the patch across it, and watch the network's "
    "answer change: where does the evidence for its decision lie?",
    "theory_title": "Theory: occlusion experiments",
    "theory": """
Zeiler & Fergus (2014, [Visualizing and Understanding Convolutional
Networks](https://arxiv.org/abs/1311.2901), Fig. 7) asked a simple question: if part of the
image is hidden, does the network still see the object? The procedure:

1. Cover a square of the image (the **occluder**) with a neutral value — black, the dataset's
   mean colour, a blurred copy of the image, or noise.
2. Run the trained network and record its class probabilities.
3. Slide the occluder by the **stride** and repeat, until it has visited the whole image.

The **probability map** shows, for each occluder position, how likely the target class still
is; where it drops, the covered region mattered. The **predicted-class map** shows which class
wins at each position — covering a digit's stroke can turn a 7 into a 1. The cost is one
forward pass per position, so small strides on large images get expensive. The method needs no
gradients and treats the model as a black box; its results depend on the occluder's size and
value. The same map is what Captum calls `Occlusion` attribution (we check ours against it).
""",
    "model": "Model",
    "model_active": "active model (sidebar)",
    "model_resnet18": "ImageNet ResNet-18",
    "model_vgg16": "ImageNet VGG-16",
    "weights_missing": "The ImageNet weights are not available: {error}",
    "estimate": "Estimated time: about {seconds:.1f} s.",
    "overlay_title": "Drop in P({target}) over the image (per pixel, averaged over the windows "
    "covering it — Captum's form)",
    "no_model": "No model is available for this dataset yet: train one on the Train page or "
    "pick the digits dataset in the sidebar.",
    "error": "This cannot be computed: {error}",
    "window": "Occluder size (px)",
    "stride": "Stride (px)",
    "baseline": "Occluder value",
    "base_zero": "black",
    "base_mean": "dataset mean",
    "base_blur": "blurred image",
    "base_noise": "noise",
    "target": "Target class",
    "target_pred": "predicted",
    "target_true": "true",
    "target_chosen": "choose",
    "chosen": "Class",
    "cost": "{rows} × {cols} = {positions:,} occluder positions: **{passes:,}** forward passes "
    "(one per position, plus the unoccluded image).",
    "run": "Run the occlusion experiment",
    "auto_note": "Small experiments run as soon as a setting changes; larger ones wait for the "
                 "button.",
    "progress": "{done}/{total} positions",
    "summary": "Unoccluded: **{cls}** with probability {p:.1%} (target **{target}**). "
    "{passes:,} forward passes in {seconds:.2f} s.",
    "prob_title": "P({target}) with the occluder at each position",
    "drop_title": "Drop in P({target}) (red: the region mattered)",
    "class_title": "Most probable class with the occluder at each position",
    "walk_header": "Walk through the procedure",
    "position": "Occluder position",
    "walk_image": "Occluded input at position ({r}, {c})",
    "walk_scores": "Class probabilities at this position",
    "precision": "Arithmetic",
    "precision_auto": "fast",
    "precision_fp32": "exact (fp32)",
    "precision_help": "Fast uses bfloat16 where this CPU computes it natively (maps within about "
    "0.002 of the exact ones); exact uses 32-bit floats throughout.",
    "how": "Computed in {precision}; {incremental}",
    "how_fp32": "32-bit floats (exact)",
    "how_bf16": "bfloat16 (fast; within about 0.002 of exact)",
    "how_incremental_True": "each position recomputed only the part of each layer the occluder "
    "changes (the rest is reused from the unoccluded pass).",
    "how_incremental_False": "each position ran through the whole network.",
    "download_png": "Probability map (PNG)",
    "download_npy": "Probability map (.npy)",
    "download_csv": "Maps (CSV)",
}
