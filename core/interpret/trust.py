"""Which map should I believe? Every map the lab draws, for a set of images, scored by
deletion and insertion (``core.interpret.faithfulness``) against two references that any
honest method must beat.

The maps: the six gradient methods of ``core.interpret.saliency`` (each image's display map,
the same reduction over channels as the Saliency page: max |.| for vanilla gradient and
SmoothGrad, the signed channel sum for guided backprop, Integrated Gradients and Guided
Grad-CAM), occlusion in Captum's per-pixel form (the mean drop of the target's probability over
the windows covering a pixel, ``core.interpret.occlusion.attribution_map``), a **random** map
(seeded uniform noise: a method that does not beat it orders pixels no better than chance) and
a **centre** prior (a Gaussian bump on the image centre: photos and digits put the object in the
middle, so a method must beat "look at the centre" to show it reads this image).

The target of every map is the class the model predicts for the unchanged image. The model is
shared and read-only: each method runs as on the Saliency and Occlusion pages (no hooks, no
mode switch, gradients w.r.t. a private copy of the input).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from core.checks import InputError, check_batch, check_int
from core.interpret import faithfulness, layers, occlusion, saliency
from core.runtime.graph import check_model

__all__ = [
    "centre_map",
    "default_settings",
    "estimate_passes",
    "MAP_METHODS",
    "Maps",
    "MAX_IMAGES",
    "pixel_maps",
    "predictions",
    "random_map",
    "REFERENCES",
    "Scoreboard",
    "scoreboard",
    "Settings",
]

REFERENCES = ("random", "centre")
MAP_METHODS = (*saliency.METHODS, "occlusion", *REFERENCES)
MAX_IMAGES = 10_000  # images one scoreboard may take (the largest test split of the lab's data)
CENTRE_SIGMA = 0.25  # the centre prior's standard deviation, as a fraction of the shorter side


# --------------------------------------------------------------------------- references
def random_map(hw: tuple[int, int], seed: int) -> np.ndarray:
    """(H, W) float32 uniform noise from its own seeded generator (the global RNG untouched)."""
    return np.random.default_rng(seed).random(hw, dtype=np.float32)


def centre_map(hw: tuple[int, int]) -> np.ndarray:
    """(H, W) float32 Gaussian bump exp(-d^2 / 2 sigma^2) on the image centre, sigma =
    CENTRE_SIGMA x the shorter side: the centre first, then rings outwards."""
    h, w = hw
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    d2 = (yy - (h - 1) / 2) ** 2 + (xx - (w - 1) / 2) ** 2
    sigma = CENTRE_SIGMA * min(h, w)
    return np.exp(-d2 / (2 * sigma ** 2)).astype(np.float32)


# --------------------------------------------------------------------------- predictions
def predictions(model: nn.Module, x: Tensor, *, batch_size: int = 256) -> tuple[Tensor, Tensor]:
    """(predicted classes (N,) int64, their softmax probabilities (N,)) for (N, C, H, W)."""
    check_model(model)
    x = check_batch(x).detach()
    batch_size = check_int("batch_size", batch_size, 1)
    classes, probs = [], []
    with torch.inference_mode():
        for first in range(0, x.shape[0], batch_size):
            best = layers.predict(model, x[first:first + batch_size]).max(1)  # (b, K) -> (b,)
            classes.append(best.indices.cpu())
            probs.append(best.values.cpu())
    return torch.cat(classes), torch.cat(probs)


# --------------------------------------------------------------------------- the maps
def _check_methods(methods: Any) -> tuple[str, ...]:
    if (isinstance(methods, str) or not isinstance(methods, Sequence) or not methods
            or any(m not in MAP_METHODS for m in methods) or len(set(methods)) != len(methods)):
        raise InputError(f"methods must be a non-empty list of distinct {', '.join(MAP_METHODS)}, "
                         f"got {methods!r}", "trust_methods", choices=MAP_METHODS,
                         value=repr(methods))
    return tuple(methods)


def estimate_passes(method: str, params: Mapping[str, Any], hw: tuple[int, int]) -> int:
    """Forward (and, for gradients, backward) passes one image's map costs."""
    if method in saliency.METHODS:
        return saliency.METHODS[method].passes(params)
    if method == "occlusion":
        return occlusion.plan(hw, params["window"], params["stride"]).passes
    return 0


