"""Does a map point at a known region? Two scores of a map against a ground-truth mask.

* **Relevance mass** (Arras, Osman & Samek 2022, "CLEVR-XAI: A benchmark dataset for the ground
  truth evaluation of neural network explanations", https://doi.org/10.1016/j.inffus.2021.11.008):
  the share of the map's positive attribution that lies inside the mask,
  ``sum(max(a, 0) * mask) / sum(max(a, 0))``. A map with no positive value has no mass: NaN.
* **Pointing game** (Zhang et al. 2018, "Top-down neural attention by excitation backprop",
  https://arxiv.org/abs/1608.00507): 1 when the map's maximum lies inside the mask, else 0
  (as Quantus's ``PointingGame``: with ties, a hit when any maximal pixel is inside; unlike it, a
  constant map, which points nowhere, is a miss).

An empty mask gives NaN for both (nothing to point at), as in Quantus.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.checks import InputError

__all__ = ["pointing_game", "relevance_mass"]


def _pair(maps: Any, masks: Any) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(maps, dtype=np.float64)
    m = np.asarray(masks)
    if a.ndim == 2:
        a, m = a[None], m[None] if m.ndim == 2 else m
    if a.ndim != 3 or m.shape != a.shape or m.dtype != bool:
        raise InputError(f"maps (N, H, W) need masks of the same shape, true/false; got "
                         f"{a.shape} and {m.shape} {m.dtype}", "localisation_shapes",
                         maps=str(a.shape), masks=str(m.shape))
    if np.isnan(a).any():
        raise InputError("maps must not contain NaN", "localisation_nan")
    return a.reshape(len(a), -1), m.reshape(len(m), -1)  # (N, H*W)


def relevance_mass(maps: Any, masks: Any) -> np.ndarray:
    """(N,) share of each map's positive attribution inside its mask, in [0, 1] or NaN.

    Args:
        maps: (N, H, W) or (H, W) attributions (any sign; only the positive part counts).
        masks: bool, the same shape: the ground-truth region.
    """
    a, m = _pair(maps, masks)
    positive = np.maximum(a, 0.0)
    total = positive.sum(1)  # (N,)
    inside = (positive * m).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mass = np.where(total > 0, inside / np.where(total > 0, total, 1), np.nan)
    mass[~m.any(1)] = np.nan
    return mass


def pointing_game(maps: Any, masks: Any) -> np.ndarray:
    """(N,) 1.0 where a maximal pixel of the map lies inside its mask, 0.0 where none does or
    the map is constant, NaN for an empty mask."""
    a, m = _pair(maps, masks)
    top = a == a.max(1, keepdims=True)  # (N, H*W) the maximal pixels
    hit = (top & m).any(1).astype(np.float64)
    hit[top.all(1)] = 0.0  # a constant map
    hit[~m.any(1)] = np.nan
    return hit
