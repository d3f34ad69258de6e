"""Occlusion sensitivity: ours (core.interpret.occlusion) against Captum's Occlusion.

Run from the repo root: ``python benchmarks/occlusion.py``. Prints the times (best of a few
runs; the CPU is shared, so timings are noisy), the bf16-vs-fp32 map difference, the
difference of our fp32 attribution from Captum's, and finally ``ratio: X.XX`` = best Captum
time / our best time. Captum runs at perturbations_per_eval 64 and 128 in full; at ppe 16 and 1
(47 and 730 forward calls, minutes) only its first forward calls are timed and the time is
extrapolated to all calls (said so in the output). Ours in bf16 runs on a private bf16
channels_last copy of the model, built once per model (its build time is printed apart).
"incremental" recomputes only the window of each layer an occluder position changes
(core.runtime.incremental); "full" runs every occluded copy through the whole model; "measured"
lets core.runtime.tune pick the batch size (and, for full passes, NCHW or channels_last) on this
machine. The bound: the multiply-adds the incremental passes must do per position against a full
pass (torch's FlopCounterMode on what actually runs), i.e. how much faster than full passes the
incremental scan can be at the same speed per multiply-add; and the ceiling it puts on the ratio
at this machine's fp32 peak (measured in the same run, benchmarks/_machine.py). The machine line
comes first; the exact-fp32 ratio (best Captum / our best fp32 run) comes before the last line.
For the figures of an AVX2-only CPU on a CPU with more, cap every library at AVX2 (see
benchmarks/_machine.py).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torchvision
from captum.attr import Occlusion

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import fp32_peak, machine_line  # noqa: E402
from core.interpret import occlusion
from core.models.builder import build_model
from core.runtime import accel

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def best_of(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


class _Enough(Exception):
    """Raised by the counting forward to stop a Captum run after a fixed number of passes."""


def captum_run(model, x, base, target, window, stride, ppe, max_calls=None):
    calls = 0

    def forward(z):
        nonlocal calls
        if max_calls is not None and calls >= max_calls:
            raise _Enough
        calls += 1
        return model(z).softmax(1)

    with torch.no_grad():
        try:
            return Occlusion(forward).attribute(
                x, sliding_window_shapes=(x.shape[1], *window), strides=(x.shape[1], *stride),
                baselines=base, target=target, perturbations_per_eval=ppe)
        except _Enough:
            return calls


def resnet_case() -> None:
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    window, stride = (16, 16), (8, 8)
    base = occlusion.baseline_image(x, "zero", mean=MEAN, std=STD)
    def run(prec, bs=64, inc=True):
        return occlusion.occlusion(model, x, window=window, stride=stride, mean=MEAN, std=STD,
                                   precision=prec, batch_size=bs, incremental=inc)

    with torch.inference_mode():  # warm oneDNN up (first pass at a shape builds its kernels)
        model(x.expand(64, -1, -1, -1))
    fp32_peak()  # measured now and again after the timings; the higher counts
    fp32_t, fp32 = best_of(lambda: run("fp32", inc=False), 1)
    n = fp32.plan.passes
    print(f"resnet18 224x224, window 16, stride 8: {n} passes (1 unoccluded + "
          f"{n - 1} positions)")
    print(f"  ours fp32 full, NCHW batch 64      {fp32_t:7.2f} s")
    ours = {"fp32 full": fp32_t}
    probe = occlusion.occlusion(model, x, window=window, stride=stride, mean=MEAN, std=STD,
                                batch_size=occlusion.BATCH_SIZES, incremental=False,
                                should_stop=lambda: True)  # measures, then stops at once
    print("  measured for full passes (s per position): " + ", ".join(
        f"{setup} {sec:.4f}" for setup, sec in probe.tuned.seconds_per_image.items())
        + f" -> {probe.tuned.best}")
    t, fp32_inc = best_of(lambda: run("fp32", bs=64), 2)
    ours["fp32 incremental batch 64"] = t
    print(f"  ours fp32 incremental, batch 64    {t:7.2f} s")
    first = run("fp32", bs=occlusion.BATCH_SIZES)  # measures the batch size (once per process)
    t, measured = best_of(lambda: run("fp32", bs=occlusion.BATCH_SIZES), 2)
    ours["fp32 incremental measured batch"] = t
    per = ", ".join(f"{s.batch_size}: {v * 1e3:.1f}"
                    for s, v in first.tuned.seconds_per_image.items())
    print(f"  ours fp32 incremental, measured    {t:7.2f} s (batch {measured.batch_size}; "
          f"ms per position {per}; measured once, on the map's first {first.measured} "
          f"positions, in {first.tuned.cost_s:.2f} s of its run, cached after)")
    print(f"  max |fp32 incremental - fp32 full| prob map: "
          f"{np.abs(fp32_inc.prob_map - fp32.prob_map).max():.2e}")
    inc_macs = bound(model, x, base, fp32.plan, fp32_t, ours)
    if accel.cpu_has_bf16():
        start = time.perf_counter()
        accel.bf16_copy(model)  # built once per model and cached: timed apart, then reused
        print(f"  ours bf16 private copy built once in {time.perf_counter() - start:.3f} s "
              "(cached per model)")
        run("bf16", 64, False)  # warm-up at the bf16 shapes
        t, full = best_of(lambda: run("bf16", 64, False), 1)
        ours["bf16 full batch 64"] = t
        print(f"  ours bf16 full batch 64       {t:7.2f} s")
        for bs in (64, 128):
            t, r = best_of(lambda bs=bs: run("bf16", bs), 3)
            ours[f"bf16 incremental batch {bs}"] = t
            print(f"  ours bf16 incremental batch {bs:3d} {t:5.2f} s")
            if bs == 64:
                bf16 = r
        for name, r in (("incremental", bf16), ("full", full)):
            print(f"  max |bf16 {name} - fp32 full| prob map: "
                  f"{np.abs(r.prob_map - fp32.prob_map).max():.4f}")
    captum = {}
    for ppe in (64, 128):
        t, attr = best_of(
            lambda ppe=ppe: captum_run(model, x, base, fp32.target, window, stride, ppe), 1)
        captum[ppe] = t
        print(f"  captum ppe {ppe:3d}       {t:7.2f} s")
    # small ppe means many forward calls (ppe 1: one per position, minutes): time Captum's own
    # first `calls` forward calls (stopped by the counting forward) and extrapolate to all
    for ppe, subset in ((16, 8), (1, 60)):
        total = 1 + math.ceil((n - 1) / ppe)  # Captum's calls: 1 unoccluded + the batches
        t, calls = best_of(lambda ppe=ppe, subset=subset: captum_run(
            model, x, base, fp32.target, window, stride, ppe, subset), 1)
        captum[ppe] = t * total / calls
        print(f"  captum ppe {ppe:3d}       {captum[ppe]:7.2f} s  (EXTRAPOLATED: first {calls} "
              f"of {total} forward calls took {t:.2f} s)")
    diff = np.abs(occlusion.attribution_map(fp32, (224, 224)) - attr[0, 0].numpy()).max()
    print(f"  max |ours fp32 - captum ppe 128| attribution: {diff:.2e}")
    best_fp32 = min(v for k, v in ours.items() if k.startswith("fp32"))
    ceiling(inc_macs, n - 1, min(captum.values()), best_fp32)
    print(f"  best captum {min(captum.values()):.2f} s (ppe {min(captum, key=captum.get)}), "
          f"best ours {min(ours.values()):.2f} s ({min(ours, key=ours.get)}), "
          f"best ours exact fp32 {best_fp32:.2f} s")
    print(f"exact-fp32 ratio: {min(captum.values()) / best_fp32:.2f}")
    print(f"ratio: {min(captum.values()) / min(ours.values()):.2f}")


def bound(model, x, base, p, full_s: float, ours: dict) -> float:
    """The multiply-adds the incremental passes must do, against a full pass per position,
    counted by torch's FlopCounterMode on the convolutions and matrix products actually run
    (the windows each layer recomputes, at the common window size of a batch). Returns the
    multiply-adds per position."""
    from torch.utils.flop_counter import FlopCounterMode

    from core.runtime.incremental import LocalRunner

    n = p.rows * p.cols
    with torch.inference_mode():
        with FlopCounterMode(display=False) as fc:
            model(x)
        full = fc.get_total_flops() / 2  # multiply-adds of one full pass
        runner = LocalRunner(model, x)
        with FlopCounterMode(display=False) as fc:
            for first in range(0, n, 64):
                runner.run(*occlusion._crops(x, base, p, first, min(64, n - first)))
        inc = fc.get_total_flops() / 2 / n
    best_inc = min(v for k, v in ours.items() if "incremental" in k)
    print(f"  bound: a full pass is {full / 1e9:.3f} GMAC, the incremental passes "
          f"{inc / 1e9:.3f} GMAC per position: at the same speed per multiply-add the "
          f"incremental scan can be at most {full / inc:.2f}x faster than full passes")
    print(f"  achieved: {full_s / best_inc:.2f}x our full passes "
          f"({full * n / full_s / 1e9:.1f} GMAC/s full, {inc * n / best_inc / 1e9:.1f} GMAC/s "
          "incremental)")
    return inc


def ceiling(inc: float, positions: int, captum_s: float, ours_s: float) -> None:
    """What this machine's fp32 peak allows: the incremental passes' multiply-adds at the peak
    against Captum's best time, and how near our best exact-fp32 scan comes to it."""
    peak, how = fp32_peak()
    floor = 2 * inc * positions / peak
    print(f"  ceiling: this machine's fp32 peak ({how}) is {peak / 1e9:.0f} GFLOP/s; at it the "
          f"{positions} positions' {inc / 1e9:.3f} GMAC each take at least {floor:.2f} s, so "
          f"an exact fp32 incremental scan can be at most {captum_s / floor:.2f}x Captum's "
          f"best ({captum_s:.2f} s) here; ours ({ours_s:.2f} s, "
          f"{2 * inc * positions / ours_s / 1e9:.0f} GFLOP/s) reaches "
          f"{floor / ours_s:.0%} of that ceiling")


def digits_case() -> None:
    torch.manual_seed(0)
    model = build_model("small_cnn", in_channels=1, num_classes=10, image_size=28).eval()
    x = torch.randn(1, 1, 28, 28)
    for prec in ("fp32", "auto"):
        for inc in (True, False):
            t, r = best_of(lambda prec=prec, inc=inc: occlusion.occlusion(
                model, x, window=4, stride=1, mean=0.5, std=0.5, precision=prec,
                incremental=inc), 3)
            print(f"small_cnn 28x28, window 4, stride 1 ({r.plan.passes} passes), {prec:4s} "
                  f"({r.precision}) {'incremental' if r.incremental else 'full':11s}: "
                  f"{t:.3f} s")


if __name__ == "__main__":
    print(machine_line())
    torch.manual_seed(0)
    digits_case()
    resnet_case()
