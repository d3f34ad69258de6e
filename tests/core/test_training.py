"""The minimal training loop and the ready default model."""

from __future__ import annotations

import pytest
import torch

from core import cards, data, models, training


def _tiny_set(n: int = 64) -> data.Dataset:
    train, _ = data.load_digits()
    return data.Dataset("digits", "train", train.images[:n], train.labels[:n], train.classes,
                        train.mean, train.std)


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return models.build_model("seed_net", in_channels=1, num_classes=10, image_size=28)


@pytest.mark.parametrize("bad, message", [
    (dict(epochs=0), "epochs must be >= 1, got 0"),
    (dict(batch_size=0), "batch_size must be >= 1, got 0"),
    (dict(optimizer="rmsprop"), "optimizer must be 'adam' or 'sgd', got 'rmsprop'"),
    (dict(lr=float("nan")), "lr must be a finite number > 0, got nan"),
    (dict(momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
    (dict(weight_decay=-1.0), "weight_decay must be >= 0, got -1.0"),
])
def test_config_validation(bad, message):
    with pytest.raises(ValueError, match=message):
        training.TrainConfig(**bad)


def test_training_is_deterministic_for_a_seed_and_learns():
    config = training.TrainConfig(epochs=3, batch_size=16, optimizer="sgd", lr=0.05, seed=1)
    runs = []
    for _ in range(2):
        model = _model()
        runs.append((training.train(model, _tiny_set(), config), model.state_dict()))
    assert runs[0][0] == runs[1][0]
    for k in runs[0][1]:
        assert torch.equal(runs[0][1][k], runs[1][1][k])
    history = runs[0][0]
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert history[-1]["loss"] < history[0]["loss"]


def test_divergence_stops_with_a_clear_error():
    model = _model()
    config = training.TrainConfig(epochs=2, batch_size=16, optimizer="sgd", lr=1e6, momentum=0.0)
    with pytest.raises(training.DivergedError, match="lower the learning rate"):
        training.train(model, _tiny_set(), config)
    assert not model.training  # left in eval mode, ready to inspect


def test_progress_reaches_one():
    seen = []
    training.train(_model(), _tiny_set(32), training.TrainConfig(epochs=2, batch_size=16),
                   progress=lambda done, msg: seen.append((done, msg)))
    assert seen[-1][0] == pytest.approx(1.0)
    assert seen[0][1].startswith("epoch 1/2")
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_default_model_trains_saves_and_loads(tmp_path):
    path = training.train_default_model(tmp_path / "default")
    model, card = models.load_checkpoint(path)
    _, test = data.load_digits()
    assert card.arch == "small_cnn" and card.dataset == "digits"
    assert card.metrics["test_accuracy"] > 0.9
    assert training.accuracy(model, test) == pytest.approx(card.metrics["test_accuracy"])
    assert cards.read_card(path) == card
