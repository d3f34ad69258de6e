"""Shared test fixtures. Every test runs with its own CNN Lab home directory."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cnnlab_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("cnnlab_home")
    monkeypatch.setenv("CNNLAB_HOME", str(home))
    return home
