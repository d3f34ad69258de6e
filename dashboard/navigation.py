"""The page registry: one place that lists the pages, their sections, icons and blurbs.

The entry point builds ``st.navigation`` from it and the home page links to each page, so a
new page is added here once. Only pages that exist are registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageInfo:
    key: str
    section: str
    title: str
    icon: str
    blurb: str


PAGES: tuple[PageInfo, ...] = (
    PageInfo("home", "CNN Lab", "Home", ":material/home:", "What the lab is and where to start."),
    PageInfo(
        "layers",
        "Learn",
        "Layers",
        ":material/layers:",
        "Convolution by hand (kernels, ReLU, pooling), the feature maps and filters of the "
        "active model, what a channel responds to, and softmax/dropout/flatten explainers.",
    ),
    PageInfo(
        "pooling",
        "Learn",
        "Pooling Calculator",
        ":material/grid_view:",
        "Max, average and global pooling on a matrix you edit: output sizes, every window, "
        "and where max pooling sends the gradient.",
    ),
    PageInfo(
        "train",
        "Train",
        "Train",
        ":material/model_training:",
        "Train a CNN live (SGD, momentum or Adam), evaluate it with a clickable confusion "
        "matrix, keep it in the model library, and watch optimisers race on a loss surface.",
    ),
    PageInfo(
        "embeddings",
        "Interpret",
        "Embeddings",
        ":material/scatter_plot:",
        "PCA and t-SNE maps of the active model's feature vectors beside the raw pixels, with "
        "their quality, each point's image and its nearest neighbours.",
    ),
    PageInfo(
        "occlusion",
        "Interpret",
        "Occlusion",
        ":material/select:",
        "Slide a patch over the image and map how the active model's answer changes: "
        "probability, its drop, and the winning class at every occluder position.",
    ),
    PageInfo(
        "saliency",
        "Interpret",
        "Saliency",
        ":material/gradient:",
        "Gradient maps side by side — vanilla, guided backprop, SmoothGrad, Integrated "
        "Gradients, Grad-CAM — and a sanity check that randomises the model layer by layer.",
    ),
    PageInfo(
        "style_transfer",
        "Create",
        "Style Transfer",
        ":material/palette:",
        "Gatys et al. with VGG19: one photo in the style of another, live, with the Gram "
        "matrices and the paper's layer-by-layer reconstructions that explain it.",
    ),
)


def page(key: str) -> st.Page:
    """The ``st.Page`` for a registered page key."""
    info = next(p for p in PAGES if p.key == key)
    return st.Page(
        str(PAGES_DIR / f"{info.key}.py"),
        title=info.title,
        icon=info.icon,
        url_path=info.key if info.key != "home" else None,
        default=info.key == "home",
    )


def sections() -> dict[str, list[st.Page]]:
    """Pages grouped by section, in registry order, for ``st.navigation``."""
    grouped: dict[str, list[st.Page]] = {}
    for info in PAGES:
        grouped.setdefault(info.section, []).append(page(info.key))
    return grouped
