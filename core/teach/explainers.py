"""Small numpy explainers for the Layers page: softmax with temperature and dropout.

Reference for dropout: Srivastava et al. (2014), "Dropout: A Simple Way to Prevent Neural
Networks from Overfitting", https://jmlr.org/papers/v15/srivastava14a.html
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.checks import InputError

__all__ = [
    "dropout_demo",
    "DropoutDemo",
    "softmax",
]



def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Softmax of ``logits / temperature``, computed stably (the max is subtracted first).

    Args:
        logits: (K,) finite numbers, K >= 1.
        temperature: > 0; below 1 sharpens the distribution, above 1 flattens it.
    Returns:
        (K,) float64 probabilities that sum to 1.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or z.size == 0:
        raise InputError(f"logits must be a non-empty list of numbers, got shape {z.shape}",
                         "logits_shape", value=tuple(map(int, z.shape)))
    if not np.all(np.isfinite(z)):
        raise InputError(f"logits must be finite numbers, got {z.tolist()}",
                         "logits_not_finite", value=tuple(z.tolist()))
    if not (math.isfinite(temperature) and temperature > 0):
        raise InputError(f"temperature must be > 0, got {temperature}", "number_above",
                         name="temperature", value=temperature, low=0)
    e = np.exp((z - z.max()) / temperature)  # the shift cancels out and avoids overflow
    return e / e.sum()


@dataclass(frozen=True)
class DropoutDemo:
    values: np.ndarray  # the activations going in
    mask: np.ndarray  # 1 = kept, 0 = dropped (training only)
    train: np.ndarray  # training output: values * mask / (1 - p)
    eval: np.ndarray  # evaluation output: the values unchanged
    p: float


def dropout_demo(values, p: float, *, seed: int = 0) -> DropoutDemo:
    """What ``nn.Dropout(p)`` does to ``values`` in training and in evaluation.

    In training each value is zeroed with probability p and the survivors are scaled by
    1 / (1 - p) ("inverted dropout"), so the expected output equals the input; in evaluation
    the layer passes everything through unchanged.
    """
    v = np.asarray(values, dtype=np.float64)
    if not 0 <= p < 1:
        raise InputError(f"p must be in [0, 1), got {p}", "dropout_p_range", value=p)
    mask = (np.random.default_rng(seed).random(v.shape) >= p).astype(np.float64)
    return DropoutDemo(v, mask, v * mask / (1 - p), v.copy(), p)
