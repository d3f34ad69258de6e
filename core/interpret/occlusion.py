"""Occlusion sensitivity: slide a patch over the image and record the network's answer.

Zeiler & Fergus (2014), "Visualizing and Understanding Convolutional Networks", ECCV, Fig. 7,
https://arxiv.org/abs/1311.2901 . For every occluder position we record the probability of a
target class (and its drop from the unoccluded probability) and the most probable class.

Positions follow Captum's ``Occlusion`` (captum/attr/_core/occlusion.py): along an axis of
length H with window w and stride s there are ``ceil((H - w) / s) + 1`` starts 0, s, 2s, ...;
the last window may run past the edge and is then clipped to the image. Stride may not exceed
the window (unless the window spans the axis), else a start could fall outside the image.

The model is treated as shared and read-only (see ``core.interpret.layers``): no hooks, no
train()/eval() switch, no weight conversion of the shared model. For bf16 the forward passes run
on a PRIVATE copy converted to bfloat16 weights in channels_last (``core.runtime.accel.bf16_copy``:
built once per model, rebuilt when any parameter or buffer of the shared model changes). The
passes still run under bf16 autocast (a no-op for the already-bf16 convolutions, a guard for
models that make fp32 tensors internally); softmax is in fp32. The bf16 copy is faster than autocast
over the fp32 model, which converts every weight on every batch (benchmarks/occlusion.py). A model
that cannot be deep-copied falls back to autocast with a channels_last input. Incremental passes
(``core.runtime.incremental``) recompute only the part of each layer an occluder changes.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torchvision.transforms.functional as TF
from torch import Tensor, nn

from core.checks import (
    InputError,
    check_choice,
    check_image,
    check_int,
    check_pair,
    is_int,
    plain,
)
from core.runtime import accel, tune
from core.runtime.accel import bf16_copy
from core.runtime.graph import GUARD, check_model, fits
from core.runtime.incremental import LocalRunner

__all__ = [
    "attribution_map",
    "baseline_image",
    "BASELINES",
    "BATCH_SIZES",
    "estimate_seconds",
    "MAX_PASSES",
    "NOISE_STD",
    "occluded_input",
    "occlusion",
    "OcclusionResult",
    "Plan",
    "plan",
]


BASELINES = ("zero", "mean", "blur", "noise")
MAX_PASSES = 65_536  # forward passes one map may cost (224 px, window 16, stride 1: 43,682)
NOISE_STD = 0.25  # pixel-space std of the "noise" occluder, around mid grey 0.5
# occluded copies per forward pass that a measured run (``batch_size=BATCH_SIZES``) tries
BATCH_SIZES = (16, 32, 64, 128)


# --------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class Plan:
    """Where the occluder goes: a rows x cols grid of window positions."""

    rows: int  # positions along the height
    cols: int  # positions along the width
    passes: int  # forward passes: rows * cols occluded + 1 unoccluded
    window: tuple[int, int]  # (h, w) occluder size in pixels
    stride: tuple[int, int]  # (sh, sw) step between positions in pixels


def _count(axis: str, size: int, w: int, s: int) -> int:
    if w > size:
        raise InputError(f"window {axis} {w} is larger than the image {axis} {size}: "
                         "window must fit inside the image",
                         "occlusion_window_too_large_height" if axis == "height"
                         else "occlusion_window_too_large_width", window=w, size=size)
    if s > w and w < size:
        raise InputError(f"stride {axis} {s} is larger than the window {axis} {w}: stride must "
                         "be <= window (else a position could fall outside the image)",
                         "occlusion_stride_over_window_height" if axis == "height"
                         else "occlusion_stride_over_window_width", stride=s, window=w)
    return math.ceil((size - w) / s) + 1


def plan(image_hw: tuple[int, int], window: int | tuple[int, int],
         stride: int | tuple[int, int]) -> Plan:
    """The occluder grid for an image (Captum's convention, see the module doc).

    Args:
        image_hw: (H, W) in pixels; window: occluder (h, w) or one int; stride: (sh, sw) or int.
    Returns:
        Plan. ValueError for a window larger than the image, window/stride < 1, stride > window,
        or more than MAX_PASSES forward passes.
    """
    hw = check_pair("image_hw", image_hw)
    win, st = check_pair("window", window), check_pair("stride", stride)
    rows = _count("height", hw[0], win[0], st[0])
    cols = _count("width", hw[1], win[1], st[1])
    if rows * cols + 1 > MAX_PASSES:
        raise InputError(f"window {win} with stride {st} on a {hw[0]}x{hw[1]} image needs "
                         f"{rows * cols + 1} forward passes, more than the {MAX_PASSES} allowed: "
                         "use a larger stride", "occlusion_too_many_passes", window=win,
                         stride=st, image=hw, passes=rows * cols + 1, limit=MAX_PASSES)
    return Plan(rows, cols, rows * cols + 1, win, st)


# --------------------------------------------------------------------------- baselines
def _stats(name: str, values: Any, channels: int) -> Tensor:
    t = torch.as_tensor(values, dtype=torch.float32).flatten()
    if t.numel() not in (1, channels) or not torch.isfinite(t).all():
        raise InputError(f"{name} must be 1 or {channels} finite numbers (one per channel), "
                         f"got {values!r}", "channel_stats", name=name, channels=channels,
                         value=repr(values))
    return t.expand(channels).reshape(1, channels, 1, 1)


def _blur(x: Tensor) -> Tensor:
    # sigma ~ 1/16 of the image side: a 224 px photo loses its detail, a 28 px digit its strokes
    h, w = x.shape[-2:]
    sigma = max(1.0, min(h, w) / 16)
    k = 2 * math.ceil(3 * sigma) + 1
    k = min(k, 2 * (min(h, w) - 1) - 1 if min(h, w) > 1 else 1)  # reflect pad < side
    k = max(1, k if k % 2 else k - 1)
    return TF.gaussian_blur(x, [k, k], [sigma, sigma])


def baseline_image(x: Tensor, kind: str, *, mean: Sequence[float] | float,
                   std: Sequence[float] | float, seed: int = 0) -> Tensor:
    """The values the occluder puts in place of the pixels it covers.

    Args:
        x: (1, C, H, W) normalised image; kind: one of BASELINES: "zero" black pixels
            ((0 - mean) / std normalised), "mean" the dataset mean colour (0 normalised),
            "blur" a Gaussian blur of x, "noise" Gaussian noise N(0.5, 0.25) in pixel space
            clamped to [0, 1] and seeded; mean, std: the normalisation, per channel or one value.
    Returns:
        (1, C, H, W) normalised tensor like x (x itself is not changed).
    """
    x = check_image(x)
    check_choice("baseline", kind, BASELINES)
    c = x.shape[1]
    m, s = _stats("mean", mean, c), _stats("std", std, c)
    if (s <= 0).any():
        raise InputError(f"std must be > 0 in every channel, got {std!r}", "std_positive",
                         value=repr(std))
    m, s = m.to(x), s.to(x)
    if kind == "zero":
        return ((0.0 - m) / s).expand_as(x).clone()
    if kind == "mean":
        return torch.zeros_like(x)
    if kind == "blur":
        return _blur(x.detach())
    gen = torch.Generator().manual_seed(int(seed))
    noise = (0.5 + NOISE_STD * torch.randn(x.shape, generator=gen)).clamp_(0.0, 1.0)
    return (noise.to(x) - m) / s


# --------------------------------------------------------------------------- occluded batches
def _boxes(p: Plan, first: int, count: int, device: torch.device) -> tuple[Tensor, Tensor]:
    """(count,) top and left pixel of positions first .. first+count-1 (row-major)."""
    idx = torch.arange(first, first + count, device=device)
    return (idx // p.cols) * p.stride[0], (idx % p.cols) * p.stride[1]


def _occluded(x: Tensor, base: Tensor, p: Plan, first: int, count: int) -> Tensor:
    """(count, C, H, W): x with the occluder at positions first .. first+count-1 (no loop)."""
    top, left = _boxes(p, first, count, x.device)
    h, w = x.shape[-2:]
    hh = torch.arange(h, device=x.device).view(1, h, 1)
    ww = torch.arange(w, device=x.device).view(1, 1, w)
    inside = ((hh >= top.view(-1, 1, 1)) & (hh < top.view(-1, 1, 1) + p.window[0])
              & (ww >= left.view(-1, 1, 1)) & (ww < left.view(-1, 1, 1) + p.window[1]))
    return torch.where(inside.unsqueeze(1), base, x)  # (count, 1, H, W) mask -> (count, C, H, W)


def position_at(p: Plan, y: float, x: float) -> tuple[int, int]:
    """The grid position whose occluder is centred nearest pixel (y, x): where a click on the
    image puts the occluder.

    Args:
        p: the plan; y, x: a point in pixel-index coordinates (may lie outside the image).
    Returns:
        (row, col), 0 <= row < p.rows, 0 <= col < p.cols.
    """
    if not all(isinstance(v, numbers.Real) and math.isfinite(v) for v in (y, x)):
        raise InputError(f"a point must be two finite numbers, got ({y!r}, {x!r})",
                         "occlusion_point", y=plain(y), x=plain(x))
    row = round((y - (p.window[0] - 1) / 2) / p.stride[0])
    col = round((x - (p.window[1] - 1) / 2) / p.stride[1])
    return min(max(row, 0), p.rows - 1), min(max(col, 0), p.cols - 1)


def centre(p: Plan, row: int, col: int) -> tuple[float, float]:
    """The (y, x) pixel at the centre of the occluder at grid position (row, col)."""
    return row * p.stride[0] + (p.window[0] - 1) / 2, col * p.stride[1] + (p.window[1] - 1) / 2


def occluded_input(x: Tensor, row: int, col: int, plan: Plan, base: Tensor) -> Tensor:
    """The image with the occluder at grid position (row, col), for the walk-through.

    Args:
        x: (1, C, H, W) normalised image; row, col: grid position of ``plan``;
        base: (1, C, H, W) from `baseline_image`.
    Returns:
        (1, C, H, W) new tensor.
    """
    x = check_image(x)
    if not (is_int(row) and is_int(col) and 0 <= row < plan.rows and 0 <= col < plan.cols):
        raise InputError(f"position must be 0 <= row < {plan.rows}, 0 <= col < {plan.cols}, "
                         f"got ({row!r}, {col!r})", "occlusion_position_range",
                         rows=plan.rows, cols=plan.cols, row=plain(row), col=plain(col))
    _check_base(base, x)
    return _occluded(x, base, plan, row * plan.cols + col, 1)


def _check_base(base: Any, x: Tensor) -> None:
    if not isinstance(base, Tensor) or base.shape != x.shape:
        raise InputError(
            f"base must be a tensor of the image's shape {tuple(x.shape)}, got "
            f"{tuple(base.shape) if isinstance(base, Tensor) else type(base).__name__}",
            "occlusion_base_shape", shape=tuple(x.shape),
            value=str(tuple(base.shape) if isinstance(base, Tensor) else type(base).__name__),
        )


# --------------------------------------------------------------------------- the map
@dataclass(frozen=True, eq=False)
class OcclusionResult:
    """The outcome of `occlusion`; maps are (rows, cols), NaN / -1 where a stop left them."""

    prob_map: np.ndarray  # float32 probability of the target with the occluder at each position
    drop_map: np.ndarray  # float32 p0 - prob_map (positive: the patch mattered for the target)
    class_map: np.ndarray  # int64 argmax class at each position
    top_prob_map: np.ndarray  # float32 probability of that argmax class
    p0: float  # unoccluded probability of the target
    target: int  # the class explained
    base_probs: np.ndarray  # (K,) unoccluded class probabilities
    plan: Plan
    baseline: str
    precision: str  # "fp32" or "bf16", as resolved
    seconds: float  # wall time of the forward passes
    stopped: bool  # True when should_stop() ended it early
    incremental: bool = False  # True when only the changed windows were recomputed
    batch_size: int = 0  # occluded copies per forward pass, as used
    channels_last: bool = False  # the memory layout of the passes (incremental: always NHWC)
    tuned: tune.Choice | None = None  # what was measured when the batch size was left to it
    measured: int = 0  # positions of this map computed while measuring (0: cached or none)


def _as_input(model: nn.Module, t: Tensor, precision: str, nhwc: bool) -> Tensor:
    if precision == "bf16" and getattr(model, "_private_bf16", False):
        t = t.to(torch.bfloat16)  # the private bf16 copy: feed it bf16 directly
    return t.contiguous(memory_format=torch.channels_last) if nhwc else t


def _logits(logits: Tensor) -> Tensor:
    if not isinstance(logits, Tensor) or logits.dim() != 2:
        shape = tuple(logits.shape) if isinstance(logits, Tensor) else type(logits).__name__
        raise InputError(f"model must return logits (B, K), got {shape}",
                         "model_output_not_logits", value=str(shape))
    return logits.float().softmax(dim=1)  # (B, K)


def _probs(model: nn.Module, batch: Tensor, precision: str, nhwc: bool) -> Tensor:
    batch = _as_input(model, batch, precision, nhwc)
    with accel.autocast(batch.device, precision), GUARD.run(), \
            fits(f"an image of shape {tuple(batch.shape[1:])}", shape=tuple(batch.shape[1:])):
        return _logits(model(batch))


def _check_target(target: Any, k: int) -> None:
    if target is not None and not (is_int(target) and 0 <= target < k):
        raise InputError(f"target must be a class index 0 <= target < {k}, got {target!r}",
                         "target_class_range", value=plain(target), high=k - 1)


def occlusion(model: nn.Module, x: Tensor, *, window: int | tuple[int, int],
              stride: int | tuple[int, int], baseline: str = "zero", target: int | None = None,
              mean: Sequence[float] | float, std: Sequence[float] | float,
              batch_size: int | Sequence[int] = 64, precision: str = "fp32",
              incremental: bool = True,
              seed: int = 0, progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> OcclusionResult:
    """Occlusion sensitivity maps (Zeiler & Fergus 2014, Fig. 7).

    Args:
        model: shared model in eval mode returning logits (B, K); never modified.
        x: (1, C, H, W) normalised image on the model's device.
        window, stride: occluder size and step in pixels (int or (h, w)); see `plan`.
        baseline: one of BASELINES (see `baseline_image`); seed: for "noise".
        target: class to follow; None = the unoccluded prediction.
        mean, std: the model's input normalisation (per channel or one value).
        batch_size: occluded copies per forward pass (memory: batch_size x C x H x W floats),
            or several to choose from (e.g. ``BATCH_SIZES``): the fastest per position on this
            machine, with the layouts (NCHW / channels_last) of full passes, within the
            precision asked for (``core.runtime.tune``; once per process, model, image size and
            occluder). The measuring computes the map's first positions, so it costs almost
            nothing beyond the map itself; the candidates whose timed batches do not fit in
            the map are left out (with fewer than two left, the largest is used unmeasured).
        precision: "fp32", "bf16" (a private bf16 channels_last copy of the model,
            see `bf16_copy`, under autocast; softmax in fp32) or "auto" (bf16 where the CPU
            computes it natively).
        incremental: recompute only the part of each layer the occluder changes
            (`core.runtime.incremental.LocalRunner`; same maths, sums grouped differently: fp32 maps
            agree with full passes to ~1e-6). Used when a first check against full passes
            agrees; ``False`` runs every copy through the whole model.
        progress: called with (positions done, positions total) after each batch.
        should_stop: polled before each batch after the measuring (bounded by
            ``tune.BUDGET_S``); True stops early (``stopped=True``).
    Returns:
        OcclusionResult with (rows, cols) maps.
    """
    check_model(model)
    x = check_image(x).detach()
    p = plan(tuple(x.shape[-2:]), window, stride)
    base = baseline_image(x, baseline, mean=mean, std=std, seed=seed)
    sizes = _batch_sizes(batch_size)
    prec = accel.resolve_precision(precision, x.device)
    nhwc = prec == "bf16" and accel.channels_last(x.device, prec)
    start = time.perf_counter()
    shared = model
    if prec == "bf16":
        private = bf16_copy(model)  # the shared model is only read
        if private is not None:
            model = private
    with torch.inference_mode():
        xin, bin_ = _as_input(model, x, prec, nhwc), _as_input(model, base, prec, nhwc)
        runner = _runner(model, xin, prec) if incremental else None
        base_probs = (_probs(model, x, prec, nhwc) if runner is None
                      else _logits(runner.logits0))[0]  # (K,)
        _check_target(target, base_probs.numel())
        t = int(base_probs.argmax()) if target is None else int(target)
        batches = _Batches(model, runner, xin, bin_, p, prec, nhwc)
        if runner is not None and not batches.agrees():
            batches.runner = runner = None
        scan = _Scan(batches, t, progress)
        tuned, size = None, sizes[0]
        if len(sizes) > 1:
            tuned = _tune(shared, scan, sizes)
            if tuned is None:  # too few positions to time two candidates
                size = min(sizes[-1], scan.n)
            else:
                batches.nhwc, size = tuned.best.channels_last, tuned.best.batch_size
        measured = scan.done
        stopped = scan.finish(size, should_stop)
    prob, top_prob, top_cls = (a.reshape(p.rows, p.cols)
                               for a in (scan.prob, scan.top_prob, scan.top_cls))
    p0 = float(base_probs[t])
    return OcclusionResult(prob, (p0 - prob).astype(np.float32), top_cls, top_prob, p0, t,
                           base_probs.cpu().numpy(), p, baseline, prec,
                           time.perf_counter() - start, stopped, runner is not None, size,
                           batches.nhwc or runner is not None, tuned, measured)


def _batch_sizes(batch_size: int | Sequence[int]) -> tuple[int, ...]:
    """One batch size, or the candidates to measure (sorted, each checked >= 1)."""
    if isinstance(batch_size, Sequence) and not isinstance(batch_size, str):
        if not batch_size:
            raise InputError("batch_size needs at least one candidate", "number_min",
                             name="batch_size", value=0, low=1)
        return tuple(sorted({check_int("batch_size", b, 1) for b in batch_size}))
    return (check_int("batch_size", batch_size, 1),)


def _tune(shared: nn.Module, scan: _Scan, sizes: tuple[int, ...]) -> tune.Choice | None:
    """The fastest batch size (and, for full passes, memory layout) per position, measured
    while computing this very map's first positions (``core.runtime.tune``), once per process.

    Every call the measuring times computes the next positions of the map, so the only cost
    beyond the map itself is that some positions run at a slower candidate. The candidates go
    in order while their calls (a warm-up and ``tune.REPEATS`` timed ones each) fit in the map;
    None when fewer than two fit. Incremental passes carry their windows in channels_last
    (``LocalRunner``), so only the batch size is theirs to choose; full passes also try NCHW
    against channels_last inputs.
    """
    batches, n = scan.batches, scan.n
    useful = tuple(sorted({b for b in sizes if b < n} | {min(n, sizes[-1])}))
    layouts = (True,) if batches.runner is not None or batches.prec == "bf16" else (False, True)
    candidates, positions = [], 0
    for setup in (tune.Setup(cl, batches.prec, b) for b in useful for cl in layouts):
        positions += (1 + tune.REPEATS) * setup.batch_size
        if positions > n:
            break
        candidates.append(setup)
    if len(candidates) < 2:
        return None
    key = ("occlusion", tuple(batches.x.shape), batches.p.window, batches.p.stride,
           batches.prec, batches.runner is not None, tuple(candidates))

    def measure() -> tune.Choice:
        nhwc = batches.nhwc

        def make_run(setup: tune.Setup) -> Callable[[], object]:
            def run() -> None:
                batches.nhwc = setup.channels_last
                scan.step(setup.batch_size)
            return run

        try:
            return tune.measure(candidates, make_run, repeats=tune.REPEATS,
                                device=batches.x.device)
        finally:
            batches.nhwc = nhwc

    return tune.cached(shared, key, measure)


def estimate_seconds(model: nn.Module, x: Tensor, *, window: int | tuple[int, int],
                     stride: int | tuple[int, int], precision: str = "fp32",
                     incremental: bool = True, sample: int = 32) -> float:
    """Estimated wall time of `occlusion` with these settings, in seconds.

    Runs the set-up (the unoccluded pass, the incremental runner and its check) and three
    batches of ``sample`` positions the way `occlusion` would, and extrapolates the faster of the
    second and third batches to all positions: one batch slowed by another process (a browser
    drawing, a second session) must not turn a tenth of a second into several. Measured on
    ResNet-18 at 224 px: within 6% of the real run with batches of 32 (batches of 8 overestimate
    by ~40%: small batches cost more per position).
    """
    p = plan(tuple(check_image(x).shape[-2:]), window, stride)
    check_int("sample", sample, 1)
    stamps: list[float] = []
    start = time.perf_counter()
    occlusion(model, x, window=window, stride=stride, baseline="mean", mean=0.0, std=1.0,
              batch_size=sample, precision=precision, incremental=incremental,
              progress=lambda done, total: stamps.append(time.perf_counter()),
              should_stop=lambda: len(stamps) >= 3)
    positions = p.rows * p.cols
    if len(stamps) < 3:  # the whole map fitted in one or two batches
        return stamps[-1] - start
    per_batch = min(stamps[1] - stamps[0], stamps[2] - stamps[1])
    return (stamps[0] - per_batch - start) + per_batch * positions / sample


def _runner(model: nn.Module, xin: Tensor, prec: str) -> LocalRunner | None:
    """The incremental runner, or None where the model's graph cannot be traced."""
    with accel.autocast(xin.device, prec), fits(f"an image of shape {tuple(xin.shape[1:])}",
                                                shape=tuple(xin.shape[1:])):
        try:
            return LocalRunner(model, xin)
        except (torch.fx.proxy.TraceError, TypeError, NotImplementedError):
            return None  # dynamic control flow and such: every copy runs the whole model


class _Batches:
    """Class probabilities of occluded copies, incrementally (runner) or by full passes."""

    def __init__(self, model: nn.Module, runner: LocalRunner | None, xin: Tensor, bin_: Tensor,
                 p: Plan, prec: str, nhwc: bool) -> None:
        self.model, self.runner, self.x, self.base, self.p, self.prec, self.nhwc = (
            model, runner, xin, bin_, p, prec, nhwc)

    def probs(self, first: int, count: int, full: bool = False) -> Tensor:
        """(count, K) probabilities of positions first .. first+count-1."""
        if self.runner is None or full:
            return _probs(self.model, _occluded(self.x, self.base, self.p, first, count),
                          self.prec, self.nhwc)
        with accel.autocast(self.x.device, self.prec), \
                fits(f"an image of shape {tuple(self.x.shape[1:])}",
                     shape=tuple(self.x.shape[1:])):
            return _logits(self.runner.run(*_crops(self.x, self.base, self.p, first, count)))

    def agrees(self) -> bool:
        """Whether the incremental runner matches full passes at the first and last position
        (a safety net for models whose graph hides something the runner does not model)."""
        last = self.p.rows * self.p.cols - 1
        got = torch.cat([self.probs(0, 1), self.probs(last, 1)])
        want = torch.cat([self.probs(0, 1, full=True), self.probs(last, 1, full=True)])
        return bool((got - want).abs().max() <= (1e-4 if self.prec == "fp32" else 2e-2))


def _crops(x: Tensor, base: Tensor, p: Plan, first: int, count: int
           ) -> tuple[Tensor, Tensor, Tensor]:
    """Occluded copies as windows: (count, C, h, w) values and (count,) top and left pixels.

    The window is the occluder's box, shifted inwards where the box runs past the image edge
    (the pixels it then takes in beyond the box keep the image's values).
    """
    top, left = _boxes(p, first, count, x.device)
    (h, w), (wh, ww) = x.shape[-2:], p.window
    y0, x0 = top.clamp(max=h - wh), left.clamp(max=w - ww)
    rows = y0.view(-1, 1) + torch.arange(wh, device=x.device)  # (count, wh)
    cols = x0.view(-1, 1) + torch.arange(ww, device=x.device)  # (count, ww)
    idx = (rows[:, :, None], cols[:, None, :])
    inside = ((rows >= top.view(-1, 1))[:, :, None] & (cols >= left.view(-1, 1))[:, None, :])
    crop = torch.where(inside[..., None], base[0].permute(1, 2, 0)[idx],
                       x[0].permute(1, 2, 0)[idx])  # (count, wh, ww, C)
    return crop.permute(0, 3, 1, 2), y0, x0


class _Scan:
    """The maps of one run, filled batch by batch in position order (flat, NaN / -1 where not
    yet computed)."""

    def __init__(self, batches: _Batches, target: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.batches, self.target, self.progress = batches, target, progress
        self.n = batches.p.rows * batches.p.cols
        self.prob = np.full(self.n, np.nan, np.float32)
        self.top_prob = np.full(self.n, np.nan, np.float32)
        self.top_cls = np.full(self.n, -1, np.int64)
        self.done = 0  # positions computed so far: 0 .. done-1

    def step(self, batch_size: int) -> None:
        """Compute the next ``batch_size`` positions (fewer at the end of the map)."""
        first, count = self.done, min(batch_size, self.n - self.done)
        probs = self.batches.probs(first, count)  # (count, K)
        best = probs.max(dim=1)
        self.prob[first:first + count] = probs[:, self.target].cpu().numpy()
        self.top_prob[first:first + count] = best.values.cpu().numpy()
        self.top_cls[first:first + count] = best.indices.cpu().numpy()
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.n)

    def finish(self, batch_size: int, should_stop: Callable[[], bool] | None) -> bool:
        """The positions left, by batches; True when ``should_stop`` ended it early."""
        while self.done < self.n:
            if should_stop is not None and should_stop():
                return True
            self.step(batch_size)
        return False


# --------------------------------------------------------------------------- per-pixel form
def _cover(size: int, count: int, w: int, s: int) -> np.ndarray:
    """(count, size) 1 where position i's window covers pixel j along one axis."""
    starts = np.arange(count)[:, None] * s
    pix = np.arange(size)[None, :]
    return ((pix >= starts) & (pix < starts + w)).astype(np.float64)


def attribution_map(result: OcclusionResult, image_hw: tuple[int, int]) -> np.ndarray:
    """Per-pixel attribution in Captum's form: the mean drop over the windows covering a pixel.

    Captum's ``Occlusion`` adds (p0 - p_occluded) to every pixel a window covers and divides by
    the number of windows covering that pixel; windows are rectangles, so both sums factor into
    row and column coverage matrices: sum = R^T D C, count = r x c.
    Args:
        result: from `occlusion` (a stopped result counts missing positions as no drop).
        image_hw: (H, W) of the image it was computed on.
    Returns:
        (H, W) float32 array.
    """
    p = result.plan
    hw = check_pair("image_hw", image_hw)
    if plan(hw, p.window, p.stride) != p:
        raise InputError(f"image_hw {hw} does not match the result's plan ({p.rows}x{p.cols} "
                         f"positions of window {p.window}, stride {p.stride})",
                         "occlusion_plan_mismatch", image=hw, rows=p.rows, cols=p.cols,
                         window=p.window, stride=p.stride)
    r = _cover(hw[0], p.rows, p.window[0], p.stride[0])  # (rows, H)
    c = _cover(hw[1], p.cols, p.window[1], p.stride[1])  # (cols, W)
    drop = np.nan_to_num(result.drop_map.astype(np.float64))
    total = r.T @ drop @ c  # (H, W)
    count = np.outer(r.sum(0), c.sum(0))  # (H, W), >= 1: stride <= window
    return (total / count).astype(np.float32)
