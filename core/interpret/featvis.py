"""What a unit looks for, the way Lucid draws it: an image optimised in a decorrelated space
(Fourier coefficients scaled by 1/frequency, colours decorrelated) that must keep exciting the
unit under random transformations.

Olah, Mordvintsev & Schubert (2017), "Feature Visualization", Distill,
https://distill.pub/2017/feature-visualization/ ; Mordvintsev, Pezzotti, Schubert & Olah
(2018), "Differentiable Image Parameterizations", Distill,
https://distill.pub/2018/differentiable-parameterizations/ ; Lucid (TensorFlow) and Lucent
(its PyTorch port, ``torch-lucent``), whose parameterisation this follows to the constant:
``param.fft_image`` and ``param.color.to_valid_rgb`` (tests compare the two).

* **Image.** ``pixel``: one value per pixel and channel. ``fourier``: the real FFT coefficients
  of each channel, each scaled by ``1 / max(f, 1 / max(H, W))`` (``f`` the frequency in cycles
  per pixel) and the inverse FFT divided by Lucid's 4, so that a step of the optimiser moves
  low frequencies as much as high ones instead of favouring the latter. Either way the channels
  then go through a colour matrix (the square root of the colour covariance, normalised so
  that its largest column has norm 1; ImageNet's for ImageNet models, the dataset's where the
  lab has it, none for grey models) and a sigmoid into (0, 1).
* **Robustness.** Every step the image is padded with grey, shifted, scaled, rotated and
  shifted again (Lucent's ``standard_transforms``: pad 12, jitter 8, scale 0.9-1.1, rotate
  +-10 degrees, jitter 4, for 224 px; `Robustness.for_side` scales the shifts to other sizes),
  each image of a batch with its own draw, in one ``grid_sample``. The model sees the padded
  image resized to its own input size, so models with a fixed input size work too.
* **Objectives.** A channel (the mean of its map), a neuron (the map's centre), a class logit;
  a batch of images of one channel minus Lucid's diversity term (the normalised Gram matrices
  of the layer's maps, their summed pairwise similarity over the batch size). A batch of
  images of different channels (`layer grid`) is one optimisation: images do not interact.

The model is only read, through the lab's graph runner: gradients come from
``torch.autograd.grad`` with respect to the image's own parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, fx, nn

from core.checks import (
    InputError,
    check_choice,
    check_input_shape,
    check_int,
    check_number,
)
from core.interpret import layers
from core.runtime.graph import model_graph, probe, resolve_layers, run_nodes

__all__ = [
    "colour_matrix",
    "colour_sqrt",
    "decorrelate",
    "frequencies",
    "from_image",
    "IMAGENET_COLOUR_SQRT",
    "layer_grid",
    "MAX_IMAGES",
    "Objective",
    "OBJECTIVES",
    "PARAMS",
    "Robustness",
    "spectrum_scale",
    "to_image",
    "transform",
    "visualise",
    "VisResult",
]

PARAMS = ("fourier", "pixel")
OBJECTIVES = ("channel", "neuron", "logit")
MAX_IMAGES = 64  # images optimised at once (one per channel of a layer grid)
MAGIC = 4.0  # Lucid's divisor of the inverse FFT ("seems to reduce saturation")
INIT_SD = 0.01  # the start: Gaussian parameters of this standard deviation (Lucid's)
# Lucid's ImageNet colour matrix: the square root (U * sqrt(S) of the SVD) of the covariance of
# ImageNet's RGB values; rows are R, G, B, columns the decorrelated components
IMAGENET_COLOUR_SQRT = ((0.26, 0.09, 0.02), (0.27, 0.00, -0.05), (0.27, -0.09, 0.03))
COLOUR_PIXELS = 1 << 21  # pixels sampled (evenly) for a dataset's colour covariance


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Robustness:
    """The random transformations of each step, in pixels of the model's input and degrees."""

    pad: int = 12  # grey border added on each side
    jitter: int = 8  # first shift: up to this many pixels in each direction
    scale: tuple[float, float] = (0.9, 1.1)  # zoom drawn uniformly in this range
    rotate: float = 10.0  # rotation drawn uniformly in +-rotate degrees
    jitter2: int = 4  # second shift, after the zoom and rotation

    @classmethod
    def for_side(cls, side: int) -> Robustness:
        """Lucent's defaults (made for 224 px) with the shifts scaled to a ``side`` px input
        (rounded half up): 28 px gets pad 2, jitter 1 and 1."""
        f = side / 224
        return cls(pad=int(12 * f + 0.5), jitter=int(8 * f + 0.5), jitter2=int(4 * f + 0.5))

    @classmethod
    def none(cls) -> Robustness:
        return cls(pad=0, jitter=0, scale=(1.0, 1.0), rotate=0.0, jitter2=0)

    @property
    def identity(self) -> bool:
        return self == Robustness.none()


