"""Occlusion sensitivity: Captum as the oracle, hand-set models with exact values, the shared
model left untouched."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from captum.attr import Occlusion
from torch import nn

from core.interpret import occlusion
from core.runtime import accel
from tests.models import resnet18, small_cnn

MNIST = dict(mean=0.1307, std=0.3081)
RGB = dict(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225))


def _captum(model, x, base, target, window, stride):
    forward = lambda z: model(z).softmax(1)  # noqa: E731
    with torch.no_grad():
        attr = Occlusion(forward).attribute(
            x, sliding_window_shapes=(x.shape[1], *window), strides=(x.shape[1], *stride),
            baselines=base, target=target, perturbations_per_eval=64)
    return attr[0].numpy()  # (C, H, W): the same map in every channel


# --------------------------------------------------------------------------- Captum oracle
@pytest.mark.parametrize("window,stride", [((4, 4), (1, 1)), ((5, 5), (4, 4)),
                                           ((3, 3), (2, 2)), ((6, 4), (5, 3)), ((28, 7), (1, 7))])
@pytest.mark.parametrize("baseline", ["zero", "mean"])
def test_attribution_matches_captum(window, stride, baseline):
    model = small_cnn()
    torch.manual_seed(1)
    x = torch.randn(1, 1, 28, 28)
    r = occlusion.occlusion(model, x, window=window, stride=stride, baseline=baseline,
                            batch_size=37, **MNIST)
    base = occlusion.baseline_image(x, baseline, **MNIST)
    expected = _captum(model, x, base, r.target, window, stride)
    np.testing.assert_allclose(occlusion.attribution_map(r, (28, 28)), expected[0], atol=1e-5,
                               rtol=0)


def test_attribution_matches_captum_rgb_and_explicit_target():
    model = small_cnn(3)
    torch.manual_seed(2)
    x = torch.randn(1, 3, 28, 28)
    r = occlusion.occlusion(model, x, window=(5, 3), stride=(3, 2), baseline="zero", target=7,
                            **RGB)
    base = occlusion.baseline_image(x, "zero", **RGB)
    expected = _captum(model, x, base, 7, (5, 3), (3, 2))
    assert r.target == 7
    for channel in expected:
        np.testing.assert_allclose(occlusion.attribution_map(r, (28, 28)), channel, atol=1e-5,
                                   rtol=0)


def test_plan_follows_captum_counts():
    # ceil((H - w) / s) + 1 starts; the last window is clipped at the edge
    p = occlusion.plan((28, 28), 5, 4)
    assert (p.rows, p.cols, p.passes) == (7, 7, 50)
    assert occlusion.plan((224, 224), 16, 8).passes == 27 * 27 + 1
    assert occlusion.plan((10, 12), (10, 3), (1, 3)) == occlusion.Plan(1, 4, 5, (10, 3), (1, 3))


# --------------------------------------------------------------------------- hand-set models
def _linear(weights: dict[int, list[int]], bias: list[float], k: int) -> nn.Module:
    """logit c = sum of the flat pixels weights[c] of a 1x4x4 image + bias[c]."""
    fc = nn.Linear(16, k)
    with torch.no_grad():
        fc.weight.zero_()
        for c, pixels in weights.items():
            fc.weight[c, pixels] = 1.0
        fc.bias.copy_(torch.tensor(bias))
    return nn.Sequential(nn.Flatten(), fc).eval()


def test_exact_values_top_left_model():
    model = _linear({1: [0, 1, 4, 5]}, [0.0, 0.0], 2)  # class 1: the top-left 2x2 pixels
    x = torch.ones(1, 1, 4, 4)
    r = occlusion.occlusion(model, x, window=2, stride=2, baseline="zero", mean=0.0, std=1.0)
    p = math.exp(4) / (1 + math.exp(4))
    assert r.target == 1 and r.p0 == pytest.approx(p, abs=1e-7)
    np.testing.assert_allclose(r.prob_map, [[0.5, p], [p, p]], atol=1e-7)
    np.testing.assert_allclose(r.drop_map, [[p - 0.5, 0], [0, 0]], atol=1e-7)
    np.testing.assert_allclose(r.base_probs, [1 - p, p], atol=1e-7)
    attr = occlusion.attribution_map(r, (4, 4))
    np.testing.assert_allclose(attr[:2, :2], p - 0.5, atol=1e-7)
    np.testing.assert_allclose(attr[2:, :], 0, atol=1e-7)
    # stride 1: pixel (0, 0) is under one window, pixel (1, 1) under four (one of them zeroes 4)
    r1 = occlusion.occlusion(model, x, window=2, stride=1, baseline="zero", mean=0.0, std=1.0)
    e3 = math.exp(3) / (1 + math.exp(3))
    e2 = math.exp(2) / (1 + math.exp(2))
    assert r1.prob_map[0, 0] == pytest.approx(0.5, abs=1e-7)
    assert r1.prob_map[0, 1] == pytest.approx(e2, abs=1e-7)
    assert r1.prob_map[1, 1] == pytest.approx(e3, abs=1e-7)
    attr1 = occlusion.attribution_map(r1, (4, 4))
    assert attr1[0, 0] == pytest.approx(p - 0.5, abs=1e-6)
    assert attr1[1, 1] == pytest.approx(((p - 0.5) + 2 * (p - e2) + (p - e3)) / 4, abs=1e-6)


def test_class_map_flips_when_region_a_is_covered():
    # class 0: region A (top-left 2x2) -> 4; class 2: bias 2; covering A makes class 2 win
    model = _linear({0: [0, 1, 4, 5]}, [0.0, 0.0, 2.0], 3)
    x = torch.ones(1, 1, 4, 4)
    r = occlusion.occlusion(model, x, window=2, stride=2, baseline="zero", mean=0.0, std=1.0)
    assert r.target == 0
    np.testing.assert_array_equal(r.class_map, [[2, 0], [0, 0]])
    top = math.exp(2) / (2 + math.exp(2))
    assert r.top_prob_map[0, 0] == pytest.approx(top, abs=1e-7)
    assert r.top_prob_map[1, 1] == pytest.approx(r.base_probs.max(), abs=1e-7)


def test_occluded_input_walk_through():
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    p = occlusion.plan((4, 4), (2, 3), 1)
    base = occlusion.baseline_image(x, "mean", mean=0.0, std=1.0)
    out = occlusion.occluded_input(x, 1, 1, p, base)
    expected = x.clone()
    expected[..., 1:3, 1:4] = 0
    assert torch.equal(out, expected) and torch.equal(x, torch.arange(16.0).reshape(1, 1, 4, 4))
    with pytest.raises(ValueError, match="row < 3"):
        occlusion.occluded_input(x, 3, 0, p, base)


# --------------------------------------------------------------------------- baselines
def test_baseline_kinds():
    torch.manual_seed(3)
    x = torch.rand(1, 3, 32, 32)
    xn = ((x - torch.tensor(RGB["mean"]).view(1, 3, 1, 1))
          / torch.tensor(RGB["std"]).view(1, 3, 1, 1))
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in (RGB["mean"], RGB["std"]))
    zero = occlusion.baseline_image(xn, "zero", **RGB)
    torch.testing.assert_close(zero * std + mean, torch.zeros_like(x), atol=1e-6, rtol=0)
    assert torch.equal(occlusion.baseline_image(xn, "mean", **RGB), torch.zeros_like(x))
    blur = occlusion.baseline_image(xn, "blur", **RGB)
    assert blur.shape == xn.shape and (blur - xn).abs().mean() > 0.1
    torch.testing.assert_close(blur.mean((2, 3)), xn.mean((2, 3)), atol=0.05, rtol=0)
    assert blur.std() < xn.std() / 2  # smoothed
    noise = occlusion.baseline_image(xn, "noise", seed=5, **RGB)
    assert torch.equal(noise, occlusion.baseline_image(xn, "noise", seed=5, **RGB))
    assert not torch.equal(noise, occlusion.baseline_image(xn, "noise", seed=6, **RGB))
    pixels = noise * std + mean
    assert pixels.min() >= -1e-6 and pixels.max() <= 1 + 1e-6 and pixels.std() > 0.1


def test_blur_on_tiny_images():
    for side in (1, 2, 3, 5):
        x = torch.rand(1, 1, side, side)
        assert occlusion.baseline_image(x, "blur", mean=0.0, std=1.0).shape == x.shape


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize("kwargs,message", [
    (dict(window=29, stride=1), "window height 29 is larger than the image height 28"),
    (dict(window=(4, 30), stride=1), "window width 30 is larger than the image width 28"),
    (dict(window=4, stride=0), r"stride must be >= 1.*\(0, 0\)"),
    (dict(window=0, stride=1), "window must be >= 1"),
    (dict(window=4, stride=5), "stride height 5 is larger than the window height 4"),
    (dict(window=4, stride=1, baseline="grey"), "baseline must be one of .*'grey'"),
    (dict(window=4, stride=1, target=10), r"0 <= target < 10, got 10"),
    (dict(window=4, stride=1, target=-1), r"0 <= target < 10, got -1"),
    (dict(window=4, stride=1, batch_size=0), "batch_size must be an integer >= 1, got 0"),
    (dict(window=4, stride=1, precision="fp16"), "precision must be one of"),
])
def test_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        occlusion.occlusion(small_cnn(), torch.zeros(1, 1, 28, 28), **MNIST, **kwargs)


def test_validation_inputs():
    model = small_cnn()
    with pytest.raises(ValueError, match="one image"):
        occlusion.occlusion(model, torch.zeros(2, 1, 28, 28), window=4, stride=4, **MNIST)
    with pytest.raises(ValueError, match="std must be 1 or 1"):
        occlusion.occlusion(model, torch.zeros(1, 1, 28, 28), window=4, stride=4, mean=0,
                            std=(1, 2))
    with pytest.raises(ValueError, match="needs .* forward passes"):
        occlusion.plan((1000, 1000), 2, 1)
    with pytest.raises(ValueError, match="does not match"):
        r = occlusion.occlusion(model, torch.zeros(1, 1, 28, 28), window=4, stride=4, **MNIST)
        occlusion.attribution_map(r, (32, 32))


# --------------------------------------------------------------------------- progress / stop
def test_progress_and_stop():
    model = small_cnn()
    seen: list[tuple[int, int]] = []
    x = torch.randn(1, 1, 28, 28)
    full = occlusion.occlusion(model, x, window=4, stride=2, batch_size=50,
                               progress=lambda d, n: seen.append((d, n)), **MNIST)
    assert seen == [(50, 169), (100, 169), (150, 169), (169, 169)] and not full.stopped
    calls = iter([False, False, True])
    part = occlusion.occlusion(model, x, window=4, stride=2, batch_size=50,
                        should_stop=lambda: next(calls), **MNIST)
    assert part.stopped
    np.testing.assert_array_equal(part.prob_map.ravel()[:100], full.prob_map.ravel()[:100])
    assert np.isnan(part.prob_map.ravel()[100:]).all()
    assert (part.class_map.ravel()[100:] == -1).all()


# --------------------------------------------------------------------------- shared model
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_shared_model_untouched(precision, untouched):
    if precision == "bf16" and not accel.cpu_has_bf16():
        pytest.skip("CPU lacks native bf16")
    model = small_cnn(batch_norm=True)
    with untouched(model) as check:
        x = torch.randn(1, 1, 28, 28)
        occlusion.occlusion(model, x, window=6, stride=3, precision=precision, **MNIST)
        check()
        with pytest.raises(ValueError, match="target"):
            occlusion.occlusion(model, x, window=6, stride=3, precision=precision, target=99,
                                **MNIST)

        def fail(done, total):
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            occlusion.occlusion(model, x, window=6, stride=3, precision=precision, progress=fail,
                                **MNIST)


def test_training_mode_model_refused(untouched):
    model = small_cnn().train()
    with untouched(model), pytest.raises(ValueError, match="eval mode"):
        occlusion.occlusion(model, torch.zeros(1, 1, 28, 28), window=4, stride=4, **MNIST)
    assert model.training


# --------------------------------------------------------------------------- bf16
@pytest.mark.skipif(not accel.cpu_has_bf16(), reason="CPU lacks native bf16")
def test_bf16_close_to_fp32():
    model = resnet18(num_classes=1000)
    x = torch.randn(1, 3, 64, 64)
    kw = dict(window=16, stride=8, **RGB)
    fp32 = occlusion.occlusion(model, x, precision="fp32", **kw)
    bf16 = occlusion.occlusion(model, x, precision="bf16", **kw)
    auto = occlusion.occlusion(model, x, precision="auto", **kw)
    assert (fp32.precision, bf16.precision, auto.precision) == ("fp32", "bf16", "bf16")
    assert np.abs(bf16.prob_map - fp32.prob_map).max() < 0.02


@pytest.mark.skipif(not accel.cpu_has_bf16(), reason="CPU lacks native bf16")
def test_bf16_private_copy_reused_and_shared_model_untouched(untouched):
    model = small_cnn(batch_norm=True)
    with untouched(model):
        x = torch.randn(1, 1, 28, 28)
        first = occlusion.occlusion(model, x, window=6, stride=3, precision="bf16", **MNIST)
        private = accel.bf16_copy(model)
        assert private is not model and private is accel.bf16_copy(model)  # cached, one per model
        assert all(p.dtype == torch.bfloat16 for p in private.parameters())
        assert all(p.dtype == torch.float32 for p in model.parameters())
        again = occlusion.occlusion(model, x, window=6, stride=3, precision="auto", **MNIST)
        assert accel.bf16_copy(model) is private  # the second call reused the same copy
        np.testing.assert_array_equal(first.prob_map, again.prob_map)
    with torch.no_grad():  # the shared model's weights change: the copy is rebuilt
        next(model.parameters()).mul_(2.0)
    assert accel.bf16_copy(model) is not private


def test_estimate_seconds():
    model = small_cnn()
    x = torch.randn(1, 1, 28, 28)
    for window, stride in ((4, 1), (28, 1)):  # many batches; a single position
        est = occlusion.estimate_seconds(model, x, window=window, stride=stride, sample=8)
        assert math.isfinite(est) and est > 0
    with pytest.raises(ValueError, match="sample must be an integer >= 1"):
        occlusion.estimate_seconds(model, x, window=4, stride=1, sample=0)
    with pytest.raises(ValueError, match="larger than the image"):
        occlusion.estimate_seconds(model, x, window=29, stride=1)


def test_estimate_extrapolates_the_faster_timed_batch(monkeypatch):
    """A timed batch slowed by another process (here the third: 1.9 s against 0.1 s) does not
    inflate the estimate: set-up (first stamp less one batch) + the faster batch per batch."""
    clock = iter([0.0, 0.0, 1.0, 1.1, 3.0, 3.0])  # estimate, run start, 3 batches, run end
    monkeypatch.setattr(occlusion.time, "perf_counter", lambda: next(clock))
    est = occlusion.estimate_seconds(small_cnn(), torch.randn(1, 1, 28, 28), window=4,
                                     stride=1, sample=8)
    assert est == pytest.approx((1.0 - 0.1) + 0.1 * 25 * 25 / 8)


@pytest.mark.parametrize("hw,window,stride", [((28, 28), 5, 2), ((28, 20), (7, 3), (3, 2)),
                                              ((9, 9), 9, 1), ((30, 30), 4, 4)])
def test_a_click_places_the_occluder_at_the_nearest_centre(hw, window, stride):
    """position_at against a direct search: the position whose patch centre is nearest the
    clicked point, for points inside and outside the image (seeded, no ties)."""
    from core.interpret.occlusion import centre, plan, position_at

    p = plan(hw, window, stride)
    rng = np.random.default_rng(0)
    centres = {(r, c): centre(p, r, c) for r in range(p.rows) for c in range(p.cols)}
    for y, x in rng.uniform(-3, max(hw) + 3, size=(200, 2)):
        distance = {rc: (y - cy) ** 2 + (x - cx) ** 2 for rc, (cy, cx) in centres.items()}
        assert position_at(p, float(y), float(x)) == min(distance, key=distance.get)
    for rc, (cy, cx) in centres.items():  # each centre is its own position
        assert position_at(p, cy, cx) == rc


def test_a_click_needs_a_finite_point():
    from core.checks import InputError
    from core.interpret.occlusion import plan, position_at

    with pytest.raises(InputError):
        position_at(plan((28, 28), 5, 2), float("nan"), 3.0)


# --------------------------------------------------------------------------- measured batch
@pytest.mark.parametrize("incremental", [True, False])
def test_a_measured_batch_size_gives_the_fixed_batch_maps_and_is_cached(incremental, untouched):
    from core.runtime import tune

    tune.clear()
    model = small_cnn(batch_norm=True)
    torch.manual_seed(3)
    x = torch.randn(1, 1, 28, 28)
    kw = dict(window=5, stride=2, incremental=incremental, **MNIST)
    fixed = occlusion.occlusion(model, x, batch_size=64, **kw)
    with untouched(model):
        tuned = occlusion.occlusion(model, x, batch_size=(8, 16, 32), **kw)
    assert tuned.tuned is not None and not tuned.tuned.cached
    assert tuned.batch_size == tuned.tuned.best.batch_size in (8, 16, 32)
    assert {s.precision for s in tuned.tuned.seconds_per_image} == {"fp32"}  # exact: fp32 only
    layouts = {s.channels_last for s in tuned.tuned.seconds_per_image}
    assert layouts == ({True} if incremental else {False, True})  # windows are NHWC already
    np.testing.assert_allclose(tuned.prob_map, fixed.prob_map, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(tuned.class_map, fixed.class_map)
    again = occlusion.occlusion(model, x, batch_size=(8, 16, 32), **kw)
    assert again.tuned.cached and again.batch_size == tuned.batch_size
    np.testing.assert_allclose(again.prob_map, fixed.prob_map, atol=1e-6, rtol=0)
    assert fixed.tuned is None and fixed.batch_size == 64
    tune.clear()


class _Counting(nn.Module):
    """A model that records the batch sizes it is run at (a test's own, not a shared one)."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net, self.seen = net, []
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append(x.shape[0])
        return self.net(x)


def test_measuring_the_batch_size_computes_each_position_once():
    from core.runtime import tune

    tune.clear()
    model = _Counting(small_cnn())
    torch.manual_seed(4)
    x = torch.randn(1, 1, 28, 28)
    kw = dict(window=5, stride=2, incremental=False, **MNIST)  # 13 x 13 = 169 positions
    fixed = occlusion.occlusion(model, x, batch_size=169, **kw)
    model.seen.clear()
    tuned = occlusion.occlusion(model, x, batch_size=(8, 16, 32), **kw)
    # full passes: 8 and 16 in both layouts, a warm-up and two timed batches each (3 x 48 = 144
    # positions); 32 would need 192 more, past the map
    assert set(tuned.tuned.seconds_per_image) == {
        tune.Setup(cl, "fp32", b) for b in (8, 16) for cl in (False, True)}
    assert tuned.measured == 144 and not tuned.stopped
    assert model.seen[0] == 1  # the unoccluded pass
    assert sorted(model.seen[1:13]) == [8] * 6 + [16] * 6  # the measuring: the first 144
    b = tuned.batch_size
    assert model.seen[13:] == [b] * (25 // b) + [25 % b]  # then the 25 left, at the winner
    assert sum(model.seen) == 1 + 169  # every position exactly once
    np.testing.assert_allclose(tuned.prob_map, fixed.prob_map, atol=1e-6, rtol=0)
    np.testing.assert_array_equal(tuned.class_map, fixed.class_map)
    model.seen.clear()
    again = occlusion.occlusion(model, x, batch_size=(8, 16, 32), **kw)
    assert again.tuned.cached and again.measured == 0 and again.batch_size == b
    assert model.seen[1:] == [b] * (169 // b) + [169 % b]
    tune.clear()


def test_a_map_too_small_to_time_two_batch_sizes_runs_at_the_largest_unmeasured():
    from core.runtime import tune

    tune.clear()
    model = _Counting(small_cnn())
    x = torch.randn(1, 1, 28, 28)
    kw = dict(window=4, stride=4, incremental=False, **MNIST)  # 7 x 7 = 49 positions
    r = occlusion.occlusion(model, x, batch_size=(16, 32), **kw)
    # 16 in NCHW takes 3 x 16 = 48 positions to time, in channels_last another 48: only one
    # candidate fits
    assert r.tuned is None and r.measured == 0 and r.batch_size == 32
    assert model.seen[1:] == [32, 17]
    fixed = occlusion.occlusion(small_cnn(), x, batch_size=49, **kw)
    np.testing.assert_allclose(r.prob_map, fixed.prob_map, atol=1e-6, rtol=0)


def test_measured_batch_sizes_are_checked():
    model, x = small_cnn(), torch.zeros(1, 1, 28, 28)
    for bad in ((), (0, 8), (8.5,)):
        with pytest.raises(ValueError, match="batch_size"):
            occlusion.occlusion(model, x, window=4, stride=4, batch_size=bad, **MNIST)
