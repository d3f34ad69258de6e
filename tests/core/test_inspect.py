"""Tests for core.interpret.layers: layer table, receptive fields, activations, top examples,
activation maximisation, and that the shared model is never changed (also when a function
raises)."""

from __future__ import annotations

import copy
import gc
import threading
import weakref

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.feature_extraction import create_feature_extractor

from core.interpret import layers
from core.models.builder import count_parameters
from core.runtime import graph
from tests.models import as_shared, resnet18, shared

MEAN, STD = (0.3,), (0.3,)


def _normalize(images: torch.Tensor) -> torch.Tensor:
    return (images.float() / 255 - MEAN[0]) / STD[0]


def _reference(model: nn.Module, names: list[str], x: torch.Tensor) -> dict[str, torch.Tensor]:
    """torchvision's extractor on a private copy (it switches train/eval while tracing)."""
    private = copy.deepcopy(model)
    for m in private.modules():
        if hasattr(m, "inplace"):
            m.inplace = False  # else a later in-place ReLU overwrites the earlier outputs
    with torch.no_grad():
        return create_feature_extractor(private, return_nodes=names)(x)


class Residual(nn.Module):
    """A non-Sequential net (needs tracing): two paths with different fields meet in an add."""

    def __init__(self, k_short: int = 5):
        super().__init__()
        self.conv_a = nn.Conv2d(1, 2, 3, padding=1)
        self.conv_b = nn.Conv2d(2, 2, 1, stride=2)
        self.short = nn.Conv2d(1, 2, k_short, stride=2, padding=k_short // 2)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.AvgPool2d(2)
        self.conv_c = nn.Conv2d(2, 3, 3, dilation=2)
        self.head = nn.Linear(3, 4)

    def forward(self, x):
        y = self.relu(self.conv_b(self.relu(self.conv_a(x))) + self.short(x))
        y = self.conv_c(self.pool(y))
        return self.head(y.mean((2, 3)))


def _ones(model: nn.Module) -> nn.Module:
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.fill_(1.0 if name.endswith("weight") else 0.0)
    return as_shared(model, frozen=True)


# --------------------------------------------------------------------------- layer table
@pytest.mark.parametrize("arch, options", [("seed_net", {}), ("small_cnn", {"batch_norm": True}),
                                           ("tiny_vgg", {})])
def test_layer_table_matches_a_real_forward_pass(arch, options):
    model = shared(arch, frozen=True, **options)
    rows = layers.layer_table(model, (1, 28, 28))
    names = layers.layer_names(model)
    assert rows[0] == layers.LayerInfo("input", "Input", (1, 28, 28), 0, 1, 1, 0.0, "1×28×28 image",
                                       detail_key="input", detail_values=(("shape", "1×28×28"),))
    assert [r.name for r in rows[1:]] == names == [n for n, m in model.named_children()]
    with torch.no_grad():  # the Sequential prefix up to each layer
        ref = [model[: i + 1](torch.zeros(1, 1, 28, 28)) for i in range(len(names))]
    assert [r.output_shape for r in rows[1:]] == [tuple(t.shape[1:]) for t in ref]
    if arch != "tiny_vgg":  # torchvision renames conv1_1, conv1_2 to conv1, conv1_1
        ext = _reference(model, names, torch.zeros(1, 1, 28, 28))
        assert [r.output_shape for r in rows[1:]] == [tuple(ext[n].shape[1:]) for n in names]
    assert [r.type for r in rows[1:]] == [type(m).__name__ for m in model.children()]
    assert sum(r.params for r in rows) == count_parameters(model)


RECEPTIVE = {  # (name, receptive field, jump), worked by hand from the kernels/strides
    "seed_net": [("conv1", 5, 1), ("relu1", 5, 1), ("pool1", 6, 2)],
    "small_cnn": [("conv1", 3, 1), ("pool1", 4, 2), ("conv2", 8, 2), ("pool2", 10, 4)],
    "tiny_vgg": [("conv1_1", 3, 1), ("conv1_2", 5, 1), ("pool1", 6, 2), ("conv2_1", 10, 2),
                 ("conv2_2", 14, 2), ("pool2", 16, 4)],
}


@pytest.mark.parametrize("arch", list(RECEPTIVE))
def test_receptive_fields_by_hand(arch):
    rows = {r.name: r for r in layers.layer_table(shared(arch, frozen=True), (1, 28, 28))}
    found = [(n, rows[n].receptive_field, rows[n].jump) for n, _, _ in RECEPTIVE[arch]]
    assert found == RECEPTIVE[arch]
    assert rows["flatten"].receptive_field is None and "whole input" in rows["flatten"].note
    assert rows["fc1"].jump is None and rows["fc1"].start is None


def test_details_and_starts():
    rows = {r.name: r for r in layers.layer_table(shared("seed_net", frozen=True), (1, 28, 28))}
    assert rows["conv1"].detail == "32 filters 5×5, stride 1, pad 0"
    assert rows["pool1"].detail == "2×2 max, stride 2"
    assert rows["fc1"].detail == "4608 → 10"
    assert rows["flatten"].detail == "32×12×12 → 4608"
    assert (rows["conv1"].start, rows["pool1"].start) == (2.0, 2.5)  # centres of px 2 and 2|3
    # the same details as data, for an interface in another language
    assert (rows["conv1"].detail_key, dict(rows["conv1"].detail_values)) == (
        "conv", {"n": 32, "k": "5×5", "s": "1", "p": "0", "dilation": "", "groups": 0})
    assert (rows["pool1"].detail_key, dict(rows["pool1"].detail_values)) == (
        "pool", {"kind": "max", "k": "2×2", "s": "2", "p": ""})
    assert rows["fc1"].detail_key == "" and rows["flatten"].detail_key == ""
    assert (rows["input"].detail_key, dict(rows["input"].detail_values)) == (
        "input", {"shape": "1×28×28"})


def test_details_of_unusual_layers_as_text_and_as_data():
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=(1, 2), dilation=2, groups=2),
                          nn.AvgPool2d(3, stride=2, padding=1), nn.AdaptiveMaxPool2d(1),
                          nn.Dropout(0.25)).eval()
    rows = layers.layer_table(model, (2, 16, 16))[1:]
    assert rows[0].detail == "4 filters 3×3, stride 1, pad 1×2, dilation 2, groups 2"
    assert dict(rows[0].detail_values) == {"n": 4, "k": "3×3", "s": "1", "p": "1×2",
                                           "dilation": "2", "groups": 2}
    assert rows[1].detail == "3×3 avg, stride 2, pad 1"
    assert dict(rows[1].detail_values) == {"kind": "avg", "k": "3×3", "s": "2", "p": "1"}
    assert (rows[2].detail, dict(rows[2].detail_values)) == ("adaptive max → 1×1",
                                                             {"kind": "max", "size": "1×1"})
    assert (rows[3].detail_key, dict(rows[3].detail_values)) == ("dropout", {"p": 0.25})