@dataclass(frozen=True)
class Objective:
    """What to maximise: ``kind`` "channel" (the map's mean), "neuron" (its centre) or "logit"
    (a unit of the model's output; ``layer`` is ignored). ``units`` gives one channel (or unit
    or class) per image of the batch; ``diversity`` > 0 subtracts Lucid's diversity term."""

    kind: str
    layer: str | None
    units: tuple[int, ...]
    diversity: float = 0.0


@dataclass(frozen=True, eq=False)
class VisResult:
    """The outcome of `visualise`."""

    images: Tensor  # (B, C, H, W) float in [0, 1], for display
    trajectory: list[float]  # the batch's mean objective (without diversity) under the
    #                          random transformations, after each step
    activation: tuple[float, ...]  # each image's unit on the untransformed image, at the end
    stopped: bool  # True when should_stop() ended it early


# --------------------------------------------------------------------------- colours
def colour_sqrt(images: Tensor) -> Tensor:
    """(3, 3) the square root ``U * sqrt(S)`` of the covariance of the RGB values (in [0, 1])
    of (N, 3, H, W) uint8 images (at most `COLOUR_PIXELS` pixels, evenly spaced), components
    by decreasing variance: ``M @ M.T`` is the covariance."""
    if (not isinstance(images, Tensor) or images.dtype != torch.uint8 or images.dim() != 4
            or images.shape[1] != 3 or not images.numel()):
        got = (f"{tuple(images.shape)} {images.dtype}" if isinstance(images, Tensor)
               else type(images).__name__)
        raise InputError(f"colours need (N, 3, H, W) uint8 images, got {got}",
                         "featvis_colour_images", value=got)
    values = images.permute(1, 0, 2, 3).reshape(3, -1)
    stride = max(1, values.shape[1] // COLOUR_PIXELS)
    values = values[:, ::stride].double() / 255
    s, u = torch.linalg.eigh(torch.cov(values))  # ascending
    return (u.flip(1) * s.flip(0).clamp_min(0).sqrt()).float()


def colour_matrix(sqrt: Sequence[Sequence[float]] | Tensor) -> Tensor:
    """A colour square root normalised as Lucid does: divided by its largest column norm."""
    m = torch.as_tensor(sqrt, dtype=torch.float32)
    if m.shape != (3, 3) or not torch.isfinite(m).all() or not m.abs().sum():
        raise InputError(f"a colour matrix must be a finite non-zero 3x3 matrix, got {m}",
                         "featvis_colour_matrix", value=str(tuple(m.shape)))
    return m / torch.linalg.vector_norm(m, dim=0).max()


def decorrelate(t: Tensor, matrix: Tensor) -> Tensor:
    """(B, 3, H, W): each pixel's decorrelated components mixed into RGB, ``matrix @ pixel``."""
    return torch.einsum("bchw,dc->bdhw", t, matrix.to(t))


# --------------------------------------------------------------------------- Fourier
def frequencies(h: int, w: int) -> Tensor:
    """(h, w // 2 + 1) the frequency, in cycles per pixel, of each real-FFT coefficient."""
    fy = torch.fft.fftfreq(h, dtype=torch.float64)[:, None]
    fx = torch.fft.rfftfreq(w, dtype=torch.float64)[None, :]
    return (fy * fy + fx * fx).sqrt()


def spectrum_scale(h: int, w: int, decay: float = 1.0) -> Tensor:
    """(h, w // 2 + 1) each coefficient's scale, ``1 / max(f, 1 / max(h, w)) ** decay``."""
    return (1.0 / frequencies(h, w).clamp_min(1.0 / max(h, w)) ** decay).float()


def _spectrum_to_space(coeffs: Tensor, h: int, w: int) -> Tensor:
    scaled = spectrum_scale(h, w).to(coeffs.device)[..., None] * coeffs
    return torch.fft.irfftn(torch.view_as_complex(scaled.contiguous()), s=(h, w),
                            norm="ortho") / MAGIC


def to_image(params: Tensor, param: str, matrix: Tensor | None,
             size: tuple[int, int]) -> Tensor:
    """(B, C, H, W) in (0, 1) from the parameters: pixels (B, C, H, W) or Fourier coefficients
    (B, C, H, W // 2 + 1, 2) (real, imaginary); then the colour matrix (if any), then a sigmoid."""
    t = _spectrum_to_space(params, *size) if param == "fourier" else params
    if matrix is not None:
        t = decorrelate(t, matrix)
    return torch.sigmoid(t)


def from_image(image: Tensor, param: str, matrix: Tensor | None) -> Tensor:
    """The parameters whose `to_image` is ``image`` (B, C, H, W), values in (0, 1)."""
    t = torch.logit(image)
    if matrix is not None:
        t = decorrelate(t, torch.linalg.inv(matrix.to(t)))
    if param != "fourier":
        return t
    h, w = t.shape[-2:]
    spectrum = torch.view_as_real(torch.fft.rfftn(t * MAGIC, s=(h, w), norm="ortho"))
    return spectrum / spectrum_scale(h, w).to(t)[..., None]


# --------------------------------------------------------------------------- robustness
def _check_robustness(rob: Any, shape: tuple[int, int, int]) -> Robustness:
    if not isinstance(rob, Robustness):
        raise InputError(f"robustness must be a Robustness, got {type(rob).__name__}",
                         "featvis_robustness", value=type(rob).__name__)
    side = min(shape[1:])
    check_int("pad", rob.pad, 0, side)
    check_int("jitter", rob.jitter, 0, side // 2)
    check_int("jitter2", rob.jitter2, 0, side // 2)
    check_number("rotate", rob.rotate, 0, 180)
    if not (isinstance(rob.scale, tuple) and len(rob.scale) == 2):
        raise InputError(f"scale must be a (low, high) pair, got {rob.scale!r}",
                         "featvis_scale", value=repr(rob.scale))
    low = check_number("scale", rob.scale[0], 0.25, 4)
    high = check_number("scale", rob.scale[1], 0.25, 4)
    if low > high:
        raise InputError(f"the scale's low end {low} is above its high end {high}",
                         "featvis_scale", value=repr(rob.scale))
    return replace(rob, scale=(low, high), rotate=float(rob.rotate))


def transform(x: Tensor, rob: Robustness, gen: torch.Generator,
              size: tuple[int, int] | None = None) -> Tensor:
    """``x`` (B, C, H, W) in [0, 1] padded with grey, then per image shifted, zoomed, rotated
    and shifted again (draws from ``gen``), sampled bilinearly at ``size`` (default (H, W)):
    the model sees the whole padded image at its own input size."""
    out_h, out_w = size or tuple(x.shape[-2:])
    if rob.identity and (out_h, out_w) == tuple(x.shape[-2:]):
        return x
    if rob.pad:
        x = F.pad(x, [rob.pad] * 4, value=0.5)
    b, _, h, w = x.shape

    def uniform(low: float, high: float) -> Tensor:
        return low + (high - low) * torch.rand(b, generator=gen, dtype=torch.float64)

    def shift(d: int) -> Tensor:  # (B, 2) whole pixels in -d..d
        return torch.randint(-d, d + 1, (b, 2), generator=gen).double()

    angle = uniform(-rob.rotate, rob.rotate) * (math.pi / 180)
    zoom = uniform(*rob.scale)
    t1, t2 = shift(rob.jitter), shift(rob.jitter2)
    cos, sin = angle.cos() / zoom, angle.sin() / zoom
    rot = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    # output pixel u (centred, pixels of the padded image) -> input v = rot (u + t2) + t1; in
    # grid_sample's units (each side spans [-1, 1]) with D = diag(w / 2, h / 2): D^-1 rot D
    half = torch.tensor([w / 2, h / 2], dtype=torch.float64)
    a = rot * half[None, None, :] / half[None, :, None]
    offset = (torch.einsum("bij,bj->bi", rot, t2) + t1) / half
    theta = torch.cat([a, offset[..., None]], -1).to(x)
    grid = F.affine_grid(theta, [b, x.shape[1], out_h, out_w], align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


# --------------------------------------------------------------------------- objectives
def _check_objective(model: nn.Module, g: fx.Graph, objective: Any,
                     shape: tuple[int, int, int]) -> tuple[Objective, fx.Node, fx.Node]:
    """The objective checked, its node and the node to climb (a ReLU's input)."""
    if not isinstance(objective, Objective):
        raise InputError(f"objective must be an Objective, got {type(objective).__name__}",
                         "featvis_objective", value=type(objective).__name__)
    kind = check_choice("objective", objective.kind, OBJECTIVES)
    layer = layers.layer_names(model)[-1] if kind == "logit" else objective.layer
    node = resolve_layers(g, [layer])[layer]
    info = layers.layer_row(model, layer, shape)
    units = objective.units
    if not (isinstance(units, tuple) and 1 <= len(units) <= MAX_IMAGES):
        raise InputError(f"units must be a tuple of 1..{MAX_IMAGES} unit indices, got "
                         f"{units!r}", "featvis_units", limit=MAX_IMAGES, value=repr(units))
    units = tuple(layers.check_unit(info, u) for u in units)
    diversity = check_number("diversity", objective.diversity, 0)
    if diversity and len(units) < 2:
        raise InputError("the diversity term needs a batch of two or more images",
                         "featvis_diversity_batch")
    if diversity and len(info.output_shape) != 3:
        raise InputError(f"the diversity term needs a layer of (C, H, W) maps, not {layer!r}",
                         "featvis_diversity_maps", layer=layer)
    climb = node if kind == "logit" else layers.ascent_node(model, node)
    return (replace(objective, kind=kind, layer=layer, units=units, diversity=diversity),
            node, climb)


def _scores(out: Tensor, objective: Objective) -> Tensor:
    """(B,) each image's own unit: its map's mean (channel), centre (neuron) or value."""
    unit = out[torch.arange(len(out), device=out.device),
               torch.tensor(objective.units, device=out.device)]  # (B, H, W) or (B,)
    if unit.dim() == 1:
        return unit
    if objective.kind == "neuron":
        return unit[:, unit.shape[1] // 2, unit.shape[2] // 2]
    return unit.flatten(1).mean(1)


def _similarity(out: Tensor) -> Tensor:
    """Lucid's diversity penalty: summed pairwise similarity of the images' normalised Gram
    matrices, over the batch size."""
    flat = out.flatten(2)  # (B, C, HW)
    grams = flat @ flat.transpose(1, 2)
    grams = grams / torch.linalg.vector_norm(grams, dim=(1, 2), keepdim=True).clamp_min(1e-12)
    total = torch.einsum("ijk,ljk->il", grams, grams)
    return (total.sum() - total.diagonal().sum()) / len(out)


# --------------------------------------------------------------------------- the run
def visualise(model: nn.Module, objective: Objective, *, input_shape: tuple[int, int, int],
              mean: Sequence[float], std: Sequence[float], param: str = "fourier",
              colour: Sequence[Sequence[float]] | Tensor | None = None,
              robustness: Robustness | None = None, steps: int = 256, lr: float = 0.05,
              seed: int = 0, progress: Callable[[int, int, float], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> VisResult:
    """Images that excite the objective's units, by Adam on their parameters.

    Args:
        objective: the units (one image each); input_shape: (C, H, W); mean/std: the model's
            normalisation (the images are in [0, 1] before it).
        param: "fourier" or "pixel"; colour: a 3x3 colour square root (`colour_sqrt`,
            `IMAGENET_COLOUR_SQRT`), normalised here, or None (no decorrelation; grey models).
        robustness: the random transformations (default ``Robustness.for_side`` of the input;
            ``Robustness.none()`` for none); steps: 1..layers.MAX_STEPS; lr: Adam's step > 0;
        seed: the start and the transformations (own generator); progress(step, steps, value)
            after each step; should_stop() checked before each step.
    """
    shape = check_input_shape(input_shape)
    param = check_choice("param", param, PARAMS)
    check_int("steps", steps, 1, layers.MAX_STEPS)
    lr = check_number("lr", lr, 0, open_low=True)
    check_int("seed", seed)
    for name, fn in (("progress", progress), ("should_stop", should_stop)):
        if fn is not None and not callable(fn):
            raise InputError(f"{name} must be callable or None, got {fn!r}", "not_callable",
                             name=name, value=repr(fn))
    rob = _check_robustness(Robustness.for_side(min(shape[1:])) if robustness is None
                            else robustness, shape)
    matrix = None
    if colour is not None:
        if shape[0] != 3:
            raise InputError(f"colours can be decorrelated for RGB inputs only, not {shape[0]} "
                             "channels", "featvis_colour_grey", channels=shape[0])
        matrix = colour_matrix(colour)
    mean_t = layers.check_stats("mean", mean, shape[0], positive=False)
    std_t = layers.check_stats("std", std, shape[0], positive=True)
    g = model_graph(model)
    objective, node, climb = _check_objective(model, g, objective, shape)

    like = probe(model, (1, *shape))  # the dtype and device of the model's input
    mean_t, std_t = mean_t.to(like), std_t.to(like)
    matrix = None if matrix is None else matrix.to(like)
    b, (c, h, w) = len(objective.units), shape
    gen = torch.Generator().manual_seed(int(seed))
    init = (b, c, h, w // 2 + 1, 2) if param == "fourier" else (b, c, h, w)
    params = (INIT_SD * torch.randn(init, generator=gen)).to(like).requires_grad_(True)
    opt = torch.optim.Adam([params], lr=lr)
    targets = {node, climb}

    def run(x01: Tensor) -> dict[fx.Node, Tensor]:
        return run_nodes(model, g, (x01 - mean_t) / std_t, targets, lambda v: v.clone())

    trajectory, stopped = [], False
    with torch.inference_mode(False), torch.enable_grad():
        for step in range(steps):
            if should_stop is not None and should_stop():
                stopped = True
                break
            seen = transform(to_image(params, param, matrix, (h, w)), rob, gen, (h, w))
            outs = run(seen)
            value = _scores(outs[climb], objective).mean()
            total = value
            if objective.diversity:
                total = total - objective.diversity * _similarity(outs[node])
            (grad,) = torch.autograd.grad(total, params)
            params.grad = -grad  # Adam minimises; these parameters are ours, not the model's
            opt.step()
            trajectory.append(float(_scores(outs[node].detach(), objective).mean()))
            if progress is not None:
                progress(step + 1, steps, trajectory[-1])
    with torch.no_grad():
        image = to_image(params, param, matrix, (h, w))
        final = _scores(run(image)[node], objective)
    return VisResult(images=image.detach().float().cpu(), trajectory=trajectory,
                     activation=tuple(float(v) for v in final), stopped=stopped)


def layer_grid(model: nn.Module, layer: str, channels: Sequence[int], *, chunk: int = 16,
               progress: Callable[[int, int], None] | None = None,
               should_stop: Callable[[], bool] | None = None, **settings: Any) -> VisResult:
    """One image per channel of ``layer`` (the channel objective), ``chunk`` channels
    optimised at once; ``settings`` as `visualise` (steps, param, colour, robustness, lr).

    Each chunk draws from ``seed + its first channel``. progress(steps done, steps in all)
    after each step of each chunk; a stop keeps the chunks done and the one in progress. The
    trajectory is the first chunk's.
    """
    check_int("chunk", chunk, 1, MAX_IMAGES)
    channels = tuple(channels)
    if not channels:
        raise InputError("a layer grid needs one or more channels", "featvis_units",
                         limit=MAX_IMAGES, value="()")
    steps = check_int("steps", settings.get("steps", 256), 1, layers.MAX_STEPS)
    seed = settings.pop("seed", 0)
    parts = []
    chunks = [channels[i:i + chunk] for i in range(0, len(channels), chunk)]
    for k, part in enumerate(chunks):
        parts.append(visualise(
            model, Objective("channel", layer, part), seed=seed + part[0],
            progress=None if progress is None else (
                lambda i, n, v, done=k * steps: progress(done + i, n * len(chunks))),
            should_stop=should_stop, **settings))
        if parts[-1].stopped:
            break
    return VisResult(images=torch.cat([r.images for r in parts]), trajectory=parts[0].trajectory,
                     activation=tuple(v for r in parts for v in r.activation),
                     stopped=parts[-1].stopped)
