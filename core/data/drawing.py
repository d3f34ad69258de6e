"""A drawn digit made the way MNIST's digits were made.

LeCun, Cortes & Burges describe MNIST's preprocessing: each NIST digit was size-normalised to
fit a 20×20 box with its aspect ratio kept (anti-aliasing gives grey levels), then placed in a
28×28 field so that its centre of mass lies at the field's centre. :func:`mnist_style` does
the same to a drawing: the ink's bounding box is scaled so its longer side is ``box`` pixels
(area averaging when it shrinks, which keeps the ink's share of each output pixel), pasted into
a ``size``×``size`` field and moved by whole pixels until its centre of mass is within half a
pixel of the field's centre. Whole-pixel moves copy the ink unchanged (a sub-pixel move would
blur it); a move that would push ink out of the field is cut short, so no ink is ever lost.

The scikit-learn digits the default model is trained on fill their whole 8×8 grid, so their
28×28 upscaled images have no margin: :func:`ink_box` measures a dataset's typical box, the
size a drawing should be scaled to for a model trained on it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from core.checks import InputError, check_int

MNIST_SIZE = 28  # the field
MNIST_BOX = 20  # the longer side of the digit's box inside it
# Ink below this (of 1) is anti-aliasing fringe: it does not count towards the bounding box.
INK_THRESHOLD = 0.05


def ink_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """The ink of a canvas image: light strokes on a dark or transparent background.

    Args:
        rgba: (H, W, 4) or (H, W, 3) uint8, as a drawing canvas returns it.
    Returns:
        (H, W) float32 in [0, 1]: the brightest channel times the opacity.
    """
    array = np.asarray(rgba)
    if array.ndim != 3 or array.shape[2] not in (3, 4) or array.dtype != np.uint8:
        raise InputError(f"a drawing must be an (H, W, 3 or 4) uint8 image, got "
                         f"{array.shape} {array.dtype}", key="drawing_shape",
                         shape=list(array.shape), dtype=str(array.dtype))
    ink = array[..., :3].max(axis=2).astype(np.float32) / 255
    if array.shape[2] == 4:
        ink *= array[..., 3].astype(np.float32) / 255
    return ink


def bounding_box(ink: np.ndarray,
                 threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels above ``threshold``, bottom/right exclusive;
    None when there are none."""
    rows = np.flatnonzero((ink > threshold).any(axis=1))
    cols = np.flatnonzero((ink > threshold).any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def centre_of_mass(ink: np.ndarray) -> tuple[float, float]:
    """The ink-weighted mean (row, column), in pixel-index coordinates."""
    total = float(ink.sum())
    rows, cols = np.indices(ink.shape)
    return float((rows * ink).sum() / total), float((cols * ink).sum() / total)


def mnist_style(ink: np.ndarray, *, size: int = MNIST_SIZE,
                box: int = MNIST_BOX) -> np.ndarray | None:
    """The drawing as an MNIST digit: its box scaled to ``box`` px, centred by mass in ``size``.

    Args:
        ink: (H, W) floats in [0, 1], 1 = full ink (:func:`ink_from_rgba`).
        size: the field's side (28 for MNIST).
        box: the longer side of the scaled bounding box, at most ``size`` (20 for MNIST).
    Returns:
        (size, size) float32 in [0, 1], or None when nothing is drawn.
    """
    check_int("size", size, 8, 1024)
    check_int("box", box, 1, size)
    ink = np.asarray(ink, dtype=np.float32)
    if ink.ndim != 2 or not np.isfinite(ink).all():
        raise InputError(f"ink must be a finite (H, W) array, got shape {ink.shape}",
                         key="drawing_ink", shape=list(ink.shape))
    ink = np.clip(ink, 0, 1)
    found = bounding_box(ink)
    if found is None:
        return None
    top, left, bottom, right = found
    crop = ink[top:bottom, left:right]
    h, w = crop.shape
    scale = box / max(h, w)
    th, tw = max(1, round(h * scale)), max(1, round(w * scale))
    # area averaging when shrinking (each output pixel: the mean ink it covers); bilinear for
    # a drawing smaller than the box
    method = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    scaled = np.asarray(Image.fromarray(crop).resize((tw, th), method), np.float32)
    scaled = np.clip(scaled, 0, 1)

    field = np.zeros((size, size), np.float32)
    cy, cx = centre_of_mass(scaled)
    centre = (size - 1) / 2
    # whole-pixel moves, cut short where the box would leave the field
    y0 = int(np.clip(round(centre - cy), 0, size - th))
    x0 = int(np.clip(round(centre - cx), 0, size - tw))
    field[y0:y0 + th, x0:x0 + tw] = scaled
    return field


def to_image(field: np.ndarray) -> Image.Image:
    """A (H, W) float array in [0, 1] as an 8-bit grey image (white ink on black)."""
    return Image.fromarray(np.round(np.clip(field, 0, 1) * 255).astype(np.uint8))


def ink_box(images: np.ndarray, *, threshold: float = INK_THRESHOLD, sample: int = 500) -> int:
    """A dataset's typical digit box: the median longer side of its images' ink boxes.

    Args:
        images: (N, H, W) or (N, 1, H, W) uint8, white ink on black (MNIST gives 20 or so,
            the upscaled scikit-learn digits their full 28).
        sample: at most this many images are measured (the first ones).
    """
    array = np.asarray(images)
    if array.ndim == 4:
        array = array[:, 0]
    sides = []
    for image in array[:sample]:
        found = bounding_box(image.astype(np.float32) / 255, threshold)
        if found is not None:
            top, left, bottom, right = found
            sides.append(max(bottom - top, right - left))
    if not sides:
        raise InputError("the dataset has no ink to measure", key="drawing_no_ink")
    return int(np.median(sides))
