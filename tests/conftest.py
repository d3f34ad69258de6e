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
    from core.train import training

    return training.train_default_model(tmp_path_factory.mktemp("default") / "model")


@pytest.fixture
def hub_dir(tmp_path, monkeypatch) -> Path:
    """A private, empty torch hub cache ($TORCH_HOME/hub), where torchvision's loader looks."""
    import torch

    hub = tmp_path / "torch" / "hub"
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(torch.hub, "_hub_dir", str(hub))  # what torch.hub.get_dir() returns
    return hub


@pytest.fixture
def no_network(monkeypatch) -> list[str]:
    """Downloads fail as on an offline machine; the list records the URLs tried."""
    import urllib.error

    import torch

    calls: list[str] = []

    def fail(url, dst, *args, **kwargs):
        calls.append(url)
        raise urllib.error.URLError("no network in tests")

    monkeypatch.setattr(torch.hub, "download_url_to_file", fail)
    return calls


@pytest.fixture
def resnet18_weights(hub_dir) -> Path:
    """A random-weights ResNet-18 file where torchvision expects the ImageNet one."""
    import torch
    import torchvision

    from core.models import imagenet

    path = imagenet.weights_path("resnet18")
    path.parent.mkdir(parents=True)
    torch.manual_seed(0)
    torch.save(torchvision.models.resnet18().state_dict(), path)  # random weights, real loader
    return path
