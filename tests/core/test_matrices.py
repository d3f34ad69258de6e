"""Presets, text formatting (round trip through the parser) and window drawing cells."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core.teach import matrices, pooling


def test_notes_preset_is_the_notes_matrix():
    m = matrices.preset_matrix("notes", rows=9, cols=9)
    np.testing.assert_array_equal(m, matrices.NOTES_EXAMPLE)
    assert m.flags.writeable  # a copy the caller may edit
    assert m.sum() == 69


@pytest.mark.parametrize("name", [k for k, sized in matrices.PRESET_SIZED.items() if sized])
def test_sized_presets_have_the_requested_shape_and_are_reproducible(name):
    a = matrices.preset_matrix(name, rows=5, cols=7, seed=4)
    b = matrices.preset_matrix(name, rows=5, cols=7, seed=4)
    assert a.shape == (5, 7) and a.dtype == np.float64
    np.testing.assert_array_equal(a, b)


def test_preset_rules():
    np.testing.assert_array_equal(matrices.preset_matrix("ramp", rows=2, cols=3),
                                  [[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(matrices.preset_matrix("checkerboard", rows=2, cols=2),
                                  [[0, 1], [1, 0]])
    spot = matrices.preset_matrix("spot", rows=4, cols=4, seed=1)
    assert (spot == 9).sum() == 1 and (spot == 0).sum() == 15
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        matrices.preset_matrix("nope", rows=2, cols=2)
    with pytest.raises(ValueError, match="rows must be an integer in 1..32, got 33"):
        matrices.preset_matrix("ramp", rows=33, cols=2)


def test_format_matrix_styles():
    m = np.array([[1.0, 2.5], [-3.0, 10.0]])
    assert matrices.format_matrix(m) == "  1 2.5\n -3  10"
    assert matrices.format_matrix(m, brackets=True) == "[[1, 2.5],\n [-3, 10]]"


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)),
              elements=st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3))),
       st.booleans())
def test_format_then_parse_round_trips(m, brackets):
    back = matrices.parse_matrix(matrices.format_matrix(m, brackets=brackets))
    np.testing.assert_allclose(back, m, rtol=1e-5, atol=1e-9)


def test_window_cells_include_padding_and_dilation():
    m = np.arange(16.0).reshape(4, 4)
    res = pooling.pool(m, pooling.PoolParams("max", kernel=(2, 2), stride=(2, 2), padding=(1, 1)))
    first = res.windows[0]
    assert sorted(pooling.window_cells(res, first)) == [(-1, -1), (-1, 0), (0, -1), (0, 0)]
    assert first.padded_cells == 3
    res = pooling.pool(m, pooling.PoolParams("max", kernel=(2, 2), stride=(1, 1),
                                             dilation=(2, 3)))
    assert sorted(pooling.window_cells(res, res.windows[0])) == [(0, 0), (0, 3), (2, 0), (2, 3)]
    res = pooling.pool(m, pooling.PoolParams("adaptive_avg", output_size=(3, 3)))
    assert sorted(pooling.window_cells(res, res.windows[0])) == [(0, 0), (0, 1), (1, 0), (1, 1)]
