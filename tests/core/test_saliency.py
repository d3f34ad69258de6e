"""Saliency maps: Captum as the oracle, hand-set models with exact values, in-place ReLUs of
torchvision models, the shared model left untouched (also when a call raises), thread safety,
Integrated Gradients' completeness."""

from __future__ import annotations

import copy
import threading

import numpy as np
import pytest
import torch
import torchvision
from captum.attr import (
    GuidedBackprop,
    GuidedGradCam,
    IntegratedGradients,
    LayerAttribution,
    LayerGradCam,
    NoiseTunnel,
    Saliency,
)
from torch import nn

from core.interpret import saliency
from core.runtime import accel
from tests.models import noise_image, resnet18, small_cnn

pytestmark = pytest.mark.filterwarnings("ignore:Setting backward hooks on ReLU")


def _leaf(x):
    return x.clone().requires_grad_(True)


# --------------------------------------------------------------------------- Captum oracle
@pytest.mark.parametrize("channels", [1, 3])
def test_vanilla_matches_captum_saliency(channels):
    model, x = small_cnn(channels), noise_image(channels)
    r = saliency.vanilla_gradient(model, x)
    expected = Saliency(model).attribute(_leaf(x), target=r.target, abs=True)
    assert r.attr.shape == x.shape and r.heat.shape == (28, 28) and r.heat.dtype == np.float32
    torch.testing.assert_close(r.attr, expected, atol=1e-7, rtol=0)
    np.testing.assert_allclose(r.heat, expected[0].amax(0).numpy(), atol=1e-7)
    assert r.target == int(model(x).argmax()) and not r.signed


@pytest.mark.parametrize("channels", [1, 3])
def test_guided_backprop_matches_captum(channels):
    model, x = small_cnn(channels), noise_image(channels)
    r = saliency.guided_backprop(model, x, target=4)
    expected = GuidedBackprop(model).attribute(_leaf(x), target=4)
    torch.testing.assert_close(r.attr, expected, atol=1e-7, rtol=0)
    np.testing.assert_allclose(r.heat, expected[0].sum(0).numpy(), atol=1e-6)
    assert r.signed and r.target == 4


@pytest.mark.parametrize("channels", [1, 3])
def test_smoothgrad_matches_captum_noise_tunnel_with_the_same_noise(channels):
    model, x = small_cnn(channels), noise_image(channels)
    r = saliency.smoothgrad(model, x, noise_level=0.2, samples=12, seed=5, batch_size=5)
    assert r.info["sigma"] == pytest.approx(0.2 * float(x.max() - x.min()))
    torch.manual_seed(5)  # Captum draws its noise from the global RNG in one call, as we do
    expected = NoiseTunnel(Saliency(model)).attribute(
        _leaf(x), nt_type="smoothgrad", nt_samples=12, stdevs=r.info["sigma"], target=r.target)
    torch.testing.assert_close(r.attr, expected, atol=1e-6, rtol=1e-5)


def test_smoothgrad_does_not_depend_on_batch_size_and_is_seeded():
    model, x = small_cnn(), noise_image(1)
    a = saliency.smoothgrad(model, x, samples=10, batch_size=1)
    b = saliency.smoothgrad(model, x, samples=10, batch_size=10)
    c = saliency.smoothgrad(model, x, samples=10, seed=1)
    torch.testing.assert_close(a.attr, b.attr, atol=1e-6, rtol=1e-5)
    assert not torch.allclose(a.attr, c.attr)
    state = torch.get_rng_state()
    saliency.smoothgrad(model, x, samples=3)
    assert torch.equal(state, torch.get_rng_state())  # the global RNG is not used


@pytest.mark.parametrize("method", ["gausslegendre", "riemann_left", "riemann_right",
                                    "riemann_middle"])
