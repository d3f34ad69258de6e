"""Device and precision choice: CUDA when asked for, bf16 where the hardware has it natively.

"auto" chooses by what was measured (see benchmarks/train.py for the numbers): on the CPU
channels_last always paid and bf16 paid on top of it where the CPU has native bf16
(``avx512_bf16`` / ``amx_bf16``); emulated bf16 is slow, so it is never assumed. On CUDA the
lab's models are launch-bound, so "auto" stays fp32 there (bf16 can still be asked for). The
fp32 path stays exact (no autocast at all). Also: the private bf16 channels_last copy of a
shared model (``bf16_copy``).

These rules are the defaults where nothing is timed; training, backbone features and occlusion
time their layout (and batch size) on the machine instead (``core.runtime.tune``).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import threading
import weakref
from pathlib import Path

import torch
from torch import nn

from core.checks import InputError, check_choice

__all__ = [
    "autocast",
    "bf16_copy",
    "channels_last",
    "cpu_has_bf16",
    "CPUINFO",
    "DEVICES",
    "has_bf16",
    "PRECISIONS",
    "resolve_device",
    "resolve_precision",
]


DEVICES = ("cpu", "cuda", "auto")
PRECISIONS = ("fp32", "bf16", "auto")
_BF16_FLAGS = ("avx512_bf16", "amx_bf16")  # x86 instructions that compute in bf16 natively
CPUINFO = Path("/proc/cpuinfo")


@functools.lru_cache(maxsize=1)
def cpu_has_bf16() -> bool:
    """True when this CPU computes bf16 natively and torch dispatches to its AVX-512 kernels.

    Reads the CPU flags from ``/proc/cpuinfo`` (Linux); anywhere else the answer is False.
    """
    if torch.backends.cpu.get_cpu_capability() not in ("AVX512", "AMX"):
        return False  # e.g. ATEN_CPU_CAPABILITY=avx2: the bf16 kernels are not used
    try:
        text = CPUINFO.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return any(flag in flags for flag in _BF16_FLAGS)


def resolve_device(pref: str | torch.device) -> torch.device:
    """The device to train on.

    Args:
        pref: "cpu", "cuda" or "auto" (CUDA when available, else the CPU); a torch.device works too.
    Returns:
        A ``torch.device``. Raises ValueError for an unknown name or CUDA on a machine without it.
    """
    name = pref.type if isinstance(pref, torch.device) else pref
    if name not in DEVICES:
        raise InputError(f"device must be one of {', '.join(DEVICES)}, got {pref!r}", "choice",
                         name="device", value=str(pref), choices=tuple(DEVICES))
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise InputError("device 'cuda' was asked for but no CUDA GPU is available "
                         "(torch.cuda.is_available() is False); use 'cpu' or 'auto'",
                         "cuda_unavailable")
    return torch.device(name)


def has_bf16(device: torch.device | str) -> bool:
    """Whether ``device`` computes bf16 natively (a CUDA GPU with bf16, or see cpu_has_bf16)."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return cpu_has_bf16()


def resolve_precision(pref: str, device: torch.device | str) -> str:
    """The compute precision for training on ``device``.

    Args:
        pref: "fp32"; "bf16" (autocast to bfloat16, needs native support); "auto" = "bf16" on a
            CPU with avx512_bf16/amx_bf16, where it pays (see the module doc), else "fp32"
            (also on CUDA, where the lab's small models do not gain from bf16).
        device: the resolved device.
    Returns:
        "fp32" or "bf16". Raises ValueError for an unknown name or bf16 without hardware support.
    """
    check_choice("precision", pref, PRECISIONS)
    device = torch.device(device)
    native = has_bf16(device)
    if pref == "auto":
        return "bf16" if native and device.type == "cpu" else "fp32"
    if pref == "bf16" and not native:
        what = "this GPU" if device.type == "cuda" else "this CPU (no avx512_bf16 or amx_bf16)"
        raise InputError(f"precision 'bf16' needs native bf16 support, which {what} lacks; "
                         "use 'fp32' or 'auto'",
                         "bf16_unsupported_gpu" if device.type == "cuda"
                         else "bf16_unsupported_cpu")
    return pref


def channels_last(device: torch.device | str, precision: str) -> bool:
    """Whether to train in channels_last memory format (measured: see the module doc).

    True on the CPU (oneDNN's NHWC kernels win in fp32 and bf16) and on CUDA (equal or
    faster in every case measured); a function so that a device where it loses can opt out.
    """
    del precision  # the same answer for fp32 and bf16 on the devices measured so far
    return torch.device(device).type in ("cpu", "cuda")


def autocast(device: torch.device | str, precision: str) -> contextlib.AbstractContextManager:
    """``torch.autocast(device.type, dtype=torch.bfloat16)`` for "bf16"; a no-op for "fp32"."""
    if precision not in ("fp32", "bf16"):
        raise InputError("precision must be 'fp32' or 'bf16' (resolve 'auto' first), "
                         f"got {precision!r}", "choice", name="precision", value=str(precision),
                         choices=("fp32", "bf16"))
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)


# --------------------------------------------------------------------------- private bf16 copies
_BF16_COPIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> (key, copy)
_BF16_LOCK = threading.Lock()  # guards _BF16_COPIES and the building of a copy


def _fingerprint(model: nn.Module) -> tuple:
    """Changes when a parameter/buffer of ``model`` is replaced, moved or updated in place."""
    return tuple((name, id(t), t.data_ptr(), t._version, t.dtype, t.device)
                 for name, t in (*model.named_parameters(), *model.named_buffers()))


def bf16_copy(model: nn.Module) -> nn.Module | None:
    """A private bf16 channels_last copy of ``model`` for fast bf16 inference (cached).

    Built once per model (``copy.deepcopy``, then ``.to(torch.bfloat16,
    memory_format=torch.channels_last)``, gradients off) and reused while the model lives and its
    weights stay the same; the shared model itself is never changed. None when the model cannot
    be deep-copied (the caller then uses autocast on the shared model).
    """
    key = _fingerprint(model)
    with _BF16_LOCK:
        hit = _BF16_COPIES.get(model)
        if hit is not None and hit[0] == key:
            return hit[1]
        try:
            with torch.no_grad():
                private = copy.deepcopy(model)
        except Exception:  # noqa: BLE001 - e.g. a module holding a lock or a file handle
            private = None
        if private is not None:
            private.requires_grad_(False)
            private._private_bf16 = True  # marks the copy (never set on a shared model)
            private.to(torch.bfloat16, memory_format=torch.channels_last)
        _BF16_COPIES[model] = (key, private)
        return private
