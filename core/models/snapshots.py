"""Per-epoch weight snapshots saved beside a checkpoint (``snapshots.safetensors``), so the
Train page can show how the first-layer filters evolved. Never unpickled."""

from __future__ import annotations

from pathlib import Path

import safetensors.torch
import torch

__all__ = [
    "load_snapshots",
    "save_snapshots",
    "SNAPSHOTS_FILE",
]


SNAPSHOTS_FILE = "snapshots.safetensors"


def save_snapshots(directory: Path, snapshots: list[tuple[int, dict[str, torch.Tensor]]]) -> Path:
    """Write [(epoch, {layer: weight})] as one safetensors file (keys ``"<epoch>/<layer>"``)."""
    tensors = {f"{epoch}/{name}": w.detach().to("cpu").contiguous()
               for epoch, layers in snapshots for name, w in layers.items()}
    path = Path(directory) / SNAPSHOTS_FILE
    tmp = path.with_suffix(".tmp")
    safetensors.torch.save_file(tensors, str(tmp))
    tmp.replace(path)  # atomic: a reader never sees half a file
    return path


def load_snapshots(directory: Path) -> list[tuple[int, dict[str, torch.Tensor]]]:
    """The snapshots saved beside a checkpoint, sorted by epoch; [] when there are none or the
    file is unreadable (snapshots are a nicety, never a reason to fail)."""
    path = Path(directory) / SNAPSHOTS_FILE
    if not path.is_file():
        return []
    try:
        tensors = safetensors.torch.load_file(str(path))
    except (OSError, ValueError, RuntimeError, safetensors.SafetensorError):
        return []
    by_epoch: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        epoch, _, name = key.partition("/")
        if epoch.isdigit() and name:
            by_epoch.setdefault(int(epoch), {})[name] = value
    return sorted(by_epoch.items())
