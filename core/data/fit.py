"""Fit a dataset's images to a model that expects other channels or another size.

An ImageNet model (3x224x224) shown the 28x28 grey digits, or a digits model (1x28x28) shown a
photo: rather than a shape error, every page converts visibly. `fit_input` says what will be
done (``InputFit.steps``: "grey_to_rgb", "rgb_to_grey", "resize"), and the fit converts uint8
batches as they are used, so a large dataset is never held at the model's size all at once.
Grey to RGB copies the one channel three times; RGB to grey takes the ITU-R 601 luma
(0.299 R + 0.587 G + 0.114 B, as Pillow's "L" mode); resizing is bilinear with antialiasing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from core.checks import InputError

__all__ = ["fit_input", "InputFit", "STEPS"]

STEPS = ("grey_to_rgb", "rgb_to_grey", "resize")
_LUMA = (0.299, 0.587, 0.114)


@dataclass(frozen=True)
class InputFit:
    """How images of shape ``source`` become the input ``target`` of a model.

    ``source`` and ``target`` are (C, H, W); ``mean``/``std`` are the model's (its card's).
    """

    source: tuple[int, int, int]
    target: tuple[int, int, int]
    mean: tuple[float, ...]
    std: tuple[float, ...]

    @property
    def steps(self) -> tuple[str, ...]:
        """What is done, in order; empty when the images already fit."""
        (c, h, w), (tc, th, tw) = self.source, self.target
        steps = []
        if c != tc:
            steps.append("grey_to_rgb" if c == 1 else "rgb_to_grey")
        if (h, w) != (th, tw):
            steps.append("resize")
        return tuple(steps)

    def pixels(self, images: Tensor) -> Tensor:
        """uint8 (B, C, H, W) or (C, H, W) -> uint8 at the target's channels and size."""
        single = images.dim() == 3
        x = images.unsqueeze(0) if single else images  # (B, C, H, W)
        if tuple(x.shape[1:]) != self.source:
            raise InputError(f"images must be {self.source}, got {tuple(x.shape[1:])}",
                             "fit_source_shape", expected=self.source, value=tuple(x.shape[1:]))
        if self.steps:
            y = self._convert(x.float())
            x = y.round().clamp(0, 255).to(torch.uint8)
        return x[0] if single else x

    def __call__(self, images: Tensor) -> Tensor:
        """uint8 (B, C, H, W) -> the model's input: float32 (B, C', H', W'), normalised."""
        x = images.float()
        if tuple(x.shape[1:]) != self.source:
            raise InputError(f"images must be {self.source}, got {tuple(x.shape[1:])}",
                             "fit_source_shape", expected=self.source, value=tuple(x.shape[1:]))
        x = self._convert(x) / 255  # (B, C', H', W') in [0, 1]
        m = torch.tensor(self.mean, dtype=x.dtype).view(1, -1, 1, 1)
        s = torch.tensor(self.std, dtype=x.dtype).view(1, -1, 1, 1)
        return (x - m) / s

    def _convert(self, x: Tensor) -> Tensor:
        """float (B, C, H, W) in pixel units -> (B, C', H', W'), same units."""
        tc, th, tw = self.target
        if x.shape[1] != tc:
            if tc == 3:
                x = x.expand(-1, 3, -1, -1)  # (B, 3, H, W): the grey channel three times
            else:
                luma = torch.tensor(_LUMA, dtype=x.dtype).view(1, 3, 1, 1)
                x = (x * luma).sum(dim=1, keepdim=True)  # (B, 1, H, W)
        if tuple(x.shape[2:]) != (th, tw):
            x = F.interpolate(x, size=(th, tw), mode="bilinear", align_corners=False,
                              antialias=True)
        return x


def _shape(name: str, shape: Sequence[int]) -> tuple[int, int, int]:
    ok = (isinstance(shape, Sequence) and len(shape) == 3
          and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in shape)
          and shape[0] in (1, 3))
    if not ok:
        raise InputError(f"{name} must be (C, H, W) with C 1 or 3, got {shape!r}",
                         "fit_shape", name=name, value=repr(shape))
    return tuple(int(v) for v in shape)


def fit_input(source: Sequence[int], target: Sequence[int], *, mean: Sequence[float],
              std: Sequence[float]) -> InputFit:
    """The conversion from images of shape ``source`` to a model's ``target`` input.

    Args:
        source: (C, H, W) of the images (a dataset's ``images.shape[1:]``).
        target: (C, H, W) the model takes (its card's ``input_shape``).
        mean, std: the model's normalisation, one value per target channel, [0, 1] units.
    Returns:
        An `InputFit`; its ``steps`` are empty when the images already fit.
    """
    src, tgt = _shape("source", list(source)), _shape("target", list(target))
    mean, std = tuple(float(v) for v in mean), tuple(float(v) for v in std)
    if len(mean) != tgt[0] or len(std) != tgt[0] or any(s <= 0 for s in std):
        raise InputError(f"mean/std need {tgt[0]} values (std > 0), got {mean}, {std}",
                         "fit_mean_std", channels=tgt[0], mean=mean, std=std)
    return InputFit(src, tgt, mean, std)
