"""Run a shared model node by node for gradients: every ReLU out of place (optionally as the
guided ReLU of Springenberg et al. 2014), in-place arithmetic made out of place, and one layer's
output captured as a leaf of the rest of the graph (for Grad-CAM) without hooks.

The graph comes from ``core.runtime.graph.model_graph`` (built by hand for a plain
``nn.Sequential`` tree, else FX-traced once per model) and runs on a ``GraphRunner`` whose call
hooks are overridden here. The shared modules are only called, never changed: a ReLU module,
``F.relu``, ``torch.relu``, ``relu_`` and ``inplace=True`` all become ``torch.relu`` (or the
guided function) in this run only, so torchvision's in-place ReLUs can neither break autograd
nor overwrite a captured activation.

Springenberg et al. (2014), "Striving for Simplicity: The All Convolutional Net",
https://arxiv.org/abs/1412.6806
"""

from __future__ import annotations

import operator
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, fx, nn

from core.checks import InputError
from core.runtime.graph import Graph, GraphRunner, check_model, fits, model_graph, submodule

__all__ = ["activations", "forward", "graph"]


def graph(model: nn.Module) -> Graph:
    """The model's graph (see ``core.runtime.graph.model_graph``); InputError if it cannot be
    traced."""
    check_model(model)
    try:
        return model_graph(model)
    except ValueError:
        raise
    except Exception as err:
        raise InputError(f"this model cannot be run layer by layer (FX tracing failed: "
                         f"{type(err).__name__}: {err})", "model_not_traceable",
                         reason=f"{type(err).__name__}: {err}") from err


class _GuidedReLU(torch.autograd.Function):
    """ReLU whose backward passes a gradient only where it and the forward input are > 0."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = x.clamp(min=0)  # out of place, whatever the module's inplace flag
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad.clamp(min=0) * (out > 0)


_RELU_FUNCS = {F.relu, torch.relu, torch.relu_, F.relu_}
_INPLACE_FUNCS = {operator.iadd: operator.add, operator.isub: operator.sub,
                  operator.imul: operator.mul, operator.itruediv: operator.truediv}
_INPLACE_METHODS = {"add_": "add", "sub_": "sub", "mul_": "mul", "div_": "div",
                    "clamp_": "clamp", "clamp_min_": "clamp_min"}


_OTHER_FUNCS = {F.silu, F.gelu, F.hardswish, F.hardsigmoid, F.sigmoid, torch.sigmoid, F.tanh,
                torch.tanh, F.leaky_relu, F.elu, F.relu6, F.mish, F.softplus}
_NOT_ACTIVATIONS = ("Softmax", "Softmin", "MultiheadAttention")


def _is_relu(node: fx.Node, model: nn.Module) -> bool:
    """Whether the runner below treats this node as a ReLU (guided in a guided pass)."""
    if node.op == "call_module":
        return type(submodule(model, node.target)) is nn.ReLU
    if node.op == "call_function":
        return node.target in _RELU_FUNCS
    return node.op == "call_method" and node.target in ("relu", "relu_")


def _other_activation(node: fx.Node, model: nn.Module) -> str | None:
    """The kind of a non-ReLU activation node (a torch or onnx2torch activation module, or an
    activation function), else None."""
    if node.op == "call_module":
        kind = type(submodule(model, node.target))
        if kind.__module__.endswith(("activation", "activations")) and \
                not kind.__name__.endswith(_NOT_ACTIVATIONS):
            return kind.__name__
    elif node.op == "call_function" and node.target in _OTHER_FUNCS:
        return node.target.__name__
    return None


def activations(model: nn.Module, g: Graph) -> tuple[int, tuple[str, ...]]:
    """What guided backpropagation changes in this model's graph ``g``.

    Returns:
        (the number of ReLU calls it guides, the kinds of the other activations, which pass
        gradients as usual: e.g. ("Hardswish",) for MobileNet-V3, ("SiLU",) for EfficientNet,
        ("Sigmoid",) where an ONNX export wrote SiLU as x * sigmoid(x)), in order of first use.
    """
    relus, others = 0, []
    for node in g.graph.nodes:
        if _is_relu(node, model):
            relus += 1
        else:
            kind = _other_activation(node, model)
            if kind is not None and kind not in others:
                others.append(kind)
    return relus, tuple(others)


def _relu(x: Tensor, guided: bool) -> Tensor:
    return _GuidedReLU.apply(x) if guided else torch.relu(x)


class _GradRunner(GraphRunner):
    """A pass with out-of-place (``guided``: guided) ReLUs and out-of-place arithmetic, and a
    clone of the ``capture`` node's output for the rest of the graph. One instance per pass."""

    def __init__(self, model: nn.Module, g: Graph, guided: bool, capture: fx.Node | None) -> None:
        super().__init__(model, g)
        self.guided, self.capture = guided, capture
        self.captured: Tensor | None = None

    def value(self, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
        out = super().value(node, env)
        if node is self.capture:
            self.captured = out
            return out.clone()  # later in-place ops change the clone, not A
        return out

    def call_module(self, m: nn.Module, args: tuple, kwargs: dict) -> Any:
        if type(m) is nn.ReLU:  # the module itself (and its inplace flag) is not used
            return _relu(args[0], self.guided)
        return m(*args, **kwargs)

    def call_function(self, fn: Any, args: tuple, kwargs: dict) -> Any:
        if fn in _RELU_FUNCS:
            return _relu(args[0], self.guided)
        return _INPLACE_FUNCS.get(fn, fn)(*args, **kwargs)

    def call_method(self, name: str, args: tuple, kwargs: dict) -> Any:
        if name in ("relu", "relu_"):
            return _relu(args[0], self.guided)
        return super().call_method(_INPLACE_METHODS.get(name, name), args, kwargs)


def forward(model: nn.Module, g: Graph, x: Tensor, *, guided: bool = False,
            capture: fx.Node | None = None) -> tuple[Tensor, Tensor | None]:
    """One forward pass with out-of-place (``guided``: guided) ReLUs.

    Args:
        g: `graph` of model; x: (B, C, H, W) input (a leaf that requires grad, usually);
        capture: a node whose output to return; the rest of the network gets a clone of it, so
            ``autograd.grad(score, captured)`` is dS/dA even if an in-place op follows.
    Returns:
        (logits (B, K), the captured output or None). ValueError for other outputs or an input
        that does not fit.
    """
    runner = _GradRunner(model, g, guided, capture)
    with fits(f"an image of shape {tuple(x.shape[1:])}", shape=tuple(x.shape[1:])):
        logits = runner.forward(x)
    if not isinstance(logits, Tensor) or logits.dim() != 2:
        shape = tuple(logits.shape) if isinstance(logits, Tensor) else type(logits).__name__
        raise InputError(f"model must return logits (B, K), got {shape}", "model_output_not_logits",
                         value=str(shape))
    return logits, runner.captured
