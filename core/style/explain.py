"""Style-transfer explainers: the Gram matrices of one layer, and the paper's Figure 1
reconstructions (content from single layers, style from growing layer sets).

Gatys, Ecker & Bethge (2016), "Image Style Transfer Using Convolutional Neural Networks",
CVPR 2016, https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html
(Figure 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import nn

from core.checks import InputError
from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD
from core.style.losses import gram_matrix
from core.style.transfer import (
    CONTENT_LAYERS,
    STYLE_LAYERS,
    StyleConfig,
    StyleTransfer,
    output_size,
    to_batch,
)
from core.style.vgg import CONV_LAYERS, extract, layer_index, truncate

__all__ = ["CONTENT_LAYERS", "STYLE_LAYERS", "Reconstruction", "figure1_style_sets",
           "gram_for_layer", "reconstruct"]


def gram_for_layer(features: nn.Sequential, img: Image.Image, layer: str, *, size: int = 256,
                   pooling: str = "max") -> np.ndarray:
    """The (C, C) Gram matrix (float32, see `gram_matrix`) of ``img``'s ``layer`` features.

    Runs the shared network read-only in float32 (no gradients) at longer side ``size``.
    """
    net = truncate(features, last_layer=layer, pooling=pooling)
    device = next(features.parameters()).device
    x = to_batch(img, output_size(img, size)).to(device)
    mean = torch.tensor(IMAGENET_MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=device).view(1, 3, 1, 1)
    with torch.no_grad():
        feats = extract(net, (x - mean) / std, [layer])[layer]
        return gram_matrix(feats)[0].cpu().numpy()


@dataclass(frozen=True)
class Reconstruction:
    layers: tuple[str, ...]
    image: np.ndarray  # (H, W, 3) uint8
    loss: float  # the final weighted loss


def figure1_style_sets() -> list[tuple[str, ...]]:
    """The paper's Figure 1 style sets: conv1_1; conv1_1+conv2_1; ... up to conv5_1."""
    return [STYLE_LAYERS[: i + 1] for i in range(len(STYLE_LAYERS))]


def reconstruct(features: nn.Sequential, img: Image.Image, *, content_layer: str | None = None,
                style_layers: tuple[str, ...] = (), size: int = 96, steps: int = 40,
                seed: int = 0, pooling: str = "max", precision: str = "auto") -> Reconstruction:
    """What one layer's features (content) or a set of layers' Grams (style) keep of ``img``.

    Starts from noise and matches only the features of ``content_layer`` (Figure 1's content
    reconstructions: low layers give the pixels back, high layers keep the arrangement but lose
    the exact pixels), or only the Grams of ``style_layers`` (style reconstructions: textures
    at growing scales, the arrangement gone). Give exactly one of the two. Small ``size`` and
    few L-BFGS ``steps`` keep it quick.
    """
    if (content_layer is None) == (not style_layers):
        raise InputError("give either content_layer or style_layers, got "
                         f"content_layer={content_layer!r}, style_layers={style_layers!r}",
                         "reconstruct_one_target", content=repr(content_layer),
                         style=repr(style_layers))
    if content_layer is not None:
        config = StyleConfig(content_weight=1.0, style_weight=0.0, content_layer=content_layer,
                             init="noise", steps=steps, seed=seed, size=size, pooling=pooling,
                             precision=precision)
        layers: tuple[str, ...] = (content_layer,)
    else:
        unknown = [name for name in style_layers if name not in CONV_LAYERS]
        if unknown:
            layer_index(unknown[0])
        config = StyleConfig(content_weight=0.0, style_layers=dict.fromkeys(style_layers, 1.0),
                             init="noise", steps=steps, seed=seed, size=size, pooling=pooling,
                             precision=precision)
        layers = tuple(style_layers)
    run = StyleTransfer(features, img, img, config)
    run.run_steps(steps)
    return Reconstruction(layers, run.image(), run.history[-1].total if run.history else math.nan)
