"""Shared test fixtures. Every test runs with its own CNN Lab home directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _cnnlab_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("cnnlab_home")
    monkeypatch.setenv("CNNLAB_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def _default_checkpoint(tmp_path_factory) -> Path:
    """The default model, trained once per test session (deterministic: seed 0)."""
    from core import training

    return training.train_default_model(tmp_path_factory.mktemp("default") / "model")
