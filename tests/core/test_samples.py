"""Bundled sample images and the image helpers the pages use."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.data import datasets, images, samples


@pytest.mark.parametrize("key", list(samples.SAMPLES))
def test_every_sample_loads_offline(key):
    img = samples.sample_image(key)
    assert img.mode in ("L", "RGB")
    assert min(img.size) >= 64


def test_unknown_sample():
    with pytest.raises(ValueError, match="unknown sample image 'nope'"):
        samples.sample_image("nope")


def test_generated_shapes_are_exact():
    a = np.asarray(samples.sample_image("shapes"))
    assert a[30, 30] == 255 and a[0, 0] == 0  # inside the square, background
    b = np.asarray(samples.sample_image("checkerboard"))
    assert b[0, 0] == 0 and b[0, 16] == 255 and b[16, 16] == 0


def test_prepare_input_equals_dataset_normalisation():
    _, test = datasets.load_digits()
    img = images.tensor_to_image(test.images[5])
    pixels, x = images.prepare_input(img, input_shape=(1, 28, 28), mean=test.mean, std=test.std)
    assert torch.equal(pixels, test.images[5])
    torch.testing.assert_close(x[0], test.normalize(test.images[5]))


def test_prepare_input_converts_channels_and_size():
    rgb = samples.sample_image("flower")
    pixels, x = images.prepare_input(rgb, input_shape=(1, 28, 28), mean=[0.5], std=[0.25])
    assert pixels.shape == (1, 28, 28) and x.shape == (1, 1, 28, 28)
    torch.testing.assert_close(x[0], (pixels.float() / 255 - 0.5) / 0.25)


def test_tensor_to_image_round_trip_and_float_array():
    t = torch.randint(0, 256, (3, 5, 7), dtype=torch.uint8,
                      generator=torch.Generator().manual_seed(0))
    img = images.tensor_to_image(t)
    assert img.mode == "RGB" and img.size == (7, 5)
    arr = images.to_float_array(img)
    np.testing.assert_allclose(arr, t.permute(1, 2, 0).numpy() / 255.0)
    small = images.to_float_array(samples.sample_image("china"), max_side=64)
    assert max(small.shape[:2]) == 64 and small.shape[2] == 3
    with pytest.raises(ValueError, match="uint8"):
        images.tensor_to_image(t.float())
