"""Architectures as data turned into layers: one builder (in the style of torchvision's
``models/vgg.py``), the model a card describes, and the course notes' wrong flatten size.

tiny_vgg follows CNN Explainer: Wang et al. (2020), "CNN Explainer: Learning Convolutional
Neural Networks with Interactive Visualization", https://poloclub.github.io/cnn-explainer/
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn

from core.checks import InputError, check_int, plain
from core.models.archs import (
    TORCHVISION_ARCHS,
    _check_in_channels,
    _conv_plan,
    _final_size,
    _spec,
    _Step,
    arch_kind,
    resolve_options,
)

if TYPE_CHECKING:
    from core.models.cards import ModelCard

__all__ = [
    "build_from_card",
    "build_model",
    "build_torchvision",
    "count_parameters",
    "FlattenDemo",
    "notes_flatten_demo",
]



def build_model(arch: str, *, in_channels: int, num_classes: int, image_size: int,
                channels: tuple[int, ...] | None = None, kernel_size: int | None = None,
                batch_norm: bool = False, dropout: float = 0.0,
                hidden: int | None = None) -> nn.Sequential:
    """Build an architecture of ``ARCHS`` as an ``nn.Sequential`` with named layers.

    Uses the global RNG only through the layer constructors (seed with ``torch.manual_seed``).
    Args:
        arch: a key of ``ARCHS``; in_channels: 1 or 3; num_classes: >= 2;
        image_size: input height = width in pixels; the other options: see ``ArchSpec.defaults``
        (``dropout``/``hidden`` exist only for ``small_cnn``).
    Returns:
        A model mapping (B, in_channels, image_size, image_size) to logits (B, num_classes).
    """
    spec = _spec(arch)
    _check_in_channels(in_channels)
    check_int("num_classes", num_classes, 2)
    opts = resolve_options(arch, channels=channels, kernel_size=kernel_size,
                           batch_norm=batch_norm, dropout=dropout, hidden=hidden)
    plan = _conv_plan(spec, in_channels, opts)
    size = _final_size(arch, plan, image_size)
    layers: list[tuple[str, nn.Module]] = [(s.name, _module(s)) for s in plan]
    flat = opts["channels"][-1] * size * size  # (B, C, H, W) -> (B, C*H*W)
    layers.append(("flatten", nn.Flatten()))
    if spec.head == "mlp":
        layers += [("dropout1", nn.Dropout(opts["dropout"])),
                   ("fc1", nn.Linear(flat, opts["hidden"])),
                   ("relu_fc1", nn.ReLU()), ("dropout2", nn.Dropout(opts["dropout"])),
                   ("fc2", nn.Linear(opts["hidden"], num_classes))]
    else:
        layers.append(("fc1", nn.Linear(flat, num_classes)))
    return nn.Sequential(OrderedDict(layers))


def _module(step: _Step) -> nn.Module:
    if step.kind == "conv":
        return nn.Conv2d(step.c_in, step.c_out, step.kernel, stride=step.stride,
                         padding=step.padding)
    if step.kind == "bn":
        return nn.BatchNorm2d(step.c_out)
    if step.kind == "pool":
        return nn.MaxPool2d(step.kernel, step.stride)
    return nn.ReLU()


def count_parameters(model: nn.Module, *, trainable_only: bool = False) -> int:
    """Number of parameter elements (buffers such as BatchNorm running stats excluded)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def build_torchvision(arch: str, *, num_classes: int = 1000) -> nn.Module:
    """A torchvision classifier of ``TORCHVISION_ARCHS`` with fresh weights (torchvision's own
    initialisation; seed with ``torch.manual_seed`` for repeatable ones), in eval mode."""
    import torchvision

    if arch not in TORCHVISION_ARCHS:
        raise InputError(f"unknown torchvision arch; known: {', '.join(TORCHVISION_ARCHS)}, "
                         f"got {arch!r}", "choice", name="arch", value=plain(arch),
                         choices=tuple(TORCHVISION_ARCHS))
    check_int("num_classes", num_classes, 2)
    return torchvision.models.get_model(arch, weights=None, num_classes=num_classes).eval()


def build_from_card(card: ModelCard, graph: bytes | None = None) -> nn.Module:
    """Build the (freshly initialised) model a card describes; weights are the caller's.

    Args:
        card: a lab arch (an ``nn.Sequential``), a torchvision arch, or "onnx".
        graph: for "onnx" only, the ONNX file (``cards.GRAPH_FILE``) the network comes from.
    """
    kind = arch_kind(card.arch)
    if kind == "torchvision":
        return build_torchvision(card.arch, num_classes=len(card.classes))
    if kind == "onnx":
        from core.models import onnx_graph

        if graph is None:
            raise InputError("an ONNX model needs its graph file", "onnx_graph_missing")
        return onnx_graph.to_module(graph)
    c, size, _ = card.input_shape
    return build_model(card.arch, in_channels=c, num_classes=len(card.classes), image_size=size,
                       **card.options)


@dataclass(frozen=True)
class FlattenDemo:
    shapes: list[tuple[str, tuple[int, ...]]]  # layer name -> output shape (no batch dim)
    flatten: int  # the size the Linear layer must take
    notes_size: int  # what the course notes wrote (32*4)
    error: str  # what torch says when the notes' size is used


def notes_flatten_demo(image_size: int = 28, num_classes: int = 10) -> FlattenDemo:
    """Run the course notes' network with its wrong flatten size (32*4) and with the right one.

    Returns the real per-layer shapes, the correct flatten size and torch's own error message
    for the notes' ``nn.Linear(32*4, n_classes)``.
    """
    net = build_model("seed_net", in_channels=1, num_classes=num_classes,
                             image_size=image_size)
    x = torch.zeros(1, 1, image_size, image_size)
    shapes = []
    with torch.no_grad():
        for name, layer in net.named_children():
            x = layer(x)
            shapes.append((name, tuple(x.shape[1:])))
        flat = shapes[-2][1][0]  # the flatten layer's output: (C*H*W,)
        wrong = nn.Linear(32 * 4, num_classes)
        try:
            wrong(torch.zeros(1, flat))
            error = ""
        except RuntimeError as err:
            error = str(err)
    return FlattenDemo(shapes, flat, 32 * 4, error)
