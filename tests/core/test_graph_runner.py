"""The one graph interpreter (core.runtime.graph.GraphRunner) and its subclasses in backprop and
incremental; `fits`, which turns only torch's shape-mismatch errors into InputError."""

from __future__ import annotations

import re
import threading

import pytest
import torch
import torch.nn.functional as F
import torchvision
from torch import nn

from core.checks import InputError
from core.interpret import layers, occlusion
from core.runtime import backprop
from core.runtime.graph import (
    _SHAPE_ERRORS,
    GraphRunner,
    fits,
    model_graph,
    run_nodes,
    submodule,
)
from core.runtime.incremental import LocalRunner


class _Block(nn.Module):
    """A traced (non-Sequential) model: in-place ReLUs, a residual sum, a get_attr parameter."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.scale = nn.Parameter(torch.randn(1, 4, 1, 1))
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        y = self.relu(self.bn(self.conv(x)))
        y = F.relu(y * self.scale + y, inplace=True)
        return self.fc(F.adaptive_avg_pool2d(y, 1).flatten(1))


def _block() -> nn.Module:
    torch.manual_seed(0)
    model = _Block().eval()
    model.bn.running_mean.uniform_(-1, 1)
    model.bn.running_var.uniform_(0.5, 2)
    return model


# --------------------------------------------------------------------------- the interpreter
@pytest.mark.parametrize("make", [_block, lambda: torchvision.models.resnet18(
    weights=None, num_classes=7).eval(), lambda: nn.Sequential(
        nn.Conv2d(3, 2, 3), nn.ReLU(inplace=True), nn.Flatten(), nn.Linear(72, 3)).eval()])
def test_a_pass_equals_the_model_and_leaves_it_untouched(make, untouched):
    model = make()
    x = torch.randn(2, 3, 8, 8)
    check = untouched(model)
    with torch.no_grad():
        got = GraphRunner(model, model_graph(model)).forward(x)
        want = model(x)
    assert torch.equal(got, want)
    check()


def test_kept_values_are_taken_before_a_later_in_place_op():
    model = _block()
    g = model_graph(model)
    x = torch.randn(1, 3, 6, 6)
    with torch.no_grad():
        out = run_nodes(model, g, x, {g.layers["bn"]}, lambda v: v.clone())
        want = model.bn(model.conv(x))
    assert torch.equal(out[g.layers["bn"]], want)  # the in-place ReLU after it changed nothing
    assert (want < 0).any()


class _Boom(nn.Module):
    def forward(self, x):
        raise AssertionError("ran past the last target")


def test_a_pass_stops_after_its_last_target_and_keeps_every_node_without_targets():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), _Boom()).eval()
    g = model_graph(model)
    x = torch.randn(1, 1, 5, 5)
    out = run_nodes(model, g, x, {g.layers["1"]}, lambda v: v)
    assert list(out) == [g.layers["1"]]
    assert torch.equal(out[g.layers["1"]], torch.relu(model[0](x)))
    head = nn.Sequential(model[0], model[1]).eval()
    every = run_nodes(head, model_graph(head), x, None, lambda v: v)
    assert [n.op for n in every] == ["placeholder", "call_module", "call_module"]


def test_env_keeps_every_value_else_each_is_freed_after_its_last_use():
    model = _block()
    g = model_graph(model)
    x = torch.randn(1, 3, 6, 6)
    env: dict = {}
    with torch.no_grad():
        out = GraphRunner(model, g).forward(x, env=env)
    assert set(env) == {n for n in g.graph.nodes if n.op != "output"}
    assert torch.equal(out, env[next(iter(g.graph.find_nodes(op="output"))).args[0]])

    seen: list[int] = []

    class Counting(GraphRunner):
        def value(self, node, env):
            seen.append(len(env))
            return super().value(node, env)

    with torch.no_grad():
        Counting(model, g).forward(x)
    assert max(seen) <= 3  # a chain with one residual: never more than a few values alive


def test_subclass_hooks_change_how_nodes_run_without_touching_the_model(untouched):
    model = _block()
    check = untouched(model)

    class NoReLU(GraphRunner):
        def call_module(self, m, args, kwargs):
            return args[0] if isinstance(m, nn.ReLU) else super().call_module(m, args, kwargs)

        def call_function(self, fn, args, kwargs):
            return args[0] if fn is F.relu else super().call_function(fn, args, kwargs)

    x = torch.randn(1, 3, 6, 6)
    with torch.no_grad():
        got = NoReLU(model, model_graph(model)).forward(x)
        y = model.bn(model.conv(x))
        y = y * model.scale + y
        want = model.fc(F.adaptive_avg_pool2d(y, 1).flatten(1))
    torch.testing.assert_close(got, want, rtol=0, atol=1e-6)
    check()


def test_submodule_is_get_submodule():
    model = torchvision.models.resnet18(weights=None).eval()
    for node in model_graph(model).layers.values():
        assert submodule(model, node.target) is model.get_submodule(node.target)


def test_one_runner_may_serve_several_threads():
    model = torchvision.models.resnet18(weights=None, num_classes=5).eval()
    runner = GraphRunner(model, model_graph(model))
    xs = [torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(i)) for i in range(4)]
    with torch.no_grad():
        want = [model(x) for x in xs]
    got: dict[int, torch.Tensor] = {}

    def work(i: int) -> None:
        with torch.no_grad():
            for _ in range(3):
                got[i] = runner.forward(xs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        assert torch.equal(got[i], want[i])


class _TracesInside(nn.Module):
    """Asks for a first trace while the pass is in flight: refused, as the pass holds the guard."""

    def forward(self, x):
        model_graph(_Block().eval())
        return x


def test_a_pass_holds_the_trace_guard_and_its_refusal_is_no_input_error():
    model = nn.Sequential(_TracesInside()).eval()
    x = torch.randn(1, 3, 4, 4)
    with pytest.raises(RuntimeError, match="cannot trace a model while this thread holds") as err:
        with fits("x"):
            GraphRunner(model, model_graph(model)).forward(x)
    assert not isinstance(err.value, ValueError)


def test_guided_pass_swaps_relus_in_this_pass_only_and_captures_a_clone(untouched):
    model = _block()
    g = backprop.graph(model)
    check = untouched(model)
    x = torch.randn(1, 3, 6, 6, requires_grad=True)
    logits, acts = backprop.forward(model, g, x, guided=True, capture=g.layers["bn"])
    (gx,) = torch.autograd.grad(logits[0, 1], x)
    with torch.no_grad():
        want_acts = model.bn(model.conv(x))
        want = model(x)
    assert torch.equal(acts, want_acts)  # the in-place ReLU after bn ran on a clone
    torch.testing.assert_close(logits, want, rtol=0, atol=1e-6)
    assert torch.isfinite(gx).all() and x.grad is None
    check()


# --------------------------------------------------------------------------- incremental
class _Positional(nn.Module):
    """An unchanged operand with spatial extent (a learnt (1, C, H, W) map) added to a window."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.pos = nn.Parameter(torch.randn(1, 2, 8, 8))
        self.bias = nn.Parameter(torch.randn(1, 2, 1, 1))
        self.fc = nn.Linear(128, 3)

    def forward(self, x):
        return self.fc(((self.conv(x) + self.bias) * self.pos).flatten(1))


