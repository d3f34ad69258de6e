"""Optimiser playground: real torch optimisers rolling down 2-D loss surfaces.

The course notes say momentum helps "find a global maximum". It does not: training minimises
the loss, and momentum's running velocity can carry the parameters *through* a shallow local
minimum towards a lower one. ``two_valleys`` is built to show exactly that: from its start,
plain SGD stops in the shallow well while SGD with momentum 0.9 rolls on into the deep one.

Polyak, "Some methods of speeding up the convergence of iteration methods", 1964 (heavy ball).
Sutskever et al., "On the importance of initialization and momentum in deep learning", 2013,
https://proceedings.mlr.press/v28/sutskever13.html (Nesterov momentum as used by torch).
Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2014, https://arxiv.org/abs/1412.6980
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from core.checks import InputError, is_real, plain

__all__ = [
    "compare",
    "DEFAULTS",
    "grid",
    "GRID_MAX",
    "LR_MAX",
    "NEAR_FRACTION",
    "OPTIMIZERS",
    "rosenbrock",
    "run_optimizer",
    "STEPS_MAX",
    "Surface",
    "SURFACES",
    "Trajectory",
    "two_valleys",
]


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
LR_MAX = 10.0
STEPS_MAX = 1000
GRID_MAX = 1000
NEAR_FRACTION = 0.05  # "ended at a minimum" = within 5% of the surface's larger side


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface with known minima.

    ``f`` maps a float tensor (..., 2) of (x, y) points to losses (...). ``minima`` lists the
    (x, y) of every local minimum, the global one first. ``lr`` is a learning rate that tells
    this surface's story with momentum 0.9 and 150 steps; ``formula`` is LaTeX for display.
    """

    name: str
    title: str
    f: Callable[[torch.Tensor], torch.Tensor] = field(repr=False)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    start: tuple[float, float]
    lr: float
    formula: str = ""


@dataclass(frozen=True, eq=False)  # eq=False: arrays do not compare with ==
class Trajectory:
    """One optimiser's path. Diverged runs stop at the last finite point (k < steps).

    ``points`` (k+1, 2) float64 holds the start and the point after each step; ``losses``
    (k+1,) is f at each point; ``final_minimum`` indexes ``surface.minima`` if the last point
    lies within the "near" radius of one, else None.
    """

    optimizer: str
    label: str
    points: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)
    final_minimum: int | None
    diverged: bool = False


# ---------------------------------------------------------------------------------------------
# Surfaces

# (centre x, centre y, depth, width) of two Gaussian wells on a gentle bowl 0.1 * (x^2 + y^2).
_SHALLOW = (-1.5, 1.0, 1.0, 0.6)
_DEEP = (1.8, -0.8, 3.0, 0.9)


def _well(x: torch.Tensor, y: torch.Tensor, well: tuple[float, float, float, float]):
    cx, cy, depth, width = well
    return depth * torch.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * width**2))


def two_valleys(p: torch.Tensor) -> torch.Tensor:
    """Bowl plus a shallow well near the start and a deep well further on. (..., 2) -> (...)."""
    x, y = p[..., 0], p[..., 1]
    return 0.1 * (x**2 + y**2) - _well(x, y, _SHALLOW) - _well(x, y, _DEEP)