@pytest.mark.parametrize("channels", [1, 3])
def test_integrated_gradients_matches_captum(method, channels):
    model, x = small_cnn(channels), noise_image(channels)
    base = torch.full_like(x, -0.5)
    r = saliency.integrated_gradients(model, x, baseline=base, steps=24, method=method,
                                 batch_size=7)
    expected, delta = IntegratedGradients(model).attribute(
        x, baselines=base, target=r.target, n_steps=24, method=method,
        return_convergence_delta=True)
    torch.testing.assert_close(r.attr, expected, atol=1e-6, rtol=1e-4)
    assert r.info["delta"] == pytest.approx(float(delta), abs=1e-4)


def test_integrated_gradients_trapezoid_uses_the_textbook_step():
    # Captum's riemann_trapezoid takes steps of 1/n with n points, so its weights sum to
    # (n - 1)/n; the trapezoid rule on [0, 1] with n points has steps 1/(n - 1): ours = n/(n-1)x
    model, x = small_cnn(), noise_image(1)
    n = 16
    r = saliency.integrated_gradients(model, x, steps=n, method="riemann_trapezoid")
    expected = IntegratedGradients(model).attribute(
        x, baselines=torch.zeros_like(x), target=r.target, n_steps=n,
        method="riemann_trapezoid")
    torch.testing.assert_close(r.attr, expected * n / (n - 1), atol=1e-6, rtol=1e-4)


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_gradcam_matches_captum_layer_gradcam(channels, mode):
    model, x = small_cnn(channels), noise_image(channels)
    r = saliency.gradcam(model, x, target=2, interpolate=mode)  # default layer: the last conv
    assert r.info["layer"] == "conv2" and r.info["layer_shape"] == (64, 14, 14)
    cam = LayerGradCam(model, model.conv2).attribute(x, target=2, relu_attributions=True)
    expected = LayerAttribution.interpolate(cam, (28, 28), interpolate_mode=mode)
    assert r.attr.shape == (1, 1, 28, 28)
    torch.testing.assert_close(r.attr, expected.detach(), atol=1e-6, rtol=1e-5)
    r1 = saliency.gradcam(model, x, target=2, layer="relu1")
    cam1 = LayerGradCam(model, model.relu1).attribute(x, target=2, relu_attributions=True)
    torch.testing.assert_close(r1.attr, cam1.detach(), atol=1e-6, rtol=1e-5)  # 28x28 already


@pytest.mark.parametrize("channels", [1, 3])
def test_guided_gradcam_matches_captum(channels):
    model, x = small_cnn(channels), noise_image(channels)
    r = saliency.guided_gradcam(model, x, target=3, interpolate="nearest")
    expected = GuidedGradCam(model, model.conv2).attribute(_leaf(x), target=3)
    torch.testing.assert_close(r.attr, expected.detach(), atol=1e-7, rtol=1e-5)


# --------------------------------------------------------------------------- hand-set models
def _mlp() -> nn.Module:
    """x (1, 1, 1, 2) -> Linear W1 -> ReLU -> Linear W2 -> 2 logits."""
    fc1, fc2 = nn.Linear(2, 2, bias=False), nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        fc1.weight.copy_(torch.tensor([[1.0, -1.0], [2.0, 1.0]]))
        fc2.weight.copy_(torch.tensor([[1.0, -3.0], [0.0, 0.0]]))
    return nn.Sequential(nn.Flatten(), fc1, nn.ReLU(), fc2).eval()


def test_exact_values_vanilla_guided_and_ig_on_a_hand_set_mlp():
    model = _mlp()
    x = torch.tensor([[[[1.0, 0.5]]]])  # hidden = [0.5, 2.5], both units on
    v = saliency.vanilla_gradient(model, x, target=0)
    torch.testing.assert_close(v.attr, torch.tensor([[[[5.0, 4.0]]]]))  # |[1, -3] @ W1|
    g = saliency.guided_backprop(model, x, target=0)
    torch.testing.assert_close(g.attr, torch.tensor([[[[1.0, -1.0]]]]))  # [1, 0] @ W1
    assert v.score == pytest.approx(0.5 - 7.5)
    # a path from 0 keeps both units on: the model is linear there, IG = x * gradient
    ig = saliency.integrated_gradients(model, x, target=0, steps=4)
    torch.testing.assert_close(ig.attr, torch.tensor([[[[-5.0, -2.0]]]]))
    assert ig.info["score_diff"] == pytest.approx(-7.0)
    assert abs(ig.info["delta"]) < 1e-6


