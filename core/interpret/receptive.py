"""Receptive fields from layer arithmetic (size, jump, start) for every node of a model graph.

Araujo, Norris & Sim (2019), "Computing Receptive Fields of Convolutional Neural Networks",
Distill, https://distill.pub/2019/computing-receptive-fields/ ; Dumoulin & Visin (2016), "A
guide to convolution arithmetic for deep learning", arXiv:1603.07285.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
import torchvision
from torch import fx, nn

from core.runtime.graph import Graph

__all__ = [
    "conv_window",
    "Field",
    "GATE",
    "pair",
    "receptive_fields",
    "WHOLE",
]


WHOLE = "each unit sees the whole input (after flattening / a fully connected layer)"
GATE = "also scaled by a global gate (squeeze-and-excitation) that sees the whole input"

# --------------------------------------------------------------------------- receptive fields
@dataclass(frozen=True)
class Field:
    size: tuple[int, int]  # (height, width) px
    jump: tuple[int, int]
    start: tuple[float, float]

    def lo(self, axis: int) -> float:
        return self.start[axis] - (self.size[axis] - 1) / 2


_POINTWISE_MODULES = (
    nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.PReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU,
    nn.Mish, nn.Hardswish, nn.Hardsigmoid, nn.Hardtanh, nn.Sigmoid, nn.Tanh, nn.Softplus,
    nn.Identity, nn.Dropout, nn.Dropout2d, nn.AlphaDropout, nn.BatchNorm2d, nn.LocalResponseNorm,
    torchvision.ops.StochasticDepth,  # identity in eval
)
_POINTWISE_OPS = {
    operator.add, operator.iadd, operator.mul, operator.imul, operator.sub, operator.truediv,
    torch.add, torch.mul, torch.sub, torch.relu, torch.sigmoid, torch.tanh, F.relu, F.dropout,
    "add", "add_", "mul", "mul_", "sub", "div", "relu", "relu_", "sigmoid", "tanh",
    "contiguous", "clone", "float",
}
_FLATTENING_OPS = {torch.flatten, torch.mean, "flatten", "view", "reshape", "mean"}
# onnx2torch's modules (an imported ONNX network), known by class name: onnx2torch is optional
_ONNX_POINTWISE = {"OnnxHardSigmoid", "OnnxClip", "OnnxErf", "OnnxPReLU", "OnnxFunction",
                   "OnnxBatchNorm", "OnnxCast"}
_ONNX_MERGES = {"OnnxBinaryMathOperation", "OnnxConcat"}  # add/sub/mul/div, channel concat
_ONNX_GLOBAL_POOLS = {"OnnxGlobalAveragePool", "OnnxGlobalAveragePoolWithKnownInputShape"}
_ONNX_FLATTENING = {"OnnxFlatten", "OnnxReshape", "OnnxGemm", "OnnxMatMul"}


def pair(v: Any) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv_window(m: nn.Module, in_shape: tuple[int, ...] | None) -> tuple | None:
    """(kernel, stride, left padding, dilation) pairs of a sliding-window module, else None."""
    if isinstance(m, nn.Conv2d):
        k, d = pair(m.kernel_size), pair(m.dilation)
        if isinstance(m.padding, str):  # "same" pads d*(k-1) in all, the smaller half first
            pad = (0, 0) if m.padding == "valid" else tuple(
                di * (ki - 1) // 2 for ki, di in zip(k, d, strict=True))
        else:
            pad = pair(m.padding)
        return k, pair(m.stride), pad, d
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
        k = pair(m.kernel_size)
        stride = pair(m.stride) if m.stride else k
        return k, stride, pair(m.padding), pair(getattr(m, "dilation", 1))
    if type(m).__name__ in _ONNX_GLOBAL_POOLS and in_shape is not None and len(in_shape) == 4:
        k = tuple(in_shape[-2:])  # one window: the whole map
        return k, k, (0, 0), (1, 1)
    if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)) and in_shape is not None:
        size_in = in_shape[-2:]
        size_out = tuple(s if o is None else o
                         for s, o in zip(size_in, pair(m.output_size), strict=True))
        if any(i % o for i, o in zip(size_in, size_out, strict=True)):
            return None  # uneven adaptive windows
        k = tuple(i // o for i, o in zip(size_in, size_out, strict=True))
        return k, k, (0, 0), (1, 1)
    return None


def _slide(src: Field, k, s, p, d) -> Field:
    """Araujo et al. (2019): r += (k-1)·d·j;  start += ((k-1)/2·d − p)·j;  j *= s."""
    return Field(tuple(r + (ki - 1) * di * j
                       for r, ki, di, j in zip(src.size, k, d, src.jump, strict=True)),
               tuple(j * si for j, si in zip(src.jump, s, strict=True)),
               tuple(st + ((ki - 1) / 2 * di - pi) * j
                     for st, ki, di, pi, j in zip(src.start, k, d, p, src.jump, strict=True)))


def _union(fields: list[Field]) -> Field | None:
    """The field of an element-wise merge (residual add, concat): the box covering every path."""
    if len({f.jump for f in fields}) != 1:
        return None
    size, start = [], []
    for axis in (0, 1):
        lo = min(f.lo(axis) for f in fields)
        hi = max(f.lo(axis) + f.size[axis] - 1 for f in fields)
        size.append(round(hi - lo + 1))
        start.append((lo + hi) / 2)
    return Field(tuple(size), fields[0].jump, tuple(start))


def _node_rf(model: nn.Module, node: fx.Node, shapes: dict, rfs: dict) -> tuple[Field | None, str]:
    """(field of the node's unit (0, 0), note); notes travel downstream with the field."""
    if node.op == "placeholder":
        return Field((1, 1), (1, 1), (0.0, 0.0)), ""
    inputs = [n for n in node.all_input_nodes if n.op != "get_attr"]
    known = [rfs[n] for n in inputs]
    missing = next((r for r in known if r[0] is None), None)
    if node.op == "call_module":
        m = model.get_submodule(node.target)
        kind = type(m).__name__
        if isinstance(m, (nn.Linear, nn.Flatten)) or kind in _ONNX_FLATTENING:
            return None, WHOLE
        in_shape = shapes.get(inputs[0]) if inputs else None
        window = conv_window(m, in_shape)
        pointwise = isinstance(m, _POINTWISE_MODULES) or kind in _ONNX_POINTWISE
        if kind in _ONNX_MERGES and (kind != "OnnxConcat" or getattr(m, "axis", 0) in (1, -3)):
            return _merge(node, inputs, known, missing, shapes)
        if window is None and not pointwise:
            return None, _not_computed(m, in_shape, shapes.get(node))
        if missing is not None or not known:
            return None, missing[1] if missing else "receptive field not computed"
        src, note = known[0]
        return (src if window is None else _slide(src, *window)), note
    op = node.target
    if op in _FLATTENING_OPS:
        return None, WHOLE
    if op not in _POINTWISE_OPS and not (op is torch.cat and _cat_dim(node) in (1, -3)):
        return None, f"receptive field not computed after {getattr(op, '__name__', op)}"
    return _merge(node, inputs, known, missing, shapes)


def _merge(node: fx.Node, inputs: list, known: list, missing, shapes: dict):
    """The field of an element-wise op or a channel concat of the ``inputs`` paths."""
    if missing is not None or not known:
        return None, missing[1] if missing else "receptive field not computed"
    # A 1×1 map broadcast over a larger one is a per-channel gate (squeeze-and-excitation):
    # it sees the whole input, but the unit's local field is that of the other paths.
    local = [r for n, r in zip(inputs, known, strict=True)
             if not _is_gate(shapes.get(n), shapes.get(node))]
    notes = [r[1] for r in known if r[1]] + ([GATE] if len(local) < len(known) else [])
    merged = _union([r[0] for r in local or known])
    if merged is None:
        return None, "paths with different strides meet here"
    return merged, notes[0] if notes else ""


def _is_gate(in_shape: tuple | None, out_shape: tuple | None) -> bool:
    return (in_shape is not None and out_shape is not None and len(in_shape) == 4
            and in_shape[2:] == (1, 1) and out_shape[2:] != (1, 1))


def _not_computed(m: nn.Module, in_shape: tuple | None, out_shape: tuple | None) -> str:
    if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)) and in_shape and out_shape:
        return (f"adaptive pooling {in_shape[2]}×{in_shape[3]} → {out_shape[2]}×{out_shape[3]} "
                "has uneven windows")
    return f"receptive field not computed for {type(m).__name__}"


def _cat_dim(node: fx.Node) -> Any:
    return node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)


def receptive_fields(model: nn.Module, g: Graph, shapes: dict) -> dict:
    rfs: dict[fx.Node, tuple[Field | None, str]] = {}
    for node in g.graph.nodes:
        if node.op != "output":
            rfs[node] = _node_rf(model, node, shapes, rfs)
    return rfs


