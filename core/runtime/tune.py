"""Layout, precision and batch size chosen by measuring on this machine, not by assumption.

CPUs differ: channels_last pays on some and not on others, bf16 is fast only where the CPU has
it natively, and the best batch size depends on the caches. So "auto" times the candidates: a
few forward passes (``inference``) or forward + backward passes (``train``) of the model itself
on a small real batch of the input it will see, in each candidate memory layout (NCHW /
channels_last), each allowed precision (fp32; bf16 only where ``core.runtime.accel`` says it is
native and the caller allowed it) and, for batched inference, a few batch sizes; the fastest per
image wins. The measuring is bounded (``budget_s``, a second or two at most even for ImageNet
models) and its result is cached per process, per model, input shape, device and what was
allowed, so it runs once.

The precision the caller allowed is a hard limit: asked for "fp32" (exact), every candidate is
fp32, and a layout or batch size changes only how floating-point sums are grouped (results agree
to fp32 rounding). A shared model is only read: the candidates feed it inputs in the layout
tried (oneDNN reorders the weights itself), and bf16 runs on the private copy of
``accel.bf16_copy``.
"""

from __future__ import annotations

import copy
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from core.checks import InputError, check_choice
from core.runtime import accel

__all__ = ["Choice", "KINDS", "Setup", "cached", "choose", "clear", "measure", "precisions",
           "signature"]

KINDS = ("inference", "train")
BUDGET_S = 1.5  # the most the measuring of one model may take (the first candidates always run)
REPEATS = 2  # timed calls per candidate (after one warm-up call); the fastest counts


@dataclass(frozen=True)
class Setup:
    """One way to run a model: memory layout, precision ("fp32" / "bf16"), batch size."""

    channels_last: bool
    precision: str
    batch_size: int

    @property
    def layout(self) -> str:
        return "channels_last" if self.channels_last else "NCHW"

    def __str__(self) -> str:
        return f"{self.layout} · {self.precision} · batch {self.batch_size}"


@dataclass(frozen=True)
class Choice:
    """What was measured and what won.

    Attributes:
        best: the fastest set-up per image.
        seconds_per_image: each set-up measured, with its seconds per image (fastest run).
        cost_s: what the measuring took (0 when it came from the cache).
        cached: True when this choice was measured earlier in this process.
        skipped: set-ups not measured because the budget ran out.
    """

    best: Setup
    seconds_per_image: dict[Setup, float] = field(compare=False)
    cost_s: float = 0.0
    cached: bool = False
    skipped: tuple[Setup, ...] = ()

    @property
    def speedup(self) -> float:
        """How much faster the best set-up is than the slowest one measured (>= 1)."""
        return max(self.seconds_per_image.values()) / self.seconds_per_image[self.best]


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> {key: Choice}
_GLOBAL: dict = {}  # {key: Choice} for choices that outlive a model (one per architecture)
_LOCK = threading.Lock()


def clear() -> None:
    """Forget every cached choice (tests; a machine whose load changed a lot)."""
    with _LOCK:
        _CACHE.clear()
        _GLOBAL.clear()


def precisions(allowed: str, device: torch.device) -> tuple[str, ...]:
    """The precisions "auto" may try: fp32 always, bf16 only where native; "fp32" and "bf16"
    are taken as they are (bf16 without native support is refused by accel)."""
    check_choice("precision", allowed, accel.PRECISIONS)
    if allowed == "auto":
        return ("fp32", "bf16") if accel.has_bf16(device) else ("fp32",)
    return (accel.resolve_precision(allowed, device),)


