"""Neural style transfer (Gatys et al.): an image whose VGG19 features match a content image
and whose Gram matrices match a style image, found by gradient descent on the pixels.

``StyleTransfer`` runs the optimisation in resumable chunks (``run_for`` / ``step``, like
``core.train.training.Trainer``) so a page can redraw between them; it keeps the per-step losses,
snapshots of the image, and stops on a NaN keeping the last good image. The shared VGG19 is
only read: every run works on a private copy truncated after the deepest layer it uses,
converted once to its precision (bf16 on a CPU with native bf16: see ``core.runtime.accel``), in
channels_last. Gram matrices and losses are always computed in float32.

Gatys, Ecker & Bethge (2016), "Image Style Transfer Using Convolutional Neural Networks",
CVPR 2016, https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html
(arXiv version "A Neural Algorithm of Artistic Style", https://arxiv.org/abs/1508.06576)
Gatys, Ecker, Bethge, Hertzmann & Shechtman (2017), "Controlling Perceptual Factors in Neural
Style Transfer", CVPR 2017, https://arxiv.org/abs/1611.07865 (colour control: luminance-only
transfer and colour histogram matching; coarse-to-fine for large outputs: `core.style.pyramid`)
"""

from __future__ import annotations

import io
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image
from torch import Tensor, nn

from core.checks import InputError, check_choice, check_int, is_real, plain
from core.data import images
from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD
from core.runtime import accel
from core.style import memory
from core.style.losses import (
    content_loss,
    gram_matrix,
    match_colours,
    match_luminance,
    rgb_to_yiq,
    style_loss,
    tv_loss,
    with_chroma,
)
from core.style.vgg import POOLINGS, deepest, extract, layer_index, private_copy, truncate

__all__ = [
    "COLOURS",
    "CONTENT_LAYERS",
    "DEFAULT_LR",
    "INITS",
    "LBFGS_HISTORY",
    "Chunked",
    "check_size",
    "lbfgs_history",
    "max_size",
    "upsample",
    "MAX_SIZE",
    "MAX_SIZE_CUDA",
    "MAX_STAGES",
    "MAX_SNAPSHOTS",
    "MAX_STEPS",
    "MIN_SIZE",
    "OPTIMIZERS",
    "output_size",
    "png_bytes",
    "Progress",
    "StepLosses",
    "STYLE_LAYERS",
    "StyleConfig",
    "StyleTransfer",
    "to_batch",
    "to_uint8",
]


STYLE_LAYERS = ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1")  # the paper's
CONTENT_LAYERS = ("conv1_2", "conv2_2", "conv3_2", "conv4_2", "conv5_2")  # Figure 1's content
OPTIMIZERS = ("lbfgs", "adam")
INITS = ("content", "style", "noise")
# "style": the style image's own colours; "luminance": only the luminance is transferred and the
# content's colour channels are put back (Gatys et al. 2017, 5.1); "histogram": the style image's
# colours are first matched to the content's (5.2)
COLOURS = ("style", "luminance", "histogram")
MAX_SIZE = 1024  # largest output side on a CPU: memory and time grow with its square
MAX_SIZE_CUDA = 2048  # on a GPU
MAX_STAGES = 5  # coarse-to-fine stages, the output size included (1024 px: from 64 px)
MIN_SIZE = 16  # smallest output side: conv5_x sits behind four 2x2 poolings
MAX_STEPS = 5000
DEFAULT_LR = {"lbfgs": 1.0, "adam": 0.02}  # Adam moves pixels in [0, 1] by about lr per step
MAX_SNAPSHOTS = 24
# L-BFGS keeps 2 image-sized float32 vectors per remembered step: 100 (torch's default) cost
# 630 MB at 512x512; 20 cost 126 MB and reached the same losses in our runs. Above 512 px
# (reached coarse-to-fine, from a good start) 10: 250 MB at 1024x1024 instead of 500
LBFGS_HISTORY = 20
LBFGS_HISTORY_LARGE, LARGE_SIDE = 10, 512
# L-BFGS moves the image's logits (image = sigmoid(z)), so every image it tries lies in (0, 1);
# a start is pulled in by half a grey level before its logit is taken
LOGIT_EPS = 1 / 510


