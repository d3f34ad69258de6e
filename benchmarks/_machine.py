"""The machine line every benchmark prints: CPU model, ISA level, native bf16, threads."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import torch

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


def machine_line() -> str:
    """e.g. "machine: AMD EPYC 7B13 | ISA AVX2 | native bf16: no | threads: 2 | torch 2.14.1"."""
    return (f"machine: {cpu_model()} | ISA {isa()} | "
            f"native bf16: {'yes' if accel.cpu_has_bf16() else 'no'} | "
            f"threads: {torch.get_num_threads()} | torch {torch.__version__}")


if __name__ == "__main__":
    print(machine_line())