def measure(candidates: Sequence[Setup], make_run: Callable[[Setup], Callable[[], object]],
            *, budget_s: float = BUDGET_S, repeats: int = REPEATS,
            device: torch.device | str = "cpu") -> Choice:
    """Time each candidate and return the fastest per image.

    Args:
        candidates: the set-ups, in the order to try (the first is always measured).
        make_run: for a set-up, a function running one batch of ``setup.batch_size`` items.
        budget_s: stop starting new candidates once this much time has gone, counting the
            timed calls still to come for those already started.
        repeats: timed calls per candidate, after one warm-up call (kernels are built there).
    """
    if not candidates:
        raise ValueError("measure needs at least one candidate")
    device = torch.device(device)
    start = time.perf_counter()
    runs: dict[Setup, Callable[[], object]] = {}
    best: dict[Setup, float] = {}
    skipped = []

    def timed(setup: Setup) -> float:
        _sync(device)
        t0 = time.perf_counter()
        runs[setup]()
        _sync(device)
        seconds = time.perf_counter() - t0
        best[setup] = min(best.get(setup, float("inf")), seconds)
        return seconds

    rounds_left = 0.0  # what the later rounds will take for the candidates started so far
    for setup in candidates:
        if runs and time.perf_counter() - start + rounds_left > budget_s:
            skipped.append(setup)
            continue
        runs[setup] = make_run(setup)
        runs[setup]()  # warm-up: oneDNN builds its kernels for the shape here
        rounds_left += (repeats - 1) * timed(setup)
    # The other timed calls take turns, so that a burst of load from elsewhere on a shared
    # machine slows one round of every candidate rather than all calls of one of them; every
    # other round goes backwards, so that no candidate always follows the same one.
    for round_ in range(1, repeats):
        for setup in list(runs)[::-1] if round_ % 2 else runs:
            timed(setup)
    timings = {setup: seconds / setup.batch_size for setup, seconds in best.items()}
    winner = min(timings, key=timings.get)
    return Choice(winner, timings, time.perf_counter() - start, False, tuple(skipped))


def signature(model: nn.Module) -> tuple:
    """What a model's speed depends on: its modules' names and types and its tensors' shapes
    (not their values), so that every fresh model of one architecture shares a choice."""
    return tuple((name, type(m).__qualname__,
                  tuple(tuple(t.shape) for t in (*m.parameters(recurse=False),
                                                 *m.buffers(recurse=False))))
                 for name, m in model.named_modules())


def cached(model: nn.Module | None, key: object, measure_fn: Callable[[], Choice]) -> Choice:
    """The choice stored for ``model`` under ``key``, else ``measure_fn()`` stored there.

    A caller that measures its own work (an occlusion scan, say) keys it by what shapes that
    work: the choice lives as long as the model does, and comes back with ``cached=True``.
    ``model=None`` keeps it for the whole process (``key`` then names the architecture, e.g.
    with ``signature``).
    """
    with _LOCK:
        store = _GLOBAL if model is None else _CACHE.get(model, {})
        hit = store.get(key)
    if hit is not None:
        return Choice(hit.best, hit.seconds_per_image, 0.0, True, hit.skipped)
    choice = measure_fn()
    with _LOCK:
        (_GLOBAL if model is None else _CACHE.setdefault(model, {}))[key] = choice
    return choice


