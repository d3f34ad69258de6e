"""The dashboard's shared helpers that need no running app: image identity, the card Protocol."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from core.models import imagenet
from dashboard import cache, widgets


def test_image_id_is_content_dtype_and_shape():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert widgets.image_id(a) == widgets.image_id(a.copy())
    assert len(widgets.image_id(a)) == 40  # a full sha1
    assert widgets.image_id(torch.from_numpy(a)) == widgets.image_id(a)  # tensor or array
    assert widgets.image_id(a.T.copy()) != widgets.image_id(a)  # shape
    assert widgets.image_id(a.reshape(4, 3)) != widgets.image_id(a)  # same bytes, other shape
    assert widgets.image_id(a.astype(np.float64)) != widgets.image_id(a)  # dtype
    b = a.copy()
    b[2, 3] += 1
    assert widgets.image_id(b) != widgets.image_id(a)  # content
    assert widgets.image_id(a[:, ::2]) == widgets.image_id(np.ascontiguousarray(a[:, ::2]))


def test_image_id_of_pil_images_follows_their_pixels():
    pixels = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    rgb = Image.fromarray(pixels, "RGB")
    assert widgets.image_id(rgb) == widgets.image_id(pixels)
    assert widgets.image_id(rgb.convert("L")) != widgets.image_id(rgb)


def test_both_kinds_of_card_give_what_the_pages_read(trained_default):
    from core.models import cards

    trained = cards.read_card(trained_default)
    net = cache.ImageNetCard("ResNet-18", "resnet18", ["tench"] * 1000, imagenet.IMAGENET_MEAN,
                             imagenet.IMAGENET_STD, imagenet.INPUT_SHAPE)
    for card in (trained, net):
        assert isinstance(card, cache.Card)
    wanted = {"name", "arch", "classes", "input_shape", "mean", "std"}
    members = {n for n in vars(cache.Card) if not n.startswith("_")}
    assert members == wanted
