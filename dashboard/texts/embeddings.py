"""Embeddings page text (English)."""

EN = {
    "title": "Embeddings",
    "intro": "How the active model organises the data: the feature vectors of a dataset split, "
    "reduced to 2-D or 3-D, next to the same map of the raw pixels.",
    "theory_title": "Theory: feature vectors, PCA and t-SNE",
    "theory": """
Before its last layer, a CNN turns every image into a **feature vector** (here 128 numbers for
the small CNN). Training arranges these vectors so that one linear layer can separate the
classes. To *see* that arrangement we project the vectors to 2 or 3 dimensions:

* **PCA** (principal component analysis) keeps the directions of largest variance: a linear
  projection; the explained variance says how much of the spread the picture keeps.
* **t-SNE** (van der Maaten & Hinton, 2008, [JMLR](https://jmlr.org/papers/v9/vandermaaten08a.html))
  places points so that neighbours stay neighbours. It is non-linear: cluster sizes and the
  distances *between* clusters mean little, and the *perplexity* (roughly, how many neighbours
  each point cares about) changes the picture — see Wattenberg, Viégas & Johnson (2016),
  [How to Use t-SNE Effectively](https://distill.pub/2016/misread-tsne/). We use openTSNE's
  FFT-accelerated implementation (Poličar, Stražar & Zupan, 2024) after reducing to 50
  dimensions with PCA.

Two numbers tell how faithful a map is: **trustworthiness** (k = 10; 1.0 means the map's
nearest neighbours are also neighbours in the original space) and the **k-NN accuracy** of
classifying each point by its neighbours *in the map*. Compare learned features with raw
pixels to see what training changed.
""",
    "no_model": "No model is available for this dataset yet: train one on the Train page or "
    "pick the digits dataset in the sidebar.",
    "error": "This cannot be computed: {error}",
    "layer": "Layer",
    "mode": "Conv layer vectors",
    "mode_gap": "global average pool (C values)",
    "mode_flatten": "flatten (C × H × W values)",
    "split": "Split",
    "split_test": "test",
    "split_train": "train",
    "count": "Images",
    "method": "Method",
    "dims": "Dimensions",
    "perplexity": "Perplexity",
    "iterations": "Iterations",
    "seed": "Seed",
    "raw": "Also map the raw pixels",
    "compute": "Compute",
    "count_note": "Using the first {n:,} of the {total:,} {split} images (all of them when the "
    "slider is at its maximum).",
    "slow_3d": "3-D t-SNE uses the slower Barnes-Hut method: with this many images it can take "
    "a minute or more. 2-D is several times faster.",
    "cap_note": "t-SNE is capped at {cap:,} images here to stay interactive.",
    "progress": "{what}: {done}/{total}",
    "features_of": "Features: {layer} ({d} values per image)",
    "pixels": "Raw pixels ({d} values per image)",
    "quality": "trustworthiness {trust:.3f} · k-NN accuracy in the map {knn:.1%} · {seconds:.1f} s",
    "variance": "explained variance {parts} (total {total:.1%})",
    "colour": "Colour by",
    "colour_label": "true class",
    "colour_pred": "predicted class",
    "colour_correct": "correct / incorrect",
    "point": "Selected image (click a point, or type its index)",
    "point_caption": "#{index} · true {label} · predicted {pred} ({p:.1%})",
    "neighbours": "Its {k} nearest neighbours in feature space",
    "open_occlusion": "Open this image on the Occlusion page",
    "open_saliency": "Open this image on the Saliency page",
    "download": "Download the coordinates (CSV)",
    "press_compute": "Choose the settings and press Compute.",
}