def rosenbrock(p: torch.Tensor) -> torch.Tensor:
    """Rosenbrock's banana valley (a=1, b=100), minimum 0 at (1, 1). (..., 2) -> (...)."""
    x, y = p[..., 0], p[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


SURFACES: dict[str, Surface] = {
    "two_valleys": Surface(
        name="two_valleys",
        title="Two valleys: a shallow local minimum before a deeper global one",
        f=two_valleys,
        x_range=(-4.0, 4.0),
        y_range=(-3.0, 3.0),
        # Found with L-BFGS from the well centres (float64); the tests check grad = 0 there.
        minima=((1.7072, -0.7588), (-1.3960, 0.9308)),
        start=(-3.5, 2.5),
        lr=0.1,
        formula=(
            r"0.1(x^2+y^2) - e^{-\frac{(x+1.5)^2+(y-1)^2}{2\cdot0.6^2}}"
            r" - 3e^{-\frac{(x-1.8)^2+(y+0.8)^2}{2\cdot0.9^2}}"
        ),
    ),
    "rosenbrock": Surface(
        name="rosenbrock",
        title="Rosenbrock: a long, curved, nearly flat valley",
        f=rosenbrock,
        x_range=(-2.0, 2.0),
        y_range=(-1.0, 3.0),
        minima=((1.0, 1.0),),
        start=(-1.2, 1.0),
        lr=1e-3,
        formula=r"(1-x)^2 + 100(y-x^2)^2",
    ),
}

DEFAULTS = {"lr": SURFACES["two_valleys"].lr, "momentum": 0.9, "steps": 150}


# ---------------------------------------------------------------------------------------------
# Public functions


def grid(surface: Surface | str, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample the surface on an n x n grid over its ranges, for a contour plot or heatmap.

    Args:
        surface: a `Surface` or a key of `SURFACES`.
        n: points per axis, 2..1000.

    Returns:
        xs (n,), ys (n,) and Z (n, n) float64 with ``Z[i, j] = f(xs[j], ys[i])`` (rows follow
        y, as Plotly's contour/heatmap expect).
    """
    surface = _surface(surface)
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= GRID_MAX:
        raise InputError(f"n must be an integer between 2 and {GRID_MAX}, got {n!r}",
                         "grid_points_range", value=plain(n), low=2, high=GRID_MAX)
    xs = torch.linspace(*surface.x_range, n, dtype=torch.float64)  # (n,)
    ys = torch.linspace(*surface.y_range, n, dtype=torch.float64)  # (n,)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")  # (n, n) each; gx[i, j] = xs[j]
    with torch.no_grad():
        z = surface.f(torch.stack([gx, gy], dim=-1))  # (n, n, 2) -> (n, n)
    return xs.numpy(), ys.numpy(), z.numpy()


def run_optimizer(
    surface: Surface | str,
    optimizer: str,
    *,
    lr: float,
    momentum: float = 0.9,
    steps: int = 150,
    start: tuple[float, float] | None = None,
) -> Trajectory:
    """Minimise the surface from one point with a real ``torch.optim`` optimiser.

    The parameters are one float64 tensor of 2 elements; each step computes ``f(p)``,
    backpropagates and calls ``optimizer.step()``, exactly as training a network does.

    Args:
        surface: a `Surface` or a key of `SURFACES`.
        optimizer: "sgd" (plain), "momentum" (SGD, heavy ball), "nesterov" (SGD, Nesterov)
            or "adam" (default betas 0.9, 0.999; ``momentum`` does not apply).
        lr: learning rate, 0 < lr <= 10.
        momentum: in [0, 1); "nesterov" needs > 0.
        steps: optimiser steps, 1..1000.
        start: (x, y) inside the surface's ranges; None = the surface's start.

    Returns:
        A `Trajectory`; a run whose point or loss becomes NaN/inf is cut at the last finite
        point and flagged ``diverged``.
    """
    surface = _surface(surface)
    _check_run(optimizer, lr, momentum, steps)
    start = _check_start(surface, start)
    # Local grad mode: correct even when the caller runs under no_grad or inference_mode.
    with torch.inference_mode(False), torch.enable_grad():
        param = torch.tensor(start, dtype=torch.float64, requires_grad=True)  # (2,)
        opt = _make_optimizer(optimizer, param, lr, momentum)
        points, losses, diverged = _descend(surface.f, param, opt, steps)
    end = points[-1]
    return Trajectory(
        optimizer,
        _label(optimizer, momentum),
        points,
        losses,
        _near_minimum(surface, end),
        diverged,
    )


def compare(
    surface: Surface | str,
    *,
    lr: float,
    momentum: float = 0.9,
    steps: int = 150,
    start: tuple[float, float] | None = None,
) -> list[Trajectory]:
    """Plain SGD, SGD with momentum and Adam from the same start, same lr and steps.

    Returns:
        ``[sgd, momentum, adam]`` trajectories (see `run_optimizer`).
    """
    return [
        run_optimizer(surface, name, lr=lr, momentum=momentum, steps=steps, start=start)
        for name in ("sgd", "momentum", "adam")
    ]


# ---------------------------------------------------------------------------------------------
# Helpers


def _surface(surface: Surface | str) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if isinstance(surface, str) and surface in SURFACES:
        return SURFACES[surface]
    raise InputError(f"unknown surface {surface!r}; known surfaces: {', '.join(SURFACES)}",
                     "choice", name="surface", value=plain(surface), choices=tuple(SURFACES))


def _check_run(optimizer: str, lr: float, momentum: float, steps: int) -> None:
    if optimizer not in OPTIMIZERS:
        raise InputError(f"unknown optimizer {optimizer!r}; known: {', '.join(OPTIMIZERS)}",
                         "choice", name="optimizer", value=plain(optimizer), choices=OPTIMIZERS)
    if not is_real(lr) or not 0 < lr <= LR_MAX:
        raise InputError(f"lr must be a finite number with 0 < lr <= {LR_MAX:g}, got {lr!r}",
                         "number_between_open", name="lr", value=plain(lr), low=0,
                         high=LR_MAX)
    if not is_real(momentum) or not 0 <= momentum < 1:
        raise InputError(f"momentum must be in [0, 1), got {momentum!r}", "number_below_one",
                         name="momentum", value=plain(momentum))
    if optimizer == "nesterov" and momentum == 0:
        raise InputError("nesterov needs momentum > 0, got 0", "nesterov_needs_momentum")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= STEPS_MAX:
        raise InputError(f"steps must be an integer between 1 and {STEPS_MAX}, got {steps!r}",
                         "int_between", name="steps", value=plain(steps), low=1,
                         high=STEPS_MAX)


def _check_start(surface: Surface, start) -> tuple[float, float]:
    if start is None:
        return surface.start
    if (
        not isinstance(start, (tuple, list))
        or len(start) != 2
        or not all(is_real(v) for v in start)
    ):
        raise InputError(f"start must be an (x, y) pair of finite numbers, got {start!r}",
                         "start_not_pair", value=repr(start))
    (x0, x1), (y0, y1) = surface.x_range, surface.y_range
    x, y = float(start[0]), float(start[1])
    if not (x0 <= x <= x1 and y0 <= y <= y1):
        raise InputError(
            f"start must lie in x {surface.x_range} and y {surface.y_range}, got {start!r}",
            "start_out_of_range", value=(x, y), x_low=float(x0), x_high=float(x1),
            y_low=float(y0), y_high=float(y1),
        )
    return (x, y)


def _make_optimizer(name: str, param: torch.Tensor, lr: float, momentum: float):
    if name == "adam":
        return torch.optim.Adam([param], lr=lr)
    if name == "sgd":
        return torch.optim.SGD([param], lr=lr)
    return torch.optim.SGD([param], lr=lr, momentum=momentum, nesterov=name == "nesterov")


def _descend(f, param: torch.Tensor, opt: torch.optim.Optimizer, steps: int):
    """Run up to ``steps`` steps; returns points (k+1, 2), losses (k+1,), diverged."""
    points, losses = [], []
    for step in range(steps + 1):
        opt.zero_grad()
        loss = f(param)
        point = param.detach().clone()
        if not (torch.isfinite(point).all() and torch.isfinite(loss)):
            break
        points.append(point)
        losses.append(loss.detach())
        if step == steps:
            break
        loss.backward()
        opt.step()
    if not points:
        raise InputError(f"the loss is not finite at the start {param.detach().tolist()}",
                         "loss_not_finite_at_start", value=tuple(param.detach().tolist()))
    diverged = len(points) < steps + 1
    return torch.stack(points).numpy(), torch.stack(losses).numpy(), diverged


def _near_minimum(surface: Surface, point: np.ndarray) -> int | None:
    spans = (surface.x_range[1] - surface.x_range[0], surface.y_range[1] - surface.y_range[0])
    radius = NEAR_FRACTION * max(spans)
    for index, minimum in enumerate(surface.minima):
        if math.dist(point.tolist(), minimum) <= radius:
            return index
    return None


def _label(optimizer: str, momentum: float) -> str:
    return {
        "sgd": "SGD",
        "momentum": f"SGD + momentum {momentum:g}",
        "nesterov": f"SGD + Nesterov momentum {momentum:g}",
        "adam": "Adam",
    }[optimizer]
