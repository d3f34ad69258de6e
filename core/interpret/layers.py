"""Look inside a trained CNN: layer table with receptive fields, activations, filters,
top-activating examples and activation maximisation.

Every function treats the model as shared and read-only (``st.cache_resource`` hands one
instance to every session): no hooks, no train()/eval() switch, no parameter, buffer, attribute
or ``.grad`` written, also when a function raises. Layers run from an FX graph of the model,
read node by node: built by hand for a plain ``nn.Sequential`` tree (no tracing at all), else
traced once per model with torchvision's ``NodePathTracer`` and cached weakly. Names are those
of ``create_feature_extractor`` (a module's second call gets "_1": ``layer1.0.relu_1``) except
that module paths stay whole (torchvision calls tiny_vgg's conv1_1, conv1_2 "conv1", "conv1_1").
``create_feature_extractor`` itself is not used: it switches the model to train() and back
while tracing (and leaves it switched if tracing fails), and a following ``inplace=True`` ReLU
overwrites the outputs it returns; here every captured output is cloned on the spot.
FX tracing patches ``nn.Module.__call__`` process-wide while it runs, so a trace waits until no
forward pass of this module (or of a caller holding ``shared_forward()``) is in flight.

Receptive fields: Araujo, Norris & Sim (2019), "Computing Receptive Fields of Convolutional
Neural Networks", Distill, https://distill.pub/2019/computing-receptive-fields/ ; Dumoulin &
Visin (2016), "A guide to convolution arithmetic for deep learning", arXiv:1603.07285.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor, fx, nn

from core.checks import (
    InputError,
    check_batch,
    check_input_shape,
    check_int,
    check_number,
    is_int,
    plain,
)
from core.interpret.receptive import Field, conv_window, pair, receptive_fields
from core.runtime.graph import (
    GUARD,
    check_model,
    fits,
    model_graph,
    probe,
    resolve_layers,
    run_nodes,
)

__all__ = [
    "activation_maximisation",
    "activations",
    "activations_and_probs",
    "ActMaxResult",
    "ascent_node",
    "channel_order",
    "check_stats",
    "check_unit",
    "conv_layer_names",
    "filter_images",
    "filter_weights",
    "layer_names",
    "layer_row",
    "layer_table",
    "LayerInfo",
    "macs_to",
    "MAX_JITTER",
    "MAX_STEPS",
    "predict",
    "receptive_box",
    "top_activating",
    "TopExample",
    "top_per_channel",
]


MAX_STEPS = 2000
MAX_JITTER = 8


# --------------------------------------------------------------------------- public records
@dataclass(frozen=True)
class LayerInfo:
    """One row of the layer table (a leaf module call, or the input)."""

    name: str  # layer name usable with `activations`; "input" for the first row
    type: str  # module class name, e.g. "Conv2d"
    output_shape: tuple[int, ...]  # without the batch dim: (C, H, W) or (N,)
    params: int  # parameter elements of this module (0 for a second call of the same module)
    # side (px) of the input square one unit sees (its bounding box: a dilation wider than the
    # field below leaves holes in it); None after flatten / linear: see note
    receptive_field: int | None
    jump: int | None  # input px between neighbouring units (effective stride)
    start: float | None  # centre of unit (0, 0)'s field; pixel-index coords, 0.0 = centre of px 0
    detail: str  # e.g. "32 filters 5×5, stride 1, pad 0"
    note: str = ""  # why receptive_field is None (whole input, not computed...), or a caveat
    # the detail as data, for an interface that words it in its own language: a kind ("conv",
    # "pool", "adaptive", "batchnorm", "dropout", "input"; "" when the detail is
    # language-neutral, e.g. "max(0, x)" or "3136 → 128") and its values as (name, value) pairs
    detail_key: str = ""
    detail_values: tuple[tuple[str, Any], ...] = ()
    # multiply-adds of this call for one image (Conv2d, Linear; 0 for every other layer): the
    # cost of a forward pass up to a layer is their sum (`macs_to`)
    macs: int = 0


@dataclass(frozen=True, eq=False)
class TopExample:
    """One of the images that excite a channel most."""

    index: int  # index into the images given
    score: float  # the channel's max activation on that image
    position: tuple[int, int]  # (row, col) of that max in the layer's map; (0, 0) for a 1-D layer
    box: tuple[int, int, int, int]  # (r0, r1, c0, c1) half-open input patch of that unit


@dataclass(frozen=True, eq=False)
class ActMaxResult:
    """The outcome of `activation_maximisation`."""

    image: Tensor  # (C, H, W) float in [0, 1], de-normalised and clamped, for display
    raw: Tensor  # (1, C, H, W) the optimised normalised input
    trajectory: list[float]  # the target activation of the (un-jittered) input after each step
    stopped: bool  # True when should_stop() ended it early


# --------------------------------------------------------------------------- layer table
def _fmt(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"


def _detail(m: nn.Module, in_shape: tuple[int, ...] | None,
            out_shape: tuple[int, ...]) -> tuple[str, str, tuple[tuple[str, Any], ...]]:
    """A module's detail as (English text, kind, values)."""
    if isinstance(m, nn.Conv2d):
        k, s = pair(m.kernel_size), pair(m.stride)
        pad = m.padding if isinstance(m.padding, str) else _fmt(pair(m.padding))
        dilation = _fmt(pair(m.dilation)) if pair(m.dilation) != (1, 1) else ""
        groups = m.groups if m.groups > 1 else 0
        text = f"{m.out_channels} filters {k[0]}×{k[1]}, stride {_fmt(s)}, pad {pad}"
        text += f", dilation {dilation}" if dilation else ""
        text += f", groups {groups}" if groups else ""
        return text, "conv", (("n", m.out_channels), ("k", f"{k[0]}×{k[1]}"), ("s", _fmt(s)),
                              ("p", pad), ("dilation", dilation), ("groups", groups))
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
        k, (_, s, p, _) = pair(m.kernel_size), conv_window(m, None)
        kind = "max" if isinstance(m, nn.MaxPool2d) else "avg"
        pad = _fmt(p) if p != (0, 0) else ""
        text = f"{k[0]}×{k[1]} {kind}, stride {_fmt(s)}" + (f", pad {pad}" if pad else "")
        return text, "pool", (("kind", kind), ("k", f"{k[0]}×{k[1]}"), ("s", _fmt(s)),
                              ("p", pad))
    if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        kind = "avg" if isinstance(m, nn.AdaptiveAvgPool2d) else "max"
        size = "×".join(map(str, out_shape[-2:]))
        return f"adaptive {kind} → {size}", "adaptive", (("kind", kind), ("size", size))
    if isinstance(m, nn.Linear):
        return f"{m.in_features} → {m.out_features}", "", ()
    if isinstance(m, nn.Flatten) and in_shape is not None:
        return f"{'×'.join(map(str, in_shape[1:]))} → {math.prod(out_shape[1:])}", "", ()
    if isinstance(m, nn.BatchNorm2d):
        return f"normalises {m.num_features} channels", "batchnorm", (("n", m.num_features),)
    if isinstance(m, nn.ReLU):
        return "max(0, x)", "", ()
    if isinstance(m, nn.Dropout):
        return f"p = {m.p} (off in eval)", "dropout", (("p", float(m.p)),)
    return "", "", ()


