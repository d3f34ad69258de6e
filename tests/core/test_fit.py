"""core.data.fit: images converted to a model's channels and size, against trusted references."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision.transforms.v2.functional as TF
from PIL import Image

from core.checks import InputError
from core.data.fit import fit_input

MEAN3, STD3 = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def _images(n: int, c: int, h: int, w: int, seed: int = 0) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 256, (n, c, h, w), generator=gen, dtype=torch.uint8)


def test_nothing_to_do_is_plain_normalisation():
    images = _images(3, 1, 8, 8)
    fit = fit_input((1, 8, 8), (1, 8, 8), mean=(0.5,), std=(0.25,))
    assert fit.steps == ()
    assert torch.equal(fit.pixels(images), images)
    torch.testing.assert_close(fit(images), (images.float() / 255 - 0.5) / 0.25)


def test_grey_to_rgb_copies_the_channel_and_normalises_per_channel():
    images = _images(2, 1, 5, 5)
    fit = fit_input((1, 5, 5), (3, 5, 5), mean=MEAN3, std=STD3)
    assert fit.steps == ("grey_to_rgb",)
    assert torch.equal(fit.pixels(images), images.repeat(1, 3, 1, 1))
    expected = TF.normalize(images.repeat(1, 3, 1, 1).float() / 255, MEAN3, STD3)
    torch.testing.assert_close(fit(images), expected)


def test_rgb_to_grey_is_pillows_luma():
    images = _images(1, 3, 6, 7)
    fit = fit_input((3, 6, 7), (1, 6, 7), mean=(0.0,), std=(1.0,))
    assert fit.steps == ("rgb_to_grey",)
    pil = Image.fromarray(images[0].permute(1, 2, 0).numpy(), "RGB").convert("L")
    ours = fit.pixels(images)[0, 0].numpy().astype(int)
    assert np.abs(ours - np.asarray(pil, dtype=int)).max() <= 1  # Pillow rounds in integers


def test_resize_halves_by_averaging_and_matches_torchvision():
    square = torch.tensor([[[[0, 100], [200, 40]]]], dtype=torch.uint8)  # (1, 1, 2, 2)
    half = fit_input((1, 2, 2), (1, 1, 1), mean=(0.0,), std=(1.0,))
    assert half.steps == ("resize",)
    assert half.pixels(square).item() == 85  # (0 + 100 + 200 + 40) / 4
    images = _images(2, 3, 28, 28)
    fit = fit_input((3, 28, 28), (3, 64, 64), mean=MEAN3, std=STD3)
    expected = TF.normalize(TF.resize(images.float(), [64, 64], antialias=True) / 255,
                            MEAN3, STD3)
    torch.testing.assert_close(fit(images), expected, atol=1e-5, rtol=1e-5)


def test_digits_to_an_imagenet_model_does_both_and_keeps_the_input():
    images = _images(4, 1, 28, 28)
    before = images.clone()
    fit = fit_input(images.shape[1:], (3, 224, 224), mean=MEAN3, std=STD3)
    assert fit.steps == ("grey_to_rgb", "resize")
    x = fit(images)
    assert x.shape == (4, 3, 224, 224) and x.dtype == torch.float32
    assert fit.pixels(images[0]).shape == (3, 224, 224)  # one (C, H, W) image too
    assert torch.equal(images, before)


@pytest.mark.parametrize("source, target, mean, std, key", [
    ((2, 8, 8), (3, 8, 8), MEAN3, STD3, "fit_shape"),
    ((1, 0, 8), (3, 8, 8), MEAN3, STD3, "fit_shape"),
    ((1, 8, 8), (3, 8, 8), (0.5,), (0.2,), "fit_mean_std"),
    ((1, 8, 8), (1, 8, 8), (0.5,), (0.0,), "fit_mean_std"),
])
def test_bad_shapes_and_statistics_are_input_errors(source, target, mean, std, key):
    with pytest.raises(InputError) as info:
        fit_input(source, target, mean=mean, std=std)
    assert info.value.key == key


def test_images_of_another_shape_are_refused():
    fit = fit_input((1, 8, 8), (3, 16, 16), mean=MEAN3, std=STD3)
    with pytest.raises(InputError) as info:
        fit(_images(1, 1, 9, 9))
    assert info.value.key == "fit_source_shape"
