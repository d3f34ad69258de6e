"""The `untouched` fixture (tests/conftest.py) itself: quiet when nothing changes, loud for each
kind of change a shared-model test must catch."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from tests.models import small_cnn


def _model() -> nn.Module:
    model = small_cnn(batch_norm=True)
    model.fc1.weight.grad = torch.full_like(model.fc1.weight, 0.25)  # a caller's gradient
    return model


def _fails(untouched, change, match: str) -> None:
    model = _model()
    with pytest.raises(AssertionError, match=match):
        with untouched(model):
            change(model)


def test_quiet_when_nothing_changes(untouched):
    model = _model()
    model.conv1.register_forward_hook(lambda *a: None)  # hooks there before are fine
    with untouched(model) as check:
        with torch.no_grad():
            model(torch.randn(2, 1, 28, 28))
        check()
        model.conv1.weight.data = model.conv1.weight.data.clone()  # new storage, same values
        model.eval()


@pytest.mark.parametrize("change, match", [
    (lambda m: m.conv1.weight.data.add_(1e-7), "parameter conv1.weight changed"),
    (lambda m: m.bn1.running_mean.add_(0.5), "buffer bn1.running_mean changed"),
    (lambda m: m.bn1.num_batches_tracked.add_(1), "buffer bn1.num_batches_tracked changed"),
    (lambda m: setattr(m.conv1.weight, "data", m.conv1.weight.data.double()), "conv1.weight"),
    (lambda m: setattr(m.conv1.weight, "data", m.conv1.weight.data.to(
        memory_format=torch.channels_last)), "conv1.weight"),  # the same values, other strides
    (lambda m: m.register_buffer("extra", torch.zeros(1)), "buffer names changed"),
])
def test_fails_when_a_value_or_layout_changes(untouched, change, match):
    _fails(untouched, change, match)


@pytest.mark.parametrize("add", [
    lambda m: m.conv1.register_forward_hook(lambda *a: None),
    lambda m: m.conv1.register_forward_hook(lambda *a, **k: None, with_kwargs=True),
    lambda m: m.conv1.register_forward_hook(lambda *a: None, always_call=True),
    lambda m: m.relu1.register_forward_pre_hook(lambda *a: None),
    lambda m: m.relu1.register_full_backward_hook(lambda *a: None),
    lambda m: m.relu1.register_full_backward_pre_hook(lambda *a: None),
    lambda m: m.fc2.register_backward_hook(lambda *a: None),
    lambda m: m.register_state_dict_pre_hook(lambda *a: None),
])
def test_fails_when_a_module_hook_is_left(untouched, add):
    _fails(untouched, add, "hooks of submodule")


def test_fails_when_a_hook_is_swapped_for_another(untouched):
    model = _model()
    handle = model.conv1.register_forward_hook(lambda *a: None)
    with pytest.raises(AssertionError, match="hooks of submodule 'conv1'"):
        with untouched(model):
            handle.remove()
            model.conv1.register_forward_hook(lambda *a: None)  # as many hooks, not the same


def test_fails_when_a_tensor_or_global_hook_is_left(untouched):
    _fails(untouched, lambda m: m.fc1.bias.register_hook(lambda g: g), "fc1.bias: tensor hooks")
    handles = []
    try:
        _fails(untouched, lambda m: handles.append(
            nn.modules.module.register_module_forward_hook(lambda *a: None)),
            "a global module hook was left")
    finally:
        for handle in handles:
            handle.remove()
    _fails(untouched, lambda m: m.fc1.weight.register_post_accumulate_grad_hook(lambda p: None),
           "post accumulate hooks")


def test_fails_when_a_forward_is_patched(untouched, monkeypatch):
    with pytest.raises(AssertionError, match="forward of submodule"):
        with untouched(_model()):
            monkeypatch.setattr(nn.ReLU, "forward", lambda self, x: x)
    monkeypatch.undo()
    with pytest.raises(AssertionError, match="__call__ was patched"):
        with untouched(_model()):
            monkeypatch.setattr(nn.Module, "__call__", lambda self, *a: None)


@pytest.mark.parametrize("flip", [lambda m: m.train(), lambda m: m.bn1.train(),
                                  lambda m: m.dropout2.train()])
def test_fails_when_a_mode_flips(untouched, flip):
    _fails(untouched, flip, "training of submodule")


@pytest.mark.parametrize("change, match", [
    (lambda m: m(torch.randn(1, 1, 28, 28)).sum().backward(), "conv1.weight got a .grad"),
    (lambda m: m.fc1.weight.grad.add_(1.0), r"fc1.weight: .grad changed"),
    (lambda m: setattr(m.fc1.weight, "grad", None), "fc1.weight lost its .grad"),
    (lambda m: m.conv1.requires_grad_(False), "conv1.weight: requires_grad flipped"),
])
def test_fails_when_a_grad_appears_changes_or_goes(untouched, change, match):
    _fails(untouched, change, match)


@pytest.mark.parametrize("change", [
    lambda m: setattr(m, "relu1", nn.ReLU()),  # replaced by an equal module
    lambda m: setattr(m.relu1, "inplace", True),
    lambda m: setattr(m.conv1, "_cached", 1),
    lambda m: m.add_module("extra", nn.Identity()),
])
def test_fails_when_a_submodule_or_setting_changes(untouched, change):
    _fails(untouched, change, "submodule")


def test_check_along_the_way_and_errors_passed_on(untouched):
    model = _model()
    with pytest.raises(AssertionError, match="conv1.weight changed"):
        with untouched(model) as check:
            model.conv1.weight.data.add_(1.0)
            check()  # fails here, before the block ends
            raise AssertionError("not reached")
    model = _model()
    with pytest.raises(KeyError):  # an error leaving the block is passed on, not masked
        with untouched(model):
            model.conv1.weight.data.add_(1.0)
            raise KeyError("boom")