def test_receptive_box_by_hand():
    rows = {r.name: r for r in layers.layer_table(shared("small_cnn", frozen=True), (1, 28, 28))}
    # pool2: field 10, jump 4, unit (0, 0) centred at 1.5 -> rows -3..6, clipped to 0..6
    assert layers.receptive_box(rows["pool2"], 0, 0, (28, 28)) == (0, 7, 0, 7)
    assert layers.receptive_box(rows["pool2"], 3, 5, (28, 28)) == (9, 19, 17, 27)
    assert layers.receptive_box(rows["pool2"], 6, 6, (28, 28)) == (21, 28, 21, 28)
    assert layers.receptive_box(rows["fc2"], 0, 0, (28, 28)) == (0, 28, 0, 28)
    with pytest.raises(ValueError, match=r"row must be an integer in 0..6 for 'pool2', got 7"):
        layers.receptive_box(rows["pool2"], 7, 0, (28, 28))
    with pytest.raises(ValueError, match="image_size must be"):
        layers.receptive_box(rows["pool2"], 0, 0, (28,))


def _gradient_support(model: nn.Module, layer: str, unit: tuple, size: int) -> set:
    x = (0.5 + torch.rand(1, 1, size, size, generator=torch.Generator().manual_seed(0)))
    x.requires_grad_(True)
    private = copy.deepcopy(model)
    for m in private.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    out = create_feature_extractor(private, return_nodes=[layer])(x)[layer]
    (grad,) = torch.autograd.grad(out[(0, 0, *unit)], x)
    return {tuple(i) for i in grad[0, 0].nonzero().tolist()}


def _box_pixels(box: tuple) -> set:
    r0, r1, c0, c1 = box
    return {(r, c) for r in range(r0, r1) for c in range(c0, c1)}


