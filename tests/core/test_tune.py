"""core.runtime.tune: layouts, precisions and batch sizes chosen by measuring, cached, within
the precision allowed, and never changing an fp32 result beyond rounding."""

from __future__ import annotations

import time

import pytest
import torch
from torch import nn

from core.checks import InputError
from core.runtime import accel, tune


@pytest.fixture(autouse=True)
def _fresh_cache():
    tune.clear()
    yield
    tune.clear()


class Counting(nn.Module):
    """A tiny CNN that counts its forward calls and remembers the layouts it saw."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
                                 nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 4))
        self.calls = 0
        self.seen: set[tuple[bool, torch.dtype]] = set()

    def forward(self, x):
        self.calls += 1
        self.seen.add((x.is_contiguous(memory_format=torch.channels_last)
                       and not x.is_contiguous(), x.dtype))
        return self.net(x)


def _snapshot(model: nn.Module) -> dict:
    return {k: (v.clone(), v.stride()) for k, v in model.state_dict().items()}


def test_measure_picks_the_fastest_per_image_and_counts_the_batch():
    slow, fast = tune.Setup(False, "fp32", 8), tune.Setup(True, "fp32", 32)
    delay = {slow: 0.004, fast: 0.008}  # per batch: 0.5 ms vs 0.25 ms per image

    def make_run(setup):
        return lambda: time.sleep(delay[setup])

    choice = tune.measure([slow, fast], make_run)
    assert choice.best == fast
    assert choice.seconds_per_image[slow] == pytest.approx(0.004 / 8, rel=0.5)
    assert choice.seconds_per_image[fast] == pytest.approx(0.008 / 32, rel=0.5)
    assert choice.speedup > 1


def test_measure_stops_starting_candidates_when_the_budget_is_spent():
    setups = [tune.Setup(cl, "fp32", b) for cl in (False, True) for b in (4, 8)]
    runs = []

    def make_run(setup):
        runs.append(setup)
        return lambda: time.sleep(0.01)

    choice = tune.measure(setups, make_run, budget_s=0.0)
    assert runs == setups[:1]  # the first is always measured
    assert choice.best == setups[0] and choice.skipped == tuple(setups[1:])


def test_the_budget_counts_the_timed_calls_still_to_come():
    setups = [tune.Setup(False, "fp32", b) for b in (1, 2, 3)]
    started = []

    def make_run(setup):
        started.append(setup)
        return lambda: time.sleep(0.05)

    # the first: warm-up + a timed call (0.1 s) + two more timed calls to come (0.1 s) fit in
    # 0.3 s; with the second started too, 0.2 s gone + 0.2 s to come do not
    choice = tune.measure(setups, make_run, budget_s=0.3, repeats=3)
    assert started == setups[:2] and choice.skipped == (setups[2],)


def test_measure_times_the_candidates_in_turns_and_keeps_each_ones_fastest_call():
    """A burst of load from elsewhere (a shared machine) must not land on all of one
    candidate's calls: after each one's warm-up and first timed call, they take turns."""
    a, b = tune.Setup(True, "fp32", 1), tune.Setup(False, "fp32", 1)
    calls, delays = [], {a: iter([0.0, 0.05, 0.05, 0.0]), b: iter([0.0, 0.02, 0.02, 0.02])}

    def make_run(setup):
        def run():
            calls.append(setup)
            time.sleep(next(delays[setup]))
        return run

    choice = tune.measure([a, b], make_run, repeats=3)
    assert calls == [a, a, b, b, b, a, a, b]  # warm-up, timed; then rounds, every other reversed
    assert choice.best == a  # a's one fast timed call counts, not its slow ones
    assert choice.seconds_per_image[a] < 0.01 <= choice.seconds_per_image[b]


def test_the_choice_is_cached_per_model_and_shape():
    model = Counting().eval()
    x = torch.randn(1, 3, 16, 16)
    first = tune.choose(model, x, precision="fp32", batch_sizes=(2, 4))
    calls = model.calls
    assert calls > 0 and not first.cached and first.cost_s > 0
    again = tune.choose(model, x, precision="fp32", batch_sizes=(2, 4))
    assert again.cached and again.best == first.best and again.cost_s == 0
    assert model.calls == calls  # nothing ran again
    tune.choose(model, torch.randn(1, 3, 20, 20), precision="fp32", batch_sizes=(2, 4))
    assert model.calls > calls  # another input size is measured apart
    other = Counting().eval()
    tune.choose(other, x, precision="fp32", batch_sizes=(2, 4))
    assert other.calls > 0  # and another model


def test_fp32_is_a_hard_limit_even_where_bf16_is_native(monkeypatch):
    monkeypatch.setattr(accel, "has_bf16", lambda device: True)
    model = Counting().eval()
    choice = tune.choose(model, torch.randn(1, 3, 16, 16), precision="fp32",
                         batch_sizes=(2, 4))
    assert {s.precision for s in choice.seconds_per_image} == {"fp32"}
    assert {dtype for _, dtype in model.seen} == {torch.float32}
    assert tune.precisions("auto", torch.device("cpu")) == ("fp32", "bf16")


def test_auto_tries_bf16_only_where_it_is_native(monkeypatch):
    monkeypatch.setattr(accel, "has_bf16", lambda device: False)
    choice = tune.choose(Counting().eval(), torch.randn(1, 3, 16, 16), precision="auto")
    assert {s.precision for s in choice.seconds_per_image} == {"fp32"}
    with pytest.raises(InputError):
        tune.choose(Counting().eval(), torch.randn(1, 3, 16, 16), precision="bf16")


def test_both_layouts_are_measured_and_every_batch_size_for_the_winner():
    model = Counting().eval()
    choice = tune.choose(model, torch.randn(1, 3, 16, 16), precision="fp32",
                         batch_sizes=(4, 2, 8), budget_s=60)
    measured = set(choice.seconds_per_image)
    assert {s.channels_last for s in measured if s.batch_size == 2} == {False, True}
    assert {s.batch_size for s in measured} == {2, 4, 8}
    assert (True, torch.float32) in model.seen and (False, torch.float32) in model.seen


@pytest.mark.parametrize("kind", tune.KINDS)
def test_the_shared_model_is_only_read(kind):
    model = Counting().eval()
    before = _snapshot(model)
    tune.choose(model, torch.randn(1, 3, 16, 16), kind=kind, precision="fp32",
                batch_sizes=(4,))
    assert not model.training
    after = _snapshot(model)
    for k, (v, stride) in before.items():
        assert torch.equal(after[k][0], v) and after[k][1] == stride, k
    assert all(p.grad is None for p in model.parameters())
    assert not model._forward_hooks and not model._forward_pre_hooks


def test_every_fp32_set_up_gives_the_nchw_result_to_rounding():
    """What a choice may change in fp32: how sums are grouped, nothing more."""
    model = Counting().eval()
    x = torch.randn(1, 3, 16, 16)
    with torch.inference_mode():
        want = model(x.expand(4, -1, -1, -1).contiguous())
        for cl in (False, True):
            s = tune.Setup(cl, "fp32", 4)
            got = model(tune.batch_of(x, 4, s))
            torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_nonsense_arguments_are_refused():
    model, x = Counting().eval(), torch.randn(1, 3, 8, 8)
    with pytest.raises(InputError):
        tune.choose(model, x, kind="backwards")
    with pytest.raises(InputError):
        tune.choose(model, x, batch_sizes=(0,))
    with pytest.raises(InputError):
        tune.choose(model, x, precision="fp8")


# --------------------------------------------------------------------------- the trainer
def _digits(n: int = 64):
    from core.data import datasets

    train, _ = datasets.load_digits()
    return datasets.Dataset("digits", "train", train.images[:n], train.labels[:n],
                            train.classes, train.mean, train.std)


def test_a_trainer_measures_its_layout_once_per_architecture_within_fp32():
    from core.train import training

    data = _digits()
    config = training.TrainConfig(epochs=1, batch_size=16, val_fraction=0.0, precision="fp32")
    first = training.Trainer(training.build_for("small_cnn", data, config), data, config)
    assert not first.tuned.cached
    assert {s.channels_last for s in first.tuned.seconds_per_image} == {False, True}
    assert {s.precision for s in first.tuned.seconds_per_image} == {"fp32"}
    assert first.channels_last == first.tuned.best.channels_last and first.precision == "fp32"
    second = training.Trainer(training.build_for("small_cnn", data, config), data, config)
    assert second.tuned.cached and second.channels_last == first.channels_last
    other = training.Trainer(training.build_for("seed_net", data, config), data, config)
    assert not other.tuned.cached  # another architecture is measured apart


def test_either_layout_trains_to_the_same_weights_in_fp32(monkeypatch):
    """What the measured layout may change in a training run: rounding, nothing more."""
    from core.train import training

    data = _digits()
    config = training.TrainConfig(epochs=1, batch_size=16, val_fraction=0.0, seed=3)
    weights = []
    for cl in (False, True):
        tune.clear()
        monkeypatch.setattr(tune, "measure", lambda candidates, make_run, cl=cl, **kw:
                            tune.Choice(tune.Setup(cl, "fp32", 16),
                                        {tune.Setup(cl, "fp32", 16): 1.0}))
        trainer = training.Trainer(training.build_for("small_cnn", data, config), data, config)
        assert trainer.channels_last is cl
        trainer.run()
        weights.append(trainer.model_for_eval().state_dict())
    # Adam divides by the gradient's own size, so a weight whose gradient is ~0 can move by a
    # fraction of lr (1e-3) on a rounding difference: a tenth of lr bounds what may differ
    for k, v in weights[0].items():
        torch.testing.assert_close(weights[1][k], v, rtol=0, atol=1e-4)
