"""Bundled sample images: two photos that ship with scikit-learn and a few generated ones.

Everything here works offline and without torch. Images come back as 8-bit PIL images
("RGB" or "L"), the same contract as ``core.data.images.decode_image``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from core.checks import InputError, plain

__all__ = [
    "Sample",
    "sample_image",
    "SAMPLES",
]



@dataclass(frozen=True)
class Sample:
    key: str
    title: str
    source: str  # where it comes from (credit)


SAMPLES: dict[str, Sample] = {
    s.key: s
    for s in (
        Sample("shapes", "Shapes (generated)", "drawn by CNN Lab"),
        Sample("china", "Temple in China (photo)", "scikit-learn sample image, public domain"),
        Sample("flower", "Flower (photo)", "scikit-learn sample image, public domain"),
        Sample("checkerboard", "Checkerboard (generated)", "drawn by CNN Lab"),
        Sample("gradient", "Gradient and stripes (generated)", "drawn by CNN Lab"),
    )
}
_SIZE = 128  # side of the generated images


def sample_image(key: str) -> Image.Image:
    """A bundled sample image by key (see ``SAMPLES``).

    Returns:
        A new 8-bit PIL image: the photos are RGB 640x427, the generated ones 128x128.
    """
    if key not in SAMPLES:
        raise InputError(f"unknown sample image {key!r}; samples: {', '.join(SAMPLES)}",
                         "choice", name="sample", value=plain(key), choices=tuple(SAMPLES))
    if key in ("china", "flower"):
        import sklearn.datasets  # only for the photos: its import costs ~0.5 s

        path = Path(sklearn.datasets.__file__).parent / "images" / f"{key}.jpg"
        with Image.open(path) as img:
            return img.convert("RGB")
    return _GENERATED[key]()


def _shapes() -> Image.Image:
    img = Image.new("L", (_SIZE, _SIZE), 0)
    draw = ImageDraw.Draw(img)
    draw.rectangle((14, 14, 58, 58), fill=255)  # a square: straight vertical/horizontal edges
    draw.ellipse((70, 20, 114, 64), fill=180)  # a disc: edges in every direction
    draw.polygon([(20, 114), (64, 72), (108, 114)], fill=120)  # a triangle: diagonal edges
    return img


def _checkerboard() -> Image.Image:
    r, c = np.indices((_SIZE, _SIZE)) // 16  # (S, S) square indices
    return Image.fromarray(((r + c) % 2 * 255).astype(np.uint8), mode="L")


def _gradient() -> Image.Image:
    x = np.linspace(0, 255, _SIZE)
    top = np.tile(x, (_SIZE // 2, 1))  # (S/2, S) left-to-right ramp
    stripes = np.tile((np.arange(_SIZE) // 8 % 2) * 255.0, (_SIZE // 2, 1))  # vertical stripes
    return Image.fromarray(np.vstack([top, stripes]).astype(np.uint8), mode="L")


_GENERATED = {"shapes": _shapes, "checkerboard": _checkerboard, "gradient": _gradient}