@pytest.mark.parametrize("model, holes", [
    (nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
                   nn.Conv2d(2, 2, 3, dilation=2), nn.ReLU(),
                   nn.Conv2d(2, 1, 3, stride=2, padding=1)), False),
    (Residual(k_short=5), True),
    (Residual(k_short=1), True),
], ids=["sequential", "residual-wide-shortcut", "residual-1x1-shortcut"])
def test_receptive_box_is_the_gradient_support(model, holes):
    """All-positive weights and inputs: the pixels that reach a unit fill its box (clipped at the
    border), except for the holes a dilation wider than its input's field leaves (conv_c)."""
    model, size = _ones(model), 24
    rows = [r for r in layers.layer_table(model, (1, size, size))[1:]
            if r.receptive_field is not None]
    assert len(rows) >= 6
    for info in rows:
        _, h, w = info.output_shape
        for unit in {(0, 0), (h // 2, w // 2), (h - 1, w - 1)}:
            box = layers.receptive_box(info, *unit, (size, size))
            support = _gradient_support(model, info.name, unit, size)
            rows_, cols_ = [r for r, _ in support], [c for _, c in support]
            assert (min(rows_), max(rows_) + 1, min(cols_), max(cols_) + 1) == box, info
            if holes and info.name == "conv_c":
                assert support < _box_pixels(box)
            else:
                assert support == _box_pixels(box), info


def test_traced_names_keep_module_paths_and_number_repeat_calls():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1_1, self.conv1_2, self.act = nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3), nn.ReLU()

        def forward(self, x):
            return self.act(self.conv1_2(self.act(self.conv1_1(x))))

    model = as_shared(Twice(), frozen=True)
    assert layers.layer_names(model) == ["conv1_1", "act", "conv1_2", "act_1"]
    rows = layers.layer_table(model, (1, 9, 9))
    assert [(r.name, r.output_shape, r.receptive_field) for r in rows[2:]] == [
        ("act", (2, 7, 7), 3), ("conv1_2", (2, 5, 5), 5), ("act_1", (2, 5, 5), 5)]


def test_a_squeeze_excitation_gate_keeps_the_local_field_and_says_so():
    class Gated(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.squeeze = nn.Conv2d(1, 2, 3), nn.AdaptiveAvgPool2d(1)
            self.gate, self.conv2 = nn.Sigmoid(), nn.Conv2d(2, 2, 3)

        def forward(self, x):
            y = self.conv(x)
            return self.conv2(y * self.gate(self.squeeze(y)))

    rows = {r.name: r for r in layers.layer_table(as_shared(Gated(), frozen=True), (1, 12, 12))}
    assert (rows["squeeze"].receptive_field, rows["squeeze"].jump) == (12, 10)  # 10×10 map -> 1
    assert (rows["conv2"].receptive_field, rows["conv2"].jump, rows["conv2"].start) == (5, 1, 2.0)
    assert "global gate" in rows["conv2"].note and rows["conv"].note == ""


def test_resnet18_fields_and_names():
    model = as_shared(torchvision.models.resnet18(weights=None, num_classes=10))
    rows = {r.name: r for r in layers.layer_table(model, (3, 64, 64))}
    # 7 (conv1, /2) + 4 (maxpool, /4) + 4·8 (layer1) + 8 + 3·16 + 16 + 3·32 + 32 + 3·64 = 435
    assert (rows["layer4.1.relu_1"].receptive_field, rows["layer4.1.relu_1"].jump) == (435, 32)
    assert rows["layer1.0.relu"].output_shape == (64, 16, 16)  # the block's first ReLU call
    assert rows["layer1.0.relu_1"].output_shape == (64, 16, 16)  # its second, after the add
    assert rows["fc"].output_shape == (10,) and rows["avgpool"].detail == "adaptive avg → 1×1"
    assert sum(r.params for r in rows.values()) == count_parameters(model)


# --------------------------------------------------------------------------- activations
def test_activations_match_the_sequential_prefix():
    model = shared("small_cnn", frozen=True, batch_norm=True)
    x = torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    names = layers.layer_names(model)
    acts = layers.activations(model, x, names[::-1])
    assert list(acts) == names[::-1]
    with torch.no_grad():
        for i, name in enumerate(names):
            assert torch.equal(acts[name], model[: i + 1](x)), name
            assert not acts[name].requires_grad


def test_activations_are_taken_before_a_following_inplace_relu():
    model = as_shared(torchvision.models.resnet18(weights=None, num_classes=10), frozen=True)
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    names = ["bn1", "relu", "layer1.0.bn2", "layer1.0.relu_1", "layer2.0.downsample.1", "fc"]
    acts, ref = layers.activations(model, x, names), _reference(model, names, x)
    assert (acts["bn1"] < 0).any()  # create_feature_extractor would hand back relu's output here
    for name in names:
        torch.testing.assert_close(acts[name], ref[name], rtol=0, atol=1e-6)


def test_unknown_layer_lists_the_valid_names():
    model = shared("seed_net", frozen=True)
    with pytest.raises(ValueError, match="unknown layer 'conv9'; valid names: conv1, relu1, pool1, "
                                         "flatten, fc1"):
        layers.activations(model, torch.zeros(1, 1, 28, 28), ["conv1", "conv9"])
    with pytest.raises(ValueError, match="layers must be a non-empty list of layer names, "
                                         "got 'conv1'"):
        layers.activations(model, torch.zeros(1, 1, 28, 28), "conv1")
    with pytest.raises(ValueError, match=r"x of shape \(1, 3, 28, 28\) does not fit this model"):
        layers.activations(model, torch.zeros(1, 3, 28, 28), ["fc1"])
    with pytest.raises(ValueError, match="x must be a float tensor"):
        layers.activations(model, torch.zeros(1, 1, 28, 28, dtype=torch.uint8), ["fc1"])


def test_a_model_in_training_mode_is_refused(untouched):
    model = shared("small_cnn", frozen=True, batch_norm=True).train()
    message = "model must be in eval mode.*'\\(model\\)' in training"
    with untouched(model), pytest.raises(ValueError, match=message):
        layers.layer_table(model, (1, 28, 28))
    assert model.training


def test_predict_gives_probabilities():
    model = shared("small_cnn", frozen=True)
    x = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(4))
    probs = layers.predict(model, x)
    torch.testing.assert_close(probs.sum(1), torch.ones(4))
    with torch.no_grad():
        torch.testing.assert_close(probs, model(x).softmax(1))


def test_channel_order():
    act = torch.tensor([[[0.0, 10.0]], [[6.0, 6.0]], [[1.0, 1.0]], [[5.0, 5.0]]])  # (4, 1, 2)
    assert layers.channel_order(act) == [1, 0, 3, 2]  # means 5, 6, 1, 5: ties by index
    assert layers.channel_order(act, by="max") == [0, 1, 3, 2]
    assert layers.channel_order(act, by="index") == [0, 1, 2, 3]
    assert layers.channel_order(torch.tensor([0.5, 2.0, -1.0])) == [1, 0, 2]
    with pytest.raises(ValueError, match="by must be 'mean', 'max' or 'index', got 'median'"):
        layers.channel_order(act, by="median")
    with pytest.raises(ValueError, match=r"act must be a \(C, H, W\) or \(N,\) tensor, "
                                         r"got \(1, 4, 1, 2\)"):
        layers.channel_order(act[None])


def test_filter_weights_is_a_copy(untouched):
    model = shared("seed_net", frozen=True)
    before = model.conv1.weight.clone()
    with untouched(model):
        w = layers.filter_weights(model, "conv1")
        assert w.shape == (32, 1, 5, 5) and torch.equal(w, before) and not w.requires_grad
        w.add_(1.0)
    assert torch.equal(model.conv1.weight, before)
    assert layers.conv_layer_names(shared("tiny_vgg", frozen=True)) == [
        "conv1_1", "conv1_2", "conv2_1", "conv2_2"]
    with pytest.raises(ValueError, match=r"layer must be a Conv2d \(conv1\), got 'fc1' \(Linear\)"):
        layers.filter_weights(model, "fc1")


# --------------------------------------------------------------------------- top activating
def _brute_force(model, images, layer, channel, k):
    index = layers.layer_names(model).index(layer)
    with torch.no_grad():
        out = model[: index + 1](_normalize(images))[:, channel]
    found = []
    for i, fmap in enumerate(out):
        flat = fmap.reshape(-1).tolist()
        best = max(flat)
        r, c = divmod(flat.index(best), fmap.shape[-1] if fmap.dim() == 2 else 1)
        found.append((-best, i, (r, c)))
    return sorted(found)[:k]


@pytest.mark.parametrize("layer, channel", [("relu2", 5), ("pool2", 63), ("conv1", 0), ("fc2", 3)])
def test_top_activating_equals_brute_force(layer, channel):
    model = shared("small_cnn", frozen=True)
    images = torch.randint(0, 256, (23, 1, 28, 28), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(5))
    top = layers.top_activating(model, images, layer, channel, k=7, normalize=_normalize,
                                batch_size=5)
    info = next(r for r in layers.layer_table(model, (1, 28, 28)) if r.name == layer)
    expected = _brute_force(model, images, layer, channel, 7)
    assert [t.index for t in top] == [i for _, i, _ in expected]
    assert [t.position for t in top] == [p for _, _, p in expected]
    torch.testing.assert_close(torch.tensor([t.score for t in top]),
                               torch.tensor([-s for s, _, _ in expected]))
    assert [t.box for t in top] == [layers.receptive_box(info, *t.position, (28, 28)) for t in top]
    if layer == "fc2":
        assert {t.box for t in top} == {(0, 28, 0, 28)}


@pytest.mark.parametrize("layer, channels", [("conv2", (7, 0, 63)), ("fc2", (2, 9))])
def test_top_per_channel_is_each_channels_brute_force(layer, channels):
    """Several channels in one pass: each the direct loop's top images of that channel."""
    model = shared("small_cnn", frozen=True)
    images = torch.randint(0, 256, (23, 1, 28, 28), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(5))
    tops = layers.top_per_channel(model, images, layer, channels, k=3, normalize=_normalize,
                                  batch_size=5)
    assert len(tops) == len(channels)
    for channel, top in zip(channels, tops, strict=True):
        expected = _brute_force(model, images, layer, channel, 3)
        assert [t.index for t in top] == [i for _, i, _ in expected]
        assert [t.position for t in top] == [p for _, _, p in expected]


def test_top_activating_validates():
    model, images = shared("small_cnn", frozen=True), torch.zeros(4, 1, 28, 28, dtype=torch.uint8)
    with pytest.raises(ValueError, match=r"channel must be an integer in 0..31 for 'conv1', "
                                         r"got 32"):
        layers.top_activating(model, images, "conv1", 32, normalize=_normalize)
    with pytest.raises(ValueError, match="images must be a non-empty"):
        layers.top_activating(model, images.float(), "conv1", 0, normalize=_normalize)
    with pytest.raises(ValueError, match="k must be an integer >= 1, got 0"):
        layers.top_activating(model, images, "conv1", 0, k=0, normalize=_normalize)
    assert len(layers.top_activating(model, images, "conv1", 0, k=9, normalize=_normalize)) == 4


# --------------------------------------------------------------------------- activation max.
def _actmax(model, layer="conv2", channel=7, **kw):
    kw = {"steps": 40, **kw}
    return layers.activation_maximisation(model, layer, channel, input_shape=(1, 28, 28), mean=MEAN,
                                      std=STD, **kw)


@pytest.mark.parametrize("layer, channel", [("conv2", 7), ("relu_fc1", 3), ("fc2", 2)])
def test_activation_maximisation_raises_the_target(layer, channel):
    model = shared("small_cnn", frozen=True)
    seen = []
    result = _actmax(model, layer, channel, progress=lambda *a: seen.append(a))
    noise = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(6))
    act = layers.activations(model, _normalize(noise * 255), [layer])[layer][0, channel]
    assert result.trajectory[-1] > result.trajectory[0]
    assert result.trajectory[-1] > float(act.mean())
    assert seen == [(i + 1, 40, v) for i, v in enumerate(result.trajectory)]
    assert result.image.shape == (1, 28, 28) and 0 <= result.image.min() <= result.image.max() <= 1
    lo, hi = (0 - MEAN[0]) / STD[0], (1 - MEAN[0]) / STD[0]
    assert lo - 1e-6 <= result.raw.min() and result.raw.max() <= hi + 1e-6
    final = layers.activations(model, result.raw, [layer])[layer][0, channel].mean()
    assert result.trajectory[-1] == pytest.approx(float(final), rel=1e-5)
    assert not result.stopped


