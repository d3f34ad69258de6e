"""The dashboard's shared helpers that need no running app: image identity, the card Protocol."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from core.checks import InputError
from dashboard import cache, errors, texts, widgets


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


def test_error_message_translates_bad_input_but_does_not_frame_other_errors():
    keyed = InputError("stride must be >= 1, got (0, 0)", "pair_min", name="stride",
                       value=(0, 0), low=1)
    assert errors.message(keyed, "en") != str(keyed)
    assert errors.message(keyed, "en").startswith("The stride")
    offline = RuntimeError("MNIST is not downloaded: put the files in /data/mnist")
    for lang in ("en", "es"):
        assert errors.message(offline, lang) == str(offline)  # not framed as a bad input


def test_default_training_progress_in_both_languages():
    from core.train.training import Progress

    p = Progress(epoch=2, epochs=6, step=3, steps_per_epoch=10, total_steps=60, done_steps=13,
                 samples_per_s=100.0, eta_s=4.0, last_loss=0.123)
    assert cache._progress_text(p, "en") == "epoch 2/6, loss 0.123"
    spanish = texts.get("common", "es")["default_progress"].format(epoch=2, epochs=6,
                                                                     loss="0,123")
    assert cache._progress_text(p, "es") == spanish