def test_exact_gradcam_on_a_hand_set_conv_model():
    conv = nn.Conv2d(1, 2, 1, bias=False)
    fc = nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, -1.0]).view(2, 1, 1, 1))  # A = [x, -x]
        fc.weight.copy_(torch.tensor([[1.0, 0.5], [0.0, 0.0]]))
    model = nn.Sequential(conv, nn.AdaptiveAvgPool2d(1), nn.Flatten(), fc).eval()
    x = torch.tensor([[[[1.0, 2.0], [3.0, -4.0]]]])
    r = saliency.gradcam(model, x, target=0)
    # alpha = [1, 0.5] / 4; cam = relu(x/4 - 0.5 x/4) = relu(x / 8)
    torch.testing.assert_close(r.attr, torch.tensor([[[[0.125, 0.25], [0.375, 0.0]]]]))
    assert r.info["layer"] == "0"


# --------------------------------------------------------------------------- in-place ReLUs
def _no_inplace(model: nn.Module) -> nn.Module:
    ref = copy.deepcopy(model)
    for m in ref.modules():
        if isinstance(m, nn.ReLU):
            m.inplace = False
    return ref


def _kw(key: str) -> dict:
    return {"smoothgrad": {"samples": 3}, "ig": {"steps": 3}}.get(key, {})


@pytest.mark.parametrize("arch", ["resnet18", "vgg11"])
def test_torchvision_models_with_inplace_relus(arch):
    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)(weights=None, num_classes=10).eval()
    model.requires_grad_(False)  # as core.models.imagenet hands them out
    assert any(isinstance(m, nn.ReLU) and m.inplace for m in model.modules())
    ref = _no_inplace(model)
    x = noise_image(3, size=48)
    for key in saliency.METHODS:
        ours = saliency.attribute(key, model, x, 1, **_kw(key))
        expected = saliency.attribute(key, ref, x, 1, **_kw(key))
        torch.testing.assert_close(ours.attr, expected.attr, atol=0, rtol=0)
        assert torch.isfinite(ours.attr).all()
    # and against Captum on the copy without in-place ReLUs (hooks need that)
    torch.testing.assert_close(saliency.guided_backprop(model, x, 1).attr,
                               GuidedBackprop(ref).attribute(_leaf(x), target=1),
                               atol=1e-6, rtol=1e-4)
    layer = saliency.default_gradcam_layer(model)
    cam = LayerGradCam(ref, ref.get_submodule(layer)).attribute(x, target=1,
                                                                relu_attributions=True)
    torch.testing.assert_close(saliency.gradcam(model, x, 1).attr,
                               LayerAttribution.interpolate(cam, (48, 48), "bilinear").detach(),
                               atol=1e-6, rtol=1e-4)


def test_functional_and_method_relus_are_guided_too():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3, padding=1)
            self.fc = nn.Linear(4 * 8 * 8, 3)

        def forward(self, x):
            h = torch.relu(self.conv(x))
            h = torch.nn.functional.relu(h - 0.1, inplace=True)
            h = h.relu_()
            return self.fc(h.flatten(1))

    torch.manual_seed(0)
    model = Net().eval()
    x = noise_image(1, size=8)
    r = saliency.guided_backprop(model, x, target=0)
    # the same maths with every ReLU a module: Captum's guided backprop then applies
    seq_conv, seq_fc = copy.deepcopy(model.conv), copy.deepcopy(model.fc)

    class Shift(nn.Module):
        def forward(self, h):
            return h - 0.1

    seq = nn.Sequential(seq_conv, nn.ReLU(), Shift(), nn.ReLU(), nn.ReLU(), nn.Flatten(),
                        seq_fc).eval()
    torch.testing.assert_close(r.attr, GuidedBackprop(seq).attribute(_leaf(x), target=0),
                               atol=1e-7, rtol=1e-5)