def test_activation_maximisation_is_deterministic_and_stoppable():
    model = shared("small_cnn", frozen=True)
    a, b, c = _actmax(model, steps=15), _actmax(model, steps=15), _actmax(model, steps=15, seed=1)
    assert torch.equal(a.raw, b.raw) and a.trajectory == b.trajectory
    assert not torch.equal(a.raw, c.raw)
    calls = []
    stopped = _actmax(model, steps=15, should_stop=lambda: calls.append(1) or len(calls) > 3)
    assert stopped.stopped and len(stopped.trajectory) == 3
    assert stopped.trajectory == a.trajectory[:3]


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": 0}, r"steps must be an integer in 1..2000, got 0"),
    ({"steps": 2001}, r"steps must be an integer in 1..2000, got 2001"),
    ({"steps": True}, r"steps must be an integer in 1..2000, got True"),
    ({"lr": 0.0}, r"lr must be a finite number > 0, got 0.0"),
    ({"lr": float("nan")}, r"lr must be a finite number > 0, got nan"),
    ({"jitter": 9}, r"jitter must be an integer in 0..8, got 9"),
    ({"jitter": -1}, r"jitter must be an integer in 0..8, got -1"),
    ({"tv_weight": -0.1}, r"tv_weight must be a finite number >= 0, got -0.1"),
    ({"l2_weight": float("inf")}, r"l2_weight must be a finite number >= 0, got inf"),
    ({"channel": 64}, r"channel must be an integer in 0..63 for 'conv2', got 64"),
    ({"channel": -1}, r"channel must be an integer in 0..63 for 'conv2', got -1"),
    ({"layer": "conv7"}, r"unknown layer 'conv7'; valid names: conv1, relu1"),
    ({"mean": (0.1, 0.2)}, r"mean must be 1 finite numbers \(one per channel\), got \(0.1, 0.2\)"),
    ({"std": (0.0,)}, r"std must be 1 positive finite numbers \(one per channel\), got \(0.0,\)"),
    ({"input_shape": (1, 28)}, r"input_shape must be \(channels, height, width\)"),
    ({"input_shape": (3, 28, 28), "mean": (0, 0, 0), "std": (1, 1, 1)},
     r"input_shape \(3, 28, 28\) does not fit this model"),
    ({"seed": 1.5}, r"seed must be an integer, got 1.5"),
])
def test_activation_maximisation_validates(kwargs, message):
    args = {"layer": "conv2", "channel": 0, "input_shape": (1, 28, 28), "mean": MEAN, "std": STD}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        layers.activation_maximisation(shared("small_cnn", frozen=True), args.pop("layer"),
                                       args.pop("channel"), **args)


