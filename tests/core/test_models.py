"""Tests for core.models.checkpoints: architectures, builder, model cards and safe checkpoints."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
import safetensors.torch
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from core.models import checkpoints
from core.models.archs import ARCHS, flatten_size, resolve_options
from core.models.builder import build_from_card, build_model, count_parameters
from core.models.cards import ModelCard, list_library
from core.models.checkpoints import (
    CheckpointError,
    load_checkpoint,
    load_checkpoint_bytes,
    model_id,
    save_checkpoint,
    save_to_library,
)
from core.paths import models_dir


@pytest.fixture(autouse=True)
def _no_unpickling(monkeypatch):
    """Any call to torch.load (pickle) fails the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError("torch.load must never be called")

    monkeypatch.setattr(torch, "load", forbidden)
    monkeypatch.setattr(torch.serialization, "load", forbidden)


def _features(model: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """Run the model up to and including its flatten layer."""
    for name, module in model.named_children():
        x = module(x)
        if name == "flatten":
            return x
    raise AssertionError("no flatten layer")


def make_card(arch="small_cnn", options=None, input_shape=(1, 28, 28), **overrides) -> ModelCard:
    c = input_shape[0]
    fields = dict(arch=arch, options=dict(options or {}), dataset="digits",
                  classes=[str(i) for i in range(10)], input_shape=list(input_shape),
                  mean=[0.5] * c, std=[0.25] * c, metrics={"test_accuracy": 0.97, "epochs": 5},
                  created="2025-01-02T03:04:05+00:00", name="test model")
    fields.update(overrides)
    return ModelCard(**fields)


def trained_like(model: nn.Module, seed: int = 0) -> nn.Module:
    """Give every parameter and buffer non-default values (BN stats included)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(torch.rand(t.shape, generator=gen) + 0.1)
            else:
                t.fill_(7)  # num_batches_tracked
    return model


# --------------------------------------------------------------------------- architectures
SHAPES = [("seed_net", 1, 28), ("seed_net", 3, 32), ("small_cnn", 1, 28), ("small_cnn", 3, 32),
          ("tiny_vgg", 1, 28), ("tiny_vgg", 3, 32), ("tiny_vgg", 3, 64)]


@pytest.mark.parametrize(("arch", "c", "size"), SHAPES)
def test_forward_gives_logits_and_flatten_size_matches(arch, c, size):
    model = build_model(arch, in_channels=c, num_classes=7, image_size=size).eval()
    x = torch.rand(3, c, size, size)
    assert model(x).shape == (3, 7)
    assert _features(model, x).shape == (3, flatten_size(arch, in_channels=c, image_size=size))


@settings(max_examples=40, deadline=None)
@given(arch=st.sampled_from(list(ARCHS)), c=st.sampled_from([1, 3]), size=st.integers(1, 40),
       width=st.integers(1, 6), kernel=st.sampled_from([1, 3, 5, 7]))
def test_flatten_size_matches_a_forward_pass(arch, c, size, width, kernel):
    channels = (width,) * len(ARCHS[arch].blocks)
    try:
        expected = flatten_size(arch, in_channels=c, image_size=size, channels=channels,
                                kernel_size=kernel)
    except ValueError as err:
        assert "too small" in str(err) and f"got {size}" in str(err)
        with pytest.raises(RuntimeError):  # torch agrees the input is too small
            _conv_stack(arch, c, channels, kernel)(torch.rand(1, c, size, size))
        return
    model = build_model(arch, in_channels=c, num_classes=2, image_size=size, channels=channels,
                        kernel_size=kernel)
    assert _features(model, torch.rand(1, c, size, size)).shape == (1, expected)


def _conv_stack(arch, c, channels, kernel) -> nn.Sequential:
    """The model's layers before flatten, built for a size that fits (to probe torch itself)."""
    model = build_model(arch, in_channels=c, num_classes=2, image_size=64, channels=channels,
                        kernel_size=kernel)
    names = [name for name, _ in model.named_children()]
    return model[: names.index("flatten")]


def test_seed_net_flatten_and_parameter_count_by_hand():
    assert flatten_size("seed_net", in_channels=1, image_size=28) == 32 * 12 * 12 == 4608
    model = build_model("seed_net", in_channels=1, num_classes=10, image_size=28)
    conv = 32 * 1 * 5 * 5 + 32  # 832
    fc = 4608 * 10 + 10  # 46090
    assert count_parameters(model) == conv + fc == 46922


def test_tiny_vgg_matches_cnn_explainer_shapes():
    # CNN Explainer, 64x64x3: conv 62, conv 60, pool 30, conv 28, conv 26, pool 13; 10 channels
    assert flatten_size("tiny_vgg", in_channels=3, image_size=64) == 13 * 13 * 10


class CorrectedNotesNet(nn.Module):
    """The course notes' network with its errors fixed (==, convl/fcl, 32*4, ReLU on logits)."""

    def __init__(self, n_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(32 * 12 * 12, n_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = x.view(x.size(0), -1)  # (B, 32*12*12)
        return self.fc1(x)


def test_seed_net_equals_the_corrected_notes_network_with_the_same_seed():
    torch.manual_seed(0)
    ours = build_model("seed_net", in_channels=1, num_classes=20, image_size=28)
    torch.manual_seed(0)
    reference = CorrectedNotesNet(20)  # same seed -> same init: no extra RNG use in build_model
    assert ours.state_dict().keys() == reference.state_dict().keys()
    for key, value in reference.state_dict().items():
        assert torch.equal(ours.state_dict()[key], value)
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(ours(x), reference(x))


def test_helpers_do_not_touch_the_global_rng():
    state = torch.random.get_rng_state()
    flatten_size("small_cnn", in_channels=3, image_size=32)
    resolve_options("tiny_vgg", kernel_size=5)
    with pytest.raises(ValueError):
        build_model("tiny_vgg", in_channels=1, num_classes=10, image_size=8)
    assert torch.equal(state, torch.random.get_rng_state())


LAYER_NAMES = {
    "seed_net": ["conv1", "relu1", "pool1", "flatten", "fc1"],
    "small_cnn": ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2",
                  "flatten", "dropout1", "fc1", "relu_fc1", "dropout2", "fc2"],
    "tiny_vgg": ["conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1", "conv2_1", "relu2_1",
                 "conv2_2", "relu2_2", "pool2", "flatten", "fc1"],
}


@pytest.mark.parametrize("arch", list(ARCHS))
def test_layer_names_relus_and_logits(arch):
    model = build_model(arch, in_channels=1, num_classes=10, image_size=28)
    names = [name for name, _ in model.named_children()]
    assert names == LAYER_NAMES[arch]
    assert ARCHS[arch].feature_layer in names
    assert isinstance(model[-1], nn.Linear) and model[-1].out_features == 10  # no ReLU on logits
    relus = [m for m in model if isinstance(m, nn.ReLU)]
    assert relus and not any(m.inplace for m in relus)


def test_small_cnn_batch_norm_dropout_and_hidden():
    model = build_model("small_cnn", in_channels=3, num_classes=4, image_size=32,
                        batch_norm=True, dropout=0.3, hidden=16, channels=(8, 16))
    names = [name for name, _ in model.named_children()]
    assert names[:8] == ["conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "relu2", "pool2"]
    assert [m.num_features for m in model if isinstance(m, nn.BatchNorm2d)] == [8, 16]
    assert [m.p for m in model if isinstance(m, nn.Dropout)] == [0.3, 0.3]
    assert model.fc1.out_features == 16 and model.fc2.in_features == 16
    plain = build_model("small_cnn", in_channels=3, num_classes=4, image_size=32)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in plain)
    assert [m.p for m in plain if isinstance(m, nn.Dropout)] == [0.0, 0.0]


def test_resolve_options_fills_defaults():
    assert resolve_options("small_cnn") == {"channels": [32, 64], "kernel_size": 3,
                                            "batch_norm": False, "dropout": 0.0, "hidden": 128}
    assert resolve_options("seed_net", dropout=0.0, hidden=None) == {
        "channels": [32], "kernel_size": 5, "batch_norm": False}


BASE = dict(in_channels=1, num_classes=10, image_size=28)


@pytest.mark.parametrize(("arch", "kwargs", "fragment"), [
    ("resnet", {}, "'resnet'"),
    ("small_cnn", {"in_channels": 2}, "got 2"),
    ("small_cnn", {"in_channels": 0}, "got 0"),
    ("small_cnn", {"in_channels": 1.0}, "got 1.0"),
    ("small_cnn", {"num_classes": 1}, "got 1"),
    ("small_cnn", {"image_size": 0}, "got 0"),
    ("tiny_vgg", {"image_size": 12}, "at conv2_2 (minimum image_size 16), got 12"),
    ("seed_net", {"image_size": 4}, "at conv1 (minimum image_size 6), got 4"),
    ("small_cnn", {"image_size": 3}, "at pool2 (minimum image_size 4), got 3"),
    ("small_cnn", {"dropout": 1.0}, "got 1.0"),
    ("small_cnn", {"dropout": -0.1}, "got -0.1"),
    ("small_cnn", {"dropout": math.nan}, "got nan"),
    ("small_cnn", {"kernel_size": 4}, "got 4"),
    ("small_cnn", {"kernel_size": 0}, "got 0"),
    ("small_cnn", {"channels": (32,)}, "got (32,)"),
    ("small_cnn", {"channels": (32, 0)}, "got 0"),
    ("small_cnn", {"channels": (32, -4)}, "got -4"),
    ("small_cnn", {"hidden": 0}, "got 0"),
    ("small_cnn", {"batch_norm": "yes"}, "got 'yes'"),
    ("seed_net", {"dropout": 0.5}, "got 0.5"),
    ("tiny_vgg", {"hidden": 64}, "got 64"),
])
def test_build_model_validation(arch, kwargs, fragment):
    with pytest.raises(ValueError) as info:
        build_model(arch, **{**BASE, **kwargs})
    assert fragment in str(info.value)


def test_unknown_arch_lists_the_known_ones():
    with pytest.raises(ValueError, match="seed_net, small_cnn, tiny_vgg"):
        flatten_size("vgg19", in_channels=3, image_size=224)


# --------------------------------------------------------------------------- model card
def test_card_round_trip_and_normalisation():
    card = make_card(options={"channels": (8, 16)}, input_shape=(1, 28, 28))
    assert card.options == {"channels": [8, 16], "kernel_size": 3, "batch_norm": False,
                            "dropout": 0.0, "hidden": 128}
    again = ModelCard.from_json(card.to_json())
    assert again == card
    assert json.loads(card.to_json())["format_version"] == 1


def _card_dict(**changes) -> dict:
    data = json.loads(make_card().to_json())
    data.update(changes)
    return data


@pytest.mark.parametrize(("text", "fragment"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "got list"),
    (json.dumps({k: v for k, v in _card_dict().items() if k != "std"}), "missing ['std']"),
    (json.dumps(_card_dict(colour="red")), "unexpected ['colour']"),
    (json.dumps(_card_dict(name=3)), "'name' must be a non-empty string, got 3"),
    (json.dumps(_card_dict(arch="vgg")), "got 'vgg'"),
    (json.dumps(_card_dict(mean=[0.5, 0.5, 0.5])), "got [0.5, 0.5, 0.5]"),
    (json.dumps(_card_dict(mean=["0.5"])), "got ['0.5']"),
    (json.dumps(_card_dict(std=[0.0])), "std in (0, 1]"),
    (json.dumps(_card_dict(input_shape=[1, 28, 32])), "got [1, 28, 32]"),
    (json.dumps(_card_dict(input_shape=[1, 2, 2])), "too small"),
    (json.dumps(_card_dict(classes=["a"])), "got ['a']"),
    (json.dumps(_card_dict(classes=["a", "a"])), "got ['a', 'a']"),
    (json.dumps(_card_dict(options={"channels": [32, 64], "depth": 3})), "got 'depth'"),
    (json.dumps(_card_dict(options={"hidden": 1.5})), "got 1.5"),
    (json.dumps(_card_dict(created="2025-01-02 03:04")), "got '2025-01-02 03:04'"),
    (json.dumps(_card_dict(format_version=2)), "got 2"),
    (json.dumps(_card_dict()).replace("0.97", "NaN"), "got NaN"),
    (json.dumps(_card_dict()).replace("0.97", "1e999"), "finite"),
])
def test_card_from_json_is_strict(text, fragment):
    with pytest.raises(ValueError) as info:
        ModelCard.from_json(text)
    assert fragment in str(info.value)


def test_build_from_card():
    card = make_card(arch="tiny_vgg", input_shape=(3, 64, 64), classes=["cat", "dog", "fish"],
                     options={"batch_norm": True})
    model = build_from_card(card)
    assert model(torch.rand(2, 3, 64, 64)).shape == (2, 3)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model) == 4


