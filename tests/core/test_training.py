"""Training in chunks, determinism, divergence, evaluation, the default model and the CLI."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
import sklearn.metrics
import torch
from torch import nn

from core.data import datasets
from core.models import archs, builder, cards, checkpoints
from core.train import __main__ as cli
from core.train import evaluation, training


def _subset(n: int, start: int = 0) -> datasets.Dataset:
    train, _ = datasets.load_digits()
    return datasets.Dataset("digits", "train", train.images[start:start + n],
                        train.labels[start:start + n], train.classes, train.mean, train.std)


def _trainer(config: training.TrainConfig, n: int = 96, arch: str = "seed_net",
             **options) -> training.Trainer:
    train_set = _subset(n)
    model = training.build_for(arch, train_set, config, **options)
    return training.Trainer(model, train_set, config)


def _same_state(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def _without_seconds(history):
    return [dataclasses.replace(h, seconds=0.0) for h in history]


# --------------------------------------------------------------------------- config
@pytest.mark.parametrize("bad, message", [
    ({"epochs": 0}, "epochs must be an integer >= 1, got 0"),
    ({"epochs": 2.5}, "epochs must be an integer >= 1, got 2.5"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1, got 0"),
    ({"optimizer": "rmsprop"}, "optimizer must be 'adam' or 'sgd', got 'rmsprop'"),
    ({"lr": float("nan")}, "lr must be a finite number > 0, got nan"),
    ({"lr": 0.0}, "lr must be a finite number > 0, got 0.0"),
    ({"momentum": 1.0}, r"momentum must be in \[0, 1\), got 1.0"),
    ({"nesterov": "yes"}, "nesterov must be True or False, got 'yes'"),
    ({"optimizer": "sgd", "momentum": 0.0, "nesterov": True}, "nesterov needs momentum > 0"),
    ({"weight_decay": -1.0}, "weight_decay must be >= 0, got -1.0"),
    ({"val_fraction": 0.6}, r"val_fraction must be in \[0, 0.5\], got 0.6"),
    ({"val_fraction": float("nan")}, r"val_fraction must be in \[0, 0.5\], got nan"),
    ({"seed": -1}, "seed must be an integer >= 0, got -1"),
    ({"seed": 2**63}, r"seed must be < 2\*\*63"),
    ({"augment": 1}, "augment must be True or False, got 1"),
    ({"device": "tpu"}, "device must be one of cpu, cuda, auto, got 'tpu'"),
    ({"precision": "fp16"}, "precision must be one of fp32, bf16, auto, got 'fp16'"),
])
def test_config_validation(bad, message):
    with pytest.raises(ValueError, match=message):
        training.TrainConfig(**bad)


def test_unavailable_cuda_is_refused_when_training_starts(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="no CUDA GPU is available"):
        _trainer(training.TrainConfig(device="cuda"))


# --------------------------------------------------------------------------- init and RNG
@pytest.mark.parametrize("arch, options", [
    ("small_cnn", {"batch_norm": True, "dropout": 0.3, "channels": (4, 8), "hidden": 16}),
    ("tiny_vgg", {}),
])
def test_build_for_matches_manual_seed_and_leaves_global_rng_alone(arch, options):
    config = training.TrainConfig(seed=7)
    train_set = _subset(8)
    state = torch.get_rng_state()
    built = training.build_for(arch, train_set, config, **options)
    assert torch.equal(torch.get_rng_state(), state)
    torch.manual_seed(7)
    expected = builder.build_model(arch, in_channels=1, num_classes=10, image_size=28, **options)
    assert _same_state(built, expected)


def test_chunking_and_global_rng_change_nothing():
    config = training.TrainConfig(epochs=3, batch_size=16, seed=3, augment=True, val_fraction=0.2)
    options = {"channels": (4, 8), "hidden": 16, "dropout": 0.5, "batch_norm": True}
    whole = _trainer(config, arch="small_cnn", **options)
    state = torch.get_rng_state()
    whole.run()
    assert torch.equal(torch.get_rng_state(), state)  # never read nor moved
    others = [_trainer(config, arch="small_cnn", **options) for _ in range(2)]
    chunks = 0
    while not others[0].finished:
        torch.manual_seed(chunks)  # global RNG state between chunks must not matter
        others[0].run_for((0.0, 0.002, 0.005)[chunks % 3])  # 0 s: exactly one step
        chunks += 1
    while not others[1].finished:
        others[1].run_steps(4)
    assert chunks > 3
    for other in others:
        assert _without_seconds(other.history) == _without_seconds(whole.history)
        assert other.step_losses == whole.step_losses
        assert _same_state(other.model, whole.model)
        assert [e for e, _ in other.snapshots] == [e for e, _ in whole.snapshots]
        for (_, a), (_, b) in zip(other.snapshots, whole.snapshots, strict=True):
            assert all(torch.equal(a[k], b[k]) for k in a)


def _grads(forward, model: nn.Module, x: torch.Tensor, y: torch.Tensor):
    loss = nn.functional.cross_entropy(forward(x), y)
    return torch.autograd.grad(loss, list(model.parameters()))


@pytest.mark.parametrize("channels_last", [False, True])
def test_pool_before_relu_gives_the_same_outputs_and_gradients(channels_last):
    train_set = _subset(32)
    config = training.TrainConfig(seed=1)
    model = training.build_for("small_cnn", train_set, config, channels=(4, 8), hidden=16,
                               batch_norm=True).train()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    forward = training.pool_before_relu(model)
    assert forward is not model  # conv -> bn -> relu -> pool, twice: both pairs reordered
    # digits have flat backgrounds: many 2x2 windows hold equal maxima (ties) and negatives
    x = train_set.normalize(train_set.images).contiguous(memory_format=fmt)
    y = train_set.labels
    model.eval()
    assert torch.equal(forward(x), model(x))
    model.train()
    for ours, reference in zip(_grads(forward, model, x, y), _grads(model, model, x, y),
                               strict=True):
        assert torch.equal(ours, reference)


def test_pool_before_relu_reorders_only_what_commutes():
    plain = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Conv2d(2, 2, 3))
    assert training.pool_before_relu(plain) is plain
    in_place = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2))
    assert training.pool_before_relu(in_place) is in_place
    with_indices = nn.Sequential(nn.ReLU(), nn.MaxPool2d(2, return_indices=True))
    assert training.pool_before_relu(with_indices) is with_indices
    not_sequential = nn.ModuleList([nn.ReLU(), nn.MaxPool2d(2)])
    assert training.pool_before_relu(not_sequential) is not_sequential


def test_the_trainer_with_the_pool_first_trains_the_same_weights(monkeypatch):
    config = training.TrainConfig(epochs=2, batch_size=16, seed=2, augment=True, val_fraction=0.2)
    options = {"channels": (4, 8), "hidden": 16, "dropout": 0.25}
    ours = _trainer(config, arch="small_cnn", **options)
    assert ours._forward is not ours.model
    ours.run()
    monkeypatch.setattr(training, "pool_before_relu", lambda model: model)
    plain = _trainer(config, arch="small_cnn", **options)
    assert plain._forward is plain.model
    plain.run()
    assert ours.step_losses == plain.step_losses
    assert _same_state(ours.model, plain.model)


def test_tune_batch_follows_the_run_and_shrinks_for_big_models(untouched, monkeypatch):
    train_set = _subset(8)
    small = training.build_for("small_cnn", train_set, training.TrainConfig())
    example = train_set.normalize(train_set.images[:1])
    with untouched(small):
        assert training.tune_batch(small, example, 10 ** 6) == training.TUNE_BATCH == 64
        assert training.tune_batch(small, example, 8) == 8
        # small_cnn's multiply-adds for one 28x28 image, counted by hand: conv1, conv2, fc1, fc2
        macs = 28 * 28 * 32 * 9 + 14 * 14 * 64 * 32 * 9 + 3136 * 128 + 128 * 10
        monkeypatch.setattr(training, "TUNE_MACS", 5 * macs + 1)
        assert training.tune_batch(small, example, 64) == 5
        monkeypatch.setattr(training, "TUNE_MACS", macs / 2)
        assert training.tune_batch(small, example, 64) == 1
    monkeypatch.undo()
    import torchvision
    big = torchvision.models.resnet18()
    with untouched(big):
        assert training.tune_batch(big, torch.randn(1, 3, 224, 224), 64) == 1


def test_seed_changes_the_run():
    runs = [_trainer(training.TrainConfig(epochs=1, batch_size=16, seed=s)) for s in (0, 1)]
    for run in runs:
        run.run()
    assert runs[0].step_losses != runs[1].step_losses


# --------------------------------------------------------------------------- learning
def test_training_on_digits_reaches_95_percent_in_3_epochs():
    train_set, test_set = datasets.load_digits()
    config = training.TrainConfig(epochs=3, batch_size=32, lr=2e-3, val_fraction=0.1, seed=0)
    trainer = training.Trainer(training.build_for("seed_net", train_set, config), train_set, config)
    history = trainer.run()
    assert [h.epoch for h in history] == [1, 2, 3]
    assert history[-1].train_loss < history[0].train_loss
    assert history[-1].val_accuracy >= 0.9 and history[-1].val_loss is not None
    assert evaluation.accuracy(trainer.model_for_eval(), test_set) >= 0.95
    steps_per_epoch = math.ceil(len(trainer.train_indices) / 32)
    assert len(trainer.step_losses) == trainer.total_steps == 3 * steps_per_epoch


def test_progress_during_and_after_a_run():
    trainer = _trainer(training.TrainConfig(epochs=2, batch_size=16, val_fraction=0.0))
    start = trainer.progress()
    assert (start.done_steps, start.epoch, start.step, start.last_loss) == (0, 1, 0, None)
    assert start.eta_s == start.samples_per_s == 0.0
    mid = trainer.run_steps(7)
    assert (mid.epoch, mid.step, mid.steps_per_epoch, mid.total_steps) == (2, 1, 6, 12)
    assert mid.samples_per_s > 0 and mid.eta_s > 0 and mid.last_loss == trainer.step_losses[-1]
    seen = []
    trainer.run(seen.append)
    assert [p.done_steps for p in seen] == list(range(8, 13))
    end = trainer.progress()
    assert trainer.finished and end.eta_s == 0.0 and (end.epoch, end.step) == (2, 6)
    assert trainer.run_for(1.0).done_steps == 12  # finished: nothing more happens
    with pytest.raises(ValueError, match="seconds must be a finite number >= 0, got -1"):
        trainer.run_for(-1)


def test_snapshots_hold_the_first_conv_weights_of_every_epoch():
    trainer = _trainer(training.TrainConfig(epochs=3, batch_size=32))
    initial = trainer.model.conv1.weight.detach().clone()
    trainer.run()
    assert [e for e, _ in trainer.snapshots] == [0, 1, 2, 3]
    assert all(list(s) == ["conv1"] and s["conv1"].device.type == "cpu"
               for _, s in trainer.snapshots)
    assert torch.equal(trainer.snapshots[0][1]["conv1"], initial)
    assert torch.equal(trainer.snapshots[-1][1]["conv1"], trainer.model.conv1.weight.detach())
    assert not torch.equal(trainer.snapshots[1][1]["conv1"], initial)


def test_model_for_eval_is_a_private_cpu_copy_in_eval_mode():
    trainer = _trainer(training.TrainConfig(epochs=1, batch_size=32), arch="small_cnn",
                       channels=(4, 8), hidden=16, dropout=0.5)
    trainer.run()
    copy = trainer.model_for_eval()
    assert not copy.training and copy is not trainer.model
    assert type(copy.dropout1) is nn.Dropout and copy.dropout1.p == 0.5
    assert all(p.device.type == "cpu" and p.is_contiguous() for p in copy.parameters())
    assert _same_state(copy, trainer.model)
    with torch.no_grad():
        copy.conv1.weight.zero_()
    assert not torch.equal(copy.conv1.weight, trainer.model.conv1.weight)


# --------------------------------------------------------------------------- divergence
def test_divergence_stops_and_keeps_the_last_good_weights():
    config = training.TrainConfig(epochs=5, batch_size=16, optimizer="sgd", lr=1e6, momentum=0.0)
    bad = _trainer(config)
    bad.run()  # no exception: the run stops and says why
    assert bad.finished and "diverged" in bad.diverged and "lower the learning rate" in bad.diverged
    good_steps = bad.progress().done_steps
    assert good_steps >= 1 and len(bad.step_losses) == good_steps
    assert all(math.isfinite(v) for v in bad.step_losses)
    manual = _trainer(config)
    manual.run_steps(good_steps)  # the same run, stopped by hand just before the bad step
    assert _same_state(bad.model, manual.model)


def test_overflowing_update_is_rewound_too():
    config = training.TrainConfig(epochs=2, batch_size=16, optimizer="sgd", lr=1e39, momentum=0.0)
    trainer = _trainer(config)
    initial = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.run()  # step 1 has a finite loss, but its update overflows the weights to inf
    assert "its update made the weights non-finite" in trainer.diverged
    assert trainer.progress().done_steps == 0
    assert all(torch.equal(v, initial[k]) for k, v in trainer.model.state_dict().items())


def test_default_model_raises_diverged_error(monkeypatch, tmp_path):
    monkeypatch.setattr(training, "DEFAULT_CONFIG",
                        training.TrainConfig(epochs=1, optimizer="sgd", lr=1e39, momentum=0.0))
    with pytest.raises(training.DivergedError, match="lower the learning rate"):
        training.train_default_model(tmp_path / "default")


# --------------------------------------------------------------------------- data helpers
def test_validation_split_is_stratified_disjoint_and_seeded():
    labels = datasets.load_digits()[0].labels
    train_idx, val_idx = training.stratified_split(labels, 0.2, seed=0)
    assert set(train_idx.tolist()).isdisjoint(val_idx.tolist())
    assert sorted(train_idx.tolist() + val_idx.tolist()) == list(range(len(labels)))
    for c in range(10):
        n = int((labels == c).sum())
        assert int((labels[val_idx] == c).sum()) == math.floor(n * 0.2 + 0.5)
    again = training.stratified_split(labels, 0.2, seed=0)
    other = training.stratified_split(labels, 0.2, seed=1)
    assert torch.equal(again[1], val_idx) and not torch.equal(other[1], val_idx)
    assert len(training.stratified_split(labels, 0.0, seed=0)[1]) == 0
    trainer = _trainer(training.TrainConfig(val_fraction=0.25), n=40)
    expected = training.stratified_split(_subset(40).labels, 0.25, 0)[1]
    assert torch.equal(trainer.val_indices, expected)


@pytest.mark.parametrize("shape, pad", [((6, 1, 28, 28), 2), ((5, 3, 32, 32), 4)])
def test_augmentation_is_a_seeded_crop_and_flip(shape, pad):
    images = torch.randint(0, 256, shape, dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(0))
    out = training.augment_batch(images, torch.Generator().manual_seed(5))
    assert out.shape == images.shape and out.dtype == torch.uint8
    gen = torch.Generator().manual_seed(5)  # the same draws, applied one image at a time
    offsets = torch.randint(0, 2 * pad + 1, (shape[0], 2), generator=gen)
    flips = torch.rand(shape[0], generator=gen) < 0.5
    padded = torch.nn.functional.pad(images, (pad,) * 4)
    for i, ((top, left), flip) in enumerate(zip(offsets.tolist(), flips.tolist(), strict=True)):
        crop = padded[i, :, top:top + shape[2], left:left + shape[3]]
        assert torch.equal(out[i], crop.flip(-1) if flip else crop)
    assert torch.equal(out, training.augment_batch(images, torch.Generator().manual_seed(5)))
    assert not torch.equal(out, training.augment_batch(images, torch.Generator().manual_seed(6)))


# --------------------------------------------------------------------------- evaluation
@pytest.fixture(scope="module")
def evaluated():
    config = training.TrainConfig(epochs=1, batch_size=32, seed=0)
    trainer = _trainer(config, n=300)
    trainer.run()
    model = trainer.model_for_eval()
    return model, evaluation.evaluate(model, _subset(200, start=1000), batch_size=64)


def test_evaluation_matches_sklearn(evaluated):
    model, ev = evaluated
    test_set = _subset(200, start=1000)
    assert ev.probs.shape == (200, 10) and ev.probs.dtype == np.float32
    np.testing.assert_allclose(ev.probs.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(ev.labels, test_set.labels.numpy())
    np.testing.assert_array_equal(ev.preds, evaluation.predict(model, test_set).numpy())
    expected = sklearn.metrics.confusion_matrix(ev.labels, ev.preds, labels=range(10))
    np.testing.assert_array_equal(ev.confusion, expected)
    assert ev.confusion.dtype == np.int64
    np.testing.assert_allclose(ev.per_class, np.diag(expected) / expected.sum(1))
    assert ev.accuracy == pytest.approx(sklearn.metrics.accuracy_score(ev.labels, ev.preds))
    assert ev.accuracy == pytest.approx(evaluation.accuracy(model, test_set))


def test_confident_mistakes_and_cell_examples(evaluated):
    _, ev = evaluated
    wrong = np.flatnonzero(ev.preds != ev.labels)
    assert len(wrong) > 3
    mistakes = evaluation.confident_mistakes(ev, k=len(wrong) + 5)
    assert sorted(m[0] for m in mistakes) == sorted(wrong.tolist())
    probs = [m[3] for m in mistakes]
    assert probs == sorted(probs, reverse=True)
    for index, true, pred, p in mistakes:
        assert (true, pred) == (ev.labels[index], ev.preds[index]) and true != pred
        assert p == pytest.approx(ev.probs[index].max())
    assert evaluation.confident_mistakes(ev, k=3) == mistakes[:3]
    true, pred = np.unravel_index(np.argmax(ev.confusion), ev.confusion.shape)
    cell = evaluation.cell_examples(ev, int(true), int(pred), k=1000)
    assert len(cell) == ev.confusion[true, pred]
    assert all(ev.labels[i] == true and ev.preds[i] == pred for i, _ in cell)
    assert [p for _, p in cell] == sorted((p for _, p in cell), reverse=True)
    with pytest.raises(ValueError, match="true must be a class index in 0..9, got 10"):
        evaluation.cell_examples(ev, 10, 0)


def test_evaluate_refuses_a_training_mode_model_and_leaves_it_alone(evaluated, untouched):
    model, _ = evaluated
    model.train()
    try:
        with untouched(model), pytest.raises(ValueError, match="must be in eval mode"):
            evaluation.evaluate(model, _subset(10))
        assert model.training
    finally:
        model.eval()


def test_make_card_checks_the_model(evaluated):
    model, _ = evaluated
    card = evaluation.make_card(model, arch="seed_net", options={}, train_set=_subset(10),
                              metrics={"test_accuracy": 0.5}, name="m")
    assert card.options == archs.resolve_options("seed_net") and card.input_shape == [1, 28, 28]
    with pytest.raises(ValueError, match="conv1.weight"):
        evaluation.make_card(model, arch="seed_net", options={"channels": (8,)},
                           train_set=_subset(10), metrics={}, name="m")


# --------------------------------------------------------------------------- default model, CLI
def test_default_model_trains_saves_and_loads(tmp_path):
    seen, reports = [], []
    path = training.train_default_model(tmp_path / "default",
                                        progress=lambda f, m: seen.append((f, m)),
                                        on_report=reports.append)
    model, card = checkpoints.load_checkpoint(path)
    _, test = datasets.load_digits()
    assert card.arch == "small_cnn" and card.dataset == "digits"
    assert card.metrics["test_accuracy"] >= 0.97
    assert evaluation.accuracy(model, test) == pytest.approx(card.metrics["test_accuracy"])
    assert cards.read_card(path) == card
    assert seen[-1][0] == pytest.approx(1.0) and seen[0][1].startswith("epoch 1/")
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))
    # the same moments as Progress records, for an interface that words them itself
    assert len(reports) == len(seen)
    assert [r.done_steps / r.total_steps for r in reports] == [f for f, _ in seen]
    assert seen[0][1] == f"epoch {reports[0].epoch}/{reports[0].epochs}, " \
                         f"loss {reports[0].last_loss:.3f}"


def test_cli_trains_and_saves(tmp_path, capsys):
    out = tmp_path / "model"
    code = cli.main(["--dataset", "digits", "--arch", "seed_net", "--epochs", "1",
                          "--batch-size", "32", "--lr", "2e-3", "--out", str(out), "--name", "cli"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "epoch 1/1  train loss" in printed and "val loss" in printed and "saved" in printed
    model, card = checkpoints.load_checkpoint(out)
    assert card.name == "cli" and card.metrics["epochs"] == 1
    test_accuracy = evaluation.accuracy(model, datasets.load_digits()[1])
    assert card.metrics["test_accuracy"] == pytest.approx(test_accuracy)


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "0"], "epochs must be an integer >= 1, got 0"),
    (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
    (["--arch", "resnet"], "argument --arch: invalid choice: 'resnet'"),
    (["--channels", "8,x"], "expected integers separated by commas"),
    (["--arch", "seed_net", "--dropout", "0.5"], "seed_net has no option 'dropout'"),
    (["--dataset", "mnist", "--image-size", "20"], "--image-size applies to digits and folder"),
    (["--dataset", "folder"], "--dataset folder needs --folder PATH"),
])
def test_cli_rejects_bad_arguments(tmp_path, capsys, argv, message):
    assert cli.main([*argv, "--out", str(tmp_path / "m")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_cli_reports_an_unavailable_dataset(tmp_path, capsys, monkeypatch):
    def offline(name, *, data_dir=None, download=True):
        raise datasets.DatasetUnavailableError(
            f"MNIST could not be downloaded (no network?) [{download}]",
            directory=tmp_path, files=(), source_url="u")
    monkeypatch.setattr(datasets, "load_dataset", offline)
    code = cli.main(["--dataset", "mnist", "--no-download", "--out", str(tmp_path / "m")])
    assert code == 2
    assert "error: MNIST could not be downloaded (no network?) [False]" in capsys.readouterr().err


# --------------------------------------------------------------------------- CUDA (skipped on CPU)
cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


@cuda
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_cuda_training_learns_and_hands_back_a_cpu_model(precision):
    train_set, test_set = datasets.load_digits()
    config = training.TrainConfig(epochs=3, batch_size=32, lr=2e-3, seed=0, device="cuda",
                                  precision=precision)
    model = training.build_for("small_cnn", train_set, config, dropout=0.25)
    trainer = training.Trainer(model, train_set, config)
    cpu_rng, cuda_rng = torch.get_rng_state(), torch.cuda.get_rng_state()
    trainer.run()
    assert torch.equal(torch.get_rng_state(), cpu_rng)
    assert torch.equal(torch.cuda.get_rng_state(), cuda_rng)
    assert trainer.device.type == "cuda" and next(trainer.model.parameters()).is_cuda
    evaluated = trainer.model_for_eval()
    assert all(p.device.type == "cpu" for p in evaluated.parameters())
    on_cpu = evaluation.evaluate(evaluated, test_set)
    assert on_cpu.accuracy >= 0.95
    on_gpu = evaluation.evaluate(evaluated.to("cuda"), test_set, device="cuda")
    np.testing.assert_allclose(on_gpu.probs, on_cpu.probs, atol=1e-3)


@cuda
def test_cuda_chunking_gives_the_same_run():
    config = training.TrainConfig(epochs=2, batch_size=16, seed=3, augment=True,
                                  val_fraction=0.2, device="cuda", precision="bf16")
    options = {"channels": (4, 8), "hidden": 16, "dropout": 0.5, "batch_norm": True}
    whole, chunked = (_trainer(config, arch="small_cnn", **options) for _ in range(2))
    whole.run()
    while not chunked.finished:
        chunked.run_steps(3)
    np.testing.assert_allclose(chunked.step_losses, whole.step_losses, rtol=1e-4)
    print("CUDA chunked run bitwise equal:", chunked.step_losses == whole.step_losses)


@cuda
def test_cuda_divergence_rewinds():
    config = training.TrainConfig(epochs=2, batch_size=16, optimizer="sgd", lr=1e39,
                                  momentum=0.0, device="cuda")
    trainer = _trainer(config)
    initial = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.run()
    assert trainer.diverged and trainer.progress().done_steps == 0
    assert all(torch.equal(v, initial[k]) for k, v in trainer.model.state_dict().items())
