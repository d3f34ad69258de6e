"""Evaluate a trained model on a split: accuracy, per-class accuracy, confusion matrix (rows =
true class, as scikit-learn), the most confident mistakes, a confusion cell's images, its card.

Models are treated as shared and read-only: they must already be in eval() mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from core.checks import InputError, check_int, plain
from core.data import datasets
from core.models import archs, cards, checkpoints
from core.runtime import accel, graph

__all__ = [
    "accuracy",
    "cell_examples",
    "confident_mistakes",
    "EVAL_BATCH",
    "evaluate",
    "Evaluation",
    "make_card",
    "predict",
]


EVAL_BATCH = 512


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A model's predictions on a dataset. Confusion rows = true class, columns = predicted."""

    accuracy: float
    per_class: np.ndarray  # (K,) recall per class; nan for a class absent from the dataset
    confusion: np.ndarray  # (K, K) int64, sklearn.metrics.confusion_matrix's convention
    probs: np.ndarray  # (N, K) float32 softmax probabilities
    preds: np.ndarray  # (N,) int64
    labels: np.ndarray  # (N,) int64


@torch.no_grad()
def evaluate(model: nn.Module, dataset: datasets.Dataset, *, batch_size: int = EVAL_BATCH,
             device: str | torch.device = "cpu",
             transform: Callable[[Tensor], Tensor] | None = None) -> Evaluation:
    """Predict every image of ``dataset`` and tabulate the results.

    The model is treated as shared and read-only: it must already be in eval mode and on
    ``device`` (ValueError otherwise); it runs in fp32, without gradients.
    Args:
        model: maps normalised (B, C, H, W) float32 to logits (B, K), K = len(dataset.classes).
        dataset: the images to evaluate, usually a test split (N >= 1).
        transform: uint8 (B, C, H, W) -> the model's input, e.g. a ``core.data.fit.InputFit``
            for a model of another input size or normalisation; None: ``dataset.normalize``.
    Returns:
        An ``Evaluation`` with accuracy, per-class recall, confusion matrix and probabilities.
    """
    graph.check_model(model)
    check_int("batch_size", batch_size, 1)
    device = accel.resolve_device(device)
    where = next((p.device for p in model.parameters()), device)
    if where.type != device.type:
        raise InputError(f"the model is on {where.type} but device is {device.type}; "
                         "move your own copy of the model first", "model_device_mismatch",
                         model_device=where.type, device=device.type)
    if len(dataset) == 0:
        raise InputError("the dataset is empty; evaluation needs at least one image",
                         "eval_dataset_empty")
    k = len(dataset.classes)
    chunks = []
    with graph.shared_forward():
        for i in range(0, len(dataset), batch_size):
            batch = dataset.images[i:i + batch_size]
            x = (dataset.normalize(batch.to(device)) if transform is None
                 else transform(batch).to(device))  # (B, C, H, W)
            logits = model(x).float()  # (B, K)
            if logits.dim() != 2 or logits.shape[1] != k:
                raise InputError(f"the model gives logits of shape {tuple(logits.shape)}, "
                                 f"expected (B, {k}) for the dataset's {k} classes",
                                 "logits_classes_mismatch", value=tuple(logits.shape),
                                 classes=k)
            chunks.append(torch.softmax(logits, 1).cpu())
    probs = torch.cat(chunks).numpy().astype(np.float32)  # (N, K)
    preds = probs.argmax(1).astype(np.int64)
    labels = dataset.labels.numpy().astype(np.int64)
    confusion = np.bincount(labels * k + preds, minlength=k * k).reshape(k, k).astype(np.int64)
    totals = confusion.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(totals > 0, np.diag(confusion) / totals, np.nan)
    return Evaluation(accuracy=float((preds == labels).mean()), per_class=per_class,
                      confusion=confusion, probs=probs, preds=preds, labels=labels)


def _most_confident(ev: Evaluation, mask: np.ndarray, k: int) -> list[tuple[int, float]]:
    idx = np.flatnonzero(mask)
    p = ev.probs[idx, ev.preds[idx]]
    order = np.lexsort((idx, -p))[:k]  # highest probability first, ties by index
    return [(int(idx[i]), float(p[i])) for i in order]


def confident_mistakes(ev: Evaluation, k: int = 12) -> list[tuple[int, int, int, float]]:
    """The ``k`` wrong predictions made with the highest probability.

    Returns:
        (dataset index, true class, predicted class, probability of the predicted class),
        most confident first.
    """
    check_int("k", k, 1)
    found = _most_confident(ev, ev.preds != ev.labels, k)
    return [(i, int(ev.labels[i]), int(ev.preds[i]), p) for i, p in found]


def cell_examples(ev: Evaluation, true: int, pred: int, k: int = 16) -> list[tuple[int, float]]:
    """The images in one confusion-matrix cell (true class ``true``, predicted ``pred``).

    Returns:
        (dataset index, probability of ``pred``), most confident first, at most ``k``.
    """
    n = ev.confusion.shape[0]
    check_int("k", k, 1)
    for name, value in (("true", true), ("pred", pred)):
        is_int = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
        if not (is_int and 0 <= value < n):
            raise InputError(f"{name} must be a class index in 0..{n - 1}, got {value!r}",
                             "class_index_range", name=name, value=plain(value), high=n - 1)
    return _most_confident(ev, (ev.labels == true) & (ev.preds == pred), k)


@torch.no_grad()
def predict(model: nn.Module, dataset: datasets.Dataset, batch_size: int = EVAL_BATCH) -> Tensor:
    """Predicted class per sample, (N,) int64, in batches without gradients (CPU model)."""
    with graph.shared_forward():
        preds = [model(dataset.normalize(dataset.images[i:i + batch_size])).argmax(1)
                 for i in range(0, len(dataset), batch_size)]
    return torch.cat(preds)


def accuracy(model: nn.Module, dataset: datasets.Dataset) -> float:
    """Fraction of ``dataset`` classified correctly."""
    return float((predict(model, dataset) == dataset.labels).float().mean())


def make_card(model: nn.Module, *, arch: str, options: dict, train_set: datasets.Dataset,
              metrics: dict, name: str) -> cards.ModelCard:
    """The model card of a model trained on ``train_set`` (checked against the model's tensors).

    Args:
        options: the ``build_model`` options used (missing ones take the arch's defaults).
        metrics: finite JSON numbers, e.g. {"test_accuracy": 0.97, "epochs": 8}.
    Returns:
        A ``ModelCard`` ready for ``models.save_checkpoint``. ValueError on any mismatch.
    """
    c, h, _ = train_set.image_shape
    card = cards.ModelCard(
        arch=arch, options=archs.resolve_options(arch, **options), dataset=train_set.name,
        classes=list(train_set.classes), input_shape=[c, h, h], mean=list(train_set.mean),
        std=list(train_set.std), metrics=dict(metrics), created=cards.utc_now(), name=name)
    checkpoints._check_tensors(checkpoints._cpu_state(model),
                               checkpoints._skeleton(card).state_dict())
    return card


