"""Planted shortcuts: a cue stamped on chosen images, so that a model can learn it instead of
the object (Geirhos et al. 2020, "Shortcut learning in deep neural networks",
https://arxiv.org/abs/2004.07780; the husky-vs-wolf "snow" of Ribeiro, Singh & Guestrin 2016,
https://arxiv.org/abs/1602.04938).

Three cues, each with the exact mask of the pixels it sets:

* ``square``: a small filled square in a fixed corner, one pixel in from the edges;
* ``frame``: a border of a few pixels all round the image;
* ``snow``: seeded speckles on the image's background. The background is every pixel within
  ``BACKGROUND_TOL`` grey levels (in every channel) of the median colour of the image's border
  (for digits, the black around the stroke); each background pixel becomes a flake with
  probability ``density``, drawn from ``numpy.random.default_rng((seed, stream, index))``, so an
  image's snow depends on the cue's seed and the image's place in its split only.

Images stay uint8 tensors and are never modified in place: every function returns new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from core.checks import InputError, check_choice, check_int, check_number
from core.data.datasets import Dataset

__all__ = [
    "BACKGROUND_TOL",
    "COLOURS",
    "CORNERS",
    "Cue",
    "cued_test",
    "CUES",
    "Planted",
    "plant",
    "share_count",
    "stamp_split",
    "STREAMS",
    "WHICH",
]

CUES = ("square", "frame", "snow")
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")
COLOURS = {  # RGB; a grey image gets the colour's luma (ITU-R BT.601), e.g. yellow 226
    "white": (255, 255, 255),
    "yellow": (255, 255, 0),
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "blue": (0, 0, 255),
}
DEFAULT_COLOUR = {"square": "white", "frame": "yellow", "snow": "white"}
STREAMS = ("train", "test")  # which split an image's snow is drawn for
BACKGROUND_TOL = 40  # grey levels from the border's median colour that still count as background
MAX_SIZE_SHARE = 0.5  # a square's side or a frame's width: at most half the image side


@dataclass(frozen=True)
class Cue:
    """What to stamp. ``size``: the square's side or the frame's width in pixels (None: 15% of
    the image side for a square, at least 2; 1/14 for a frame, at least 1); ``colour``: a key of
    COLOURS (None: white for the square and snow, yellow for the frame); ``density``: the share
    of background pixels that become snowflakes; ``seed``: the snow's."""

    kind: str = "snow"
    corner: str = "top_left"
    size: int | None = None
    colour: str | None = None
    density: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        check_choice("cue", self.kind, CUES)
        check_choice("corner", self.corner, CORNERS)
        if self.size is not None:
            check_int("cue size", self.size, 1)
        if self.colour is not None:
            check_choice("colour", self.colour, COLOURS)
        check_number("density", self.density, 0, 1, open_low=True)
        check_int("seed", self.seed, 0, 2**63 - 1)

    def pixels(self, side: int) -> int:
        """The square's side or the frame's width for images ``side`` pixels wide."""
        if self.size is not None:
            size = self.size
        elif self.kind == "frame":
            size = max(1, round(side / 14))
        else:
            size = max(2, round(0.15 * side))
        limit = max(1, int(side * MAX_SIZE_SHARE))
        if size > limit:
            raise InputError(f"cue size must be at most {limit} px for {side} px images, "
                             f"got {size}", "int_max", name="cue size", value=size, high=limit)
        return size

    def rgb(self) -> tuple[int, int, int]:
        return COLOURS[self.colour or DEFAULT_COLOUR[self.kind]]

    def masks(self, images: Tensor, indices: Sequence[int] | Tensor, stream: str = "train"
              ) -> Tensor:
        """(N, H, W) bool: the pixels the cue sets on each of ``images`` (N, C, H, W) uint8,
        the images at ``indices`` of a ``stream`` split (they seed the snow)."""
        images = _check_images(images)
        n, _, h, w = images.shape
        check_choice("stream", stream, STREAMS)
        indices = [int(i) for i in (indices.tolist() if isinstance(indices, Tensor) else indices)]
        if len(indices) != n:
            raise InputError(f"indices must give one index per image ({n}), got {len(indices)}",
                             "cue_indices", count=n, value=len(indices))
        if h != w:
            raise InputError(f"images must be square, got {h}x{w}", "images_not_square",
                             value=(int(h), int(w)))
        if self.kind == "snow":
            return torch.from_numpy(self._snow(images, indices, stream))
        mask = torch.zeros(h, w, dtype=torch.bool)
        size = self.pixels(h)
        if self.kind == "frame":
            mask[:size], mask[-size:], mask[:, :size], mask[:, -size:] = True, True, True, True
        else:
            margin = 1 if size + 1 < h else 0
            top = margin if self.corner.startswith("top") else h - margin - size
            left = margin if self.corner.endswith("left") else w - margin - size
            mask[top:top + size, left:left + size] = True
        return mask.expand(n, h, w).clone()

    def _snow(self, images: Tensor, indices: list[int], stream: str) -> np.ndarray:
        x = images.numpy().astype(np.int16)  # (N, C, H, W)
        border = np.concatenate([x[:, :, 0, :], x[:, :, -1, :], x[:, :, 1:-1, 0],
                                 x[:, :, 1:-1, -1]], axis=2)  # (N, C, 4S - 4)
        colour = np.median(border, axis=2)[:, :, None, None]  # (N, C, 1, 1)
        background = (np.abs(x - colour) <= BACKGROUND_TOL).all(axis=1)  # (N, H, W)
        stream_id = STREAMS.index(stream)
        flakes = np.stack([np.random.default_rng((self.seed, stream_id, i)).random(x.shape[2:])
                           < self.density for i in indices])  # (N, H, W)
        return background & flakes

    def stamp(self, images: Tensor, indices: Sequence[int] | Tensor, stream: str = "train"
              ) -> tuple[Tensor, Tensor]:
        """(cued copies (N, C, H, W) uint8, their masks (N, H, W) bool); see ``masks``."""
        masks = self.masks(images, indices, stream)
        c = images.shape[1]
        r, g, b = self.rgb()
        values = [round(0.299 * r + 0.587 * g + 0.114 * b)] if c == 1 else [r, g, b]
        if len(values) != c:
            raise InputError(f"a cue colours grey or RGB images, got {c} channels",
                             "cue_channels", value=int(c))
        colour = torch.tensor(values, dtype=torch.uint8).view(1, c, 1, 1)
        return torch.where(masks[:, None], colour, images), masks