def _square(rf: Field | None, note: str) -> tuple[int | None, int | None, float | None, str]:
    if rf is None:
        return None, None, None, note
    if rf.size[0] != rf.size[1] or rf.jump[0] != rf.jump[1] or rf.start[0] != rf.start[1]:
        return None, None, None, (f"non-square receptive field {rf.size[0]}×{rf.size[1]}, "
                                  f"jump {_fmt(rf.jump)}")
    return rf.size[0], rf.jump[0], rf.start[0], note


def _shape_of(value: Any) -> tuple[int, ...] | None:
    return tuple(value.shape) if isinstance(value, Tensor) else None


def _macs(m: nn.Module, out_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one call of a Conv2d or Linear for one image (out_shape has the batch)."""
    outputs = math.prod(out_shape[1:])
    if isinstance(m, nn.Conv2d):
        k = pair(m.kernel_size)
        return outputs * (m.in_channels // m.groups) * k[0] * k[1]
    if isinstance(m, nn.Linear):
        return outputs * m.in_features
    return 0


def layer_table(model: nn.Module, input_shape: tuple[int, int, int]) -> list[LayerInfo]:
    """One row per leaf-module call in execution order, after an "input" row.

    Output shapes come from a real forward pass of a zero image (no_grad); receptive fields
    from the layer arithmetic of Araujo et al. (2019), with element-wise merges (residual adds)
    taking the box that covers every path.
    Args:
        model: shared model in eval mode; input_shape: (C, H, W) of one input image.
    Returns:
        list[LayerInfo]; the params column sums to the model's parameter count when every
        parameter belongs to a called leaf module.
    """
    g = model_graph(model)
    shape = check_input_shape(input_shape)
    with torch.no_grad(), fits(f"input_shape {shape}", shape=shape):
        shapes = run_nodes(model, g, probe(model, (1, *shape)), None, _shape_of)
    rfs = receptive_fields(model, g, shapes)
    c, h, w = shape
    rows = [LayerInfo("input", "Input", shape, 0, 1, 1, 0.0, f"{c}×{h}×{w} image",
                      detail_key="input", detail_values=(("shape", f"{c}×{h}×{w}"),))]
    seen: set[int] = set()
    for name, node in g.layers.items():
        m = model.get_submodule(node.target)
        params = 0 if id(m) in seen else sum(p.numel() for p in m.parameters())
        seen.add(id(m))
        first = next(iter(node.all_input_nodes), None)
        out = shapes[node] or (0,)
        rf, jump, start, note = _square(*rfs[node])
        text, key, values = _detail(m, shapes.get(first), out)
        rows.append(LayerInfo(name, type(m).__name__, out[1:], params, rf, jump, start, text,
                              note, key, values, _macs(m, out)))
    return rows


def macs_to(table: Sequence[LayerInfo], layer: str) -> int:
    """Multiply-adds of a forward pass of one image up to ``layer`` (included), from a
    `layer_table`: what `activations` of that layer computes (element-wise work aside)."""
    total = 0
    for row in table:
        total += row.macs
        if row.name == layer:
            return total
    names = tuple(r.name for r in table)
    raise InputError(f"unknown layer {layer!r}; valid names: {', '.join(names)}", "choice",
                     name="layer", value=plain(layer), choices=names)


def layer_names(model: nn.Module) -> list[str]:
    """Names usable with `activations`: leaf-module calls in execution order."""
    return list(model_graph(model).layers)


def conv_layer_names(model: nn.Module) -> list[str]:
    """The `layer_names` whose module is an ``nn.Conv2d``."""
    g = model_graph(model)
    return [name for name, node in g.layers.items()
            if isinstance(model.get_submodule(node.target), nn.Conv2d)]


# --------------------------------------------------------------------------- activations
def activations(model: nn.Module, x: Tensor, layers: list[str]) -> dict[str, Tensor]:
    """Outputs of the named layers for a batch (one forward pass, stopped after the last).

    Args:
        model: shared model in eval mode; x: (B, C, H, W) normalised float input.
        layers: names from `layer_names`.
    Returns:
        {name: detached copy of that layer's output, (B, C', H', W') or (B, N)} in request order.
    """
    g = model_graph(model)
    nodes = resolve_layers(g, layers)
    x = check_batch(x)
    with torch.no_grad(), fits(f"x of shape {tuple(x.shape)}", shape=tuple(x.shape)):
        out = run_nodes(model, g, x, set(nodes.values()),
                   lambda v: v.detach().clone() if isinstance(v, Tensor) else v)
    return {name: out[node] for name, node in nodes.items()}


def predict(model: nn.Module, x: Tensor) -> Tensor:
    """Softmax class probabilities (B, K) for a normalised batch x (B, C, H, W), no gradients."""
    check_model(model)
    x = check_batch(x)
    with torch.no_grad(), fits(f"x of shape {tuple(x.shape)}", shape=tuple(x.shape)), GUARD.run():
        logits = model(x)
    return _softmax(logits)


def _softmax(logits: Any) -> Tensor:
    if not isinstance(logits, Tensor) or logits.dim() != 2:
        got = tuple(logits.shape) if isinstance(logits, Tensor) else type(logits).__name__
        raise InputError(f"model must return logits (B, K), got shape {got}",
                         "model_output_not_logits", value=str(got))
    return logits.float().softmax(dim=1)


def activations_and_probs(model: nn.Module, x: Tensor,
                          layers: list[str]) -> tuple[dict[str, Tensor], Tensor]:
    """`activations` and `predict` from one forward pass (a page shows both for one image).

    Args:
        model: shared model in eval mode; x: (B, C, H, W) normalised float input.
        layers: names from `layer_names`.
    Returns:
        ({name: detached copy of that layer's output} in request order, softmax (B, K)).
    """
    g = model_graph(model)
    nodes = resolve_layers(g, layers)
    x = check_batch(x)
    result = next(n for n in reversed(g.graph.nodes) if n.op == "output").args[0]
    if not isinstance(result, fx.Node) or result.op == "placeholder":  # a tuple, a dict...
        return activations(model, x, layers), predict(model, x)
    with torch.no_grad(), fits(f"x of shape {tuple(x.shape)}", shape=tuple(x.shape)):
        out = run_nodes(model, g, x, {*nodes.values(), result},
                        lambda v: v.detach().clone() if isinstance(v, Tensor) else v)
    return {name: out[node] for name, node in nodes.items()}, _softmax(out[result])


def channel_order(act: Tensor, by: str = "mean") -> list[int]:
    """Channel indices of one activation, strongest first.

    Args:
        act: (C, H, W) (or (N,) for a fully connected layer) activation of one image.
        by: "mean" or "max" over each channel's map (descending, ties by index), or "index".
    Returns:
        A permutation of range(C).
    """
    if not isinstance(act, Tensor) or act.dim() not in (1, 3):
        got = tuple(act.shape) if isinstance(act, Tensor) else type(act).__name__
        raise InputError(f"act must be a (C, H, W) or (N,) tensor, got {got}",
                         "activation_shape", value=str(got))
    if by not in ("mean", "max", "index"):
        raise InputError(f"by must be 'mean', 'max' or 'index', got {by!r}", "choice", name="by",
                         value=plain(by), choices=("mean", "max", "index"))
    if by == "index":
        return list(range(act.shape[0]))
    flat = act.detach().float().reshape(act.shape[0], -1)  # (C, H*W)
    score = flat.mean(1) if by == "mean" else flat.amax(1)
    return torch.sort(score, descending=True, stable=True).indices.tolist()


def filter_weights(model: nn.Module, layer: str) -> Tensor:
    """A detached copy (out, in / groups, kh, kw) of a Conv2d layer's weight."""
    g = model_graph(model)
    node = resolve_layers(g, [layer])[layer]
    m = model.get_submodule(node.target)
    if not isinstance(m, nn.Conv2d):
        raise InputError(f"layer must be a Conv2d ({', '.join(conv_layer_names(model))}), "
                         f"got {layer!r} ({type(m).__name__})", "layer_not_conv",
                         layer=plain(layer), kind=type(m).__name__,
                         choices=tuple(conv_layer_names(model)))
    return m.weight.detach().clone()


def filter_images(model: nn.Module, layer: str) -> Tensor:
    """A Conv2d layer's filters as images: (out, kh, kw, in / groups) in [0, 1], each filter
    min-max scaled on its own (a constant filter is mid-grey 0.5). For a first layer on RGB
    input the last axis is (R, G, B): the filters drawn in colour, as Krizhevsky et al. (2012)
    show AlexNet's.
    """
    w = filter_weights(model, layer).float()  # (out, in, kh, kw)
    lo = w.amin(dim=(1, 2, 3), keepdim=True)
    span = w.amax(dim=(1, 2, 3), keepdim=True) - lo  # (out, 1, 1, 1)
    scaled = torch.where(span > 0, (w - lo) / span.where(span > 0, torch.ones_like(span)), 0.5)
    return scaled.permute(0, 2, 3, 1).contiguous()  # (out, kh, kw, in)


def receptive_box(info: LayerInfo, row: int, col: int,
                  image_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The input box (r0, r1, c0, c1), half-open and clipped to the image, that unit (row, col)
    of a layer sees; the whole image when the layer has no receptive field (after flatten)."""
    if (not isinstance(image_size, Sequence) or len(image_size) != 2
            or not all(is_int(v) and v >= 1 for v in image_size)):
        raise InputError(f"image_size must be (height, width) of positive integers, "
                         f"got {image_size!r}", "image_size_pair", value=repr(image_size))
    rows, cols = info.output_shape[1:] if len(info.output_shape) == 3 else (1, 1)
    for name, v, n in (("row", row, rows), ("col", col, cols)):
        check_int(name, v, 0, n - 1, where=f" for {info.name!r}")
    h, w = image_size
    if info.receptive_field is None:
        return (0, h, 0, w)
    half = (info.receptive_field - 1) / 2
    r0 = round(info.start + row * info.jump - half)  # an integer: see LayerInfo.start
    c0 = round(info.start + col * info.jump - half)
    r1, c1 = r0 + info.receptive_field, c0 + info.receptive_field
    return (max(r0, 0), min(r1, h), max(c0, 0), min(c1, w))


# --------------------------------------------------------------------------- unit selection
def layer_row(model: nn.Module, layer: str, shape: tuple[int, int, int]) -> LayerInfo:
    """The layer's table row (its output shape and receptive field), for a known layer."""
    info = next(r for r in layer_table(model, shape) if r.name == layer)
    if len(info.output_shape) not in (1, 3):
        raise InputError(f"layer must output (C, H, W) maps or (N,) units, got {layer!r} "
                         f"with shape {info.output_shape}", "layer_output_not_maps",
                         layer=plain(layer), shape=str(tuple(info.output_shape)))
    return info


def check_unit(info: LayerInfo, channel: Any) -> int:
    return check_int("channel", channel, 0, info.output_shape[0] - 1, where=f" for {info.name!r}")


def _unit(out: Tensor, channel: int) -> Tensor:
    """(B,) the channel map's mean for a (B, C, H, W) output, or the unit for (B, N)."""
    unit = out[:, channel]
    return unit.flatten(1).mean(1) if unit.dim() > 1 else unit


def _scale_box(box: tuple[int, int, int, int], source: tuple[int, int],
               target: tuple[int, int]) -> tuple[int, int, int, int]:
    """A half-open box of a (h, w) image in a (H, W) one of the same picture: the smallest box
    of whole target pixels covering it."""
    (h, w), (th, tw) = source, target
    r0, r1, c0, c1 = box
    return (r0 * th // h, min(-(-r1 * th // h), th), c0 * tw // w, min(-(-c1 * tw // w), tw))


def top_activating(model: nn.Module, images: Tensor, layer: str, channel: int, *, k: int = 9,
                   normalize: Callable[[Tensor], Tensor], batch_size: int = 256,
                   progress: Callable[[int, int], None] | None = None) -> list[TopExample]:
    """The k images whose channel map has the largest maximum, with the patch around it.

    Yosinski et al. (2015), "Understanding Neural Networks Through Deep Visualization",
    https://arxiv.org/abs/1506.06579 (Deep Visualization Toolbox).
    Args:
        images: (N, C, H, W) uint8, e.g. a dataset split; normalize: uint8 batch -> float input
            (B, C', H', W'), which may convert channels and size (``core.data.fit.InputFit``).
        layer, channel: the unit (for a (N,)-output layer, channel is the unit index).
        k: how many (at most N); batch_size: images per forward pass.
        progress: progress(images done, N) after each batch.
    Returns:
        list[TopExample], highest score first (ties: lower index first); boxes in the pixels
        of ``images`` (scaled from the model's input when normalize resizes).
    """
    return top_per_channel(model, images, layer, [channel], k=k, normalize=normalize,
                           batch_size=batch_size, progress=progress)[0]


def top_per_channel(model: nn.Module, images: Tensor, layer: str, channels: Sequence[int], *,
                    k: int = 1, normalize: Callable[[Tensor], Tensor], batch_size: int = 256,
                    progress: Callable[[int, int], None] | None = None
                    ) -> list[list[TopExample]]:
    """`top_activating` for several channels of one layer in one pass over the images: per
    channel (in the order given), its k images."""
    if (not isinstance(images, Tensor) or images.dtype != torch.uint8 or images.dim() != 4
            or not len(images)):
        got = (f"{tuple(images.shape)} {images.dtype}" if isinstance(images, Tensor)
               else type(images).__name__)
        raise InputError(f"images must be a non-empty (N, C, H, W) uint8 tensor, got {got}",
                         "images_uint8_batch", value=got)
    check_int("k", k, 1)
    check_int("batch_size", batch_size, 1)
    for name, fn in (("normalize", normalize), ("progress", progress)):
        if (fn is not None or name == "normalize") and not callable(fn):
            raise InputError(f"{name} must be callable, got {fn!r}", "not_callable",
                             name=name, value=repr(fn))
    g = model_graph(model)
    node = resolve_layers(g, [layer])[layer]
    with torch.no_grad():
        x = check_batch(normalize(images[:batch_size]))  # the first batch: the model's input
    shape = tuple(x.shape[1:])  # (C', H', W')
    info = layer_row(model, layer, shape)
    channels = [check_unit(info, c) for c in channels]
    picked = torch.tensor(channels)
    scores, where = [], []
    with torch.no_grad(), fits(f"images converted to {shape}", shape=shape):
        for i in range(0, len(images), batch_size):
            if x is None:
                x = check_batch(normalize(images[i:i + batch_size]))
            out = run_nodes(model, g, x, {node}, lambda v: v)[node]
            x = None
            fmap = out[:, picked].reshape(len(out), len(channels), -1).float()  # (B, K, H'*W')
            best, pos = fmap.max(dim=2)  # first position of the max
            scores.append(best)
            where.append(pos)
            if progress is not None:
                progress(min(i + batch_size, len(images)), len(images))
    score, pos = torch.cat(scores), torch.cat(where)  # (N, K)
    width = info.output_shape[2] if len(info.output_shape) == 3 else 1
    size, model_size = tuple(images.shape[2:]), shape[1:]
    result = []
    for j in range(len(channels)):
        order = torch.sort(score[:, j], descending=True, stable=True).indices[:k].tolist()
        found = []
        for i in order:
            r, c = divmod(int(pos[i, j]), width)
            box = receptive_box(info, r, c, model_size)
            if model_size != size:
                box = _scale_box(box, model_size, size)
            found.append(TopExample(i, float(score[i, j]), (r, c), box))
        result.append(found)
    return result


# --------------------------------------------------------------------------- activation max.
def check_stats(name: str, values: Any, channels: int, *, positive: bool) -> Tensor:
    ok = isinstance(values, Sequence) and len(values) == channels and all(
        isinstance(v, numbers.Real) and math.isfinite(v) and (v > 0 or not positive)
        for v in values)
    if not ok:
        rule = "positive finite numbers" if positive else "finite numbers"
        raise InputError(f"{name} must be {channels} {rule} (one per channel), got {values!r}",
                         "channel_stats_positive" if positive else "channel_stats_finite",
                         name=name, channels=channels, value=repr(values))
    return torch.tensor([float(v) for v in values]).view(1, -1, 1, 1)  # (1, C, 1, 1)


def _total_variation(x: Tensor) -> Tensor:
    """Mean absolute difference of vertical and horizontal neighbours (anisotropic TV)."""
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., 1:] - x[..., :-1]).abs().mean()


def ascent_node(model: nn.Module, node: fx.Node) -> fx.Node:
    """The node to climb for a target: a ReLU layer's input, whose gradient does not vanish
    where the unit is switched off (Olah et al. 2017 optimise pre-ReLU values too)."""
    sources = node.all_input_nodes
    if (node.op == "call_module" and isinstance(model.get_submodule(node.target), nn.ReLU)
            and len(sources) == 1 and sources[0].op != "placeholder"):
        return sources[0]
    return node


def activation_maximisation(model: nn.Module, layer: str, channel: int, *,
                            input_shape: tuple[int, int, int], mean: Sequence[float],
                            std: Sequence[float], steps: int = 200, lr: float = 0.05,
                            jitter: int = 2, tv_weight: float = 0.3, l2_weight: float = 0.01,
                            seed: int = 0,
                            progress: Callable[[int, int, float], None] | None = None,
                            should_stop: Callable[[], bool] | None = None) -> ActMaxResult:
    """An input image that excites one channel (or unit) strongly, by gradient ascent on the input.

    Erhan et al. (2009), "Visualizing Higher-Layer Features of a Deep Network"; Olah, Mordvintsev
    & Schubert (2017), "Feature Visualization", https://distill.pub/2017/feature-visualization/
    Objective: mean of the channel's map (or the unit; for a ReLU layer, its input, so that a
    unit that starts switched off still has a gradient) on the input rolled by up to ``jitter``
    px, minus tv_weight·TV(x) minus l2_weight·mean(x²); Adam on a private input, clamped after
    each step to the valid normalised range [(0 − mean)/std, (1 − mean)/std]. The model is only
    read: gradients come from ``torch.autograd.grad`` w.r.t. the input.
    Args:
        layer, channel: the unit; input_shape: (C, H, W); mean/std: the model's normalisation.
        steps: 1..2000; lr: Adam step > 0; jitter: 0..8 px; tv_weight, l2_weight: >= 0;
        seed: start noise and jitter (own generator); progress(step, steps, activation) after
        each step; should_stop() checked before each step.
    Returns:
        ActMaxResult.
    """
    shape = check_input_shape(input_shape)
    check_int("steps", steps, 1, MAX_STEPS)
    lr = check_number("lr", lr, 0, open_low=True)
    check_int("jitter", jitter, 0, MAX_JITTER)
    tv_weight = check_number("tv_weight", tv_weight, 0)
    l2_weight = check_number("l2_weight", l2_weight, 0)
    check_int("seed", seed)
    for name, fn in (("progress", progress), ("should_stop", should_stop)):
        if fn is not None and not callable(fn):
            raise InputError(f"{name} must be callable or None, got {fn!r}", "not_callable",
                             name=name, value=repr(fn))
    mean_t = check_stats("mean", mean, shape[0], positive=False)
    std_t = check_stats("std", std, shape[0], positive=True)
    g = model_graph(model)
    node = resolve_layers(g, [layer])[layer]
    info = layer_row(model, layer, shape)
    channel = check_unit(info, channel)

    like = probe(model, (1, *shape))  # dtype/device of the model's input
    lo, hi = ((0 - mean_t) / std_t).to(like), ((1 - mean_t) / std_t).to(like)  # (1, C, 1, 1)
    gen = torch.Generator().manual_seed(int(seed))
    x = (0.1 * torch.randn((1, *shape), generator=gen)).to(like)
    x = torch.maximum(torch.minimum(x, hi), lo).requires_grad_(True)  # private leaf
    opt = torch.optim.Adam([x], lr=lr)

    ascend = ascent_node(model, node)

    def unit(at: fx.Node, inp: Tensor) -> Tensor:  # (1,) the unit's activation at node `at`
        return _unit(run_nodes(model, g, inp, {at}, lambda v: v.clone())[at], channel)

    trajectory, stopped = [], False
    with torch.inference_mode(False), torch.enable_grad():
        for step in range(steps):
            if should_stop is not None and should_stop():
                stopped = True
                break
            dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist()
            moved = torch.roll(x, shifts=(dy, dx), dims=(2, 3))
            objective = (unit(ascend, moved).sum() - tv_weight * _total_variation(x)
                         - l2_weight * x.square().mean())
            (grad,) = torch.autograd.grad(objective, x)
            x.grad = -grad  # Adam minimises; this leaf is ours, not the model's
            opt.step()
            with torch.no_grad():
                x.copy_(torch.maximum(torch.minimum(x, hi), lo))
                trajectory.append(float(unit(node, x)))
            if progress is not None:
                progress(step + 1, steps, trajectory[-1])
    raw = x.detach().clone()
    image = (raw[0].cpu() * std_t[0] + mean_t[0]).clamp(0, 1)  # (C, H, W)
    return ActMaxResult(image=image, raw=raw, trajectory=trajectory, stopped=stopped)
