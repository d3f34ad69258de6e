"""Where CNN Lab keeps files: datasets, trained models, caches.

Everything lives under one home directory, ``$CNNLAB_HOME`` when set (tests point it at a
temporary directory), else ``~/.cache/cnn-lab``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "data_dir",
    "home_dir",
    "models_dir",
]



def home_dir() -> Path:
    """The CNN Lab home directory (created on demand by the callers that write to it)."""
    env = os.environ.get("CNNLAB_HOME")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "cnn-lab"


def data_dir() -> Path:
    """Directory holding downloaded datasets (torchvision's layout: ``<data_dir>/MNIST/raw``...)."""
    return home_dir() / "data"


def models_dir() -> Path:
    """Directory of the on-disk model library (one sub-directory per model)."""
    return home_dir() / "models"