# --------------------------------------------------------------------------- shared model
@pytest.mark.parametrize("key", list(saliency.METHODS))
@pytest.mark.parametrize("requires_grad", [True, False])
def test_shared_model_untouched_after_success_and_errors(key, requires_grad, untouched):
    model = small_cnn(batch_norm=True)
    model.requires_grad_(requires_grad)
    x = noise_image(1)
    x0 = x.clone()
    with untouched(model) as check:
        r = saliency.attribute(key, model, x, **_kw(key))
        assert torch.isfinite(r.attr).all()
        check()
        with pytest.raises(ValueError, match="target must be"):
            saliency.attribute(key, model, x, 10, **_kw(key))  # fails after the forward pass
        check()
        with pytest.raises(ValueError, match="does not fit this model"):  # fails inside the model
            saliency.attribute(key, model, noise_image(1, size=20), **_kw(key))
    assert torch.equal(x, x0) and x.grad is None and not x.requires_grad


def test_shared_torchvision_model_untouched(untouched):
    model = resnet18(num_classes=5)
    with untouched(model):
        for key in saliency.METHODS:
            saliency.attribute(key, model, noise_image(3, size=32), **_kw(key))


def test_thread_safety_same_results_as_one_after_another():
    model = resnet18()  # traced lazily
    model.requires_grad_(False)
    xs = [noise_image(3, seed=s, size=32) for s in range(4)]
    jobs = [(key, i) for i in range(len(xs)) for key in ("vanilla", "guided")] * 2
    results: dict = {}
    errors: list = []
    barrier = threading.Barrier(len(jobs))

    def work(n: int, key: str, i: int) -> None:
        try:
            barrier.wait()
            results[n] = saliency.attribute(key, model, xs[i], 3).attr
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n, k, i)) for n, (k, i) in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for n, (key, i) in enumerate(jobs):
        # a race would mix up whole maps; oneDNN on some CPUs (AMX seen here) picks kernels by
        # how many threads are free, which regroups sums: ~1e-8 on maps of order 1e-2
        torch.testing.assert_close(results[n], saliency.attribute(key, model, xs[i], 3).attr,
                                   atol=1e-7, rtol=0)


# --------------------------------------------------------------------------- completeness
def test_integrated_gradients_completeness_gap_shrinks_with_steps():
    model, x = small_cnn(3), noise_image(3)
    gaps = [saliency.integrated_gradients(model, x, steps=s, method="riemann_trapezoid")
            .info["relative_gap"] for s in (4, 16, 128)]
    assert gaps[0] > gaps[1] > gaps[2]
    r = saliency.integrated_gradients(model, x, steps=128)  # Gauss-Legendre
    # a ReLU network is only piecewise smooth: the gap falls slower than for smooth functions
    assert r.info["relative_gap"] < 5e-3
    coarse = saliency.integrated_gradients(model, x, steps=8)
    assert r.info["relative_gap"] < coarse.info["relative_gap"]
    assert r.info["attr_sum"] == pytest.approx(float(r.attr.double().sum()))
    with torch.no_grad():
        logits = model(torch.cat([x, torch.zeros_like(x)]))
    assert r.info["score_diff"] == pytest.approx(float(logits[0, r.target] - logits[1, r.target]),
                                                 abs=1e-5)
    assert r.heat.sum() == pytest.approx(r.info["attr_sum"], rel=1e-4)


