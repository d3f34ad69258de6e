"""Deletion and insertion: does a saliency map point at what the model actually uses?

Petsiuk, Das & Saenko (2018), "RISE: Randomized Input Sampling for Explanation of Black-box
Models", BMVC, https://arxiv.org/abs/1806.07421 , section 4.1. Order the pixels by a map's
importance (its display values, highest first). **Deletion** replaces the most important pixels
first with a baseline and follows the target class's probability: a faithful map makes it fall
fast (low area under the curve). **Insertion** starts from the baseline image and puts the most
important pixels back first: a faithful map makes it rise fast (high area).

A pixel is all its channels; ``step`` is the fraction of the pixels that changes per step
(``ceil(step * H * W)`` pixels; the last step takes what is left), and the curve has a point
before the first step and after each one. The area is the trapezoid rule over the fraction of
pixels changed, 0..1. Ties in a map keep the pixels' row-major order (a stable sort).

Baselines: "zero" black pixels, "mean" the dataset's mean colour, "blur" a Gaussian blur of the
image (``core.interpret.occlusion.baseline_image``), and "road": ROAD's noisy linear imputation
(Rong, Leemann, Borisov, Kasneci & Kasneci 2022, "A Consistent and Efficient Evaluation Strategy
for Attribution Methods", ICML, https://arxiv.org/abs/2202.00449): every removed pixel becomes
the weighted mean of its 8 neighbours (1/6 beside, 1/12 diagonal), a sparse linear system
solved for all removed pixels at once, plus N(0, 0.01^2) noise in the input's units (their
reference code's defaults), so that the removed region does not stand out as a shape the
model can see. With no pixel left to impute from (insertion's first point), it is the dataset
mean plus noise.

Every perturbed copy of every image and map runs in batches; the shared model is only read
(eval mode, no hooks, ``torch.inference_mode``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.checks import InputError, check_batch, check_choice, check_int, check_number
from core.interpret.layers import predict
from core.interpret.occlusion import baseline_image
from core.runtime.graph import check_model

__all__ = [
    "auc",
    "BASELINES",
    "check_targets",
    "Curves",
    "curve_passes",
    "curves",
    "mean_ci",
    "MAX_STEPS",
    "pixel_counts",
    "perturbed",
    "pixel_order",
    "road_impute",
    "ROAD_NOISE",
    "Score",
    "scores",
]

BASELINES = ("zero", "mean", "blur", "road")
ROAD_NOISE = 0.01  # std of the noise ROAD adds to imputed pixels (the reference code's default)
MAX_STEPS = 1_000  # points one curve may have (step >= 1/1000 of the pixels)
ROAD_TOL = 1e-4  # relative residual at which the imputation's solver stops (well below the noise)

# ROAD's neighbour weights: 1/6 for the 4 beside a pixel, 1/12 for the 4 diagonal ones
_NEIGHBOURS = ((1 / 12, 1 / 6, 1 / 12), (1 / 6, 0.0, 1 / 6), (1 / 12, 1 / 6, 1 / 12))


# --------------------------------------------------------------------------- order and steps
def pixel_counts(n_pixels: int, step: float) -> np.ndarray:
    """How many pixels have changed at each point of a curve: 0, k, 2k, ..., n_pixels.

    Args:
        n_pixels: H * W; step: fraction of the pixels per step, 0 < step <= 1
            (k = ceil(step * n_pixels); at most MAX_STEPS steps).
    Returns:
        (S + 1,) int64, increasing from 0 to n_pixels.
    """
    n = check_int("n_pixels", n_pixels, 1)
    step = check_number("step", step, 0.0, 1.0, open_low=True)
    k = math.ceil(step * n - 1e-9)  # 0.25 * 4 is 1 pixel, not 2 through rounding
    k = max(1, k)
    if math.ceil(n / k) > MAX_STEPS:
        raise InputError(f"step {step:g} of {n} pixels makes {math.ceil(n / k)} steps, more than "
                         f"the {MAX_STEPS} allowed: use a larger step", "faithfulness_steps",
                         step=step, steps=math.ceil(n / k), limit=MAX_STEPS)
    return np.minimum(np.arange(0, n + k, k), n).astype(np.int64)


def curve_passes(images: int, maps: int, n_pixels: int, step: float) -> int:
    """Forward passes `curves` runs: per image, its two ends (the image and the baseline, the
    same for every map) and every inner point of both curves of every map."""
    inner = len(pixel_counts(n_pixels, step)) - 2
    return images * (2 + 2 * maps * inner)


def pixel_order(heat: Any) -> np.ndarray:
    """Pixel indices (row-major) from the most to the least important; ties keep their order.

    Args:
        heat: (H, W) map (numpy or torch); higher = more important. NaN counts as least.
    Returns:
        (H * W,) int64.
    """
    h = np.asarray(heat.detach().cpu() if isinstance(heat, Tensor) else heat, dtype=np.float64)
    if h.ndim != 2 or not h.size:
        raise InputError(f"a map must be (H, W), got shape {h.shape}", "faithfulness_map_shape",
                         shape=str(h.shape))
    flat = np.nan_to_num(h.ravel(), nan=-np.inf)
    return np.argsort(-flat, kind="stable")


def _ranks(heat: np.ndarray) -> np.ndarray:
    """(H * W,) the position of each pixel in `pixel_order` (0 = most important)."""
    order = pixel_order(heat)
    ranks = np.empty_like(order)
    ranks[order] = np.arange(order.size)
    return ranks


# --------------------------------------------------------------------------- ROAD imputation
def road_impute(x: Tensor, known: Tensor, *, noise: Tensor | None = None, tol: float = ROAD_TOL,
                max_iter: int | None = None) -> Tensor:
    """ROAD's noisy linear imputation (Rong et al. 2022) of the pixels not ``known``.

    Each removed pixel i takes the value sum_j w_ij v_j / sum_j w_ij over its neighbours j
    inside the image (w = 1/6 beside, 1/12 diagonal), known neighbours with their values. For
    the removed pixels together this is a symmetric positive definite system (a Dirichlet
    Laplacian), solved per image and channel by batched conjugate gradients to a relative
    residual ``tol`` (the reference code solves it with scipy's sparse LU).

    Args:
        x: (B, C, H, W) images; known: (B, H, W) bool, True where a pixel keeps its value.
        noise: (B, C, H, W) added to the imputed pixels (None: no noise).
        tol: relative residual; max_iter: CG iterations (None: 8 * (H + W)).
    Returns:
        (B, C, H, W) new tensor: x where known, the imputed values (+ noise) elsewhere; a copy
        with nothing known is all zeros (+ noise).
    """
    x = check_batch(x)
    b_, c, h, w = x.shape
    if not isinstance(known, Tensor) or known.shape != (b_, h, w) or known.dtype != torch.bool:
        raise InputError(f"known must be a bool tensor (B, H, W) = {(b_, h, w)}",
                         "faithfulness_known_shape", shape=str((b_, h, w)))
    dtype = torch.float64 if x.dtype == torch.float64 else torch.float32
    v = x.detach().to(dtype)
    keep = known[:, None].to(dtype)  # (B, 1, H, W)
    miss = 1.0 - keep
    kernel = torch.tensor(_NEIGHBOURS, dtype=dtype, device=x.device).view(1, 1, 3, 3)

    def conv(t: Tensor) -> Tensor:  # sum over the in-image neighbours, per channel
        return F.conv2d(t.reshape(b_ * c, 1, h, w), kernel, padding=1).view(b_, c, h, w)

    weight = F.conv2d(torch.ones(1, 1, h, w, dtype=dtype, device=x.device), kernel, padding=1)

    def system(y: Tensor) -> Tensor:  # (s_i y_i - sum_{j removed} w_ij y_j) at removed pixels
        return miss * (weight * y - conv(miss * y))

    rhs = miss * conv(v * keep)  # sum_{j known} w_ij v_j at removed pixels
    y = torch.zeros_like(v)
    r = rhs.clone()
    p = r.clone()
    rr = (r * r).sum((2, 3), keepdim=True)  # (B, C, 1, 1)
    stop = (tol ** 2) * rr.clamp_min(torch.finfo(dtype).tiny)
    for _ in range(max_iter if max_iter is not None else 8 * (h + w)):
        if bool((rr <= stop).all()):
            break
        ap = system(p)
        pap = (p * ap).sum((2, 3), keepdim=True)
        alpha = torch.where(pap > 0, rr / pap.clamp_min(torch.finfo(dtype).tiny), 0.0)
        y = y + alpha * p
        r = r - alpha * ap
        rr_new = (r * r).sum((2, 3), keepdim=True)
        p = r + torch.where(rr > 0, rr_new / rr.clamp_min(torch.finfo(dtype).tiny), 0.0) * p
        rr = rr_new
    if noise is not None:
        y = y + noise.to(dtype)
    return (v * keep + miss * y).to(x.dtype)


# --------------------------------------------------------------------------- the curves
@dataclass(frozen=True, eq=False)
class Curves:
    """Deletion and insertion curves of every image under every map; NaN where a stop left
    them (images after the last one finished)."""

    methods: tuple[str, ...]  # the maps' keys, in the order of the curves' axis 1
    fractions: np.ndarray  # (S + 1,) fraction of the pixels changed at each point
    deletion: np.ndarray  # (N, M, S + 1) target probability, most important pixels removed first
    insertion: np.ndarray  # (N, M, S + 1) target probability, most important put back first
    targets: np.ndarray  # (N,) the class followed
    baseline: str
    passes: int  # forward passes (images) run
    seconds: float
    stopped: bool
    done: int  # images finished

    def auc(self, kind: str) -> np.ndarray:
        """(N, M) area under the deletion or insertion curves."""
        return auc(self.fractions, getattr(self, check_choice("kind", kind,
                                                             ("deletion", "insertion"))))


def auc(fractions: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Trapezoid area under curves over the last axis: sum (f_{i+1} - f_i)(v_i + v_{i+1}) / 2."""
    f = np.asarray(fractions, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    return ((v[..., 1:] + v[..., :-1]) * np.diff(f) / 2).sum(-1)


def _probs(model: nn.Module, batch: Tensor, targets: Tensor) -> Tensor:
    """(B,) softmax probability of each row's target class."""
    return predict(model, batch).gather(1, targets.view(-1, 1))[:, 0]


def _check_maps(maps: Any, n: int, hw: tuple[int, int]) -> dict[str, np.ndarray]:
    if not isinstance(maps, Mapping) or not maps:
        raise InputError("maps must map method names to (N, H, W) arrays",
                         "faithfulness_maps", value=type(maps).__name__)
    out = {}
    for key, m in maps.items():
        a = np.asarray(m.detach().cpu() if isinstance(m, Tensor) else m, dtype=np.float64)
        if a.shape != (n, *hw):
            raise InputError(f"the map {key!r} must have shape {(n, *hw)}, got {a.shape}",
                             "faithfulness_map_shape", shape=str(a.shape))
        out[str(key)] = a
    return out


def check_targets(targets: Any, n: int) -> Tensor:
    """(N,) int64 classes, one per image."""
    t = torch.as_tensor(np.asarray(targets), dtype=torch.int64).flatten()
    if t.numel() != n:
        raise InputError(f"targets must give one class per image ({n}), got {t.numel()}",
                         "faithfulness_targets", images=n, value=int(t.numel()))
    return t


def curves(model: nn.Module, x: Tensor, maps: Mapping[str, Any], targets: Sequence[int], *,
           step: float = 0.05, baseline: str = "blur", mean: Sequence[float] | float = 0.0,
           std: Sequence[float] | float = 1.0, seed: int = 0, batch_size: int = 32,
           progress: Callable[[int, int], None] | None = None,
           should_stop: Callable[[], bool] | None = None) -> Curves:
    """Deletion and insertion curves (Petsiuk et al. 2018) of N images under M maps each.

    Args:
        model: shared model in eval mode returning logits (B, K); only read.
        x: (N, C, H, W) normalised images; maps: {method: (N, H, W)} importance (higher first);
        targets: (N,) the class whose softmax probability the curves follow.
        step: fraction of the pixels per step (`pixel_counts`); baseline: one of BASELINES;
        mean, std: the model's normalisation (for "zero" and "blur"/"mean", see
        `core.interpret.occlusion.baseline_image`); seed: ROAD's noise (own generator).
        batch_size: perturbed copies per forward pass.
        progress(done, total) in forward passes after each batch; should_stop() polled before
        each batch (a stop keeps the images finished).
    Returns:
        Curves; every point is the probability after that many pixels changed.
    """
    check_model(model)
    x = check_batch(x).detach()
    n, c, h, w = x.shape
    baseline = check_choice("baseline", baseline, BASELINES)
    check_int("seed", seed, 0)
    batch_size = check_int("batch_size", batch_size, 1)
    maps = _check_maps(maps, n, (h, w))
    t = check_targets(targets, n)
    counts = torch.as_tensor(pixel_counts(h * w, step))  # (S + 1,)
    methods = tuple(maps)
    m_, s1 = len(methods), counts.numel()
    deletion = np.full((n, m_, s1), np.nan)
    insertion = np.full((n, m_, s1), np.nan)
    inner = counts[1:-1]  # the ends are the image and the baseline, the same for every map
    total = curve_passes(n, m_, h * w, step)
    start, passes, stopped, done = time.perf_counter(), 0, False, 0
    layout = _Layout(batch_size)
    with torch.inference_mode():
        for i in range(n):
            xi = x[i:i + 1]
            base, noise = _baseline(xi, baseline, mean, std, seed + i, s1)
            ranks = torch.as_tensor(np.stack([_ranks(maps[k][i]) for k in methods]))  # (M, HW)
            removed = ranks[:, None, :] < inner[None, :, None]  # (M, S - 1, HW): deleted first
            # every copy of image i: deletion (removed -> baseline) then insertion (kept ->
            # baseline); an insertion copy at count k keeps the k most important pixels
            masks = torch.cat([removed, ~removed]).reshape(-1, h, w)  # (2 M (S-1), H, W)
            steps = inner.repeat(2 * m_)  # the count of each copy, for ROAD's noise
            out = torch.empty(masks.shape[0] + 2)
            ends = torch.stack([torch.zeros(h, w, dtype=torch.bool),
                                torch.ones(h, w, dtype=torch.bool)])  # nothing / all replaced
            jobs = torch.cat([ends, masks])  # True = replaced by the baseline
            noise_idx = torch.cat([torch.tensor([0, s1 - 1]),
                                   torch.searchsorted(counts, steps)])
            for first in range(0, jobs.shape[0], batch_size):
                if should_stop is not None and should_stop():
                    stopped = True
                    break
                rep = jobs[first:first + batch_size].to(x.device)  # (b, H, W)
                batch = _perturb(xi, rep, base, noise, noise_idx[first:first + batch_size])
                nhwc = layout.pick(rep.shape[0])
                began = time.perf_counter()
                out[first:first + rep.shape[0]] = _probs(
                    model, batch.contiguous(memory_format=torch.channels_last) if nhwc else batch,
                    t[i].expand(rep.shape[0]).to(x.device)).cpu()
                layout.record(nhwc, rep.shape[0], time.perf_counter() - began)
                passes += rep.shape[0]
                if progress is not None:
                    progress(min(passes, total), total)
            if stopped:
                break
            p_image, p_base = float(out[0]), float(out[1])
            inside = out[2:].view(2, m_, inner.numel()).numpy()
            deletion[i, :, 0], deletion[i, :, -1] = p_image, p_base
            insertion[i, :, 0], insertion[i, :, -1] = p_base, p_image
            deletion[i, :, 1:-1], insertion[i, :, 1:-1] = inside[0], inside[1]
            done = i + 1
    return Curves(methods, counts.numpy() / (h * w), deletion, insertion, t.numpy(), baseline,
                  passes, time.perf_counter() - start, stopped, done)


class _Layout:
    """NCHW or channels_last copies, chosen by timing both on the first full batches (whose
    results count: nothing is run twice). Measured on 2 AVX2 cores: channels_last input makes
    ResNet-18 37 instead of 47 ms per copy in batches of 8, and gains nothing on the digits CNN;
    the layout changes only how the sums are grouped (fp32 results agree to ~1e-7)."""

    TRIALS = 2  # timed full batches per layout; the first of each warms its kernels up

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.seconds: dict[bool, list[float]] = {False: [], True: []}
        self.choice: bool | None = None

    def pick(self, rows: int) -> bool:
        if self.choice is not None or rows < self.batch_size:
            return bool(self.choice)
        return len(self.seconds[False]) > len(self.seconds[True])  # alternate NCHW, NHWC

    def record(self, nhwc: bool, rows: int, seconds: float) -> None:
        if self.choice is not None or rows < self.batch_size:
            return
        self.seconds[nhwc].append(seconds)
        if min(len(v) for v in self.seconds.values()) >= self.TRIALS:
            nchw, nhwc_s = (min(self.seconds[k][1:]) for k in (False, True))
            self.choice = nhwc_s < nchw


def _baseline(xi: Tensor, kind: str, mean: Any, std: Any, seed: int, points: int
              ) -> tuple[Tensor | None, Tensor | None]:
    """(the baseline image (1, C, H, W) or None for ROAD, ROAD's noise per point or None)."""
    if kind != "road":
        return baseline_image(xi, kind, mean=mean, std=std), None
    gen = torch.Generator().manual_seed(int(seed))
    # one noise field per point of the curve, shared by every map (common random numbers:
    # the maps are compared under the same noise)
    noise = ROAD_NOISE * torch.randn((points, *xi.shape[1:]), generator=gen)
    return None, noise.to(xi)


def _perturb(xi: Tensor, replaced: Tensor, base: Tensor | None, noise: Tensor | None,
             noise_idx: Tensor) -> Tensor:
    """(b, C, H, W): image xi with the ``replaced`` (b, H, W) pixels from the baseline."""
    rep = replaced[:, None]  # (b, 1, H, W)
    if base is not None:
        return torch.where(rep, base, xi)
    copies = xi.expand(replaced.shape[0], -1, -1, -1)
    return road_impute(copies, ~replaced, noise=noise[noise_idx.to(noise.device)])


def perturbed(x: Tensor, heat: Any, fraction: float, *, kind: str = "deletion",
              baseline: str = "blur", mean: Sequence[float] | float = 0.0,
              std: Sequence[float] | float = 1.0, seed: int = 0) -> Tensor:
    """One image as a curve sees it: ``fraction`` of its pixels deleted (the most important
    first), or for insertion only that fraction put back on the baseline.

    Args:
        x: (1, C, H, W) normalised image; heat: its (H, W) map; fraction: 0..1 of the pixels
            (rounded to whole pixels); kind: "deletion" or "insertion"; the rest as `curves`
            (ROAD draws one noise field from ``seed``).
    Returns:
        (1, C, H, W) new tensor.
    """
    from core.checks import check_image

    x = check_image(x).detach()
    fraction = check_number("fraction", fraction, 0.0, 1.0)
    kind = check_choice("kind", kind, ("deletion", "insertion"))
    baseline = check_choice("baseline", baseline, BASELINES)
    h, w = x.shape[-2:]
    heat = _check_maps({"map": np.asarray(heat)[None]}, 1, (h, w))["map"][0]
    removed = torch.as_tensor(_ranks(heat).reshape(h, w)) < round(fraction * h * w)  # (H, W)
    replaced = (removed if kind == "deletion" else ~removed)[None].to(x.device)  # (1, H, W)
    base, noise = _baseline(x, baseline, mean, std, seed, 1)
    with torch.inference_mode():
        return _perturb(x, replaced, base, noise, torch.zeros(1, dtype=torch.long))


# --------------------------------------------------------------------------- scores
def mean_ci(values: Any, level: float = 0.95) -> tuple[float, float]:
    """(mean, half width of its ``level`` confidence interval), Student's t with n - 1 degrees
    of freedom; the half width is NaN for fewer than 2 values. NaNs (stopped images) are left
    out."""
    from scipy import stats

    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[~np.isnan(v)]
    if not v.size:
        return math.nan, math.nan
    if v.size < 2:
        return float(v.mean()), math.nan
    sem = float(v.std(ddof=1)) / math.sqrt(v.size)
    return float(v.mean()), float(stats.t.ppf(0.5 + level / 2, v.size - 1)) * sem


@dataclass(frozen=True)
class Score:
    """One map method's faithfulness over the images: mean AUCs and their 95% intervals."""

    method: str
    deletion: float  # mean deletion AUC (lower = more faithful)
    deletion_ci: float  # half width of its 95% confidence interval
    insertion: float  # mean insertion AUC (higher = more faithful)
    insertion_ci: float
    images: int

    @property
    def difference(self) -> float:
        """insertion - deletion: one number that rewards both (higher = more faithful)."""
        return self.insertion - self.deletion


def scores(result: Curves) -> list[Score]:
    """One Score per method, best first (by insertion - deletion AUC)."""
    dele, ins = result.auc("deletion"), result.auc("insertion")  # (N, M)
    out = []
    for j, key in enumerate(result.methods):
        d, dci = mean_ci(dele[:, j])
        i, ici = mean_ci(ins[:, j])
        out.append(Score(key, d, dci, i, ici, int((~np.isnan(dele[:, j])).sum())))
    return sorted(out, key=lambda s: -s.difference if not math.isnan(s.difference) else math.inf)