# --------------------------------------------------------------------------- the shared model
class _Boom(Exception):
    pass


def _boom(*_):
    raise _Boom


def _late_normalize():
    calls = []

    def normalize(images):
        calls.append(1)
        if len(calls) == 2:
            raise _Boom
        return _normalize(images)
    return normalize


def _calls(shape: tuple[int, int, int], layer: str, channel: int, mean, std):
    images = torch.randint(0, 256, (6, *shape), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(7))
    x = torch.randn(2, *shape, generator=torch.Generator().manual_seed(8))
    act = {"input_shape": shape, "mean": mean, "std": std, "steps": 3}
    return [
        (lambda m: layers.layer_table(m, shape), None),
        (lambda m: layers.layer_names(m), None),
        (lambda m: layers.conv_layer_names(m), None),
        (lambda m: layers.activations(m, x, [layer]), None),
        (lambda m: layers.predict(m, x), None),
        (lambda m: layers.filter_weights(m, layers.conv_layer_names(m)[0]), None),
        (lambda m: layers.top_activating(m, images, layer, channel, k=3, normalize=_normalize,
                                     batch_size=4), None),
        (lambda m: layers.activation_maximisation(m, layer, channel, **act), None),
        (lambda m: layers.activations(m, x, [layer, "nope"]), ValueError),
        (lambda m: layers.activations(m, torch.cat([x, x], 1), [layer]), ValueError),
        (lambda m: layers.filter_weights(m, "nope"), ValueError),
        (lambda m: layers.top_activating(m, images, layer, 10_000, normalize=_normalize),
         ValueError),
        (lambda m: layers.top_activating(m, images, layer, channel, normalize=_late_normalize(),
                                     batch_size=4), _Boom),
        (lambda m: layers.activation_maximisation(m, layer, 10_000, **act), ValueError),
        (lambda m: layers.activation_maximisation(m, layer, channel, progress=_boom, **act), _Boom),
    ]