# --------------------------------------------------------------------------- configuration
@dataclass
class StyleConfig:
    """One style-transfer run; filled from the page's widgets."""

    style_weight: float = 1e6  # beta: weight of the style loss (the PyTorch tutorial's 1e6)
    content_weight: float = 1.0  # alpha: the paper's alpha/beta ratios are 1e-3 .. 1e-4
    style_layers: dict[str, float] = field(  # w_l per layer; 0 switches a layer off
        default_factory=lambda: dict.fromkeys(STYLE_LAYERS, 1.0))
    content_layer: str = "conv4_2"  # the paper's choice; deeper keeps less of the pixels
    tv_weight: float = 0.0  # weight of the squared total variation (smoothness), e.g. 10
    optimizer: str = "lbfgs"  # "lbfgs" (the paper's; one evaluation per step) | "adam"
    steps: int = 300  # optimiser steps (= forward+backward evaluations) at the output size
    lr: float | None = None  # None: DEFAULT_LR of the optimiser
    init: str = "content"  # starting image: "content" | "style" (resized) | "noise"
    colour: str = "style"  # one of COLOURS: whose colours the result has, and how
    style_blend: float = 0.0  # weight of a second style image's Grams, 0..1 (needs style2)
    seed: int = 0  # noise init
    size: int = 256  # the output's longer side in pixels (the content's aspect ratio is kept)
    # coarse-to-fine (Gatys et al. 2017): the steps of the smaller stages before the output
    # size, coarsest first; stage k of n has the longer side size / 2**(n-1-k). () = one stage
    stage_steps: tuple[int, ...] = ()
    pooling: str = "max"  # "max" | "avg" (the paper prefers average pooling for images)
    precision: str = "auto"  # "fp32" | "bf16" | "auto" (bf16 where the CPU computes it natively)
    device: str = "auto"  # "cpu" | "cuda" | "auto"

    def __post_init__(self) -> None:
        for name in ("style_weight", "content_weight", "tv_weight"):
            value = getattr(self, name)
            if not (is_real(value) and value >= 0):
                raise InputError(f"{name} must be a finite number >= 0, got {value!r}",
                                 "number_min", name=name, value=plain(value), low=0)
        if not isinstance(self.style_layers, dict):
            raise InputError(
                f"style_layers must be a dict of layer -> weight, got {self.style_layers!r}",
                "style_layers_not_dict", value=repr(self.style_layers))
        for name, w in self.style_layers.items():
            layer_index(name)  # ValueError for an unknown layer
            if not (is_real(w) and w >= 0):
                raise InputError(f"the style weight of {name} must be a finite number >= 0, "
                                 f"got {w!r}", "style_layer_weight", layer=name, value=plain(w))
        layer_index(self.content_layer)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_int("steps", self.steps, 1, MAX_STEPS)
        if self.lr is not None and not (is_real(self.lr) and self.lr > 0):
            raise InputError(f"lr must be a finite number > 0 (or None), got {self.lr!r}",
                             "number_above", name="lr", value=plain(self.lr), low=0)
        check_choice("init", self.init, INITS)
        check_choice("colour", self.colour, COLOURS)
        if not (is_real(self.style_blend) and 0 <= self.style_blend <= 1):
            raise InputError(f"style_blend must be in [0, 1], got {self.style_blend!r}",
                             "number_between", name="style_blend", value=plain(self.style_blend),
                             low=0, high=1)
        check_int("seed", self.seed, 0, 2**63 - 1)
        check_int("size", self.size, MIN_SIZE, MAX_SIZE_CUDA)
        if not isinstance(self.stage_steps, tuple):
            raise InputError(f"stage_steps must be a tuple of step counts, got "
                             f"{self.stage_steps!r}", "style_stage_steps",
                             value=repr(self.stage_steps))
        check_int("stages", len(self.stage_steps) + 1, 1, MAX_STAGES)
        for n in self.stage_steps:
            check_int("steps", n, 1, MAX_STEPS)
        coarsest = self.stage_sizes()[0]
        if coarsest < MIN_SIZE:
            raise InputError(f"{len(self.stage_steps) + 1} stages up to {self.size} px start at "
                             f"{coarsest} px, below the minimum {MIN_SIZE}: use fewer stages or "
                             "a larger size", "style_stage_too_small",
                             stages=len(self.stage_steps) + 1, size=self.size,
                             coarsest=coarsest, minimum=MIN_SIZE)
        check_choice("pooling", self.pooling, POOLINGS)
        check_choice("precision", self.precision, accel.PRECISIONS)
        check_choice("device", self.device, accel.DEVICES)
        if not (self.content_weight > 0 or self.tv_weight > 0 or self.active_style_layers()):
            raise InputError("nothing to optimise: the content weight, the style weight (with "
                             "at least one style layer above 0) and the TV weight are all 0",
                             "style_nothing_to_optimise")

    def stage_sizes(self) -> tuple[int, ...]:
        """The longer side of every stage, coarsest first; the last is ``size``."""
        n = len(self.stage_steps)
        return tuple(max(1, round(self.size / 2 ** (n - k))) for k in range(n)) + (self.size,)

    def stages(self) -> tuple[tuple[int, int], ...]:
        """(longer side, steps) of every stage, coarsest first."""
        return tuple(zip(self.stage_sizes(), (*self.stage_steps, self.steps), strict=True))

    def total_steps(self) -> int:
        return sum(self.stage_steps) + self.steps

    def active_style_layers(self) -> dict[str, float]:
        """The style layers that count (weight > 0), in network order; none if style_weight 0."""
        if self.style_weight == 0:
            return {}
        return {k: float(w) for k, w in sorted(self.style_layers.items(),
                                               key=lambda kv: layer_index(kv[0])) if w > 0}

    def layers_used(self) -> list[str]:
        """Every layer the losses read (the network is truncated after the deepest)."""
        used = list(self.active_style_layers())
        if self.content_weight > 0 and self.content_layer not in used:
            used.append(self.content_layer)
        return used or ["conv1_1"]  # TV only: the network is not needed, keep it minimal