def test_ig_named_baselines():
    model, x = small_cnn(3), noise_image(3)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    black = saliency.integrated_gradients(model, x, baseline="zero", mean=mean, std=std, steps=8)
    from core.interpret.occlusion import baseline_image

    expected = IntegratedGradients(model).attribute(
        x, baselines=baseline_image(x, "zero", mean=mean, std=std), target=black.target,
        n_steps=8)
    torch.testing.assert_close(black.attr, expected, atol=1e-6, rtol=1e-4)
    for kind in ("mean", "blur", "noise"):
        assert torch.isfinite(saliency.integrated_gradients(model, x, baseline=kind, mean=mean,
                                                       std=std, steps=4).attr).all()


# --------------------------------------------------------------------------- precision
def test_bf16_is_close_to_fp32_or_refused():
    model, x = small_cnn(3), noise_image(3)
    if not accel.cpu_has_bf16():
        with pytest.raises(ValueError, match="bf16"):
            saliency.smoothgrad(model, x, precision="bf16")
        return
    from core.interpret.sanity import spearman

    for key in ("smoothgrad", "ig"):
        exact = saliency.attribute(key, model, x, 0, **_kw(key))
        fast = saliency.attribute(key, model, x, 0, precision="bf16", **_kw(key))
        assert fast.precision == "bf16" and exact.precision == "fp32"
        assert spearman(fast.heat, exact.heat) > 0.9


# --------------------------------------------------------------------------- inputs
@pytest.mark.parametrize("call,match", [
    (lambda m, x: saliency.vanilla_gradient(m, x[0]), "x must be a float tensor"),
    (lambda m, x: saliency.vanilla_gradient(m, x.expand(2, -1, -1, -1)), "one image"),
    (lambda m, x: saliency.vanilla_gradient(m, x, -1), "target must be"),
    (lambda m, x: saliency.vanilla_gradient(m, x, precision="fp16"), "precision must be"),
    (lambda m, x: saliency.smoothgrad(m, x, samples=0), "samples must be an integer in 1..200"),
    (lambda m, x: saliency.smoothgrad(m, x, noise_level=1.5),
     r"noise_level must be a finite number in"),
    (lambda m, x: saliency.smoothgrad(m, x, batch_size=0), "batch_size must be"),
    (lambda m, x: saliency.integrated_gradients(m, x, steps=1),
     "steps must be an integer in 2..500"),
    (lambda m, x: saliency.integrated_gradients(m, x, method="simpson"), "method must be one of"),
    (lambda m, x: saliency.integrated_gradients(m, x, baseline="white"), "baseline must be one of"),
    (lambda m, x: saliency.integrated_gradients(m, x, baseline=torch.zeros(1, 1, 4, 4)),
     "baseline must be a float tensor"),
    (lambda m, x: saliency.gradcam(m, x, layer="nope"), "layer must be one of"),
    (lambda m, x: saliency.gradcam(m, x, layer="fc1"), r"Grad-CAM needs a layer with \(C, H, W\)"),
    (lambda m, x: saliency.gradcam(m, x, interpolate="cubic"), "interpolate must be one of"),
    (lambda m, x: saliency.attribute("lime", m, x), "method must be one of"),
    (lambda m, x: saliency.vanilla_gradient(m.train(), x), "eval mode"),
])
def test_bad_inputs_raise_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call(small_cnn(), noise_image(1))


def test_gradcam_layers_and_default():
    model, x = small_cnn(), noise_image(1)
    assert saliency.gradcam_layers(model, x) == ["conv1", "relu1", "pool1", "conv2", "relu2",
                                            "pool2"]
    assert saliency.default_gradcam_layer(model) == "conv2"
    with pytest.raises(ValueError, match="no"):
        saliency.default_gradcam_layer(_mlp())


