"""The machine line every benchmark prints (CPU model, ISA level, native bf16, threads), and
this machine's measured fp32 peak."""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.runtime import accel  # noqa: E402


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# What an AVX2-only CPU runs, on a CPU that has more: every library torch computes with capped
# at AVX2 (ATen's own kernels, oneDNN's convolutions, MKL's matrix products). Set before torch
# starts (e.g. `AVX2_ONLY="ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2
# MKL_ENABLE_INSTRUCTIONS=AVX2"; env $AVX2_ONLY python benchmarks/X.py`).
CAPS = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS")


def isa() -> str:
    """The instruction set torch dispatches to, and any caps in force ("AVX2 (capped: ...)")."""
    caps = [f"{name}={os.environ[name]}" for name in CAPS if os.environ.get(name)]
    level = torch.backends.cpu.get_cpu_capability()
    return f"{level} (capped: {', '.join(caps)})" if caps else level


def best_seconds(fn: Callable[[], object], device: torch.device | str = "cpu", *,
                 reps: int = 30, rounds: int = 3, warmup: int = 5) -> float:
    """Seconds per call of ``fn`` after ``warmup`` calls: the best of ``rounds`` rounds of
    ``reps`` calls each (a CUDA device is synchronised around each round)."""
    device = torch.device(device)

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    for _ in range(warmup):
        fn()
    best = float("inf")
    for _ in range(rounds):
        sync()
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        sync()
        best = min(best, (time.perf_counter() - start) / reps)
    return best


_peak: tuple[float, str] = (0.0, "")  # the highest fp32_peak measured in this process, its line


def fp32_peak(device: torch.device | str = "cpu") -> tuple[float, str]:
    """This machine's fp32 peak in FLOP/s, measured: the faster of a 2048x2048 matrix product
    (MKL on the CPU) and a 3x3 convolution, 256 channels to 256 on 8 images of 32x32 in
    channels_last (oneDNN), each the best of 5 rounds; and a line that gives both.

    One library alone can understate it: on a 2-core AMD EPYC (Zen 5) capped at AVX2, MKL's
    matrix product ran at 166-189 GFLOP/s and oneDNN's convolutions at 214-238. So can a busy
    moment on a shared machine (the same pair once gave 111 and 121 in the middle of a
    benchmark): each call measures again and returns the highest measured so far in this
    process, so a benchmark that calls it before its timings and again after gets the better.
    """
    global _peak
    n = 2048
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    x = torch.randn(8, 256, 32, 32, device=device).contiguous(memory_format=torch.channels_last)
    w = torch.randn(256, 256, 3, 3, device=device).contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        mm = 2 * n ** 3 / best_seconds(lambda: a @ b, device, reps=1, rounds=5, warmup=1)
        conv = 2 * x.numel() * 256 * 9 / best_seconds(lambda: F.conv2d(x, w, padding=1), device,
                                                        reps=1, rounds=5, warmup=1)
    line = (f"the faster of a {n}x{n} matrix product ({mm / 1e9:.0f} GFLOP/s) and a 3x3 "
            f"convolution, 256 channels ({conv / 1e9:.0f} GFLOP/s)")
    if max(mm, conv) > _peak[0]:
        _peak = (max(mm, conv), line)
    return _peak


def machine_line() -> str:
    """e.g. "machine: AMD EPYC 7B13 | ISA AVX2 | native bf16: no | threads: 2 | torch 2.14.1"."""
    return (f"machine: {cpu_model()} | ISA {isa()} | "
            f"native bf16: {'yes' if accel.cpu_has_bf16() else 'no'} | "
            f"threads: {torch.get_num_threads()} | torch {torch.__version__}")


if __name__ == "__main__":
    print(machine_line())
