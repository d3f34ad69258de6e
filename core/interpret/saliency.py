"""Gradient saliency maps: which input pixels move the class score.

Every method explains the target class's *logit* (the unnormalised score, as Simonyan et al.
do) of one image and returns an `Attribution` of the input's shape:

* vanilla gradient — Simonyan, Vedaldi & Zisserman (2013), "Deep Inside Convolutional
  Networks", https://arxiv.org/abs/1312.6034 : |dS/dx|, shown as the max over channels;
* guided backpropagation — Springenberg et al. (2014), "Striving for Simplicity: The All
  Convolutional Net", https://arxiv.org/abs/1412.6806 : every ReLU passes back only positive
  gradients, and only where its forward input was positive;
* SmoothGrad — Smilkov et al. (2017), https://arxiv.org/abs/1706.03825 : the mean |gradient|
  over noisy copies of the image (Captum's NoiseTunnel over Saliency);
* Integrated Gradients — Sundararajan, Taly & Yan (2017), "Axiomatic Attribution for Deep
  Networks", https://arxiv.org/abs/1703.01365 : (x - x') times the path integral of the
  gradient from a baseline x' to x; completeness says the attributions sum to S(x) - S(x');
* Grad-CAM and Guided Grad-CAM — Selvaraju et al. (2017), https://arxiv.org/abs/1610.02391 :
  ReLU(sum_k mean(dS/dA_k) A_k) at a conv layer, upsampled; times guided backprop.

The model is shared and read-only (see ``core.interpret.layers``): it runs node by node from its FX
graph (``core.runtime.backprop``), never through hooks, and gradients come from
``torch.autograd.grad`` w.r.t. a private copy of the input, so parameters, their ``.grad``, hooks
and train/eval mode are never touched. The runner executes every ReLU out of place
(``nn.ReLU(inplace=True)``, ``F.relu``, ``relu_``) — for guided backprop through a custom autograd
function — and clones a Grad-CAM layer's output before the rest of the network sees it, so in-place
ReLUs of torchvision's VGG/ResNet neither break autograd nor overwrite the captured activation (the
classic failure of hook-based tools). Noisy samples and path steps run in batches; "bf16" (where the
CPU computes it natively) runs them on a private bf16 channels_last copy of the model
(``core.runtime.accel.bf16_copy``; Grad-CAM under autocast); "fp32", the default, is exact. The
sanity check (Adebayo et al. 2018) lives in ``core.interpret.sanity``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.checks import (
    InputError,
    check_batch,
    check_choice,
    check_image,
    check_int,
    check_number,
    is_int,
    plain,
)
from core.runtime import accel
from core.runtime.backprop import activations, forward, graph
from core.runtime.graph import Graph

__all__ = [
    "attribute",
    "Attribution",
    "batch_heat",
    "default_gradcam_layer",
    "display_map",
    "gradcam",
    "gradcam_layers",
    "guided_backprop",
    "guided_gradcam",
    "IG_BASELINES",
    "IG_METHODS",
    "integrated_gradients",
    "INTERPOLATIONS",
    "MAX_SAMPLES",
    "MAX_STEPS",
    "Method",
    "ONE_PASS",
    "METHODS",
    "smoothgrad",
    "vanilla_gradient",
]


IG_METHODS = ("gausslegendre", "riemann_trapezoid", "riemann_left", "riemann_right",
              "riemann_middle")
IG_BASELINES = ("zero", "mean", "blur", "noise")  # see core.interpret.occlusion.baseline_image
INTERPOLATIONS = ("bilinear", "nearest")
MAX_SAMPLES = 200  # SmoothGrad noisy copies
MAX_STEPS = 500  # Integrated Gradients path steps


@dataclass(frozen=True, eq=False)
class Attribution:
    """One saliency map of one image."""

    method: str  # key of METHODS
    attr: Tensor  # (1, C, H, W) float32 on the CPU; Grad-CAM: (1, 1, H, W)
    heat: np.ndarray  # (H, W) float32 display map (see `display_map`)
    signed: bool  # heat can be negative (show on a diverging scale centred at 0)
    target: int  # the class explained
    score: float  # the target's logit on the image
    precision: str  # "fp32" or "bf16", as resolved
    seconds: float  # wall time
    info: Mapping[str, Any] = field(default_factory=dict)  # method extras (IG completeness...)


# --------------------------------------------------------------------------- checks
def _target(logits: Tensor, target: Any) -> int | Tensor:
    """The class explained: an int (None = the first row's prediction), or, for `batch_heat`,
    a (B,) int64 tensor with one class per row."""
    k = logits.shape[1]
    if isinstance(target, Tensor):
        if (target.shape != (logits.shape[0],) or target.dtype != torch.int64
                or bool(((target < 0) | (target >= k)).any())):
            raise InputError(f"targets must be one class index 0 <= target < {k} per image",
                             "target_class_range", value=str(target.tolist()), high=k - 1)
        return target.to(logits.device)
    if target is None:
        return int(logits[0].argmax())
    if not (is_int(target) and 0 <= target < k):
        raise InputError(f"target must be a class index 0 <= target < {k}, got {target!r}",
                         "target_class_range", value=plain(target), high=k - 1)
    return int(target)


def _input_grads(model: nn.Module, g: Graph, batch: Tensor, target: int | None, prec: str,
                 guided: bool = False) -> tuple[Tensor, Tensor, int]:
    """(grads (B, C, H, W) fp32, target logits (B,) fp32, target) for a batch of inputs.

    bf16 runs on the private bf16 channels_last copy of `core.runtime.accel.bf16_copy` (the shared
    model is only read): measured on ResNet-18 (benchmarks/saliency.py) it beats autocast over
    the fp32 model, which converts every weight on every pass.
    """
    leaf = batch.detach().clone()  # private: the caller's tensor untouched
    if prec == "bf16":
        from core.runtime.accel import bf16_copy

        private = bf16_copy(model)
        if private is not None:
            model, g = private, graph(private)
            leaf = leaf.to(torch.bfloat16, memory_format=torch.channels_last)
    leaf.requires_grad_(True)
    with torch.inference_mode(False), torch.enable_grad(), accel.autocast(leaf.device, prec):
        logits, _ = forward(model, g, leaf, guided=guided)
        t = _target(logits, target)
        scores = _scores(logits, t)
        (grad,) = torch.autograd.grad(scores.sum(), leaf)  # rows are independent in eval mode
    return grad.float(), scores.detach(), t


def _scores(logits: Tensor, t: int | Tensor) -> Tensor:
    """(B,) fp32 logit of each row's target class (the same class for all rows for an int)."""
    if isinstance(t, Tensor):
        return logits.gather(1, t.view(-1, 1))[:, 0].float()
    return logits[:, t].float()


def display_map(attr: Tensor, how: str) -> np.ndarray:
    """(H, W) display map of a (1, C, H, W) attribution.

    how: "absmax" = max over channels of |attr| (Simonyan et al.), "sum" = signed channel sum
    (Captum's visualisation; IG's completeness holds for it), "first" = channel 0 (Grad-CAM).
    """
    a = attr.detach()[0].float().cpu()  # (C, H, W)
    out = {"absmax": lambda: a.abs().amax(0), "sum": lambda: a.sum(0), "first": lambda: a[0]}
    return out[check_choice("how", how, ("absmax", "sum", "first"))]().numpy().astype(np.float32)


def _result(key: str, attr: Tensor, how: str, target: int, score: float, prec: str,
            start: float, **info: Any) -> Attribution:
    attr = attr.detach().float().cpu()
    return Attribution(key, attr, display_map(attr, how), METHODS[key].signed, target,
                       float(score), prec, time.perf_counter() - start, info)


def _setup(model: nn.Module, x: Any, precision: str) -> tuple[Graph, Tensor, str, float]:
    start = time.perf_counter()
    g = graph(model)
    x = _image(x)
    return g, x, accel.resolve_precision(precision, x.device), start


def _image(x: Any) -> Tensor:
    return check_image(x).detach()


# --------------------------------------------------------------------------- gradient methods
def vanilla_gradient(model: nn.Module, x: Tensor, target: int | None = None, *,
                     precision: str = "fp32") -> Attribution:
    """|dS_t/dx| (Simonyan et al. 2013, https://arxiv.org/abs/1312.6034); Captum's
    ``Saliency(abs=True)``.

    Args:
        model: shared model in eval mode returning logits (B, K); never modified.
        x: (1, C, H, W) normalised image; target: class index, None = the predicted class.
        precision: "fp32" (exact), "bf16" (autocast, native bf16 only) or "auto".
    Returns:
        Attribution: attr (1, C, H, W) >= 0; heat = max over channels.
    """
    g, x, prec, start = _setup(model, x, precision)
    grad, score, t = _input_grads(model, g, x, target, prec)
    return _result("vanilla", grad.abs(), "absmax", t, score[0], prec, start)


def guided_backprop(model: nn.Module, x: Tensor, target: int | None = None, *,
                    precision: str = "fp32") -> Attribution:
    """Guided backpropagation (Springenberg et al. 2014, https://arxiv.org/abs/1412.6806);
    Captum's ``GuidedBackprop``. Every ReLU (module, functional or method, in-place or not)
    runs as a guided ReLU in this call only; the shared modules are not changed.

    Only ReLUs are guided: other activations (Hardswish, SiLU, ...) pass gradients as usual,
    so on a model without ReLUs (EfficientNet) the map is the plain signed gradient.
    Args, precision: as `vanilla_gradient`.
    Returns:
        Attribution: attr (1, C, H, W) signed; heat = channel sum (diverging around 0);
        info: relus (ReLU calls guided), other_activations (their kinds, see
        ``core.runtime.backprop.activations``).
    """
    g, x, prec, start = _setup(model, x, precision)
    grad, score, t = _input_grads(model, g, x, target, prec, guided=True)
    relus, others = activations(model, g)
    return _result("guided", grad, "sum", t, score[0], prec, start, relus=relus,
                   other_activations=others)


def _batch_size(batch_size: Any) -> int:
    return check_int("batch_size", batch_size, 1)


def smoothgrad(model: nn.Module, x: Tensor, target: int | None = None, *,
               noise_level: float = 0.15, samples: int = 25, seed: int = 0,
               batch_size: int = 25, precision: str = "fp32") -> Attribution:
    """SmoothGrad (Smilkov et al. 2017, https://arxiv.org/abs/1706.03825): the mean |gradient|
    over ``samples`` copies x + N(0, sigma^2), sigma = noise_level * (max(x) - min(x)) as in the
    paper; Captum's ``NoiseTunnel(Saliency)`` with ``nt_type="smoothgrad"``.

    Args:
        noise_level: 0..1 of the image's value range (the paper finds 0.1-0.2 works best).
        samples: 1..MAX_SAMPLES noisy copies; seed: the noise (own generator: the same seed
            gives the same map, and the global RNG is not touched).
        batch_size: copies per forward/backward pass; other args as `vanilla_gradient`.
    Returns:
        Attribution: attr (1, C, H, W) >= 0; heat = max over channels; info: sigma, samples.
    """
    noise_level = check_number("noise_level", noise_level, 0.0, 1.0)
    samples = check_int("samples", samples, 1, MAX_SAMPLES)
    seed = check_int("seed", seed, 0)
    batch_size = _batch_size(batch_size)
    g, x, prec, start = _setup(model, x, precision)
    logits = _forward_scores(model, g, x)  # (1, K)
    t = _target(logits, target)
    sigma = noise_level * float(x.max() - x.min())
    gen = torch.Generator().manual_seed(seed)
    noise = torch.normal(0.0, max(sigma, 0.0), (samples, *x.shape[1:]), generator=gen)
    noise = noise.to(x)  # (samples, C, H, W), drawn at once: batch_size does not change it
    total = torch.zeros(x.shape[1:], dtype=torch.float32, device=x.device)  # (C, H, W)
    score = 0.0
    for first in range(0, samples, batch_size):
        grads, scores, _ = _input_grads(model, g, x + noise[first:first + batch_size], t, prec)
        total += grads.abs().sum(0)
        score += float(scores.sum())
    return _result("smoothgrad", (total / samples)[None], "absmax", t, logits[0, t], prec,
                   start, sigma=sigma,
                   samples=samples, mean_noisy_score=score / samples)


def _forward_scores(model: nn.Module, g: Graph, x: Tensor) -> Tensor:
    """fp32 logits (B, K) without gradients."""
    with torch.no_grad():
        return forward(model, g, x)[0].float()


def _ig_points(steps: int, method: str) -> tuple[list[float], list[float]]:
    """(alphas, weights) of Captum's approximation methods
    (captum/attr/_utils/approximation_methods)."""
    if method == "gausslegendre":
        a, w = np.polynomial.legendre.leggauss(steps)
        return list(0.5 * (a + 1)), list(0.5 * w)
    if method == "riemann_trapezoid":
        return (list(np.linspace(0, 1, steps)),
                [1 / (2 * (steps - 1))] + [1 / (steps - 1)] * (steps - 2) + [1 / (2 * (steps - 1))])
    lo = {"riemann_left": 0.0, "riemann_right": 1 / steps, "riemann_middle": 1 / (2 * steps)}
    return list(lo[method] + np.arange(steps) / steps), [1 / steps] * steps


def _ig_baseline(x: Tensor, baseline: Any, mean: Any, std: Any, seed: int) -> Tensor:
    if isinstance(baseline, Tensor):
        if baseline.shape != x.shape or not baseline.is_floating_point():
            raise InputError(f"baseline must be a float tensor of the image's shape "
                             f"{tuple(x.shape)}, got {tuple(baseline.shape)} {baseline.dtype}",
                             "baseline_tensor_shape", shape=tuple(x.shape),
                             value=tuple(baseline.shape), dtype=str(baseline.dtype))
        return baseline.detach().to(x)
    from core.interpret.occlusion import baseline_image

    return baseline_image(x, check_choice("baseline", baseline, IG_BASELINES), mean=mean, std=std,
                          seed=seed)


def integrated_gradients(model: nn.Module, x: Tensor, target: int | None = None, *,
                         baseline: str | Tensor = "zero", steps: int = 50,
                         method: str = "gausslegendre", mean: Any = 0.0, std: Any = 1.0,
                         seed: int = 0, batch_size: int = 50,
                         precision: str = "fp32") -> Attribution:
    """Integrated Gradients (Sundararajan et al. 2017, https://arxiv.org/abs/1703.01365);
    Captum's ``IntegratedGradients`` with the same ``method`` and ``n_steps``.

    attr = (x - x') * sum_i w_i dS/dx(x' + a_i (x - x')). Completeness: sum(attr) should equal
    S(x) - S(x'); the gap left by the finite sum is reported (Captum's convergence delta).
    Args:
        baseline: x', one of IG_BASELINES ("zero" = black pixels, "mean" = the dataset mean,
            "blur", "noise"; see `core.interpret.occlusion.baseline_image`, which needs the model's
            ``mean``/``std`` normalisation) or a (1, C, H, W) tensor.
        steps: 2..MAX_STEPS points on the path; method: one of IG_METHODS (Gauss-Legendre is
            Captum's default and the most accurate for a given number of steps).
        seed: for the "noise" baseline; batch_size: path points per forward/backward pass.
    Returns:
        Attribution: attr (1, C, H, W) signed; heat = channel sum; info: attr_sum, score_diff
        (S(x) - S(x'), fp32), delta (attr_sum - score_diff), relative_gap |delta| / |score_diff|.
    """
    steps = check_int("steps", steps, 2, MAX_STEPS)
    method = check_choice("method", method, IG_METHODS)
    seed = check_int("seed", seed, 0)
    batch_size = _batch_size(batch_size)
    g, x, prec, start = _setup(model, x, precision)
    base = _ig_baseline(x, baseline, mean, std, seed)
    ends = _forward_scores(model, g, torch.cat([x, base]))  # (2, K): exact end points
    t = _target(ends[:1], target)
    alphas, weights = _ig_points(steps, method)
    diff = x - base  # (1, C, H, W)
    total = torch.zeros(x.shape[1:], dtype=torch.float32, device=x.device)  # (C, H, W)
    for first in range(0, steps, batch_size):
        a = torch.tensor(alphas[first:first + batch_size], dtype=x.dtype, device=x.device)
        w = torch.tensor(weights[first:first + batch_size], dtype=torch.float32, device=x.device)
        grads, _, _ = _input_grads(model, g, base + a.view(-1, 1, 1, 1) * diff, t, prec)
        total += (grads * w.view(-1, 1, 1, 1)).sum(0)  # (B, C, H, W) -> (C, H, W)
    attr = diff.float() * total  # (1, C, H, W)
    attr_sum = float(attr.double().sum())
    score_diff = float(ends[0, t] - ends[1, t])
    delta = attr_sum - score_diff
    return _result("ig", attr, "sum", t, ends[0, t], prec, start, attr_sum=attr_sum,
                   score_diff=score_diff, delta=delta,
                   relative_gap=abs(delta) / abs(score_diff) if score_diff else math.inf,
                   steps=steps, method=method)


# --------------------------------------------------------------------------- Grad-CAM
def gradcam_layers(model: nn.Module, x: Tensor) -> list[str]:
    """Layer names whose output is a (B, C, H, W) map for this input (Grad-CAM candidates)."""
    from core.interpret import layers

    return [r.name for r in layers.layer_table(model, tuple(_image(x).shape[1:]))
            if r.name != "input" and len(r.output_shape) == 3]


def default_gradcam_layer(model: nn.Module) -> str:
    """The last Conv2d layer (Selvaraju et al.'s choice: the last convolutional feature maps)."""
    from core.interpret import layers

    convs = layers.conv_layer_names(model)
    if not convs:
        raise InputError("Grad-CAM needs a convolutional layer, and this model has none",
                         "gradcam_no_conv")
    return convs[-1]


def _cam(model: nn.Module, g: Graph, x: Tensor, target: int | None, layer: str | None,
         prec: str, interpolate: str) -> tuple[Tensor, float, int, str, tuple[int, ...]]:
    """((1, 1, H, W) CAM >= 0, target logit, target, layer, layer output shape)."""
    layer = default_gradcam_layer(model) if layer is None else layer
    if not isinstance(layer, str) or layer not in g.layers:
        raise InputError(f"layer must be one of the model's layers ({', '.join(g.layers)}), "
                         f"got {layer!r}", "choice", name="layer", value=plain(layer),
                         choices=tuple(g.layers))
    leaf = x.detach().clone()
    with torch.inference_mode(False), torch.enable_grad(), accel.autocast(leaf.device, prec):
        logits, acts = forward(model, g, leaf.requires_grad_(True), capture=g.layers[layer])
        if not isinstance(acts, Tensor) or acts.dim() != 4:
            shape = tuple(acts.shape[1:]) if isinstance(acts, Tensor) else None
            raise InputError(f"Grad-CAM needs a layer with (C, H, W) maps, got {layer!r} with "
                             f"output shape {shape}", "gradcam_layer_not_maps", layer=layer,
                             shape=str(shape))
        t = _target(logits, target)
        scores = _scores(logits, t)
        (grads,) = torch.autograd.grad(scores.sum(), acts)  # (B, C, h, w): rows independent
    weights = grads.float().mean(dim=(2, 3), keepdim=True)  # (B, C, 1, 1): alpha_k
    cam = torch.relu((weights * acts.detach().float()).sum(1, keepdim=True))  # (B, 1, h, w)
    kw = {"align_corners": False} if interpolate == "bilinear" else {}
    up = F.interpolate(cam, size=tuple(x.shape[-2:]), mode=interpolate, **kw)  # (B, 1, H, W)
    return up, float(scores[0].detach()), t, layer, tuple(acts.shape[1:])


def gradcam(model: nn.Module, x: Tensor, target: int | None = None, *, layer: str | None = None,
            interpolate: str = "bilinear", precision: str = "fp32") -> Attribution:
    """Grad-CAM (Selvaraju et al. 2017, https://arxiv.org/abs/1610.02391): ReLU of the layer's
    maps weighted by their spatially averaged gradients, upsampled to the image; Captum's
    ``LayerGradCam(relu_attributions=True)`` + ``LayerAttribution.interpolate``.

    Args:
        layer: a layer name (see `gradcam_layers`); None = the last conv (`default_gradcam_layer`).
        interpolate: "bilinear" or "nearest" upsampling; other args as `vanilla_gradient`.
    Returns:
        Attribution: attr (1, 1, H, W) >= 0; heat = that map; info: layer, layer_shape.
    """
    interpolate = check_choice("interpolate", interpolate, INTERPOLATIONS)
    g, x, prec, start = _setup(model, x, precision)
    cam, score, t, layer, shape = _cam(model, g, x, target, layer, prec, interpolate)
    return _result("gradcam", cam, "first", t, score, prec, start, layer=layer, layer_shape=shape)


def guided_gradcam(model: nn.Module, x: Tensor, target: int | None = None, *,
                   layer: str | None = None, interpolate: str = "bilinear",
                   precision: str = "fp32") -> Attribution:
    """Guided Grad-CAM (Selvaraju et al. 2017): guided backprop times the upsampled Grad-CAM
    map, per channel; Captum's ``GuidedGradCam`` (which upsamples with "nearest").

    Args: as `gradcam`. Returns: Attribution: attr (1, C, H, W) signed; heat = channel sum;
    info: layer, layer_shape, and relus, other_activations as `guided_backprop`.
    """
    interpolate = check_choice("interpolate", interpolate, INTERPOLATIONS)
    g, x, prec, start = _setup(model, x, precision)
    cam, score, t, layer, shape = _cam(model, g, x, target, layer, prec, interpolate)
    grad, _, _ = _input_grads(model, g, x, t, prec, guided=True)
    relus, others = activations(model, g)
    return _result("guided_gradcam", grad * cam, "sum", t, score, prec, start, layer=layer,
                   layer_shape=shape, relus=relus, other_activations=others)


# --------------------------------------------------------------------------- batches
ONE_PASS = ("vanilla", "guided", "gradcam", "guided_gradcam")  # one gradient pass per image


def batch_heat(key: str, model: nn.Module, x: Tensor, targets: Tensor, *,
               layer: str | None = None, interpolate: str = "bilinear",
               precision: str = "fp32") -> np.ndarray:
    """The display maps of a one-pass method (ONE_PASS) for a batch of images, each explaining
    its own target: the ``heat`` the method gives each image alone (rows are independent in
    eval mode), in one forward/backward pass.

    Args:
        x: (B, C, H, W) normalised images; targets: (B,) int64 classes; the rest as the method.
    Returns:
        (B, H, W) float32.
    """
    key = check_choice("method", key, ONE_PASS)
    g = graph(model)
    x = check_batch(x).detach()
    prec = accel.resolve_precision(precision, x.device)
    if key in ("vanilla", "guided"):
        grad, _, _ = _input_grads(model, g, x, targets, prec, guided=key == "guided")
        heat = grad.abs().amax(1) if key == "vanilla" else grad.sum(1)  # (B, H, W)
        return heat.cpu().numpy().astype(np.float32)
    interpolate = check_choice("interpolate", interpolate, INTERPOLATIONS)
    cam, _, t, _, _ = _cam(model, g, x, targets, layer, prec, interpolate)  # (B, 1, H, W)
    if key == "gradcam":
        return cam[:, 0].float().cpu().numpy()
    grad, _, _ = _input_grads(model, g, x, t, prec, guided=True)
    return (grad * cam).sum(1).float().cpu().numpy()


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Method:
    """A saliency method as the pages see it."""

    key: str
    title: str
    paper: str  # "Author et al. (year)"
    url: str
    fn: Callable[..., Attribution]
    signed: bool  # its display map can be negative
    passes: Callable[[Mapping[str, Any]], int]  # forward+backward passes for given params


METHODS: dict[str, Method] = {m.key: m for m in (
    Method("vanilla", "Vanilla gradient", "Simonyan et al. (2013)",
           "https://arxiv.org/abs/1312.6034", vanilla_gradient, False, lambda p: 1),
    Method("guided", "Guided backprop", "Springenberg et al. (2014)",
           "https://arxiv.org/abs/1412.6806", guided_backprop, True, lambda p: 1),
    Method("smoothgrad", "SmoothGrad", "Smilkov et al. (2017)",
           "https://arxiv.org/abs/1706.03825", smoothgrad, False,
           lambda p: int(p.get("samples", 25)) + 2),
    Method("ig", "Integrated Gradients", "Sundararajan et al. (2017)",
           "https://arxiv.org/abs/1703.01365", integrated_gradients, True,
           lambda p: int(p.get("steps", 50)) + 1),
    Method("gradcam", "Grad-CAM", "Selvaraju et al. (2017)",
           "https://arxiv.org/abs/1610.02391", gradcam, False, lambda p: 1),
    Method("guided_gradcam", "Guided Grad-CAM", "Selvaraju et al. (2017)",
           "https://arxiv.org/abs/1610.02391", guided_gradcam, True, lambda p: 2),
)}


def attribute(key: str, model: nn.Module, x: Tensor, target: int | None = None,
              **params: Any) -> Attribution:
    """Run the method ``key`` of METHODS with its keyword parameters."""
    return METHODS[check_choice("method", key, tuple(METHODS))].fn(model, x, target, **params)
