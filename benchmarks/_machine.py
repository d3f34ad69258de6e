"""The machine line every benchmark prints: CPU model, ISA level, native bf16, threads."""

from __future__ import annotations

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


def machine_line() -> str:
    """e.g. "machine: AMD EPYC 7B13 | ISA AVX2 | native bf16: no | threads: 2 | torch 2.14.1"."""
    return (f"machine: {cpu_model()} | ISA {torch.backends.cpu.get_cpu_capability()} | "
            f"native bf16: {'yes' if accel.cpu_has_bf16() else 'no'} | "
            f"threads: {torch.get_num_threads()} | torch {torch.__version__}")


if __name__ == "__main__":
    print(machine_line())
