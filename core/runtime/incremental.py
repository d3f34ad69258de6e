"""Forward passes of many slightly changed copies of one image, recomputing only what changed.

An occluder covers a small box of the image. In the early layers of a CNN only a small window of
each feature map differs from the unoccluded pass (the box grown by each layer's kernel); deeper
down the window grows until it covers the map. ``LocalRunner`` (a ``core.runtime.graph``
``GraphRunner``) runs the unoccluded image once, keeps every layer's output, and then evaluates
a batch of occluded copies by carrying, per copy, just the changed window of each layer (the rest
is the unoccluded output) until the window covers the whole map; from there the batch runs as
usual. For ResNet-18 at 224 px with a 16 px occluder, conv1 to layer2 then cost a fraction of
their full cost.

Exact in the sense of the maths: the windows carry every value that differs, and each layer is
the same operator on the same numbers (convolutions and pools run with padding 0 on a window cut
from the zero / -inf padded unoccluded map). Floating-point sums may group differently, so fp32
results agree with a full pass to ~1e-6, not bitwise. Which layers can be windowed: Conv2d
(zero padding), MaxPool2d / AvgPool2d (no ceil_mode), BatchNorm2d in eval, element-wise
activations, dropout in eval, and +, -, * between maps (with unchanged operands only of bias
shape); any other node first pastes the windows into full maps (so any model runs; it just saves
less). ``core.interpret.occlusion`` compares two copies against full passes before using the
runner, and falls back to full passes if they disagree.

The idea is "incremental inference" for occlusion: Nakandala, Kumar & Papakonstantinou (2019),
"Incremental and Approximate Inference for Faster Occlusion-based Deep CNN Explanations",
SIGMOD 2019 (https://adalabucsd.github.io/research-blog/research/2019/06/07/krypton.html);
here only its exact part, on any FX graph.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, fx, nn

from core.checks import InputError
from core.runtime.graph import GraphRunner, model_graph, submodule

__all__ = ["LocalRunner"]

_POINTWISE_MODULES = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Sigmoid,
                      nn.Tanh, nn.Hardswish, nn.Hardsigmoid, nn.Mish, nn.Identity, nn.Dropout,
                      nn.Dropout2d)
_POINTWISE_FUNCTIONS = {F.relu, torch.relu, F.relu6, F.gelu, F.silu, torch.sigmoid, torch.tanh,
                        F.leaky_relu, F.hardswish}
_POINTWISE_METHODS = {"relu", "relu_", "sigmoid", "tanh"}
_BINARY_FUNCTIONS = {operator.add, operator.sub, operator.mul, torch.add, torch.sub, torch.mul}
_BINARY_METHODS = {"add", "add_", "sub", "mul", "mul_"}
_SAME = object()  # a node's value in the local pass when it equals the unoccluded one


@dataclass
class _Local:
    """Per copy b: the node's map equals the unoccluded one outside rows y0[b] .. y0[b]+h-1,
    columns x0[b] .. x0[b]+w-1, and equals ``crop[b]`` inside."""

    crop: Tensor  # (B, C, h, w)
    y0: Tensor  # (B,) long
    x0: Tensor  # (B,) long


@dataclass(frozen=True)
class _Window:
    """A sliding-window operator along both axes: kernel, stride, padding, dilation."""

    k: tuple[int, int]
    s: tuple[int, int]
    p: tuple[int, int]
    d: tuple[int, int]
    pad_value: float
    apply: Callable[[Tensor], Tensor]  # the operator with padding 0


def _two(v: Any) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _window_op(m: nn.Module) -> _Window | None:
    """How to run module ``m`` on a window, or None if it cannot be windowed."""
    if type(m) is nn.Conv2d and m.padding_mode == "zeros" and isinstance(m.padding, tuple):
        return _Window(_two(m.kernel_size), _two(m.stride), _two(m.padding), _two(m.dilation),
                       0.0, lambda t: F.conv2d(t, m.weight, m.bias, m.stride, 0, m.dilation,
                                               m.groups))
    if type(m) is nn.MaxPool2d and not m.ceil_mode and not m.return_indices:
        k, s, d = _two(m.kernel_size), _two(m.stride or m.kernel_size), _two(m.dilation)
        return _Window(k, s, _two(m.padding), d, -math.inf,
                       lambda t: F.max_pool2d(t, k, s, 0, d))
    if (type(m) is nn.AvgPool2d and not m.ceil_mode and m.divisor_override is None
            and (m.count_include_pad or _two(m.padding) == (0, 0))):
        k, s = _two(m.kernel_size), _two(m.stride or m.kernel_size)
        return _Window(k, s, _two(m.padding), (1, 1), 0.0, lambda t: F.avg_pool2d(t, k, s, 0))
    return None


def _pointwise_module(m: nn.Module) -> bool:
    if type(m) is nn.BatchNorm2d:  # eval mode with running stats: a per-channel affine map
        return not m.training and m.running_mean is not None
    return type(m) in _POINTWISE_MODULES and not m.training


class LocalRunner(GraphRunner):
    """Evaluate occluded copies of one image, recomputing only the changed windows.

    Args:
        model: eval-mode model (read only; its graph comes from
            ``core.runtime.graph.model_graph``).
        x: (1, C, H, W) unoccluded input, in the dtype / layout the model takes.
    The unoccluded pass runs here; ``base`` keeps every node's value, ``logits0`` its output
    (1, K). `run` passes B copies through the graph with `value` in place of the plain one.
    """

    def __init__(self, model: nn.Module, x: Tensor) -> None:
        super().__init__(model, model_graph(model))
        self.x = x
        self.base: dict[fx.Node, Any] = {}
        self._padded: dict[tuple[fx.Node, int, int, float], Tensor] = {}
        self.logits0 = GraphRunner(model, self.g).forward(x, env=self.base)

    # ----------------------------------------------------------------------- public
    def run(self, crop: Tensor, y0: Tensor, x0: Tensor) -> Tensor:
        """Logits (B, K) of B copies of the input that differ from it only in a window.

        Args:
            crop: (B, C, h, w) the copies' values in their window; y0, x0: (B,) long, the
                window's top-left pixel (the window must lie inside the image).
        """
        out = self.forward(_Local(crop, y0, x0))
        if not isinstance(out, Tensor):
            raise InputError(f"model must return a logits tensor, got {type(out).__name__}",
                             "model_output_not_logits", value=type(out).__name__)
        return out.expand(crop.shape[0], *out.shape[1:]) if out.shape[0] == 1 else out

    # ----------------------------------------------------------------------- one node
    def value(self, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
        """One node for the B copies. A value in env is ``_SAME`` (equal to ``base``), a
        `_Local` window, or a full (B, ...) batch; a window stays a window where it can."""
        inputs = [n for n in node.all_input_nodes if env[n] is not _SAME]
        if not inputs:  # nothing it reads has changed (or it reads nothing: get_attr)
            return _SAME  # so its value is the unoccluded one: no work at all
        first = env[inputs[0]]
        one = isinstance(first, _Local) and len(node.all_input_nodes) == 1 and len(node.args) >= 1
        if one and node.op == "call_module":
            m = submodule(self.model, node.target)
            plain = len(node.args) == 1 and not node.kwargs
            op = _window_op(m)
            if plain and op is not None:
                # Conv2d / MaxPool2d / AvgPool2d: an output sees a k x k neighbourhood, so only
                # the outputs whose field meets the window change; recompute just those, from
                # the window grown by the kernel (cut from the padded unoccluded map, crop
                # pasted in), with padding 0: a larger window, or a full batch once it
                # covers the map.
                return self._windowed(node, inputs[0], first, op)
            if plain and _pointwise_module(m):
                # BatchNorm2d in eval (a per-channel affine map), activations, Identity,
                # dropout in eval: each output depends on its own input value only, so the
                # crop alone goes through and the window stays where it is.
                return _Local(m(first.crop), first.y0, first.x0)
        elif one and ((node.op == "call_function" and node.target in _POINTWISE_FUNCTIONS) or (
                node.op == "call_method" and node.target in _POINTWISE_METHODS)):
            # element-wise functions and methods (F.relu, x.sigmoid(), ...): the same, on the crop
            return self._on_crops(node, {inputs[0]: first})
        if self._binary(node) and all(isinstance(env[n], _Local) for n in inputs) and len(
                {tuple(self.base[n].shape[-2:]) for n in inputs}) == 1 and all(
                self._small(n, env) for n in node.all_input_nodes if env[n] is _SAME):
            # +, -, * of changed maps of one size (a residual sum, a gate): element-wise, so
            # cut every changed operand to one window holding all of theirs and combine the
            # crops. An unchanged operand must broadcast without spatial extent (a bias): a
            # full-size one would need cutting too, and goes the general way below.
            return self._on_crops(node, self._union(inputs, env))
        # Anything else (flatten, linear, adaptive pools, cat, a window next to a full batch,
        # maps of unequal size, ...): paste each window into its unoccluded map and run the
        # node as usual on full (B, ...) batches; from here on those nodes cost a full pass.
        return super().value(node, {n: self._full(n, env[n]) for n in node.all_input_nodes})

    def output(self, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
        # the logits as ordinary tensors: a window still open is pasted into its full map
        return fx.node.map_arg(node.args[0], lambda n: self._full(n, env[n]))

    def _small(self, n: fx.Node, env: dict[fx.Node, Any]) -> bool:
        """An unchanged operand that broadcasts over a map without spatial extent (a bias)."""
        v = self.base.get(n)
        return env[n] is _SAME and isinstance(v, Tensor) and (
            v.dim() < 2 or v.shape[-2:] == (1, 1))

    def _binary(self, node: fx.Node) -> bool:
        return (node.op == "call_function" and node.target in _BINARY_FUNCTIONS) or (
            node.op == "call_method" and node.target in _BINARY_METHODS)

    def _on_crops(self, node: fx.Node, locals_: dict[fx.Node, _Local]) -> _Local:
        """Apply an element-wise node to the crops (all in the same window)."""
        first = next(iter(locals_.values()))

        def arg(n: fx.Node) -> Any:
            return locals_[n].crop if n in locals_ else self.base[n]

        args, kwargs = fx.node.map_arg((node.args, node.kwargs), arg)
        if node.op == "call_function":
            out = self.call_function(node.target, args, kwargs)
        else:
            out = self.call_method(node.target, args, kwargs)
        return _Local(out, first.y0, first.x0)

    def _union(self, nodes: list[fx.Node], env: dict[fx.Node, Any]) -> dict[fx.Node, _Local]:
        """The operands cut to one common window (the smallest that holds all of theirs)."""
        locs = [env[n] for n in nodes]
        hw = self.base[nodes[0]].shape[-2:]  # the same for all (checked by the caller)
        y0, h = _hull([(v.y0, v.crop.shape[-2]) for v in locs], hw[0])
        x0, w = _hull([(v.x0, v.crop.shape[-1]) for v in locs], hw[1])
        out = {}
        for n, v in zip(nodes, locs, strict=True):
            if (v.crop.shape[-2:] == (h, w) and torch.equal(v.y0, y0)
                    and torch.equal(v.x0, x0)):
                out[n] = v
            else:
                out[n] = _Local(self._cut(n, v, y0, x0, h, w, (0, 0), 0.0), y0, x0)
        return out

    def _windowed(self, node: fx.Node, src: fx.Node, v: _Local, op: _Window) -> Any:
        out_hw = self.base[node].shape[-2:]
        (oy, ny), (ox, nx) = (
            _affected(a, v.crop.shape[-2 + i], out_hw[i], op.k[i], op.s[i], op.p[i], op.d[i])
            for i, a in enumerate((v.y0, v.x0)))
        mh = (ny - 1) * op.s[0] + op.d[0] * (op.k[0] - 1) + 1
        mw = (nx - 1) * op.s[1] + op.d[1] * (op.k[1] - 1) + 1
        # window of the input, in coordinates of the padded input
        win = self._cut(src, v, oy * op.s[0], ox * op.s[1], mh, mw, op.p, op.pad_value)
        out = op.apply(win)  # (B, C', ny, nx)
        if (ny, nx) == tuple(out_hw):
            return out  # the window is the whole map: an ordinary batch from here on
        return _Local(out, oy, ox)

    # ----------------------------------------------------------------------- windows
    def _padded_hwc(self, n: fx.Node, pad: tuple[int, int], value: float) -> Tensor:
        key = (n, pad[0], pad[1], value)
        t = self._padded.get(key)
        if t is None:
            b = self.base[n]  # (1, C, H, W)
            if pad != (0, 0):
                b = F.pad(b, (pad[1], pad[1], pad[0], pad[0]), value=value)
            t = self._padded[key] = b[0].permute(1, 2, 0).contiguous()  # (Hp, Wp, C)
        return t

    def _cut(self, n: fx.Node, v: _Local, wy: Tensor, wx: Tensor, mh: int, mw: int,
             pad: tuple[int, int], value: float) -> Tensor:
        """(B, C, mh, mw): node n's map (padded by pad with value) in the window starting at
        (wy, wx) of the padded map, with each copy's crop pasted in."""
        base = self._padded_hwc(n, pad, value)  # (Hp, Wp, C)
        dev = base.device
        rows = wy.view(-1, 1) + torch.arange(mh, device=dev)  # (B, mh)
        cols = wx.view(-1, 1) + torch.arange(mw, device=dev)  # (B, mw)
        win = base[rows[:, :, None], cols[:, None, :]]  # (B, mh, mw, C)
        h, w = v.crop.shape[-2:]
        ry = (v.y0 + pad[0] - wy).view(-1, 1) + torch.arange(h, device=dev)  # (B, h)
        rx = (v.x0 + pad[1] - wx).view(-1, 1) + torch.arange(w, device=dev)  # (B, w)
        crop = v.crop.permute(0, 2, 3, 1)  # (B, h, w, C)
        b = torch.arange(win.shape[0], device=dev).view(-1, 1, 1)
        inside_y, inside_x = (ry >= 0) & (ry < mh), (rx >= 0) & (rx < mw)
        if bool(inside_y.all()) and bool(inside_x.all()):
            win[b, ry[:, :, None], rx[:, None, :]] = crop.to(win.dtype)
        else:  # some crop rows/cols fall outside the window (a stride larger than the kernel):
            # send them to a scratch row / column, dropped afterwards
            win = F.pad(win, (0, 0, 0, 1, 0, 1))
            ry, rx = ry.where(inside_y, mh), rx.where(inside_x, mw)
            win[b, ry[:, :, None], rx[:, None, :]] = crop.to(win.dtype)
            win = win[:, :mh, :mw]
        return win.permute(0, 3, 1, 2)  # (B, C, mh, mw), channels_last in memory

    def _full(self, n: fx.Node, v: Any) -> Any:
        """Node n's value as an ordinary tensor (batch 1 if unchanged)."""
        if isinstance(v, _Local):
            hw = self.base[n].shape[-2:]
            zero = torch.zeros_like(v.y0)
            return self._cut(n, v, zero, zero, hw[0], hw[1], (0, 0), 0.0).contiguous(
                memory_format=torch.channels_last)
        if v is _SAME:
            return self.base[n]
        return v


def _affected(a: Tensor, n: int, size_out: int, k: int, s: int, p: int, d: int
              ) -> tuple[Tensor, int]:
    """Outputs of a window op whose receptive window meets input rows a .. a+n-1.

    Returns the (B,) first output of a common-size window and its size, the window shifted to
    stay inside the output map (rows it then holds beyond the changed ones are recomputed to
    their unoccluded values).
    """
    lo = torch.div(a + p - d * (k - 1) + s - 1, s, rounding_mode="floor").clamp(min=0)
    hi = torch.div(a + n - 1 + p, s, rounding_mode="floor").clamp(max=size_out - 1)
    size = int(max(1, int((hi - lo + 1).max())))
    size = min(size, size_out)
    return torch.minimum(lo, torch.full_like(lo, size_out - size)).clamp(min=0), size


def _hull(spans: list[tuple[Tensor, int]], size: int) -> tuple[Tensor, int]:
    start = torch.stack([a for a, _ in spans]).amin(0)
    end = torch.stack([a + n for a, n in spans]).amax(0)
    n = min(int((end - start).max()), size)
    return torch.minimum(start, torch.full_like(start, size - n)), n