def choose(model: nn.Module, example: Tensor, *, kind: str = "inference",
           precision: str = "auto", batch_sizes: Sequence[int] = (32,),
           layouts: Sequence[bool] = (True, False), budget_s: float = BUDGET_S,
           repeats: int = REPEATS, key: object = None,
           by_architecture: bool = False) -> Choice:
    """The fastest way to run ``model`` on inputs like ``example``, measured once per process.

    Args:
        model: the model (only read: never trained, hooked or mode-switched; ``train`` kind
            measures on a private deep copy in train mode).
        example: (1, C, H, W) or (B, C, H, W) real input on the model's device; batches are
            made by repeating it.
        kind: "inference" (forward under inference_mode) or "train" (forward + backward of the
            outputs' sum on a private copy; the batch size is the caller's, pass one; cached
            per architecture, ``signature``, as every trainer gets a fresh model).
        precision: "fp32" (every candidate exact fp32), "bf16", or "auto" (bf16 tried only
            where native).
        batch_sizes: batch sizes to try (inference): the layouts and precisions are compared
            at the smallest, then the winner is timed at the others.
        layouts: channels_last values to try (False = NCHW), in order: once the budget is
            spent the ones not reached are skipped, so put the likeliest winner first.
        budget_s, repeats: see ``measure``.
        key: extra cache key (e.g. what the caller runs beyond the plain model).
        by_architecture: keep the choice for every model of this ``signature`` (a private
            copy made per run), not for this model object only; always so for "train".
    Returns:
        A ``Choice``; ``cached`` is True when it comes from an earlier measurement.
    """
    check_choice("kind", kind, KINDS)
    if not batch_sizes or any(int(b) < 1 for b in batch_sizes):
        raise InputError(f"batch sizes must be >= 1, got {tuple(batch_sizes)}", "number_min",
                         name="batch_size", value=min(batch_sizes, default=0), low=1)
    device = example.device
    allowed = precisions(precision, device)
    sizes = tuple(sorted({int(b) for b in batch_sizes}))
    layouts = tuple(dict.fromkeys(bool(v) for v in layouts))
    cache_key = (kind, tuple(example.shape[1:]), str(example.dtype), str(device), allowed,
                 sizes, layouts, repeats, key)
    runner = _train_run if kind == "train" else _inference_run

    def measure_all() -> Choice:
        start = time.perf_counter()
        first = [Setup(cl, p, sizes[0]) for p in allowed for cl in layouts
                 if not (p == "bf16" and not cl)] or [Setup(True, allowed[0], sizes[0])]
        # (the private bf16 copy of accel.bf16_copy is channels_last)
        head = measure(first, lambda s: runner(model, example, s), budget_s=budget_s,
                       repeats=repeats, device=device)
        timings, skipped = dict(head.seconds_per_image), list(head.skipped)
        rest = [Setup(head.best.channels_last, head.best.precision, b) for b in sizes[1:]]
        left = budget_s - (time.perf_counter() - start)
        if rest and left > 0:
            tail = measure(rest, lambda s: runner(model, example, s), budget_s=left,
                           repeats=repeats, device=device)
            timings.update(tail.seconds_per_image)
            skipped += tail.skipped
        else:
            skipped += rest
        best = min(timings, key=timings.get)
        return Choice(best, timings, time.perf_counter() - start, False, tuple(skipped))

    if kind == "train" or by_architecture:  # fresh models each time: one per architecture
        return cached(None, (signature(model), *cache_key), measure_all)
    return cached(model, cache_key, measure_all)


# --------------------------------------------------------------------------- the candidates
def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def batch_of(example: Tensor, size: int, setup: Setup) -> Tensor:
    """``example`` repeated to ``size`` items, in the set-up's layout (and bf16 for bf16)."""
    x = example[:1].expand(size, *example.shape[1:])
    if setup.precision == "bf16":
        x = x.to(torch.bfloat16)
    fmt = torch.channels_last if setup.channels_last else torch.contiguous_format
    return x.contiguous(memory_format=fmt)


def _inference_run(model: nn.Module, example: Tensor, setup: Setup) -> Callable[[], object]:
    net = model
    if setup.precision == "bf16":
        net = accel.bf16_copy(model) or model
    x = batch_of(example, setup.batch_size, setup)
    if net is model and setup.precision == "bf16":
        x = x.float()  # no private copy: autocast on the shared model

    def run() -> object:
        with torch.inference_mode(), accel.autocast(x.device, setup.precision):
            return net(x)

    return run


def _train_run(model: nn.Module, example: Tensor, setup: Setup) -> Callable[[], object]:
    fmt = torch.channels_last if setup.channels_last else torch.contiguous_format
    with torch.no_grad():
        net = copy.deepcopy(model).to(example.device, memory_format=fmt).train()
    x = batch_of(example, setup.batch_size, Setup(setup.channels_last, "fp32", 1)).float()

    def run() -> object:
        with accel.autocast(x.device, setup.precision):
            out = net(x)
        out.float().sum().backward()
        for p in net.parameters():  # measure keeps every candidate's copy: weights only
            p.grad = None
        return out

    return run