# --------------------------------------------------------------------------- checkpoints
def _saved(tmp_path: Path, arch="small_cnn", options=None, input_shape=(1, 28, 28)):
    options = options or {"batch_norm": True, "channels": (4, 8), "hidden": 16}
    card = make_card(arch=arch, options=options, input_shape=input_shape)
    model = trained_like(build_from_card(card))
    directory = save_checkpoint(model, card, tmp_path / "ckpt")
    return model, card, directory


def test_checkpoint_round_trip(tmp_path):
    model, card, directory = _saved(tmp_path)
    model.train()
    assert sorted(os.listdir(directory)) == ["card.json", "model.safetensors"]  # no temp files
    loaded, loaded_card = load_checkpoint(directory)
    assert loaded_card == card and not loaded.training
    assert loaded.state_dict().keys() == model.state_dict().keys()
    for key, value in model.state_dict().items():  # BN running stats and counters included
        found = loaded.state_dict()[key]
        assert torch.equal(found, value) and found.dtype == value.dtype
    assert loaded.bn1.num_batches_tracked.dtype == torch.int64
    assert int(loaded.bn1.num_batches_tracked) == 7
    assert all(t.device.type == "cpu" for t in loaded.state_dict().values())
    assert all(p.requires_grad for p in loaded.parameters())
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(loaded(x), model.eval()(x))


