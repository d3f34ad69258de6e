"""Hand-made convolution kernels: the presets of the Layers page's convolution walk-through.

Weights are for cross-correlation (what CNN layers and ``F.conv2d`` compute): the kernel is
applied as written, not flipped. numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEFAULT_FILTER_BANK",
    "KernelPreset",
    "KERNELS",
]



@dataclass(frozen=True)
class KernelPreset:
    """A named hand-made kernel for the Layers page."""

    key: str  # the KERNELS key
    title: str  # short label, e.g. "Sobel x"
    description: str  # 1-2 sentences: what it detects or does
    weights: np.ndarray  # (k, k) float64, read-only


def _preset(key: str, title: str, description: str, weights, scale: float = 1) -> KernelPreset:
    w = np.array(weights, dtype=np.float64) / scale
    w.setflags(write=False)  # shared module constant: nobody may edit it in place
    return KernelPreset(key, title, description, w)


_BINOMIAL_3 = np.outer([1, 2, 1], [1, 2, 1])  # sums to 16
_BINOMIAL_5 = np.outer([1, 4, 6, 4, 1], [1, 4, 6, 4, 1])  # sums to 256

KERNELS: dict[str, KernelPreset] = {
    p.key: p
    for p in (
        _preset(
            "identity", "Identity",
            "Copies the centre pixel and ignores its neighbours, so the output is the input "
            "itself: a baseline to compare the other maps with.",
            [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
        ),
        _preset(
            "sobel_x", "Sobel x",
            "Finds vertical edges: positive where the image gets brighter from left to right, "
            "negative where it gets darker. The centre row counts double, which smooths noise.",
            [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
        ),
        _preset(
            "sobel_y", "Sobel y",
            "Finds horizontal edges: positive where the image gets brighter from top to bottom, "
            "negative where it gets darker.",
            [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
        ),
        _preset(
            "laplacian", "Laplacian (4-neighbour)",
            "A high-pass filter: four times the pixel minus its four direct neighbours. Flat "
            "areas give 0; edges, lines and spots in every direction light up.",
            [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],
        ),
        _preset(
            "outline", "Outline (8-neighbour Laplacian)",
            "Eight times the pixel minus all eight neighbours: a stronger high-pass filter "
            "that also reacts to diagonal detail and draws outlines.",
            [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
        ),
        _preset(
            "sharpen", "Sharpen",
            "The image plus its 4-neighbour Laplacian: flat areas stay the same while edges "
            "get extra contrast.",
            [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        ),
        _preset(
            "box_blur", "Box blur 3×3",
            "Replaces each pixel by the plain average of its 3×3 neighbourhood, softening "
            "edges and noise.",
            np.ones((3, 3)), 9,
        ),
        _preset(
            "gaussian_blur", "Gaussian blur 3×3",
            "A weighted average that trusts the centre most (weights 1-2-1 in each direction, "
            "divided by 16): a gentler, rounder blur than the box.",
            _BINOMIAL_3, 16,
        ),
        _preset(
            "gaussian_blur_5", "Gaussian blur 5×5",
            "The 5×5 binomial filter (1-4-6-4-1 in each direction, divided by 256): a wider, "
            "smooth blur close to a true Gaussian.",
            _BINOMIAL_5, 256,
        ),
        _preset(
            "emboss", "Emboss",
            "Compares the lower-right neighbours with the upper-left ones, so edges look "
            "raised or sunken as if lit from one side.",
            [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
        ),
        _preset(
            "prewitt_x", "Prewitt x",
            "Like Sobel x, a left-to-right brightness change detector, but every row counts "
            "the same.",
            [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
        ),
        _preset(
            "prewitt_y", "Prewitt y",
            "Like Sobel y, a top-to-bottom brightness change detector, but every column "
            "counts the same.",
            [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
        ),
    )
}
DEFAULT_FILTER_BANK = ("sobel_x", "sobel_y", "laplacian", "sharpen")  # the notes' "4 filters"
