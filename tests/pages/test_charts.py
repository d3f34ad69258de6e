"""Chart builders that produce files (downloads)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from dashboard import charts


def test_map_png_scales_cells_and_uses_the_colour_scale_ends():
    values = np.array([[0.0, 1.0], [0.5, 0.25]])
    img = Image.open(io.BytesIO(charts.map_png(values, scale=4)))
    assert img.size == (8, 8) and img.mode == "RGB"
    lo, hi = img.getpixel((0, 0)), img.getpixel((7, 0))
    assert lo != hi  # min and max get the two ends of Viridis
    assert img.getpixel((3, 3)) == lo  # one cell = 4x4 identical pixels


def test_map_png_signed_centres_zero_on_white():
    img = Image.open(io.BytesIO(charts.map_png(np.array([[-1.0, 0.0, 1.0]]), scale=1, signed=True)))
    r, g, b = img.getpixel((1, 0))
    assert min(r, g, b) > 200  # RdBu's middle is (near) white