@dataclass(frozen=True, eq=False)
class Maps:
    """Each method's map of each image; images after ``done`` are missing when stopped."""

    maps: dict[str, np.ndarray]  # method -> (N, H, W) float32 importance (higher first)
    targets: np.ndarray  # (N,) the class explained (the prediction)
    seconds: dict[str, float]  # method -> wall time over the images done
    done: int  # images whose every map is computed
    stopped: bool


def pixel_maps(model: nn.Module, x: Tensor, targets: Sequence[int], *, methods: Sequence[str],
               params: Mapping[str, Mapping[str, Any]] | None = None, seed: int = 0,
               batch_size: int = 32, progress: Callable[[int, int], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> Maps:
    """The (H, W) importance map of every image under every method (see the module doc).

    Args:
        model: shared model in eval mode returning logits; only read.
        x: (N, C, H, W) normalised images; targets: (N,) the class each map explains.
        methods: keys of MAP_METHODS; params: per method, its keyword arguments
            (saliency methods: as ``core.interpret.saliency``; "occlusion": window, stride,
            baseline, mean, std, batch_size of ``core.interpret.occlusion.occlusion``).
        seed: the random map's (image i uses seed + i).
        batch_size: images per pass of the one-pass gradient methods (``saliency.batch_heat``:
            the same maps as one image at a time); the others run image by image.
        progress(done, total) in maps after each group; should_stop() polled before each group
            of ``batch_size`` images.
    Returns:
        Maps.
    """
    check_model(model)
    x = check_batch(x).detach()
    methods = _check_methods(methods)
    params = dict(params or {})
    check_int("seed", seed, 0)
    batch_size = check_int("batch_size", batch_size, 1)
    n, _, h, w = x.shape
    t = faithfulness.check_targets(targets, n)
    out = {m: np.full((n, h, w), np.nan, np.float32) for m in methods}
    seconds = dict.fromkeys(methods, 0.0)
    done, stopped = 0, False
    centre = centre_map((h, w))
    for first in range(0, n, batch_size):
        if should_stop is not None and should_stop():
            stopped = True
            break
        last = min(first + batch_size, n)
        for m in methods:
            start = time.perf_counter()
            kw = dict(params.get(m, {}))
            if m in saliency.ONE_PASS:
                kw = {k: v for k, v in kw.items() if k in ("layer", "interpolate", "precision")}
                out[m][first:last] = saliency.batch_heat(m, model, x[first:last], t[first:last],
                                                         **kw)
            else:
                for i in range(first, last):
                    out[m][i] = _one_map(model, m, x[i:i + 1], int(t[i]), kw, seed + i, centre)
            seconds[m] += time.perf_counter() - start
            if progress is not None:
                progress(first * len(methods) + (methods.index(m) + 1) * (last - first),
                         n * len(methods))
        done = last
    return Maps(out, t.numpy(), seconds, done, stopped)


def _one_map(model: nn.Module, method: str, xi: Tensor, target: int, params: Mapping[str, Any],
             seed: int, centre: np.ndarray) -> np.ndarray:
    hw = tuple(xi.shape[-2:])
    if method == "random":
        return random_map(hw, seed)
    if method == "centre":
        return centre
    if method == "occlusion":
        result = occlusion.occlusion(model, xi, target=target, **params)
        return occlusion.attribution_map(result, hw)
    return saliency.attribute(method, model, xi, target, **params).heat


# --------------------------------------------------------------------------- defaults
@dataclass(frozen=True)
class Settings:
    """A scoreboard's settings: what the Trust page starts with (and benchmarks/faithfulness.py
    times as "the page's default run")."""

    count: int  # test images
    step: float  # fraction of the pixels per step
    baseline: str  # one of faithfulness.BASELINES
    batch_size: int  # perturbed copies per forward pass
    map_batch: int  # images per pass of the one-pass gradient methods
    params: dict[str, dict[str, Any]]  # per method, its keyword arguments


def default_settings(input_shape: Sequence[int], *, large: bool, mean: Sequence[float],
                     std: Sequence[float]) -> Settings:
    """Light defaults that keep the default run short: 50 images in 10 steps for a small model
    (about 4 s for the digits CNN on 2 cores: benchmarks/faithfulness.py), 8 for a large one;
    SmoothGrad and Integrated Gradients with fewer samples than on the Saliency page (the
    ranking, not the prettiest map, is the point); occlusion with windows side by side (stride =
    window) of 1/7 of the image, black. Batch sizes as measured on 2 cores (curves: 32 copies
    per pass beat 256 on the digits CNN, 0.23 vs 0.41 ms per copy)."""
    _, h, w = (int(v) for v in input_shape)
    window = max(1, min(h, w) // 7)
    mean, std = tuple(float(v) for v in mean), tuple(float(v) for v in std)
    batch = 8 if large else 32
    params = {
        "smoothgrad": {"samples": 5 if large else 10, "batch_size": batch},
        "ig": {"steps": 8 if large else 16, "baseline": "zero", "mean": mean, "std": std,
               "batch_size": batch},
        "occlusion": {"window": window, "stride": window, "baseline": "zero", "mean": mean,
                      "std": std, "batch_size": batch if large else 64, "incremental": large},
        "gradcam": {"layer": None},
        "guided_gradcam": {"layer": None},
    }
    return Settings(8 if large else 50, 0.1, "zero", batch, 4 if large else 32, params)


# --------------------------------------------------------------------------- the scoreboard
@dataclass(frozen=True, eq=False)
class Scoreboard:
    """Maps and their deletion/insertion curves under one or more baselines."""

    maps: Maps
    curves: dict[str, faithfulness.Curves]  # baseline -> curves (over the images mapped)
    probs: np.ndarray  # (N,) the predicted class's probability on each unchanged image

    def scores(self, baseline: str) -> list[faithfulness.Score]:
        return faithfulness.scores(self.curves[baseline])


def scoreboard(model: nn.Module, x: Tensor, *, methods: Sequence[str],
               params: Mapping[str, Mapping[str, Any]] | None = None,
               baselines: Sequence[str] = ("blur",), step: float = 0.05,
               mean: Sequence[float] | float = 0.0, std: Sequence[float] | float = 1.0,
               seed: int = 0, batch_size: int = 32, map_batch: int = 32,
               progress: Callable[[str, int, int], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> Scoreboard:
    """Every method's maps of the images (computed once), then their deletion and insertion
    curves under each baseline; the target is each image's predicted class.

    Args: as `pixel_maps` (its batch_size is ``map_batch``) and ``faithfulness.curves``
    (``batch_size``: perturbed copies per forward pass); baselines: keys of
    ``faithfulness.BASELINES``; progress(stage, done, total) with stage "maps" or a baseline.
    Returns:
        Scoreboard (a stop keeps the images finished: curves cover ``maps.done`` images).
    """
    x = check_batch(x).detach()
    check_int("images", x.shape[0], 1, MAX_IMAGES)
    if (isinstance(baselines, str) or not baselines
            or any(b not in faithfulness.BASELINES for b in baselines)):
        raise InputError(f"baselines must be a non-empty list of "
                         f"{', '.join(faithfulness.BASELINES)}, got {baselines!r}",
                         "trust_baselines", choices=faithfulness.BASELINES,
                         value=repr(baselines))
    faithfulness.pixel_counts(x.shape[-2] * x.shape[-1], step)  # a bad step fails first
    pred, probs = predictions(model, x, batch_size=batch_size)
    maps = pixel_maps(model, x, pred, methods=methods, params=params, seed=seed,
                      batch_size=map_batch, progress=None if progress is None else
                      lambda d, t: progress("maps", d, t), should_stop=should_stop)
    k = maps.done
    curves: dict[str, faithfulness.Curves] = {}
    for b in dict.fromkeys(baselines):
        if k == 0 or (should_stop is not None and should_stop()):
            break
        curves[b] = faithfulness.curves(
            model, x[:k], {m: v[:k] for m, v in maps.maps.items()}, pred[:k], step=step,
            baseline=b, mean=mean, std=std, seed=seed, batch_size=batch_size,
            progress=None if progress is None else lambda d, t, b=b: progress(b, d, t),
            should_stop=should_stop)
    return Scoreboard(maps, curves, probs.numpy())