# --------------------------------------------------------------------------- any model
@pytest.mark.parametrize("arch", ["mobilenet_v3_small", "efficientnet_b0"])
def test_inplace_hardswish_silu_and_squeeze_excite(arch, untouched):
    """MobileNet-V3 (in-place Hardswish, SE with ReLU + Hardsigmoid) and EfficientNet (in-place
    SiLU, SE, stochastic depth): every method runs on the shared model; the plain gradient is
    torch's own on a copy, guided backprop Captum's (which hooks the nn.ReLU modules only, as
    ours guides only ReLUs)."""
    from tests.models import as_shared

    torch.manual_seed(0)
    model = as_shared(torchvision.models.get_model(arch, weights=None, num_classes=6),
                      frozen=True)
    x = noise_image(3, size=64)
    with untouched(model):
        for key in saliency.METHODS:
            r = saliency.attribute(key, model, x, 2, **_kw(key))
            assert r.heat.shape == (64, 64) and torch.isfinite(r.attr).all()
        ours = saliency.vanilla_gradient(model, x, 2).attr
        guided = saliency.guided_backprop(model, x, 2)
    ref = copy.deepcopy(model)
    leaf = _leaf(x)
    (want,) = torch.autograd.grad(ref(leaf)[0, 2], leaf)
    scale = float(want.abs().max())
    assert scale > 0
    torch.testing.assert_close(ours, want.abs(), atol=1e-5 * scale, rtol=1e-4)
    expected = GuidedBackprop(_no_inplace(model)).attribute(_leaf(x), target=2)
    torch.testing.assert_close(guided.attr, expected, atol=1e-5 * float(expected.abs().max()),
                               rtol=1e-4)
    relus, others = guided.info["relus"], guided.info["other_activations"]
    if arch == "mobilenet_v3_small":  # ReLUs in its first blocks and SE layers
        assert relus == sum(isinstance(m, nn.ReLU) for m in model.modules())
        assert others == ("Hardswish", "Hardsigmoid")
    else:  # no ReLU at all: guided backprop is the plain signed gradient
        assert relus == 0 and others == ("SiLU", "Sigmoid")
        torch.testing.assert_close(guided.attr, want, atol=1e-5 * scale, rtol=1e-4)


class _Tiny(nn.Module):
    """Conv + BatchNorm + in-place ReLU, a residual add, pooling and a linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(6)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(6, 6, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(24, 4)

    def forward(self, x):
        h = self.relu(self.bn1(self.conv1(x)))
        h = self.relu(self.conv2(h) + h)
        return self.fc(torch.flatten(self.pool(h), 1))


def test_an_onnx_conversion_gives_the_gradients_of_the_module_it_came_from(untouched):
    """onnx2torch's GraphModule (ReLU nodes as nn.ReLU, BatchNorm folded into the conv by the
    exporter) explained like the torch module: the same maps, atol 1e-5."""
    import io
    import warnings

    pytest.importorskip("onnx2torch")
    from torch import fx

    from core.models import onnx_graph
    from tests.models import as_shared

    torch.manual_seed(0)
    original = as_shared(_Tiny(), frozen=True)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(original, (torch.zeros(1, 3, 16, 16),), buf, dynamo=False,
                          opset_version=17, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "n"}})
    converted = onnx_graph.to_module(buf.getvalue()).requires_grad_(False)
    assert isinstance(converted, fx.GraphModule)
    x = noise_image(3, size=16)
    with untouched(converted):
        for key in ("vanilla", "guided", "smoothgrad", "ig"):
            ours = saliency.attribute(key, converted, x, 1, **_kw(key))
            want = saliency.attribute(key, original, x, 1, **_kw(key))
            torch.testing.assert_close(ours.attr, want.attr, atol=1e-5, rtol=0)
            assert float(ours.attr.abs().max()) > 1e-3
        guided = saliency.guided_backprop(converted, x, 1)
    # and guided backprop against Captum's on the torch module
    torch.testing.assert_close(guided.attr, GuidedBackprop(_no_inplace(original)).attribute(
        _leaf(x), target=1), atol=1e-5, rtol=0)
    assert guided.info["relus"] == 2 and guided.info["other_activations"] == ()