# --------------------------------------------------------------------------- images
def output_size(img: Image.Image, size: int) -> tuple[int, int]:
    """(height, width) with the longer side ``size`` and ``img``'s aspect ratio."""
    check_int("size", size, MIN_SIZE, MAX_SIZE_CUDA)
    w, h = img.size
    scale = size / max(w, h)
    out = (max(1, round(h * scale)), max(1, round(w * scale)))
    if min(out) < MIN_SIZE:
        raise InputError(f"the image is {w}x{h}; at a longer side of {size} px its shorter side "
                         f"would be {min(out)} px, below the minimum {MIN_SIZE} (the conv5 "
                         "layers sit behind four 2x2 poolings): use a larger size or a less "
                         "elongated image", "style_image_too_elongated", width=w, height=h,
                         size=size, shorter=min(out), minimum=MIN_SIZE)
    return out


def to_batch(img: Image.Image, hw: tuple[int, int]) -> Tensor:
    """A PIL image as (1, 3, H, W) float32 in [0, 1], resized (antialiased) to ``hw``."""
    return images.to_tensor(img, channels=3, size=hw).float().div(255).unsqueeze(0)


def to_uint8(image: Tensor) -> np.ndarray:
    """(1, 3, H, W) float in [0, 1] (clipped) -> (H, W, 3) uint8."""
    arr = image.detach()[0].clamp(0, 1).mul(255).round().to(torch.uint8)  # (3, H, W)
    return arr.permute(1, 2, 0).cpu().numpy()


def png_bytes(image: np.ndarray) -> bytes:
    """(H, W, 3) uint8 as PNG file bytes."""
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def upsample(image: Tensor, hw: tuple[int, int]) -> Tensor:
    """(1, C, h, w) -> (1, C, H, W), bilinear (the start of a coarse-to-fine stage)."""
    return nn.functional.interpolate(image.float(), size=hw, mode="bilinear",
                                     align_corners=False)


def max_size(device: torch.device | str) -> int:
    """The largest output side on this kind of device."""
    return MAX_SIZE_CUDA if torch.device(device).type == "cuda" else MAX_SIZE


def check_size(size: int, device: torch.device | str) -> None:
    """InputError for an output side beyond what the device is allowed (MAX_SIZE on a CPU)."""
    limit = max_size(device)
    if size > limit:
        raise InputError(f"an output of {size} px needs a GPU: on a CPU the largest is "
                         f"{limit} px", "style_size_cpu", size=size, limit=limit)


def lbfgs_history(size: int) -> int:
    """Curvature pairs L-BFGS keeps at a longer side of ``size`` px."""
    return LBFGS_HISTORY if size <= LARGE_SIDE else LBFGS_HISTORY_LARGE


# --------------------------------------------------------------------------- the runner
@dataclass(frozen=True)
class StepLosses:
    """The weighted losses of one evaluation (total = content + style + tv)."""

    step: int
    content: float
    style: float
    tv: float
    total: float
    stage: int = 0  # coarse-to-fine: the stage (0 = the coarsest) this evaluation belongs to