@pytest.mark.parametrize("index", range(15))
def test_no_function_changes_the_shared_model(index, untouched):
    model = shared("small_cnn", frozen=True, batch_norm=True, dropout=0.5)
    fn, raises = _calls((1, 28, 28), "relu2", 5, MEAN, STD)[index]
    with untouched(model):
        if raises:
            with pytest.raises(raises):
                fn(model)
        else:
            fn(model)


def test_resnet18_with_inplace_relus_is_left_untouched(untouched):
    """Parameters that require grad (not frozen) must not get a .grad either."""
    model = as_shared(resnet18())
    mean, std = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)
    with untouched(model) as check:
        for fn, raises in _calls((3, 64, 64), "layer2.0.relu_1", 5, mean, std):
            if raises:
                with pytest.raises(raises):
                    fn(model)
            else:
                fn(model)
            check()
    result = layers.activation_maximisation(model, "layer2.0.relu_1", 5, input_shape=(3, 64, 64),
                                        mean=mean, std=std, steps=4)
    assert result.trajectory[-1] > result.trajectory[0]


def test_tracing_does_not_add_attributes_to_the_model(untouched):
    class WithConstant(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)

        def forward(self, x):
            return self.conv(x) + torch.tensor([0.5])  # fx stores this as root._tensor_constant0

    model = as_shared(WithConstant(), frozen=True)
    with untouched(model):
        x = torch.randn(1, 1, 8, 8)
        out = layers.activations(model, x, ["conv"])["conv"]
        with torch.no_grad():
            assert torch.equal(out, model.conv(x))
        assert [r.receptive_field for r in layers.layer_table(model, (1, 8, 8))] == [1, 3]


def test_the_trace_cache_does_not_keep_a_model_alive():
    model = as_shared(Residual(), frozen=True)
    layers.layer_names(model)
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


# --------------------------------------------------------------------------- threads
def _work(model, layer, seed, size):
    x = torch.randn(2, 1, size, size, generator=torch.Generator().manual_seed(seed))
    acts = layers.activations(model, x, [layer])[layer]
    result = layers.activation_maximisation(model, layer, seed % 3, input_shape=(1, size, size),
                                        mean=MEAN, std=STD, steps=10, seed=seed)
    return acts, result.raw, result.trajectory


