"""Run a shared model layer by layer without changing it: an FX graph per model, the one
interpreter that runs it node by node, a guard that keeps FX tracing and forward passes apart,
and `fits`, which tells a user's ill-shaped input from every other error inside a model.

A plain ``nn.Sequential`` tree gets its graph built by hand (no tracing); other models are
traced once with torchvision's ``NodePathTracer`` (in their current mode, on a shallow copy)
and cached weakly. FX tracing patches ``nn.Module.__call__`` process-wide while it runs, so a
trace waits until no forward pass (``shared_forward()``) is in flight. `GraphRunner` runs a
graph; ``core.runtime.backprop`` and ``core.runtime.incremental`` subclass it. Used by
``core.interpret`` (layers, embeddings, occlusion, saliency, sanity).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import re
import threading
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torchvision
from torch import Tensor, fx, nn
from torchvision.models.feature_extraction import NodePathTracer

from core.checks import InputError

__all__ = [
    "GUARD",
    "Graph",
    "GraphRunner",
    "check_model",
    "fits",
    "is_shape_error",
    "model_graph",
    "probe",
    "resolve_layers",
    "run_nodes",
    "shared_forward",
    "submodule",
]


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
        raise InputError(f"model must be a torch.nn.Module, got {type(model).__name__}",
                         "model_type", value=type(model).__name__)
    busy = next((n or "(model)" for n, m in model.named_modules() if m.training), None)
    if busy is not None:
        raise InputError(f"model must be in eval mode (a forward pass in training mode changes "
                         f"BatchNorm buffers), got {busy!r} in training mode: call .eval() on "
                         "your own copy first", "model_not_eval", layer=busy)


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
        raise InputError(f"layers must be a non-empty list of layer names, got {layers!r}",
                         "layers_not_list", value=repr(layers))
    unknown = [name for name in layers if name not in g.layers]
    if unknown:
        raise InputError(f"unknown layer {unknown[0]!r}; valid names: {', '.join(g.layers)}",
                         "choice", name="layer", value=str(unknown[0]), choices=tuple(g.layers))
    return {name: g.layers[name] for name in layers}


# --------------------------------------------------------------------------- the interpreter
def submodule(model: nn.Module, target: str) -> nn.Module:
    """``model.get_submodule(target)`` for a graph's call_module target, without its checks.

    Every target here is a path through ``_modules`` (the tracer's names, or a Sequential's
    children), so plain dict look-ups walk it: ~1 µs instead of ~15 µs a node.
    """
    for part in target.split("."):
        model = model._modules[part]
    return model


class GraphRunner:
    """Run a model's `Graph` node by node: the project's one graph interpreter.

    `forward` is the loop: it holds ``GUARD.run()``, frees each value after its last use and
    stops after the last node asked for. `value` computes one node from its inputs' values,
    through `call_module` / `call_function` / `call_method` / `get_attr`; `output` reads the
    result. A subclass overrides these to change how nodes run (``core.runtime.backprop``:
    guided, out-of-place ReLUs; ``core.runtime.incremental``: changed windows only). The model
    is only called: never hooked, trained, switched or given an attribute. This class keeps
    no per-pass state (each pass has its own env), so threads may share an instance.

    Not a ``torch.fx.Interpreter``: per node, that one also walks ``getattr`` to the module,
    ticks a progress bar and sets the node's metadata (slower on small maps, where this loop's
    cost shows); it rewrites the message of any error raised inside (a KeyError becomes a
    RuntimeError), which `fits` and the pages would show; and it cannot stop early.
    """

    def __init__(self, model: nn.Module, g: Graph) -> None:
        self.model = model
        self.g = g

    def forward(self, x: Any, *, targets: Collection[fx.Node] | None = None,
                keep: Callable[[Any], Any] | None = None,
                env: dict[fx.Node, Any] | None = None) -> Any:
        """One pass with ``x`` as the graph's input.

        Args:
            keep: None: run to the end and return `output`. Else return {node: keep(value)}
                for each of ``targets`` (every node if None), kept the moment the node has run
                (before a later in-place op can change it); the pass stops after the last one.
            env: a dict to fill with every node's value, none freed; by default each value is
                dropped after its last use.
        """
        collect, free = keep is not None, env is None
        env = {} if env is None else env
        out: dict[fx.Node, Any] = {}
        frees, value = self.g.frees, self.value
        with GUARD.run():
            for node in self.g.graph.nodes:
                if node.op == "output":
                    return out if collect else self.output(node, env)
                env[node] = x if node.op == "placeholder" else value(node, env)
                if collect and (targets is None or node in targets):
                    out[node] = keep(env[node])
                    if targets is not None and len(out) == len(targets):
                        return out
                if free:
                    for dead in frees.get(node, ()):
                        env.pop(dead, None)
        return out

    def value(self, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
        """The value of one node (not placeholder or output) from its inputs' values in env."""
        args, kwargs = fx.node.map_arg((node.args, node.kwargs), env.__getitem__)
        op = node.op
        if op == "call_module":
            return self.call_module(submodule(self.model, node.target), args, kwargs)
        if op == "call_function":
            return self.call_function(node.target, args, kwargs)
        if op == "call_method":
            return self.call_method(node.target, args, kwargs)
        if op == "get_attr":
            return self.get_attr(node.target)
        raise ValueError(f"unsupported graph node {op!r} ({node.name})")

    def call_module(self, m: nn.Module, args: tuple, kwargs: dict) -> Any:
        return m(*args, **kwargs)

    def call_function(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        return fn(*args, **kwargs)

    def call_method(self, name: str, args: tuple, kwargs: dict) -> Any:
        self_obj, *rest = args
        return getattr(self_obj, name)(*rest, **kwargs)

    def get_attr(self, target: str) -> Any:
        if target in self.g.constants:  # a tensor constant the tracer kept on its copy
            return self.g.constants[target]
        return functools.reduce(getattr, target.split("."), self.model)

    def output(self, node: fx.Node, env: dict[fx.Node, Any]) -> Any:
        """What the graph returns (usually the logits), from the values in env."""
        return fx.node.map_arg(node.args[0], env.__getitem__)


def run_nodes(model: nn.Module, g: Graph, x: Tensor, targets: set[fx.Node] | None,
              keep: Callable[[Any], Any]) -> dict[fx.Node, Any]:
    """One forward pass, node by node; returns keep(output) per target (every node if None).

    Stops after the last target; frees each intermediate after its last use.
    """
    return GraphRunner(model, g).forward(x, targets=targets, keep=keep)


# --------------------------------------------------------------------------- shape errors
# What torch says (checked against torch 2.14) when an input's shape does not fit a layer.
# Only these become InputError in `fits`; any other error inside a model is not the user's.
_SHAPE_ERRORS = tuple(re.compile(p) for p in (
    r"mat1 and mat2 shapes cannot be multiplied",  # Linear: wrong number of features
    r"expected input\[.*\] to have \d+ channels, but got \d+ channels instead",  # conv
    r"Expected \d+D \(unbatched\) or \d+D \(batched\) input to conv",  # conv: rank
    r"Kernel size can't be greater than actual input size",  # conv: map smaller than kernel
    r"Output size is too small",  # pooling: map smaller than the window
    r"smaller than kernel size",  # 3-d pooling: the same
    r"non-empty 3D or 4D \(batch mode\) tensor expected for input",  # pooling: rank
    r"Expected 3D or 4D tensor, but got",  # adaptive pooling: rank
    r"The size of tensor a \(\d+\) must match the size of tensor b \(\d+\) "
    r"at non-singleton dimension",  # broadcasting (+, *, residual sums)
    r"The expanded size of the tensor \(\d+\) must match the existing size",  # expand
    r"shape '\[.*\]' is invalid for input of size",  # view / reshape
    r"running_mean should contain \d+ elements not \d+",  # BatchNorm: channels
    r"Expected more than 1 value per channel when training",  # batch statistics of 1 value
    r"Expected more than 1 spatial element when training",  # instance norm of a 1x1 map
    r"Given normalized_shape=\[.*\], expected input with shape",  # LayerNorm
    r"Expected number of channels in input to be divisible by num_groups",  # GroupNorm
    r"Sizes of tensors must match except in dimension",  # torch.cat of unequal maps
    r"stack expects each tensor to be equal size",  # torch.stack
    r"Padding size should be less than the corresponding input dimension",  # reflect pad
    r"calculated shape of the array of sliding blocks as .*, but its components must be "
    r"at least one",  # unfold
))


def is_shape_error(err: BaseException) -> bool:
    """Whether err is torch saying that an input's shape does not fit a layer (one of
    `_SHAPE_ERRORS`: RuntimeErrors, and ValueErrors for normalising a single value); never an
    out-of-memory error or an InputError."""
    if isinstance(err, (torch.OutOfMemoryError, InputError)) or not isinstance(
            err, (RuntimeError, ValueError)):
        return False
    message = str(err)
    return any(p.search(message) for p in _SHAPE_ERRORS)


@contextlib.contextmanager
def fits(what: str, *, shape: tuple[int, ...] | None = None) -> Iterator[None]:
    """Turn torch's shape-mismatch errors inside the model into an InputError naming the
    input (``what``, and its ``shape`` for a translated message); every other error (out of
    memory, a bug, an InputError) passes as is."""
    try:
        yield
    except (RuntimeError, ValueError) as err:
        if not is_shape_error(err):
            raise
        raise InputError(f"{what} does not fit this model: {err}",
                         "input_does_not_fit" if shape is None else "input_shape_does_not_fit",
                         shape=None if shape is None else tuple(map(int, shape)),
                         reason=str(err)) from err


def probe(model: nn.Module, shape: tuple[int, ...]) -> Tensor:
    p = next((t for t in [*model.parameters(), *model.buffers()] if t.is_floating_point()), None)
    return torch.zeros(shape, dtype=p.dtype if p is not None else torch.float32,
                       device=p.device if p is not None else "cpu")


