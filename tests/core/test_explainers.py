"""Softmax with temperature, dropout train vs eval, and the course notes' flatten size."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.models import builder
from core.teach import explainers


@pytest.mark.parametrize("temperature", [0.1, 0.5, 1.0, 3.0])
def test_softmax_matches_torch(temperature):
    logits = [2.0, 1.0, 0.1, -1.0]
    ours = explainers.softmax(logits, temperature)
    ref = torch.softmax(torch.tensor(logits, dtype=torch.float64) / temperature, dim=0).numpy()
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert ours.sum() == pytest.approx(1.0)


def test_softmax_is_stable_and_keeps_the_order():
    p = explainers.softmax([1000.0, 999.0, -1000.0])
    assert np.all(np.isfinite(p)) and p[0] > p[1] > p[2]
    assert np.argmax(explainers.softmax([3, 1, 2], 0.2)) == 0


@pytest.mark.parametrize("args, message", [
    (([], 1.0), "non-empty"),
    (([1.0, float("nan")], 1.0), "finite"),
    (([1.0, 2.0], 0.0), "temperature must be > 0, got 0.0"),
])
def test_softmax_validation(args, message):
    with pytest.raises(ValueError, match=message):
        explainers.softmax(*args)


def test_dropout_scales_survivors_in_training_and_passes_everything_in_eval():
    values = np.arange(1.0, 1001.0)
    demo = explainers.dropout_demo(values, 0.25, seed=3)
    kept = demo.mask.astype(bool)
    np.testing.assert_allclose(demo.train[kept], values[kept] / 0.75)
    assert np.all(demo.train[~kept] == 0)
    np.testing.assert_array_equal(demo.eval, values)
    assert 0.2 < 1 - kept.mean() < 0.3  # about p dropped
    again = explainers.dropout_demo(values, 0.25, seed=3)
    np.testing.assert_array_equal(again.mask, demo.mask)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\), got 1.0"):
        explainers.dropout_demo(values, 1.0)


def test_dropout_matches_torch_semantics():
    """nn.Dropout in train mode: zeros or x / (1 - p); in eval mode: identity."""
    x = torch.arange(1.0, 201.0)
    layer = torch.nn.Dropout(0.4).train()
    out = layer(x)
    nz = out != 0
    torch.testing.assert_close(out[nz], x[nz] / 0.6)
    torch.testing.assert_close(layer.eval()(x), x)


def test_notes_flatten_size_and_torch_error():
    demo = builder.notes_flatten_demo()
    assert demo.shapes[2] == ("pool1", (32, 12, 12))
    assert demo.flatten == 32 * 12 * 12 == 4608
    assert demo.notes_size == 128
    assert "(1x4608 and 128x10)" in demo.error
