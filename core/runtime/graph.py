"""Run a shared model layer by layer without changing it: an FX graph per model, read node
by node, and a guard that keeps FX tracing and forward passes apart.

A plain ``nn.Sequential`` tree gets its graph built by hand (no tracing); other models are
traced once with torchvision's ``NodePathTracer`` (in their current mode, on a shallow copy)
and cached weakly. FX tracing patches ``nn.Module.__call__`` process-wide while it runs, so a
trace waits until no forward pass (``shared_forward()``) is in flight. See ``core.interpret.layers``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import numbers
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torchvision
from torch import Tensor, fx, nn
from torchvision.models.feature_extraction import NodePathTracer


# --------------------------------------------------------------------------- trace / run guard
class _TraceGuard:
    """Forward passes may overlap each other but never an FX trace (writer-priority RW lock).

    A thread may nest runs; a trace from a thread inside a run raises instead of deadlocking.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._runs = 0
        self._tracing = False
        self._waiting = 0  # traces waiting: new runs queue behind them
        self._local = threading.local()  # .depth: this thread's nested runs

    @contextlib.contextmanager
    def run(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            with self._cond:
                self._cond.wait_for(lambda: not (self._tracing or self._waiting))
                self._runs += 1
        self._local.depth = depth + 1
        try:
            yield
        finally:
            self._local.depth = depth
            if depth == 0:
                with self._cond:
                    self._runs -= 1
                    self._cond.notify_all()

    @contextlib.contextmanager
    def trace(self) -> Iterator[None]:
        if getattr(self._local, "depth", 0):
            raise RuntimeError("cannot trace a model while this thread holds shared_forward()")
        with self._cond:
            self._waiting += 1
            self._cond.wait_for(lambda: not (self._tracing or self._runs))
            self._waiting -= 1
            self._tracing = True
        try:
            yield
        finally:
            with self._cond:
                self._tracing = False
                self._cond.notify_all()


GUARD = _TraceGuard()
_TRACED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> Graph
_TRACED_LOCK = threading.Lock()  # guards _TRACED


def shared_forward() -> contextlib.AbstractContextManager[None]:
    """Context manager to hold around any forward pass of a shared model outside this module.

    FX tracing (here, the first time a non-Sequential model is inspected) patches
    ``nn.Module.__call__`` process-wide; a forward pass in another thread during that window
    would be captured by the tracer. Holding this makes the trace wait (and the pass wait for it).
    This module's functions may be called inside it, except on a model not yet traced here
    (RuntimeError: trace it first, e.g. with ``layer_names``).
    """
    return GUARD.run()


# --------------------------------------------------------------------------- the graph
@dataclass(frozen=True, eq=False)
class Graph:
    graph: fx.Graph
    layers: dict[str, fx.Node]  # leaf-module call name -> node, execution order
    frees: dict[fx.Node, tuple[fx.Node, ...]]  # node -> inputs last used by it
    constants: dict[str, Tensor]  # tensor constants the tracer met (get_attr targets)


def _make_graph(graph: fx.Graph, names: dict[fx.Node, str],
                constants: dict[str, Tensor] | None = None) -> Graph:
    last: dict[fx.Node, fx.Node] = {}
    for node in graph.nodes:
        for source in node.all_input_nodes:
            last[source] = node
    frees: dict[fx.Node, list[fx.Node]] = {}
    for source, user in last.items():
        frees.setdefault(user, []).append(source)
    layers = {names[n]: n for n in graph.nodes if n.op == "call_module" and n in names}
    return Graph(graph, layers, {k: tuple(v) for k, v in frees.items()}, constants or {})


def _plain_sequential(m: nn.Module) -> bool:
    return isinstance(m, nn.Sequential) and type(m).forward is nn.Sequential.forward


def _sequential_leaves(module: nn.Module, prefix: str = "") -> list[str] | None:
    """Leaf paths of a tree of plain Sequentials in call order; None if anything else is in it."""
    leaves: list[str] = []
    for name, child in module._modules.items():  # not named_children(): a reused module runs twice
        if child is None:
            continue
        if _plain_sequential(child):
            sub = _sequential_leaves(child, f"{prefix}{name}.")
            if sub is None:
                return None
            leaves += sub
        elif next(child.children(), None) is not None:
            return None  # a container with its own forward: needs tracing
        else:
            leaves.append(f"{prefix}{name}")
    return leaves


def _chain_graph(leaves: list[str]) -> Graph:
    graph = fx.Graph()
    node, names = graph.placeholder("x"), {}
    for path in leaves:
        node = graph.call_module(path, (node,))
        names[node] = path
    graph.output(node)
    return _make_graph(graph, names)


class _Tracer(NodePathTracer):
    """NodePathTracer that keeps childless custom modules whole and module names intact.

    torchvision strips a trailing "_<digits>" before numbering repeats, so its names for
    tiny_vgg's conv1_1, conv1_2 are "conv1", "conv1_1"; here a module's first call keeps its
    path and the n-th repeat gets "_<n>" (ResNet's second ReLU call: "layer1.0.relu_1").
    """

    def is_leaf_module(self, m: nn.Module, module_qualname: str) -> bool:
        return super().is_leaf_module(m, module_qualname) or next(m.children(), None) is None

    def _get_node_qualname(self, module_qualname: str, node: fx.Node) -> str:
        if node.op != "call_module":
            return super()._get_node_qualname(module_qualname, node)
        used = set(self.node_to_qualname.values())
        repeat = sum(n.op == "call_module" and n.target == node.target
                     for n in self.node_to_qualname)
        name = module_qualname if repeat == 0 else f"{module_qualname}_{repeat}"
        return name if name not in used else f"{module_qualname}_call{repeat + 1}"


def _trace(model: nn.Module) -> Graph:
    # The tracer stores tensor constants as attributes of the root it traces: give it a shallow
    # copy (same submodules, own __dict__) so the shared model never gains one.
    shell = copy.copy(model)
    tracer = _Tracer(autowrap_modules=(math, torchvision.ops))
    graph = tracer.trace(shell)  # in the model's current (eval) mode; nothing switched
    names = {n: q for n, q in tracer.node_to_qualname.items() if n.op == "call_module"}
    constants = {k: v for k, v in vars(shell).items() if k not in vars(model)}
    return _make_graph(graph, names, constants)


def check_model(model: Any) -> None:
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    busy = next((n or "(model)" for n, m in model.named_modules() if m.training), None)
    if busy is not None:
        raise ValueError(f"model must be in eval mode (a forward pass in training mode changes "
                         f"BatchNorm buffers), got {busy!r} in training mode: call .eval() on "
                         "your own copy first")


def model_graph(model: nn.Module) -> Graph:
    """The model's call graph: built afresh for a Sequential tree (microseconds, never stale),
    else traced once per model object and kept while the model lives (a shared model's
    structure never changes; tracing costs ~1-4 ms but must wait for every forward in flight).
    """
    check_model(model)
    if _plain_sequential(model):
        leaves = _sequential_leaves(model)
        if leaves is not None:
            return _chain_graph(leaves)
    with _TRACED_LOCK:
        cached = _TRACED.get(model)
    if cached is None:
        with GUARD.trace():
            with _TRACED_LOCK:
                cached = _TRACED.get(model)  # another thread may have traced it meanwhile
            if cached is None:
                cached = _trace(model)
                with _TRACED_LOCK:
                    _TRACED[model] = cached
    return cached


def resolve_layers(g: Graph, layers: Sequence[str]) -> dict[str, fx.Node]:
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise ValueError(f"layers must be a non-empty list of layer names, got {layers!r}")
    unknown = [name for name in layers if name not in g.layers]
    if unknown:
        raise ValueError(f"unknown layer {unknown[0]!r}; valid names: {', '.join(g.layers)}")
    return {name: g.layers[name] for name in layers}


def run_nodes(model: nn.Module, g: Graph, x: Tensor, targets: set[fx.Node] | None,
         keep: Callable[[Any], Any]) -> dict[fx.Node, Any]:
    """One forward pass, node by node; returns keep(output) per target (every node if None).

    Stops after the last target; frees each intermediate after its last use.
    """
    env: dict[fx.Node, Any] = {}
    out: dict[fx.Node, Any] = {}
    with GUARD.run():
        for node in g.graph.nodes:
            if node.op == "output":
                break
            env[node] = x if node.op == "placeholder" else call_node(model, g, node, env)
            if targets is None or node in targets:
                out[node] = keep(env[node])  # now, before a later in-place op can change it
                if targets is not None and len(out) == len(targets):
                    break
            for dead in g.frees.get(node, ()):
                env.pop(dead, None)
    return out


def call_node(model: nn.Module, g: Graph, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
    """Run one graph node of ``model`` on the values of its inputs in ``env`` (node -> value)."""
    args, kwargs = fx.node.map_arg((node.args, node.kwargs), env.__getitem__)
    if node.op == "call_module":
        return model.get_submodule(node.target)(*args, **kwargs)
    if node.op == "call_function":
        return node.target(*args, **kwargs)
    if node.op == "call_method":
        self_obj, *rest = args
        return getattr(self_obj, node.target)(*rest, **kwargs)
    if node.op == "get_attr":
        if node.target in g.constants:
            return g.constants[node.target]
        return functools.reduce(getattr, node.target.split("."), model)
    raise ValueError(f"unsupported graph node {node.op!r} ({node.name})")


@contextlib.contextmanager
def fits(what: str) -> Iterator[None]:
    """Turn a shape mismatch inside the model into a ValueError naming the input."""
    try:
        yield
    except RuntimeError as err:
        raise ValueError(f"{what} does not fit this model: {err}") from err


def check_batch(x: Any) -> Tensor:
    if not isinstance(x, Tensor) or x.dim() != 4 or not x.is_floating_point():
        raise ValueError(f"x must be a float tensor (B, C, H, W), got "
                         f"{tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__}"
                         f"{' ' + str(x.dtype) if isinstance(x, Tensor) else ''}")
    return x


def is_int(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def check_input_shape(input_shape: Any) -> tuple[int, int, int]:
    if (not isinstance(input_shape, Sequence) or len(input_shape) != 3
            or not all(is_int(v) and v >= 1 for v in input_shape)):
        raise ValueError(f"input_shape must be (channels, height, width) of positive integers, "
                         f"got {input_shape!r}")
    return tuple(int(v) for v in input_shape)


def probe(model: nn.Module, shape: tuple[int, ...]) -> Tensor:
    p = next((t for t in [*model.parameters(), *model.buffers()] if t.is_floating_point()), None)
    return torch.zeros(shape, dtype=p.dtype if p is not None else torch.float32,
                       device=p.device if p is not None else "cpu")