def _check_images(images) -> Tensor:
    if not isinstance(images, Tensor) or images.dtype != torch.uint8 or images.dim() != 4:
        raise InputError(f"images must be an (N, C, H, W) uint8 tensor, got "
                         f"{getattr(images, 'shape', type(images).__name__)}",
                         "dataset_images_tensor", value=str(getattr(images, "shape", "")),
                         dtype=str(getattr(images, "dtype", type(images).__name__)))
    return images


@dataclass(frozen=True, eq=False)
class Planted:
    """A training split with the cue on some images: ``dataset`` is a new Dataset (the same
    name, classes and normalisation as the clean one), ``cued`` (N,) bool the images that carry
    the cue, ``masks`` (N, H, W) bool its pixels (all False on clean images)."""

    dataset: Dataset
    cued: Tensor
    masks: Tensor


def share_count(count: int, share: float) -> int:
    """How many of ``count`` images ``plant`` cues for a ``share`` (rounded half up)."""
    return min(count, int(np.floor(count * share + 0.5)))


def plant(train: Dataset, cue: Cue, target: int, *, share_target: float = 1.0,
          share_other: float = 0.0, seed: int = 0) -> Planted:
    """Stamp ``cue`` on ``share_target`` of the ``target`` class's images of ``train`` and on
    ``share_other`` of the other classes' (rounded half up), chosen by a permutation seeded by
    ``seed``. ``train`` is not modified (the clean model trains on it as it is)."""
    if not isinstance(cue, Cue):
        raise InputError(f"cue must be a Cue, got {type(cue).__name__}", "cue_type",
                         value=type(cue).__name__)
    target = check_int("target class", target, 0, len(train.classes) - 1)
    shares = (check_number("share of the target class", share_target, 0, 1),
              check_number("share of the other classes", share_other, 0, 1))
    check_int("seed", seed, 0, 2**63 - 1)
    labels = train.labels.numpy()
    rng = np.random.default_rng((seed, 7))
    cued = np.zeros(len(labels), bool)
    for members, share in zip((labels == target, labels != target), shares, strict=True):
        idx = np.flatnonzero(members)
        cued[rng.permutation(idx)[:share_count(len(idx), share)]] = True
    chosen = torch.from_numpy(np.flatnonzero(cued))
    images = train.images.clone()
    masks = torch.zeros(len(labels), *train.images.shape[2:], dtype=torch.bool)
    if len(chosen):
        images[chosen], masks[chosen] = cue.stamp(train.images[chosen], chosen, "train")
    dataset = Dataset(train.name, train.split, images, train.labels, train.classes, train.mean,
                      train.std)
    return Planted(dataset, torch.from_numpy(cued), masks)


def stamp_split(split: Dataset, indices: Sequence[int] | Tensor, cue: Cue | None, *,
                stream: str = "test") -> tuple[Dataset, Tensor]:
    """The images of ``split`` at ``indices`` as a new Dataset, with ``cue`` stamped (None:
    as they are), and the masks (N, H, W) bool of the cue's pixels."""
    idx = torch.as_tensor(indices, dtype=torch.int64).flatten()
    if len(idx) and (idx.min() < 0 or idx.max() >= len(split)):
        raise InputError(f"indices must lie in 0..{len(split) - 1}", "class_index_range",
                         name="indices", value=int(idx.max()), high=len(split) - 1)
    images = split.images[idx]
    if cue is None:
        masks = torch.zeros(len(idx), *images.shape[2:], dtype=torch.bool)
    else:
        images, masks = cue.stamp(images, idx, stream)
    return Dataset(split.name, split.split, images, split.labels[idx], split.classes, split.mean,
                   split.std), masks


WHICH = ("swapped", "target")  # cued test images: the other classes' or the target class's


def cued_test(test: Dataset, cue: Cue, target: int, *, which: str = "swapped",
              count: int | None = None) -> tuple[Dataset, Tensor, Tensor]:
    """The first ``count`` (None: all) test images of the other classes ("swapped": the dogs in
    the snow) or of the target class ("target": the wolves in the snow), in test order, with the
    cue stamped. Returns (their Dataset, masks (N, H, W) bool, their indices in ``test``)."""
    target = check_int("target class", target, 0, len(test.classes) - 1)
    check_choice("which", which, WHICH)
    chosen = (test.labels != target) if which == "swapped" else (test.labels == target)
    idx = torch.nonzero(chosen).flatten()
    if count is not None:
        idx = idx[:check_int("images", count, 1)]
    subset, masks = stamp_split(test, idx, cue)
    return subset, masks, idx