def test_weights_embed_the_card_and_load_from_bytes(tmp_path):
    _, card, directory = _saved(tmp_path)
    weights = (directory / "model.safetensors").read_bytes()
    with safetensors.safe_open(directory / "model.safetensors", framework="pt") as fh:
        assert fh.metadata()["card"] == (directory / "card.json").read_text()
    _, from_embedded = load_checkpoint_bytes(weights)
    _, from_text = load_checkpoint_bytes(weights, card.to_json())
    assert from_embedded == from_text == card


def test_weights_without_an_embedded_card_need_the_card_json(tmp_path):
    model, card, _ = _saved(tmp_path)
    weights = safetensors.torch.save(dict(model.state_dict()))
    with pytest.raises(CheckpointError, match="none embedded"):
        load_checkpoint_bytes(weights)
    assert load_checkpoint_bytes(weights, card.to_json().encode())[1] == card
    with pytest.raises(CheckpointError, match="bad model card"):
        load_checkpoint_bytes(weights, b"\xff\xfe")


def test_count_parameters_trainable_only():
    model = build_model("seed_net", in_channels=1, num_classes=10, image_size=28)
    model.conv1.requires_grad_(False)
    assert count_parameters(model, trainable_only=True) == 46090 < count_parameters(model)


def test_load_does_not_touch_the_global_rng(tmp_path):
    _, _, directory = _saved(tmp_path)
    state = torch.random.get_rng_state()
    load_checkpoint(directory)
    assert torch.equal(state, torch.random.get_rng_state())


