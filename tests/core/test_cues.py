"""Planted cues: stamped exactly where they say, deterministic for a seed, the clean data
untouched."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.checks import InputError
from core.data import cues, datasets


def _black(n=3, c=1, s=10):
    return torch.zeros(n, c, s, s, dtype=torch.uint8)


@pytest.mark.parametrize("corner, rows, cols", [
    ("top_left", slice(1, 4), slice(1, 4)),
    ("top_right", slice(1, 4), slice(6, 9)),
    ("bottom_left", slice(6, 9), slice(1, 4)),
    ("bottom_right", slice(6, 9), slice(6, 9)),
])
def test_square_is_stamped_in_its_corner_one_pixel_in(corner, rows, cols):
    images = _black()
    out, masks = cues.Cue("square", corner=corner, size=3).stamp(images, [0, 1, 2])
    expected = torch.zeros(10, 10, dtype=torch.bool)
    expected[rows, cols] = True
    assert torch.equal(masks, expected.expand(3, 10, 10))
    assert torch.equal(out[:, 0], torch.where(expected, 255, 0).to(torch.uint8).expand(3, 10, 10))
    assert images.eq(0).all()  # the input is not modified


def test_default_sizes_follow_the_image_side():
    assert cues.Cue("square").pixels(28) == 4  # round(0.15 * 28)
    assert cues.Cue("square").pixels(8) == 2  # at least 2
    assert cues.Cue("frame").pixels(28) == 2  # round(28 / 14)
    assert cues.Cue("frame").pixels(10) == 1
    with pytest.raises(InputError, match="at most 14 px"):
        cues.Cue("square", size=15).pixels(28)


def test_frame_covers_the_border_in_its_colour():
    rgb = torch.full((2, 3, 6, 6), 7, dtype=torch.uint8)
    out, masks = cues.Cue("frame", size=2, colour="red").stamp(rgb, [0, 1])
    inner = torch.zeros(6, 6, dtype=torch.bool)
    inner[2:4, 2:4] = True
    assert torch.equal(masks[0], ~inner)
    assert out[:, 0][masks].eq(255).all()
    assert out[:, 1:][masks[:, None].expand(2, 2, 6, 6)].eq(0).all()
    assert out[:, :, 2:4, 2:4].eq(7).all()
    grey, _ = cues.Cue("frame", size=1, colour="yellow").stamp(_black(1, 1, 6), [0])
    assert grey[0, 0, 0, 0] == round(0.299 * 255 + 0.587 * 255)  # BT.601 luma of yellow: 226


def _snow_reference(images: torch.Tensor, indices, seed, density, stream_id):
    """The snow rule written out image by image, pixel by pixel."""
    x = images.numpy().astype(int)
    out = []
    for img, i in zip(x, indices, strict=True):
        c, h, w = img.shape
        border = [img[:, r, q] for r in range(h) for q in range(w)
                  if r in (0, h - 1) or q in (0, w - 1)]
        colour = np.median(np.array(border), axis=0)  # (C,)
        flakes = np.random.default_rng((seed, stream_id, i)).random((h, w)) < density
        mask = np.zeros((h, w), bool)
        for r in range(h):
            for q in range(w):
                background = all(abs(img[k, r, q] - colour[k]) <= cues.BACKGROUND_TOL
                                 for k in range(c))
                mask[r, q] = background and flakes[r, q]
        out.append(mask)
    return np.stack(out)


def test_snow_falls_on_the_background_only_as_seeded():
    train, _ = datasets.load_digits()
    images, idx = train.images[:6], [10, 11, 12, 13, 14, 15]
    cue = cues.Cue("snow", density=0.3, seed=5)
    out, masks = cue.stamp(images, idx, "train")
    assert np.array_equal(masks.numpy(), _snow_reference(images, idx, 5, 0.3, 0))
    stroke = images[:, 0] > cues.BACKGROUND_TOL  # digits: black background, bright stroke
    assert not (masks & stroke).any() and masks.any()
    assert out[:, 0][masks].eq(255).all() and torch.equal(out[:, 0][~masks], images[:, 0][~masks])
    again, masks2 = cue.stamp(images, idx, "train")
    assert torch.equal(again, out) and torch.equal(masks2, masks)
    assert not torch.equal(cues.Cue("snow", density=0.3, seed=6).masks(images, idx), masks)
    assert not torch.equal(cue.masks(images, idx, "test"), masks)


def test_plant_cues_the_chosen_shares_and_leaves_the_clean_split_untouched():
    train, _ = datasets.load_digits()
    before = train.images.clone()
    cue = cues.Cue("square")
    planted = cues.plant(train, cue, 3, share_target=0.5, share_other=0.1, seed=1)
    labels = train.labels
    n3, rest = int((labels == 3).sum()), int((labels != 3).sum())
    assert int(planted.cued[labels == 3].sum()) == int(np.floor(n3 * 0.5 + 0.5))
    assert int(planted.cued[labels != 3].sum()) == int(np.floor(rest * 0.1 + 0.5))
    assert torch.equal(train.images, before)  # the clean model's data
    changed = (planted.dataset.images != train.images).any(1)  # (N, H, W)
    assert not changed[~planted.cued].any()
    assert torch.equal(planted.masks[~planted.cued], torch.zeros_like(planted.masks[~planted.cued]))
    # on a cued image, exactly the mask's pixels are the cue's colour and the rest is as before
    cued = planted.dataset.images[planted.cued][:, 0]
    m = planted.masks[planted.cued]
    assert cued[m].eq(255).all() and torch.equal(cued[~m], train.images[planted.cued][:, 0][~m])
    assert planted.dataset.mean == train.mean and planted.dataset.classes == train.classes
    same = cues.plant(train, cue, 3, share_target=0.5, share_other=0.1, seed=1)
    assert torch.equal(same.cued, planted.cued) and torch.equal(same.dataset.images,
                                                                planted.dataset.images)
    other = cues.plant(train, cue, 3, share_target=0.5, share_other=0.1, seed=2)
    assert not torch.equal(other.cued, planted.cued)


def test_defaults_cue_every_target_image_and_no_other():
    train, _ = datasets.load_digits()
    planted = cues.plant(train, cues.Cue("frame"), 0)
    assert torch.equal(planted.cued, train.labels == 0)


def test_cued_test_images_are_the_other_classes_or_the_target_in_test_order():
    _, test = datasets.load_digits()
    cue = cues.Cue("square")
    sub, masks, idx = cues.cued_test(test, cue, 2, which="swapped", count=7)
    assert torch.equal(idx, torch.nonzero(test.labels != 2).flatten()[:7])
    assert torch.equal(sub.labels, test.labels[idx]) and masks.shape == (7, 28, 28)
    assert torch.equal(sub.images, cue.stamp(test.images[idx], idx, "test")[0])
    own, _, idx2 = cues.cued_test(test, cue, 2, which="target")
    assert own.labels.eq(2).all() and len(idx2) == int((test.labels == 2).sum())
    clean, none = cues.stamp_split(test, idx, None)
    assert torch.equal(clean.images, test.images[idx]) and not none.any()


@pytest.mark.parametrize("make, key", [
    (lambda: cues.Cue("rain"), "choice"),
    (lambda: cues.Cue(corner="middle"), "choice"),
    (lambda: cues.Cue(density=0), "number_between_open"),
    (lambda: cues.Cue(colour="pink"), "choice"),
    (lambda: cues.Cue().stamp(torch.zeros(1, 2, 8, 8, dtype=torch.uint8), [0]), "cue_channels"),
    (lambda: cues.Cue().stamp(torch.zeros(1, 1, 8, 8), [0]), "dataset_images_tensor"),
    (lambda: cues.Cue().stamp(torch.zeros(2, 1, 8, 8, dtype=torch.uint8), [0]), "cue_indices"),
    (lambda: cues.plant(datasets.load_digits()[0], cues.Cue(), 10), "int_between"),
    (lambda: cues.plant(datasets.load_digits()[0], cues.Cue(), 0, share_target=1.5),
     "number_between"),
])
def test_bad_cues_are_refused_with_a_key(make, key):
    with pytest.raises(InputError) as err:
        make()
    assert err.value.key == key