@dataclass(frozen=True)
class Progress:
    done_steps: int
    total_steps: int
    seconds_per_step: float
    eta_s: float
    last: StepLosses | None


class Chunked:
    """``run_for`` and ``run_steps`` over a class's ``step()``, ``finished``, ``progress()``,
    ``_lock`` and ``_chunk_limit`` (the most steps one ``run_steps`` call may ask for)."""

    _chunk_limit = MAX_STEPS

    def run_for(self, seconds: float):
        """Step for about ``seconds`` (at least one step unless finished)."""
        if not (is_real(seconds) and seconds >= 0):
            raise InputError(f"seconds must be a finite number >= 0, got {seconds!r}",
                             "number_min", name="seconds", value=plain(seconds), low=0)
        with self._lock:
            start = time.perf_counter()
            while not self.finished:
                self.step()
                if time.perf_counter() - start >= seconds:
                    break
            return self.progress()

    def run_steps(self, steps: int):
        """Exactly ``steps`` more steps (fewer if the run finishes first)."""
        check_int("steps", steps, 0, self._chunk_limit)
        with self._lock:
            for _ in range(steps):
                if self.finished:
                    break
                self.step()
            return self.progress()


class StyleTransfer(Chunked):
    """Optimises an image in resumable chunks; read its attributes between calls.

    Attributes:
        history: one ``StepLosses`` per step taken.
        snapshots: (step, (H, W, 3) uint8) every few steps (thinned to at most MAX_SNAPSHOTS).
        finished: True after ``config.steps`` steps or a NaN.
        diverged: None, or the message saying where the loss became NaN/inf; the image is then
            the one from before that step.
        size: the output's (height, width); device, precision, channels_last as resolved.
    Calls are serialised by a lock, so overlapping Streamlit reruns cannot interleave steps.
    """

    def __init__(self, features: nn.Sequential, content: Image.Image, style: Image.Image,
                 config: StyleConfig, *, style2: Image.Image | None = None,
                 start: Tensor | None = None) -> None:
        """Prepare the images, the private network and the targets (content features, style
        Grams), computed once.

        Args:
            features: the shared VGG19 features (``core.style.vgg.load_vgg19``); only read.
            content, style, style2: 8-bit PIL images; style2 is blended in by
                ``config.style_blend``. Content and styles may differ in size and aspect.
            start: the starting image instead of ``config.init``, as a previous stage's
                `current` (1, C, h, w): upsampled bilinearly to this run's size.
        Raises:
            InputError: a bad config, a size beyond this device's limit (MAX_SIZE on a CPU,
                MAX_SIZE_CUDA on a GPU), or a peak memory estimate over the budget
                (``core.style.memory``), before anything large is allocated.
        """
        if not isinstance(config, StyleConfig):
            raise InputError(
                f"config must be a StyleConfig, got {type(config).__name__}",
                "style_config_type", value=type(config).__name__)
        if config.stage_steps:
            raise InputError("StyleTransfer runs one stage; a config with stage_steps is run "
                             "by core.style.pyramid.CoarseToFine", "style_one_stage")
        if config.style_blend > 0 and style2 is None:
            raise InputError(f"style_blend is {config.style_blend} but no second style image "
                             "was given", "style_blend_needs_second",
                             value=plain(config.style_blend))
        self.config = config
        self.device = accel.resolve_device(config.device)
        self.precision = accel.resolve_precision(config.precision, self.device)
        self.channels_last = accel.channels_last(self.device, self.precision)
        check_size(config.size, self.device)
        self.size = output_size(content, config.size)
        self._dtype = torch.bfloat16 if self.precision == "bf16" else torch.float32
        self.memory = memory.estimate(config, self.size, precision=self.precision)
        memory.check(self.memory, self.device)
        layers = config.layers_used()
        net = truncate(features, last_layer=deepest(layers), pooling=config.pooling)
        self._net = private_copy(net, device=self.device, dtype=self._dtype,
                                 channels_last=self.channels_last)
        self._mean = torch.tensor(IMAGENET_MEAN, device=self.device).view(1, 3, 1, 1)
        self._std = torch.tensor(IMAGENET_STD, device=self.device).view(1, 3, 1, 1)
        self._style_weights = config.active_style_layers()
        self._content_rgb = to_batch(content, self.size).to(self.device)  # (1, 3, H, W)
        styles = [(style, 1.0 - config.style_blend)]
        if style2 is not None and config.style_blend > 0:
            styles.append((style2, config.style_blend))
        content_in = self._colour_space(self._content_rgb)
        style_ins = [(self._style_input(img, content_in), w) for img, w in styles]
        self._targets(content_in, style_ins)
        first = (self._initial(content_in, style_ins[0][0]) if start is None
                 else upsample(start.to(self.device), self.size))
        self._good = first.detach().clamp(0, 1)  # the last good image, always in [0, 1]
        self._x = self._to_param(self._good).requires_grad_(True)  # what the optimiser moves
        self._optimizer = self._make_optimizer()
        self._lock = threading.RLock()
        self._seconds = 0.0
        self._snapshot_every = max(1, min(10, config.steps // 10))
        self.history: list[StepLosses] = []
        self.snapshots: list[tuple[int, np.ndarray]] = [(0, self.image())]
        self.finished = False
        self.diverged: str | None = None

    # ----------------------------------------------------------------------- set-up
    def _colour_space(self, rgb: Tensor) -> Tensor:
        """What the optimisation sees: RGB, or only the luminance (1 channel) for
        luminance-only transfer."""
        return rgb_to_yiq(rgb)[:, :1] if self.config.colour == "luminance" else rgb

    def _style_input(self, img: Image.Image, content_in: Tensor) -> Tensor:
        """A style image at the output's scale (longer side ``size``, its own aspect)."""
        rgb = to_batch(img, output_size(img, self.config.size)).to(self.device)
        if self.config.colour == "histogram":
            return match_colours(rgb, self._content_rgb)
        if self.config.colour == "luminance":
            return match_luminance(rgb_to_yiq(rgb)[:, :1], content_in)
        return rgb

    def _features(self, x: Tensor, layers, reduce=None) -> dict[str, Tensor]:
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)  # luminance fed as gray RGB
        z = ((x - self._mean) / self._std).to(self._dtype)
        if self.channels_last:
            z = z.contiguous(memory_format=torch.channels_last)
        return extract(self._net, z, layers, reduce)

    def _targets(self, content_in: Tensor, style_ins: list[tuple[Tensor, float]]) -> None:
        cfg = self.config
        with torch.no_grad():
            self._content_target = None
            if cfg.content_weight > 0:
                self._content_target = self._features(content_in, [cfg.content_layer])[
                    cfg.content_layer].float()
            self._style_targets: dict[str, Tensor] = {}
            for img, w in style_ins:
                feats = self._features(img, list(self._style_weights))
                for name in self._style_weights:
                    g = gram_matrix(feats[name]) * w  # (1, C, C)
                    prev = self._style_targets.get(name)
                    self._style_targets[name] = g if prev is None else prev + g

    def _initial(self, content_in: Tensor, style_in: Tensor) -> Tensor:
        init = self.config.init
        if init == "content":
            return content_in.clone()
        if init == "style":
            return nn.functional.interpolate(style_in, size=self.size, mode="bilinear",
                                             align_corners=False, antialias=True).clamp(0, 1)
        gen = torch.Generator().manual_seed(self.config.seed)  # CPU: the same noise everywhere
        return torch.rand(content_in.shape, generator=gen).to(self.device)

    def _make_optimizer(self) -> torch.optim.Optimizer:
        cfg = self.config
        lr = cfg.lr if cfg.lr is not None else DEFAULT_LR[cfg.optimizer]
        if cfg.optimizer == "adam":
            return torch.optim.Adam([self._x], lr=lr)
        # One evaluation per step() (max_iter 1); the curvature history carries over. L-BFGS
        # moves the image's logits (`_to_image`), so the image it scores is the image shown.
        # The alternatives, measured (random VGG19, 256 px unless said): pixels left free
        # reached a loss of 0.31 in 100 evaluations, but the image clipped for display scored
        # 30.8; clamping them in the closure (the tutorial's way) moves them where L-BFGS did
        # not send them and corrupts its curvature pairs: at 128 px, 220 of 300 steps landed at
        # over 3x the best loss so far, ending at 135 after a best of 0.28. Logits: 0.28, the
        # loss falling at every step.
        return torch.optim.LBFGS([self._x], lr=lr, max_iter=1,
                                 history_size=lbfgs_history(cfg.size))

    def _to_param(self, image: Tensor) -> Tensor:
        """The optimised variable for an image in [0, 1]: its logits for L-BFGS, the image
        itself for Adam (clamped after each of its steps)."""
        if self.config.optimizer == "adam":
            return image.clone()
        return torch.logit(image.clamp(LOGIT_EPS, 1 - LOGIT_EPS))

    def _to_image(self, param: Tensor) -> Tensor:
        return param if self.config.optimizer == "adam" else torch.sigmoid(param)

    # ----------------------------------------------------------------------- evaluation
    def losses(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """(total, content, style, tv), weighted, float32 scalars, differentiable in ``x``.

        Each layer's loss is taken as soon as the forward pass reaches it (`extract`'s
        ``reduce``), so the backward pass computes its gradient only when it gets there.
        """
        cfg = self.config
        zero = x.new_zeros(())
        need = list(self._style_weights) + ([cfg.content_layer] if cfg.content_weight > 0 else [])
        content: list[Tensor] = []
        style_terms: list[Tensor] = []

        def layer_loss(name: str, f: Tensor) -> Tensor:
            if name in self._style_weights:
                style_terms.append(style_loss({name: gram_matrix(f)}, self._style_targets,
                                              {name: self._style_weights[name]}))
            if cfg.content_weight > 0 and name == cfg.content_layer:
                content.append(content_loss(f, self._content_target))
            return zero

        if need:
            self._features(x, need, reduce=layer_loss)
        c = cfg.content_weight * content[0] if content else zero
        s = cfg.style_weight * sum(style_terms[1:], style_terms[0]) if style_terms else zero
        t = cfg.tv_weight * tv_loss(x) if cfg.tv_weight > 0 else zero
        return c + s + t, c, s, t

    def _closure(self) -> Tensor:
        self._optimizer.zero_grad(set_to_none=True)
        total, c, s, t = self.losses(self._to_image(self._x))
        total.backward()
        self._last = (c.detach(), s.detach(), t.detach(), total.detach())
        return total

    # ----------------------------------------------------------------------- public calls
    def step(self) -> StepLosses | None:
        """One optimiser step (one forward+backward evaluation); None when already finished."""
        with self._lock:
            if self.finished:
                return None
            start = time.perf_counter()
            self._optimizer.step(self._closure)
            c, s, t, total = (float(v) for v in self._last)
            n = len(self.history) + 1
            if not all(math.isfinite(v) for v in (c, s, t, total)) or \
                    not bool(torch.isfinite(self._x).all()):
                with torch.no_grad():
                    self._x.copy_(self._to_param(self._good))
                self.diverged = (f"the loss became {total} at step {n}; the image from step "
                                 f"{n - 1} is kept (try a smaller learning rate or weights)")
                self.finished = True
                return None
            with torch.no_grad():
                if self.config.optimizer == "adam":
                    self._x.clamp_(0, 1)
                self._good.copy_(self._to_image(self._x))
            record = StepLosses(n, c, s, t, total)
            self.history.append(record)
            self._seconds += time.perf_counter() - start
            if n % self._snapshot_every == 0 or n == self.config.steps:
                self._snapshot(n)
            self.finished = n >= self.config.steps
            return record

    def progress(self) -> Progress:
        done = len(self.history)
        per = self._seconds / done if done else 0.0
        left = 0 if self.finished else self.config.steps - done
        return Progress(done, self.config.steps, per, per * left,
                        self.history[-1] if self.history else None)

    def current(self) -> Tensor:
        """The last good optimised image as the optimisation sees it, a detached copy in
        [0, 1]: (1, 3, H, W) RGB, or (1, 1, H, W) luminance for luminance-only transfer (the
        start of a next, larger stage)."""
        return self._good.detach().clone()

    def image_tensor(self) -> Tensor:
        """The current (last good) image as (1, 3, H, W) float in [0, 1] on the CPU."""
        x = self._good.detach()
        if self.config.colour == "luminance":
            x = with_chroma(x, self._content_rgb)
        return x.clamp(0, 1).float().cpu()

    def image(self) -> np.ndarray:
        """The current (last good) image as (H, W, 3) uint8."""
        return to_uint8(self.image_tensor())

    def png(self) -> bytes:
        """The current image as PNG bytes (for a download)."""
        return png_bytes(self.image())

    def _snapshot(self, step: int) -> None:
        self.snapshots.append((step, self.image()))
        if len(self.snapshots) > MAX_SNAPSHOTS:  # keep the first, every other one, the last
            self.snapshots = self.snapshots[:-1:2] + self.snapshots[-1:]
