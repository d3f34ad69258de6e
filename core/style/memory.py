"""The peak memory of a style-transfer stage, estimated before it runs, and the budget it must
fit.

One evaluation keeps, for the backward pass, every feature map up to the deepest layer the
losses read (the ReLUs work in place, so a convolution's output is kept once), the output of
every pooling layer and, for max pooling, its int64 indices. The backward pass then holds the
gradient of a layer's output and of its input at once while the maps of the layers before it
are still kept. Add the network's private copy, the optimiser's state (L-BFGS: two
image-sized vectors per remembered step, and a few more) and the images and targets.
`estimate` walks VGG19's layers and adds these up; `core.runtime.memory.peak_bytes` measures
the same quantity (tensor bytes alive at once), and the tests hold the two within 25%.

The budget is ``CNNLAB_STYLE_MEMORY_GB`` (gigabytes, 10^9 bytes) when set; otherwise 1.5 GB on a
CPU (Streamlit Community Cloud gives an app 690 MB to 2.7 GB) and 90% of the free memory on a
GPU. The estimate counts tensors only: the process itself (Python, torch's libraries) needs a
few hundred MB more.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torchvision.models.vgg import cfgs

from core.checks import InputError, plain
from core.style.vgg import layer_index

if TYPE_CHECKING:
    from core.style.transfer import StyleConfig

__all__ = ["BUDGET_ENV", "DEFAULT_BUDGET_GB", "MemoryEstimate", "budget_bytes", "check",
           "estimate"]

BUDGET_ENV = "CNNLAB_STYLE_MEMORY_GB"
DEFAULT_BUDGET_GB = 1.5
GPU_SHARE = 0.9  # of the free GPU memory, when the variable is not set
GB = 10**9


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes of tensor memory one stage holds at its peak, by what holds them."""

    size: tuple[int, int]  # (H, W) of the stage
    weights: int  # the private copy of VGG19 up to the deepest layer
    activations: int  # feature maps kept for the backward pass and gradients, at the peak
    optimiser: int  # L-BFGS history or Adam moments
    images: int  # the optimised image, its gradient and last good copy, the targets

    @property
    def total(self) -> int:
        return self.weights + self.activations + self.optimiser + self.images


def _layers(last: int) -> list[tuple[str, int, int, int]]:
    """(kind, channels in, channels out, halvings before it) for every module up to index
    ``last`` of vgg19().features: kind "conv" (with its in-place ReLU) or "pool"."""
    out, c_in, halvings, index = [], 3, 0, 0
    for item in cfgs["E"]:
        if index > last:
            break
        if item == "M":
            out.append(("pool", c_in, c_in, halvings))
            halvings += 1
            index += 1
        else:
            out.append(("conv", c_in, int(item), halvings))
            c_in = int(item)
            index += 2  # the conv and its ReLU
    return out


def estimate(config: StyleConfig, hw: tuple[int, int], *, precision: str) -> MemoryEstimate:
    """The peak tensor memory of one stage of ``config`` at ``hw`` = (H, W) in ``precision``
    ("fp32" | "bf16", resolved)."""
    from core.style.transfer import lbfgs_history

    h, w = hw
    b = 2 if precision == "bf16" else 4
    layers = _layers(layer_index(_deepest(config)))

    def pixels(halvings: int) -> int:  # a pooling layer floors each side
        return (h >> halvings) * (w >> halvings)

    weights = sum(9 * ci * co + co for kind, ci, co, _ in layers if kind == "conv") * b
    # kept for the backward pass, in forward order: the network's input, then each module's
    kept = [3 * h * w * b]
    for kind, _, co, k in layers:
        if kind == "conv":
            kept.append(co * pixels(k) * b)
        else:  # the pooled map; max pooling also its int64 indices
            kept.append(co * pixels(k + 1) * (b + (8 if config.pooling == "max" else 0)))
    outputs = [3 * h * w * b] + [co * pixels(k + (kind == "pool")) * b
                                 for kind, _, co, k in layers]
    if precision == "bf16" and config.content_weight > 0:  # the content loss compares in fp32
        kept.append(outputs[1 + _position(layers, config.content_layer)] * 2)
    # the backward pass at module i: the maps kept up to it, its output's gradient and its
    # input's (a sum of two at a layer a loss reads: one more); the end of the forward pass
    # holds everything kept
    peak = sum(kept)
    for i in range(len(layers), 0, -1):
        peak = max(peak, sum(kept[: i + 1]) + 2 * outputs[i] + outputs[i - 1])
    channels = 1 if config.colour == "luminance" else 3
    n = channels * h * w * 4  # one image-sized float32 vector
    if config.optimizer == "lbfgs":
        optimiser = (2 * lbfgs_history(max(h, w)) + 4) * n
    else:
        optimiser = 2 * n
    content_target = 0
    if config.content_weight > 0:
        content_target = outputs[1 + _position(layers, config.content_layer)] // b * 4
    images = 3 * n + 3 * h * w * 4 + content_target  # x, its gradient, the last good x; RGB
    return MemoryEstimate((h, w), weights, peak, optimiser, images)


def _deepest(config: StyleConfig) -> str:
    return max(config.layers_used(), key=layer_index)


def _position(layers: list[tuple[str, int, int, int]], name: str) -> int:
    """The position in `_layers` of conv layer ``name`` (conv<block>_<n>)."""
    block, n = (int(v) for v in name.removeprefix("conv").split("_"))
    seen_block, count = 1, 0
    for i, (kind, _, _, _) in enumerate(layers):
        if kind == "pool":
            seen_block, count = seen_block + 1, 0
            continue
        count += 1
        if (seen_block, count) == (block, n):
            return i
    raise InputError(f"{name} is past the layers estimated", "vgg_layer_past_end", layer=name,
                     count=len(layers))


def budget_bytes(device: torch.device | str) -> int:
    """The memory a stage may use on ``device``: ``CNNLAB_STYLE_MEMORY_GB`` when set, else 1.5 GB
    on a CPU and 90% of the free memory on a GPU."""
    raw = os.environ.get(BUDGET_ENV, "").strip()
    if raw:
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise InputError(f"{BUDGET_ENV} must be a number of gigabytes above 0, got {raw!r}",
                             "style_memory_env", name=BUDGET_ENV, value=plain(raw))
        return int(value * GB)
    device = torch.device(device)
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free * GPU_SHARE)
    return int(DEFAULT_BUDGET_GB * GB)


def check(est: MemoryEstimate, device: torch.device | str) -> None:
    """InputError when ``est`` is over the budget of ``device``."""
    budget = budget_bytes(device)
    if est.total > budget:
        h, w = est.size
        raise InputError(
            f"a stage of {h}x{w} px needs about {est.total / GB:.2f} GB at its peak, over the "
            f"budget of {budget / GB:.2f} GB: choose a smaller size, average pooling or fewer "
            f"deep layers, or set {BUDGET_ENV} to allow more", "style_memory",
            h=h, w=w, need=round(est.total / GB, 2), budget=round(budget / GB, 2),
            variable=BUDGET_ENV)
