"""Which explanations see a planted shortcut? Every attribution map of each model of the pair
(``core.train.shortcut``) on cued test images, scored against the known cue mask by relevance
mass and the pointing game (``core.interpret.localisation``).

A model that learned the cue should put its evidence on the cue's pixels; the clean model, which
never saw the cue, on the object. A method whose scores do not tell the two models apart does
not reveal the shortcut. The maps are those of the Trust page's scoreboard
(``core.interpret.trust.pixel_maps``: the six gradient methods, occlusion, and the random map as
the reference a method must beat: its expected mass is the mask's share of the image).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from core.checks import InputError, check_batch, check_choice, check_int
from core.interpret import faithfulness, localisation, saliency, trust

__all__ = [
    "DEFAULT_METHODS",
    "EXPLAIN",
    "explain",
    "Explained",
    "MethodScore",
]

EXPLAIN = ("prediction", "target")  # which class each map explains
DEFAULT_METHODS = (*saliency.METHODS, "occlusion", "random")


@dataclass(frozen=True)
class MethodScore:
    """One method's scores per model: mean relevance mass (with the half width of its 95%
    interval, Student's t) and the pointing game's hit rate, over the images with a score."""

    method: str
    mass: dict[str, float]
    mass_ci: dict[str, float]
    pointing: dict[str, float]


@dataclass(frozen=True, eq=False)
class Explained:
    """Each model's maps of the same cued images, and their scores against the cue's mask."""

    maps: dict[str, trust.Maps]  # model -> maps (N, H, W) per method
    masks: np.ndarray  # (N, H, W) bool, the cue's pixels
    mass: dict[str, dict[str, np.ndarray]]  # model -> method -> (N,) relevance mass
    pointing: dict[str, dict[str, np.ndarray]]  # model -> method -> (N,) 0/1 hits
    done: int  # images mapped by every model (the rest: stopped)
    stopped: bool

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(next(iter(self.maps.values())).maps)

    def mask_share(self) -> float:
        """The mean share of the image inside the mask: a random map's expected mass."""
        return float(self.masks[:self.done].mean()) if self.done else float("nan")

    def scores(self) -> list[MethodScore]:
        out = []
        for m in self.methods:
            means = {k: faithfulness.mean_ci(v[m][:self.done]) for k, v in self.mass.items()}
            out.append(MethodScore(
                m, {k: v[0] for k, v in means.items()}, {k: v[1] for k, v in means.items()},
                {k: _nanmean(v[m][:self.done]) for k, v in self.pointing.items()}))
        return out


def _nanmean(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else float("nan")


def explain(models: Mapping[str, nn.Module], x: Tensor, masks: Any, *, target: int,
            explain: str = "prediction", methods: Sequence[str] = DEFAULT_METHODS,
            params: Mapping[str, Mapping[str, Any]] | None = None, seed: int = 0,
            batch_size: int = 32, progress: Callable[[str, int, int], None] | None = None,
            should_stop: Callable[[], bool] | None = None) -> Explained:
    """Each model's maps of ``x`` and their relevance mass and pointing game against ``masks``.

    Args:
        models: name -> shared model in eval mode (only read).
        x: (N, C, H, W) the cued images, normalised; masks: (N, H, W) bool, the cue's pixels.
        target: the cue's class; explain: "prediction" (each model's own answer) or "target"
            (the cue's class, for both models).
        methods, params, seed, batch_size: as ``trust.pixel_maps``.
        progress(model, done, total) in maps; should_stop() polled between groups of images.
    Returns:
        Explained; a stop keeps the images every model finished.
    """
    if not isinstance(models, Mapping) or not models:
        raise InputError("models must name one or more models", "shortcut_models")
    x = check_batch(x).detach()
    n, _, h, w = x.shape
    masks = np.asarray(masks)
    if masks.shape != (n, h, w) or masks.dtype != bool:
        raise InputError(f"masks must be (N, H, W) true/false matching the images {(n, h, w)}, "
                         f"got {masks.shape} {masks.dtype}", "localisation_shapes",
                         maps=str((n, h, w)), masks=str(masks.shape))
    check_choice("explain", explain, EXPLAIN)
    check_int("target class", target, 0)
    maps, stopped = {}, False
    for name, model in models.items():
        if explain == "target":
            targets = torch.full((n,), target, dtype=torch.int64)
        else:
            targets = trust.predictions(model, x)[0]
        report = None if progress is None else (lambda d, t, name=name: progress(name, d, t))
        maps[name] = trust.pixel_maps(model, x, targets, methods=methods, params=params,
                                      seed=seed, batch_size=batch_size, progress=report,
                                      should_stop=should_stop)
        if maps[name].stopped:
            stopped = True
            break
    done = min(mp.done for mp in maps.values()) if len(maps) == len(models) else 0
    mass, pointing = {}, {}
    for name, mp in maps.items():
        mass[name], pointing[name] = {}, {}
        for m, a in mp.maps.items():
            mass[name][m] = np.full(n, np.nan)
            pointing[name][m] = np.full(n, np.nan)
            if mp.done:
                mass[name][m][:mp.done] = localisation.relevance_mass(a[:mp.done],
                                                                      masks[:mp.done])
                pointing[name][m][:mp.done] = localisation.pointing_game(a[:mp.done],
                                                                         masks[:mp.done])
    return Explained(maps, masks, mass, pointing, done, stopped)