def test_failed_write_leaves_old_checkpoint_and_no_temp_files(tmp_path, monkeypatch):
    model, card, directory = _saved(tmp_path)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(checkpoints.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(trained_like(model, seed=1), card, directory)
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before


@pytest.mark.parametrize("zip_format", [True, False])
def test_torch_save_file_is_rejected_without_unpickling(tmp_path, zip_format):
    model, card, directory = _saved(tmp_path)
    torch.save(model.state_dict(), directory / "model.safetensors",
               _use_new_zipfile_serialization=zip_format)
    with pytest.raises(CheckpointError, match="safetensors"):
        load_checkpoint(directory)


@pytest.mark.parametrize("mangle", [
    lambda b: os.urandom(4096),
    lambda b: b"",
    lambda b: b[: len(b) // 2],
    lambda b: b[:-1],
])
def test_corrupt_weights_are_rejected(tmp_path, mangle):
    _, card, directory = _saved(tmp_path)
    weights = (directory / "model.safetensors").read_bytes()
    with pytest.raises(CheckpointError, match="not a valid safetensors file"):
        load_checkpoint_bytes(mangle(weights), card.to_json())


def test_shape_mismatch_names_the_tensor_and_both_shapes(tmp_path):
    _, card, directory = _saved(tmp_path, options={"channels": (8, 16)})
    data = json.loads((directory / "card.json").read_text())
    data["options"]["channels"] = [32, 64]
    (directory / "card.json").write_text(json.dumps(data))
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(directory)
    assert "'conv1.weight'" in str(info.value)
    assert "expected shape [32, 1, 3, 3]" in str(info.value)
    assert "found [8, 1, 3, 3]" in str(info.value)


def _rewrite(directory: Path, edit) -> None:
    tensors = safetensors.torch.load_file(directory / "model.safetensors")
    edit(tensors)
    safetensors.torch.save_file(tensors, directory / "model.safetensors")


@pytest.mark.parametrize(("edit", "fragment"), [
    (lambda t: t.pop("fc2.bias"), "missing tensor 'fc2.bias' (expected shape [10])"),
    (lambda t: t.update(extra=torch.zeros(3)), "unexpected tensor 'extra' (shape [3])"),
    (lambda t: t.update({"fc1.weight": t["fc1.weight"].double()}), "found [16, 392] torch.float64"),
    (lambda t: t["conv2.bias"].__setitem__(0, math.nan), "'conv2.bias' contains NaN"),
    (lambda t: t["bn1.running_var"].__setitem__(1, math.inf), "'bn1.running_var' contains NaN"),
])
def test_mismatching_or_non_finite_tensors_are_rejected(tmp_path, edit, fragment):
    _, _, directory = _saved(tmp_path)
    _rewrite(directory, edit)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(directory)
    assert fragment in str(info.value)


def test_save_rejects_nan_weights_and_a_model_that_does_not_match_its_card(tmp_path):
    card = make_card(options={"channels": (4, 8), "hidden": 16})
    model = build_from_card(card)
    with torch.no_grad():
        model.fc2.weight[0, 0] = math.nan
    with pytest.raises(CheckpointError, match="'fc2.weight' contains NaN"):
        save_checkpoint(model, card, tmp_path / "nan")
    other = build_model("seed_net", in_channels=1, num_classes=10, image_size=28)
    with pytest.raises(CheckpointError, match="missing tensor 'conv1.bias'|expected shape"):
        save_checkpoint(other, card, tmp_path / "other")
    assert not (tmp_path / "nan").exists() and not (tmp_path / "other").exists()


@pytest.mark.parametrize("card_text", ["not json", "{}", json.dumps(_card_dict(std=[2.0])), "[]"])
def test_bad_card_is_a_checkpoint_error(tmp_path, card_text):
    _, _, directory = _saved(tmp_path)
    (directory / "card.json").write_text(card_text)
    with pytest.raises(CheckpointError, match="bad model card"):
        load_checkpoint(directory)


def test_missing_files_are_a_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="cannot read checkpoint"):
        load_checkpoint(tmp_path / "nowhere")


def test_model_id_is_stable_and_depends_on_weights_and_card(tmp_path):
    model, card, directory = _saved(tmp_path)
    weights = (directory / "model.safetensors").read_bytes()
    ident = model_id(card, weights)
    assert len(ident) == 12 and int(ident, 16) >= 0
    reordered = dict(reversed(list(model.state_dict().items())))
    assert model_id(card, model) == model_id(card, reordered) == model_id(card, weights) == ident
    assert model_id(make_card(options=card.options), weights) == ident  # an equal card
    assert model_id(card, trained_like(build_from_card(card), seed=1)) != ident
    assert model_id(make_card(options=card.options, name="other"), weights) != ident


def test_library_lists_newest_first_and_skips_broken_entries():
    cards = [make_card(options={"channels": (2, 2), "hidden": 4}, name=f"m{i}",
                       created=f"2025-0{i}-01T00:00:00Z") for i in (1, 3, 2)]
    for card in cards:
        save_to_library(trained_like(build_from_card(card)), card)
    broken = models_dir() / "broken"
    broken.mkdir()
    (broken / "model.safetensors").write_bytes(b"x")
    (broken / "card.json").write_text("{")
    (models_dir() / "no-weights").mkdir()
    entries = list_library()
    assert [card.name for _, card in entries] == ["m3", "m2", "m1"]
    assert all(path.parent == models_dir() for path, _ in entries)
    loaded, card = load_checkpoint(entries[0][0])
    assert card.name == "m3"


def test_library_of_a_missing_root_is_empty(tmp_path):
    assert list_library(tmp_path / "absent") == []
