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

    from core.models import imagenet
    from tests.models import resnet18

    path = imagenet.weights_path("resnet18")
    path.parent.mkdir(parents=True)
    torch.save(resnet18(num_classes=1000).state_dict(), path)  # random weights, real loader
    return path


# --------------------------------------------------------------------------- untouched(model)
def _hook_state(holder) -> dict:
    """Every hook registry in vars(holder): a dict's keys (one per handle), else the value."""
    return {name: list(value.keys()) if isinstance(value, dict) else value
            for name, value in vars(holder).items() if "hook" in name}


def _plain_attributes(module) -> dict:
    """A module's own settings (inplace, stride, padding, ...), hook registries aside."""
    return {name: value for name, value in vars(module).items()
            if "hook" not in name and (value is None or isinstance(value, (bool, int, float, str,
                                                                             tuple)))}


class Untouched:
    """`with untouched(model) as check:` ... asserts on leaving (and at each `check()`) that the
    model is as it was when the block began:

    * the same submodules (the same objects, names and order), each in the same train/eval mode,
      with the same attribute names and the same plain settings (ReLU.inplace, ...);
    * parameters and buffers with the same names, dtypes, shapes, strides and values
      (torch.equal, bit for bit);
    * every parameter's requires_grad and .grad unchanged (a None grad stays None, a set one
      keeps its values);
    * no hook added or removed: every module's hook registries (forward, forward pre, backward,
      backward pre, with-kwargs, always-called, state-dict hooks ...), the parameters' tensor
      hooks and torch's global module hooks keep their handles;
    * nn.Module.__call__ and each module class's forward are not patched.

    An exception leaving the block is passed on unchecked (pytest.raises inside the block is the
    way to check a call that raises)."""

    def __init__(self, model) -> None:
        self.model = model
        self.before = self._snapshot()

    def _snapshot(self) -> dict:
        import torch

        modules = list(self.model.named_modules())
        tensors = {}
        for kind, named in (("parameter", self.model.named_parameters()),
                            ("buffer", self.model.named_buffers())):
            for name, t in named:
                grad = getattr(t, "grad", None) if kind == "parameter" else None
                tensors[f"{kind} {name}"] = {
                    "value": t.detach().clone(),
                    "layout": (t.dtype, tuple(t.shape), t.stride()),
                    "requires_grad": t.requires_grad,
                    "grad": None if grad is None else grad.detach().clone(),
                    "tensor hooks": list((getattr(t, "_backward_hooks", None) or {}).keys()),
                    "post accumulate hooks": list(
                        (getattr(t, "_post_accumulate_grad_hooks", None) or {}).keys()),
                }
        global_hooks = torch.nn.modules.module
        return {
            "modules": modules,
            "training": [(name, m.training) for name, m in modules],
            "attributes": [(name, sorted(vars(m))) for name, m in modules],
            "settings": [(name, _plain_attributes(m)) for name, m in modules],
            "hooks": [(name, _hook_state(m)) for name, m in modules],
            "forward": [(name, type(m), type(m).forward) for name, m in modules],
            "call": torch.nn.Module.__call__,
            "global hooks": {name: list(value.keys()) if isinstance(value, dict) else value
                             for name, value in vars(global_hooks).items()
                             if name.startswith("_global") and "hook" in name},
            "tensors": tensors,
        }

    def check(self) -> None:
        import torch

        before, after = self.before, self._snapshot()
        names = [n for n, _ in before["modules"]]
        assert [n for n, _ in after["modules"]] == names, "the submodules changed"
        for (name, m), (_, now) in zip(before["modules"], after["modules"], strict=True):
            assert now is m, f"submodule {name!r} was replaced"
        for key in ("training", "attributes", "settings", "hooks", "forward"):
            for old, new in zip(before[key], after[key], strict=True):
                assert new == old, f"{key} of submodule {old[0]!r}: {old[1:]} -> {new[1:]}"
        assert after["call"] is before["call"], "nn.Module.__call__ was patched"
        assert after["global hooks"] == before["global hooks"], "a global module hook was left"
        assert list(after["tensors"]) == list(before["tensors"]), "parameter/buffer names changed"
        for name, old in before["tensors"].items():
            new = after["tensors"][name]
            assert new["layout"] == old["layout"], f"{name}: {old['layout']} -> {new['layout']}"
            assert torch.equal(new["value"], old["value"]), f"{name} changed"
            assert new["requires_grad"] == old["requires_grad"], f"{name}: requires_grad flipped"
            if old["grad"] is None:
                assert new["grad"] is None, f"{name} got a .grad"
            else:
                assert new["grad"] is not None, f"{name} lost its .grad"
                assert new["grad"].dtype == old["grad"].dtype, f"{name}: .grad dtype changed"
                assert torch.equal(new["grad"], old["grad"]), f"{name}: .grad changed"
            for key in ("tensor hooks", "post accumulate hooks"):
                assert new[key] == old[key], f"{name}: {key} {old[key]} -> {new[key]}"

    __call__ = check

    def __enter__(self) -> Untouched:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.check()


@pytest.fixture
def untouched():
    """untouched(model): a context manager asserting on exit that the model is unchanged
    (see Untouched); `with untouched(model) as check:` also allows `check()` along the way."""
    return Untouched
