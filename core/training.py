"""Training and evaluation: a config dataclass, a deterministic loop, the ready default model.

This is the minimal loop the foundation needs (the default model is trained with it on first
use); the Train page extends it with resumable chunks and live curves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from core import cards, data, models, paths

Progress = Callable[[float, str], None]  # (fraction done in [0, 1], message)


@dataclass
class TrainConfig:
    epochs: int = 8  # passes over the training split
    batch_size: int = 64
    optimizer: str = "adam"  # "adam" | "sgd"
    lr: float = 1e-3
    momentum: float = 0.9  # SGD only
    weight_decay: float = 0.0
    seed: int = 0  # shuffling and initialisation

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer must be 'adam' or 'sgd', got {self.optimizer!r}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be a finite number > 0, got {self.lr}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum}")
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise ValueError(f"weight_decay must be >= 0, got {self.weight_decay}")


class DivergedError(RuntimeError):
    """The loss became NaN or infinite; the model keeps its weights from before that step."""


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum,
                               weight_decay=config.weight_decay)
    return torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)


def train(model: nn.Module, train_set: data.Dataset, config: TrainConfig, *,
          progress: Progress | None = None) -> list[dict]:
    """Train ``model`` in place (a private model, never a shared cached one).

    Args:
        model: maps normalised (B, C, H, W) float32 to logits (B, K).
        train_set: uint8 images, normalised per batch with the dataset's mean/std.
    Returns:
        One dict per epoch: {"epoch", "loss", "accuracy"} (means over the epoch's samples).
    Raises:
        DivergedError: a non-finite loss; the weights are those before the bad step.
    """
    gen = torch.Generator().manual_seed(config.seed)
    opt = make_optimizer(model, config)
    n = len(train_set)
    steps_per_epoch = math.ceil(n / config.batch_size)
    history = []
    model.train()
    try:
        for epoch in range(1, config.epochs + 1):
            order = torch.randperm(n, generator=gen)
            total_loss, correct = 0.0, 0
            for step in range(steps_per_epoch):
                idx = order[step * config.batch_size : (step + 1) * config.batch_size]
                x = train_set.normalize(train_set.images[idx])  # (B, C, H, W) float32
                y = train_set.labels[idx]
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                if not torch.isfinite(loss):
                    raise DivergedError(
                        f"loss became {loss.item()} at epoch {epoch}, step {step + 1}: "
                        "lower the learning rate")
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                total_loss += loss.item() * len(idx)
                correct += int((logits.argmax(1) == y).sum())
                if progress is not None:
                    done = ((epoch - 1) * steps_per_epoch + step + 1) / (config.epochs * steps_per_epoch)
                    progress(done, f"epoch {epoch}/{config.epochs}, loss {loss.item():.3f}")
            history.append({"epoch": epoch, "loss": total_loss / n, "accuracy": correct / n})
    finally:
        model.eval()
    return history


@torch.no_grad()
def predict(model: nn.Module, dataset: data.Dataset, batch_size: int = 512) -> torch.Tensor:
    """Predicted class per sample, (N,) int64, in batches without gradients."""
    preds = [model(dataset.normalize(dataset.images[i : i + batch_size])).argmax(1)
             for i in range(0, len(dataset), batch_size)]
    return torch.cat(preds)


def accuracy(model: nn.Module, dataset: data.Dataset) -> float:
    """Fraction of ``dataset`` classified correctly."""
    return float((predict(model, dataset) == dataset.labels).float().mean())


# --------------------------------------------------------------------------- default model
DEFAULT_ARCH = "small_cnn"
DEFAULT_CONFIG = TrainConfig(epochs=6, batch_size=32, lr=2e-3, seed=0)


def train_default_model(directory: Path | None = None, *,
                        progress: Progress | None = None) -> Path:
    """Train the ready default (small_cnn on digits, fixed seed) and save it to ``directory``.

    Deterministic on CPU for the fixed seed; takes a few seconds.
    Returns:
        The checkpoint directory (``<models_dir>/default-digits-small-cnn`` by default).
    """
    directory = directory or paths.models_dir() / cards.DEFAULT_MODEL_DIR
    train_set, test_set = data.load_digits()
    torch.manual_seed(DEFAULT_CONFIG.seed)
    c, h, _ = train_set.image_shape
    model = models.build_model(DEFAULT_ARCH, in_channels=c, num_classes=len(train_set.classes),
                               image_size=h)
    history = train(model, train_set, DEFAULT_CONFIG, progress=progress)
    card = cards.ModelCard(
        arch=DEFAULT_ARCH,
        options=models.resolve_options(DEFAULT_ARCH),
        dataset=train_set.name,
        classes=list(train_set.classes),
        input_shape=[c, h, h],
        mean=list(train_set.mean),
        std=list(train_set.std),
        metrics={"test_accuracy": accuracy(model, test_set),
                 "train_accuracy": history[-1]["accuracy"], "epochs": DEFAULT_CONFIG.epochs},
        created=cards.utc_now(),
        name="Small CNN on digits (default)",
    )
    return models.save_checkpoint(model, card, directory)