@pytest.mark.parametrize("make, layer, size", [
    (lambda: shared("small_cnn", frozen=True, batch_norm=True), "relu2", 28),
    (lambda: as_shared(Residual(), frozen=True), "conv_c", 24),
])
def test_concurrent_calls_match_sequential_calls(make, layer, size):
    model = make()  # the Residual net is traced for the first time by the racing threads
    barrier, results, errors = threading.Barrier(4), {}, []

    def run(channel):
        try:
            barrier.wait()
            results[channel] = _work(model, layer, channel, size)
        except Exception as err:  # noqa: BLE001  (reported below, in the main thread)
            errors.append(err)

    threads = [threading.Thread(target=run, args=(c,)) for c in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for channel in range(4):
        acts, raw, trajectory = _work(model, layer, channel, size)
        assert torch.equal(results[channel][0], acts)
        assert torch.equal(results[channel][1], raw) and results[channel][2] == trajectory


def test_a_trace_waits_for_forward_passes_in_flight():
    model, done = as_shared(Residual(), frozen=True), threading.Event()
    worker = threading.Thread(target=lambda: (layers.layer_names(model), done.set()))
    with graph.shared_forward():
        worker.start()
        assert not done.wait(timeout=0.2)  # the first trace of this model is held back
    worker.join(timeout=10)
    assert done.is_set()
    with graph.shared_forward():  # nesting is fine for a traced model, a first trace is refused
        assert layers.layer_names(model)[0] == "conv_a"
        with pytest.raises(RuntimeError, match="cannot trace a model while this thread holds"):
            layers.layer_names(as_shared(Residual(), frozen=True))


# --------------------------------------------------------------------------- any model (issue 14)
def test_filter_images_scale_each_hand_set_filter_on_its_own(untouched):
    conv = nn.Conv2d(3, 2, 2, bias=False)
    with torch.no_grad():
        conv.weight[0] = torch.tensor([[[0., 1.], [2., 3.]],      # R
                                       [[4., 5.], [6., 7.]],      # G
                                       [[-1., 0.], [0., 0.]]])    # B: the smallest weight
        conv.weight[1] = 0.25  # a constant filter
    model = as_shared(nn.Sequential(conv), frozen=True)
    with untouched(model):
        tiles = layers.filter_images(model, "0")
    # filter 0: (w - (-1)) / 8, pixel by pixel, channels last (R, G, B)
    expected = torch.tensor([[[1 / 8, 5 / 8, 0.], [2 / 8, 6 / 8, 1 / 8]],
                             [[3 / 8, 7 / 8, 1 / 8], [4 / 8, 1., 1 / 8]]])
    assert tiles.shape == (2, 2, 2, 3)
    assert torch.equal(tiles[0], expected)
    assert torch.equal(tiles[1], torch.full((2, 2, 3), 0.5))


def test_activations_and_probs_are_activations_and_predict_in_one_pass(untouched):
    model = as_shared(resnet18(num_classes=7))  # in-place ReLUs, residual adds
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    names = ["relu", "layer1.0.relu_1", "avgpool"]
    with untouched(model):
        acts, probs = layers.activations_and_probs(model, x, names)
    ref = _reference(model, names, x)
    assert list(acts) == names
    for name in names:
        torch.testing.assert_close(acts[name], ref[name])
    with torch.no_grad():
        torch.testing.assert_close(probs, model(x).softmax(1))


def test_macs_are_what_torch_counts():
    """FlopCounterMode counts 2 FLOPs per multiply-add of convolutions and matrix products."""
    from torch.utils.flop_counter import FlopCounterMode

    model = as_shared(torchvision.models.mobilenet_v3_small(num_classes=5), frozen=True)
    table = layers.layer_table(model, (3, 64, 64))
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.zeros(1, 3, 64, 64))
    assert 2 * layers.macs_to(table, table[-1].name) == counter.get_total_flops()
    convs = [r for r in table if r.type == "Conv2d"]
    assert layers.macs_to(table, convs[0].name) == 16 * 32 * 32 * 3 * 3 * 3  # features.0.0
    with pytest.raises(ValueError, match="unknown layer 'nope'"):
        layers.macs_to(table, "nope")


