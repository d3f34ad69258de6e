"""Sanity check for saliency maps: does the map change when the model's weights are randomised?

Adebayo et al. (2018), "Sanity Checks for Saliency Maps", NeurIPS,
https://arxiv.org/abs/1810.03292 . Cascading randomisation: starting from the output layer,
re-initialise the model's parametrised layers one group at a time (top down, cumulatively:
step k has the top k groups random) and recompute every method's map. A method that explains
what the model learned must change as its weights disappear; one whose map stays similar
(guided backprop, in the paper) mostly shows the image's edges.

Similarity is the Spearman rank correlation of the *absolute* display maps, |heat| of step k vs
|heat| of the trained model (the paper's "ABS" variant: the sign of a map is ignored); it is
NaN where a map is constant (e.g. an all-zero Grad-CAM).

Everything runs on a PRIVATE deep copy: the shared model is never modified. Groups: a module
with its own parameters belongs to its nearest ancestor that is a block with its own forward
(a ResNet BasicBlock: "layer4.1"), else it is its own group (VGG's "features.28", the lab's
"fc2"); groups are ordered by their first call. Re-initialisation uses a seeded generator:
weights with >= 2 dims and their biases as PyTorch's default for Conv/Linear (Kaiming uniform
with a = sqrt(5), bias U(+-1/sqrt(fan_in))); other parameters (norm layers' scale and shift)
from N(mean, std) of the tensor's own values (std 0.1 when they are constant).
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from core.checks import InputError, check_int, is_int, plain
from core.interpret import saliency
from core.runtime.graph import check_model

__all__ = [
    "cascading_randomization",
    "layer_groups",
    "MAX_METHODS_STEPS",
    "rankdata",
    "SanityResult",
    "spearman",
]


MAX_METHODS_STEPS = 2_000  # method x step maps one check may compute


@dataclass(frozen=True, eq=False)
class SanityResult:
    """The outcome of `cascading_randomization`; step 0 is the trained model."""

    groups: list[str]  # every randomisable group, top (output) first
    steps: list[str]  # "original", then the group randomised at each step done
    maps: dict[str, list[np.ndarray]]  # method -> (H, W) heat per step done
    rank_corr: dict[str, list[float]]  # method -> Spearman(|heat_k|, |heat_0|) per step done
    target: int  # the class explained at every step (the trained model's choice)
    seconds: float
    stopped: bool  # should_stop() ended it early


# --------------------------------------------------------------------------- rank correlation
def rankdata(a: np.ndarray) -> np.ndarray:
    """Ranks 1..n of the flattened values, ties sharing their average rank (scipy's "average")."""
    a = np.asarray(a, dtype=np.float64).ravel()
    order = np.argsort(a, kind="mergesort")
    inv = np.empty_like(order)
    inv[order] = np.arange(len(a))
    s = a[order]
    first = np.r_[True, s[1:] != s[:-1]]  # start of each run of equal values
    dense = np.cumsum(first)[inv]  # 1-based tie group of each value
    bounds = np.r_[np.flatnonzero(first), len(a)]  # group g spans sorted [bounds[g-1], bounds[g])
    return 0.5 * (bounds[dense - 1] + bounds[dense] + 1)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two equally sized arrays; NaN if either is constant."""
    a, b = np.asarray(a), np.asarray(b)
    if a.size != b.size or a.size < 2:
        raise InputError(f"spearman needs two arrays of the same size >= 2, got {a.size} and "
                         f"{b.size}", "spearman_sizes", first=int(a.size), second=int(b.size))
    ra, rb = rankdata(a), rankdata(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = math.sqrt(float((ra * ra).sum() * (rb * rb).sum()))
    return float((ra * rb).sum() / denom) if denom > 0 else math.nan


# --------------------------------------------------------------------------- layer groups
def _blocks(model: nn.Module) -> set[str]:
    """Paths of submodules with their own forward (not plain containers, not the root)."""
    plain = (nn.Sequential, nn.ModuleList, nn.ModuleDict)
    return {name for name, m in model.named_modules()
            if name and next(m.children(), None) is not None and type(m) not in plain}


def layer_groups(model: nn.Module) -> list[str]:
    """The groups cascading randomisation re-initialises, top (output) first (see module doc)."""
    from core.runtime.graph import model_graph

    check_model(model)
    blocks = _blocks(model)
    order: list[str] = []
    for node in model_graph(model).layers.values():  # call order
        path = str(node.target)
        if not any(True for _ in model.get_submodule(path).parameters(recurse=False)):
            continue
        parts = path.split(".")
        group = next((".".join(parts[:i]) for i in range(1, len(parts))
                      if ".".join(parts[:i]) in blocks), path)
        if group not in order:
            order.append(group)
    return order[::-1]


@torch.no_grad()
def _reinit(module: nn.Module, gen: torch.Generator) -> None:
    for m in module.modules():
        params = dict(m.named_parameters(recurse=False))
        w = params.get("weight")
        fan_in = math.prod(w.shape[1:]) if w is not None and w.dim() >= 2 else None
        for name, p in params.items():
            if p.dim() >= 2:
                bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)): sqrt(6/6)/sqrt(fan_in)
                p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * bound)
            elif fan_in is not None and name == "bias":
                p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) / math.sqrt(fan_in))
            else:
                std = float(p.float().std()) if p.numel() > 1 else 0.0
                p.copy_(float(p.float().mean())
                        + (std or 0.1) * torch.randn(p.shape, generator=gen))


# --------------------------------------------------------------------------- the check
def cascading_randomization(model: nn.Module, x: Tensor, target: int | None = None, *,
                            methods: Sequence[str],
                            params: Mapping[str, Mapping[str, Any]] | None = None,
                            max_steps: int | None = None, seed: int = 0,
                            progress: Callable[[int, int], None] | None = None,
                            should_stop: Callable[[], bool] | None = None) -> SanityResult:
    """Cascading randomisation (Adebayo et al. 2018) of a private copy of ``model``.

    Args:
        model: shared model in eval mode (only read: a deep copy is randomised).
        x: (1, C, H, W) normalised image; target: class, None = the trained model's prediction
            (kept fixed at every step).
        methods: keys of ``core.interpret.saliency.METHODS``; params: per method, its keyword
            parameters (e.g. {"smoothgrad": {"samples": 10}}).
        max_steps: randomise only the top ``max_steps`` groups (None = all).
        seed: the re-initialisation generator; progress(done, total) after each map;
            should_stop() polled before each step.
    Returns:
        SanityResult.
    """
    check_model(model)
    if (isinstance(methods, str) or not isinstance(methods, Sequence) or not methods
            or any(m not in saliency.METHODS for m in methods)):
        raise InputError(f"methods must be a non-empty list of {', '.join(saliency.METHODS)}, "
                         f"got {methods!r}", "sanity_methods", choices=tuple(saliency.METHODS),
                         value=repr(methods))
    params = dict(params or {})
    if any(k not in methods or not isinstance(v, Mapping) for k, v in params.items()):
        raise InputError(f"params must map some of the chosen methods to keyword dicts, got "
                         f"{params!r}", "sanity_params", value=repr(params))
    check_int("seed", seed)
    groups = layer_groups(model)
    n = len(groups) if max_steps is None else max_steps
    if not is_int(n) or not 1 <= n <= len(groups):  # the message shows what was asked (None)
        raise InputError(f"max_steps must be an integer in 1..{len(groups)}, got {max_steps!r}",
                         "int_between", name="max_steps", value=plain(max_steps), low=1,
                         high=len(groups))
    if (n + 1) * len(methods) > MAX_METHODS_STEPS:
        raise InputError(f"{n + 1} steps x {len(methods)} methods is more than "
                         f"{MAX_METHODS_STEPS} maps: choose fewer steps or methods",
                         "sanity_too_many_maps", steps=n + 1, methods=len(methods),
                         limit=MAX_METHODS_STEPS)
    start = time.perf_counter()
    with torch.no_grad():
        private = copy.deepcopy(model)  # never the shared one
    private.requires_grad_(False)
    gen = torch.Generator().manual_seed(int(seed))
    total = (n + 1) * len(methods)
    maps: dict[str, list[np.ndarray]] = {m: [] for m in methods}
    corr: dict[str, list[float]] = {m: [] for m in methods}
    steps: list[str] = []
    stopped = False
    for step in range(n + 1):
        if should_stop is not None and should_stop():
            stopped = True
            break
        if step:
            _reinit(private.get_submodule(groups[step - 1]), gen)
        for m in methods:
            a = saliency.attribute(m, private, x, target, **params.get(m, {}))
            target = a.target  # step 0 fixes it for the randomised models
            maps[m].append(a.heat)
            corr[m].append(spearman(np.abs(a.heat), np.abs(maps[m][0])))
            if progress is not None:
                progress(step * len(methods) + methods.index(m) + 1, total)
        steps.append("original" if step == 0 else groups[step - 1])
    return SanityResult(groups, steps, maps, corr, int(target) if target is not None else -1,
                        time.perf_counter() - start, stopped)