def test_incremental_pass_with_a_full_size_unchanged_operand_equals_full_passes():
    torch.manual_seed(0)
    model = _Positional().eval()
    x = torch.randn(1, 1, 8, 8)
    crop = torch.randn(3, 1, 2, 2)
    y0, x0 = torch.tensor([0, 6, 3]), torch.tensor([1, 6, 0])
    full = x.repeat(3, 1, 1, 1)
    for i in range(3):
        full[i, :, y0[i]:y0[i] + 2, x0[i]:x0[i] + 2] = crop[i]
    with torch.no_grad():
        runner = LocalRunner(model, x)
        assert isinstance(runner, GraphRunner)
        torch.testing.assert_close(runner.run(crop, y0, x0), model(full), rtol=0, atol=1e-5)


# --------------------------------------------------------------------------- fits
class _Lambda(nn.Module):
    def __init__(self, fn, *children: nn.Module) -> None:
        super().__init__()
        self.fn = fn
        self.children_ = nn.ModuleList(children)

    def forward(self, x):
        return self.fn(x, *self.children_)


class _Bias(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, 4, 1, 1))

    def forward(self, x):
        return x + self.bias


def _z(*shape: int) -> torch.Tensor:
    return torch.zeros(shape)


# (model, an input that does not fit it); each is run through a GraphRunner inside fits
SHAPE_CASES = {
    "linear features": (nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), _z(1, 1, 1, 5)),
    "conv channels": (nn.Sequential(nn.Conv2d(3, 4, 3)), _z(1, 1, 8, 8)),
    "conv rank": (nn.Sequential(nn.Flatten(), nn.Conv2d(3, 4, 3)), _z(1, 3, 4, 4)),
    "conv larger than map": (nn.Sequential(nn.Conv2d(1, 1, 3)), _z(1, 1, 2, 2)),
    "pool larger than map": (nn.Sequential(nn.MaxPool2d(2)), _z(1, 1, 1, 1)),
    "3-d pool larger than map": (nn.Sequential(nn.AvgPool3d(3)), _z(1, 1, 2, 2, 2)),
    "pool rank": (nn.Sequential(nn.Flatten(0), nn.MaxPool2d(2)), _z(1, 1, 2, 2)),
    "adaptive pool rank": (nn.Sequential(nn.Flatten(0), nn.AdaptiveAvgPool2d(2)), _z(1, 1, 2, 2)),
    "broadcast": (_Bias(), _z(1, 3, 2, 2)),
    "expand": (_Lambda(lambda x: x.expand(-1, 3, -1, -1)), _z(1, 4, 2, 2)),
    "view": (_Lambda(lambda x: x.view(1, 72)), _z(1, 1, 5, 10)),
    "batch norm channels": (nn.Sequential(nn.BatchNorm2d(4)), _z(1, 3, 2, 2)),
    "batch statistics of one value": (
        _Lambda(lambda x: F.batch_norm(x.flatten(1), None, None, training=True)), _z(1, 3, 1, 1)),
    "instance norm of a 1x1 map": (nn.Sequential(nn.InstanceNorm2d(3)), _z(1, 3, 1, 1)),
    "layer norm": (nn.Sequential(nn.Flatten(), nn.LayerNorm(4)), _z(1, 3, 1, 1)),
    "group norm": (nn.Sequential(nn.GroupNorm(2, 4)), _z(1, 3, 4, 4)),
    "cat": (_Lambda(lambda x, c: torch.cat([x, c(x)], 1), nn.Conv2d(1, 1, 3)), _z(1, 1, 6, 6)),
    "stack": (_Lambda(lambda x, c: torch.stack([x, c(x)]), nn.Conv2d(1, 1, 3)), _z(1, 1, 6, 6)),
    "reflect padding": (nn.Sequential(nn.Conv2d(1, 1, 3, padding=3, padding_mode="reflect")),
                        _z(1, 1, 2, 2)),
    "unfold": (nn.Sequential(nn.Unfold(3)), _z(1, 1, 2, 2)),
}