def test_top_activating_through_a_fit_is_the_top_of_the_converted_images():
    """Digits-sized grey images for a colour model of another size: the fit converts each batch;
    the scores are those of the converted images, the boxes are in the images' own pixels."""
    from core.data.fit import fit_input

    model = as_shared(resnet18(num_classes=4), frozen=True)
    images = torch.randint(0, 256, (9, 1, 20, 20), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(4))
    fit = fit_input((1, 20, 20), (3, 40, 40), mean=(0.5,) * 3, std=(0.25,) * 3)
    seen = []
    top = layers.top_activating(model, images, "layer1.0.relu_1", 3, k=4, normalize=fit,
                                batch_size=4, progress=lambda *a: seen.append(a))
    assert seen == [(4, 9), (8, 9), (9, 9)]
    converted = torch.nn.functional.interpolate(
        images.float().expand(-1, 3, -1, -1), size=(40, 40), mode="bilinear",
        align_corners=False, antialias=True) / 255
    x = (converted - 0.5) / 0.25
    out = _reference(model, ["layer1.0.relu_1"], x)["layer1.0.relu_1"][:, 3].flatten(1)
    best, where = out.max(1)
    order = torch.sort(best, descending=True, stable=True).indices[:4].tolist()
    assert [t.index for t in top] == order
    torch.testing.assert_close(torch.tensor([t.score for t in top]), best[order])
    info = next(r for r in layers.layer_table(model, (3, 40, 40)) if r.name == "layer1.0.relu_1")
    for t, i in zip(top, order, strict=True):
        assert t.position == divmod(int(where[i]), info.output_shape[2])
        r0, r1, c0, c1 = layers.receptive_box(info, *t.position, (40, 40))  # model pixels
        assert t.box == (r0 // 2, -(-r1 // 2), c0 // 2, -(-c1 // 2))  # 40 px -> 20 px


@pytest.mark.parametrize("arch", ["resnet18", "mobilenet_v3_small"])
def test_an_onnx_import_has_the_fields_of_the_network_it_came_from(arch):
    """onnx2torch's modules (element-wise Add/Mul, global pooling, Gemm) read like torch's:
    every convolution has the receptive field, jump and multiply-adds of the original."""
    import io
    import warnings

    pytest.importorskip("core.models.onnx_graph", reason="the ONNX import is not there yet")
    from core.models import imports

    net = getattr(torchvision.models, arch)(weights=None, num_classes=3).eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (torch.zeros(1, 3, 64, 64),), buf, dynamo=False, opset_version=17)
    module = imports.import_onnx(buf.getvalue(), classes=["a", "b", "c"]).model

    def convs(table):
        return [(r.output_shape, r.receptive_field, r.jump, r.start, r.macs) for r in table
                if r.type == "Conv2d"]

    ours, original = layers.layer_table(module, (3, 64, 64)), layers.layer_table(net, (3, 64, 64))
    assert convs(ours) == convs(original) and len(convs(ours)) > 10
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    _, probs = layers.activations_and_probs(module, x, [layers.layer_names(module)[0]])
    with torch.no_grad():
        torch.testing.assert_close(probs, net(x).softmax(1), atol=1e-5, rtol=1e-4)


def _hooked_outputs(model: nn.Module, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every leaf module call's output, in call order, from forward hooks on a private copy
    (out-of-place ReLUs); the n-th repeat of a module is "<path>_<n>"."""
    private = copy.deepcopy(model)
    calls: dict[str, int] = {}
    out: dict[str, torch.Tensor] = {}

    def hook(path):
        def record(module, args, value):
            n = calls.get(path, 0)
            calls[path] = n + 1
            out[path if n == 0 else f"{path}_{n}"] = value.detach().clone()
        return record

    for path, m in private.named_modules():
        if hasattr(m, "inplace"):
            m.inplace = False
        if path and next(m.children(), None) is None:
            m.register_forward_hook(hook(path))
    with torch.no_grad():
        private(x)
    return out


@pytest.mark.parametrize("arch", ["alexnet", "mobilenet_v3_small", "efficientnet_b0",
                                  "squeezenet1_1"])
def test_torchvision_classifiers_inspected_without_being_touched(arch, untouched):
    """In-place ReLUs, squeeze-excitation, hardswish, SiLU, concats: the table's shapes and
    the activations are torch's own, and no function changes the shared model."""
    from core.data.fit import fit_input

    torch.manual_seed(0)
    model = as_shared(getattr(torchvision.models, arch)(weights=None, num_classes=5))
    shape, mean, std = (3, 64, 64), (0.5,) * 3, (0.25,) * 3
    x = torch.randn(1, *shape, generator=torch.Generator().manual_seed(1))
    digits = torch.randint(0, 256, (3, 1, 28, 28), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(2))
    with untouched(model):
        table = layers.layer_table(model, shape)
        names = [r.name for r in table[1:]]
        spatial = [r.name for r in table[1:] if len(r.output_shape) == 3]
        acts, probs = layers.activations_and_probs(model, x, [spatial[1], spatial[-1]])
        first = layers.conv_layer_names(model)[0]
        tiles = layers.filter_images(model, first)
        top = layers.top_activating(model, digits, spatial[-1], 1, k=2,
                                    normalize=fit_input((1, 28, 28), shape, mean=mean, std=std))
        result = layers.activation_maximisation(model, spatial[len(spatial) // 2], 0,
                                                input_shape=shape, mean=mean, std=std, steps=2)
    ref = _hooked_outputs(model, x)  # torchvision's extractor keeps its ops' blocks whole
    assert names == list(ref)
    assert [r.output_shape for r in table[1:]] == [tuple(ref[n].shape[1:]) for n in names]
    for name in (spatial[1], spatial[-1]):
        torch.testing.assert_close(acts[name], ref[name])
    with torch.no_grad():
        torch.testing.assert_close(probs, model(x).softmax(1))
    assert tiles.shape[-1] == 3 and 0 <= tiles.min() and tiles.max() <= 1
    assert len(top) == 2 and all(0 <= b <= 28 for t in top for b in t.box)
    assert len(result.trajectory) == 2 and result.image.shape == shape