def _run(model: nn.Module, x: torch.Tensor):
    model.eval()
    g = model_graph(model)
    with torch.no_grad(), fits(f"x of shape {tuple(x.shape)}"):
        return GraphRunner(model, g).forward(x)


@pytest.mark.parametrize("case", list(SHAPE_CASES))
def test_each_shape_mismatch_becomes_an_input_error(case):
    model, x = SHAPE_CASES[case]
    with pytest.raises(InputError,
                       match=re.escape(f"x of shape {tuple(x.shape)} does not fit this model: ")
                       ) as err:
        _run(model, x)
    cause = err.value.__cause__
    assert isinstance(cause, (RuntimeError, ValueError)) and not isinstance(cause, InputError)
    assert str(cause) in str(err.value)


def test_every_shape_pattern_is_provoked_by_a_case():
    matched = set()
    for model, x in SHAPE_CASES.values():
        try:
            with torch.no_grad():
                model.eval()(x)
        except (RuntimeError, ValueError) as err:
            hits = [p.pattern for p in _SHAPE_ERRORS if p.search(str(err))]
            assert len(hits) == 1, (str(err), hits)
            matched.update(hits)
    assert matched == {p.pattern for p in _SHAPE_ERRORS}


class _Raises(nn.Module):
    def __init__(self, err: BaseException) -> None:
        super().__init__()
        self.err = err

    def forward(self, x):
        raise self.err


_OTHER_ERRORS = {
    "oom": lambda: torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
    "oom with shape words": lambda: torch.OutOfMemoryError(
        "out of memory: mat1 and mat2 shapes cannot be multiplied"),
    "boom": lambda: RuntimeError("boom"),
    "a ValueError": lambda: ValueError("not a shape"),
    "an InputError": lambda: InputError("stride must be >= 1, got 0"),
}


@pytest.mark.parametrize("case", list(_OTHER_ERRORS))
def test_other_errors_pass_through_fits_as_themselves(case):
    err = _OTHER_ERRORS[case]()
    with pytest.raises(type(err)) as got:
        with fits("x"):
            raise err
    assert got.value is err


@pytest.mark.parametrize("case", ["oom", "boom"])
def test_other_errors_inside_a_model_reach_the_caller_of_each_public_path(case):
    err = _OTHER_ERRORS[case]()
    model = nn.Sequential(nn.Conv2d(1, 1, 1), _Raises(err)).eval()
    x = torch.randn(1, 1, 8, 8)
    calls = {
        "activations": lambda: layers.activations(model, x, ["1"]),
        "predict": lambda: layers.predict(model, x),
        "backprop": lambda: backprop.forward(model, backprop.graph(model), x),
        "occlusion": lambda: occlusion.occlusion(model, x, window=2, stride=2, mean=0.0,
                                                 std=1.0),
    }
    for name, call in calls.items():
        with pytest.raises(type(err)) as got:
            call()
        assert got.value is err, name
        assert not isinstance(got.value, ValueError), name
