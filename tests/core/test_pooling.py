"""Pooling calculator: our numpy windows against torch's pooling ops as the oracle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from core.teach.matrices import MAX_SIZE, NOTES_EXAMPLE, check_matrix, parse_matrix, random_matrix
from core.teach.pooling import (
    OP_TITLES,
    OPS,
    PoolParams,
    max_pool_routing,
    output_shape,
    pool,
    validate,
)

REPO = Path(__file__).resolve().parents[2]
PROPERTY = settings(max_examples=300, deadline=None)


# --------------------------------------------------------------------- oracle


def torch_pool(m: np.ndarray, p: PoolParams, *, indices: bool = False):
    """torch's answer for `p` on `m` (raw, unvalidated params); raises what torch raises."""
    x = torch.from_numpy(np.array(m, dtype=np.float64))[None, None]  # (1, 1, H, W)
    if p.op == "max":
        y = F.max_pool2d(
            x, p.kernel, p.stride, p.padding, p.dilation, p.ceil_mode, return_indices=indices
        )
    elif p.op == "avg":
        y = F.avg_pool2d(x, p.kernel, p.stride, p.padding, p.ceil_mode, p.count_include_pad)
    elif p.op == "global_max":
        y = F.adaptive_max_pool2d(x, 1, return_indices=indices)
    elif p.op == "global_avg":
        y = F.adaptive_avg_pool2d(x, 1)
    else:
        y = F.adaptive_avg_pool2d(x, p.output_size)
    return tuple(t[0, 0].numpy() for t in y) if indices else y[0, 0].numpy()


# ----------------------------------------------------------------- strategies


@st.composite
def matrices(draw, max_side: int = 12) -> np.ndarray:
    """Float matrices with distinct values, or small integers full of ties."""
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        return rng.integers(0, 4, size=(h, w)).astype(np.float64)
    return rng.standard_normal((h, w)) * 10


def _mostly(lo: int, hi: int, bad: list[int]) -> st.SearchStrategy[int]:
    # one value in ten is invalid: with ~8 values per PoolParams both torch paths stay common
    pick = st.tuples(st.integers(0, 9), st.integers(lo, hi), st.sampled_from(bad))
    return pick.map(lambda t: t[2] if t[0] == 0 else t[1])


def _pairs(values: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(values, values)


def raw_params(ops: tuple[str, ...] = OPS) -> st.SearchStrategy[PoolParams]:
    """Any params, valid or not, for the given ops."""
    return st.builds(
        PoolParams,
        op=st.sampled_from(ops),
        kernel=_pairs(_mostly(1, 5, [-1, 0])),
        stride=st.none() | _pairs(_mostly(1, 5, [-1, 0])),
        padding=_pairs(_mostly(0, 2, [-1])),
        dilation=_pairs(_mostly(1, 3, [-1, 0])),
        ceil_mode=st.booleans(),
        count_include_pad=st.booleans(),
        output_size=_pairs(st.integers(1, 14)),  # 0 is a documented deviation, tested below
    )


@st.composite
def sliding_params(draw, op: str = "max") -> PoolParams:
    """max/avg params that pass torch's per-parameter rules (the output may still be empty)."""
    kernel = draw(_pairs(st.integers(1, 4)))
    dilation = draw(_pairs(st.integers(1, 3))) if op == "max" else (1, 1)
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    stride = draw(st.none() | _pairs(st.integers(1, 4)))
    ceil_mode, count_include_pad = draw(st.booleans()), draw(st.booleans())
    return PoolParams(op, kernel, stride, padding, dilation, ceil_mode, count_include_pad)


# ------------------------------------------------------------- notes example


def test_notes_example_max_pool():
    result = pool(NOTES_EXAMPLE, PoolParams("max", kernel=(2, 2), stride=(2, 2)))
    np.testing.assert_array_equal(result.output, [[4, 8], [6, 9]])
    assert [w.argmax for w in result.windows] == [(0, 1), (0, 3), (2, 0), (2, 2)]
    assert [w.out_index for w in result.windows] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert result.windows[3].rows == (2, 3) and result.windows[3].cols == (2, 3)
    assert result.formula[0] == "H_out = ⌊(4 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 2"
    assert result.formula[1].startswith("W_out = ")


def test_notes_example_global_average():
    result = pool(NOTES_EXAMPLE, PoolParams("global_avg"))
    assert result.output.shape == (1, 1) and result.output[0, 0] == 4.3125
    (window,) = result.windows
    assert (window.total, window.divisor) == (69.0, 16)
    assert result.params.kernel == (4, 4) and result.params.stride == (4, 4)
    assert "1" in result.formula[0] and "4 rows" in result.formula[0]
    assert NOTES_EXAMPLE.flags.writeable is False


def test_formulas_substitute_numbers():
    m = np.arange(25.0).reshape(5, 5)
    dropped = pool(m, PoolParams("max", kernel=(2, 2), padding=(1, 1), ceil_mode=True))
    assert dropped.output.shape == (3, 3) == torch_pool(m, dropped.params).shape
    expected = "H_out = ⌈(5 + 2·1 − 1·(2 − 1) − 1) / 2⌉ + 1 = 4 − 1 = 3"
    assert dropped.formula[0].startswith(expected)
    avg = pool(m, PoolParams("avg", kernel=(3, 2), stride=(1, 2)))
    assert avg.formula == (
        "H_out = ⌊(5 + 2·0 − 3) / 1⌋ + 1 = 3",
        "W_out = ⌊(5 + 2·0 − 2) / 2⌋ + 1 = 2",
    )
    adaptive = pool(m, PoolParams("adaptive_avg", output_size=(3, 2)))
    assert "⌊i·5/3⌋" in adaptive.formula[0] and "⌈(i+1)·5/3⌉" in adaptive.formula[0]
    assert "0..1, 1..3, 3..4" in adaptive.formula[0]


# ------------------------------------------------------- properties vs torch


@PROPERTY
@given(m=matrices(), p=raw_params() | sliding_params("max") | sliding_params("avg"))
def test_same_output_as_torch_and_rejects_exactly_what_torch_rejects(m, p):
    try:
        expected = torch_pool(m, p)
    except (RuntimeError, ValueError):
        event(f"{p.op}: torch rejects")  # --hypothesis-show-statistics shows the mix
        with pytest.raises(ValueError):
            validate(m.shape, p)
        return
    event(f"{p.op}: torch accepts")
    result = pool(m, p)
    np.testing.assert_allclose(result.output, expected, rtol=1e-12, atol=0)
    assert output_shape(m.shape, p) == expected.shape
    assert [w.out_index for w in result.windows] == list(np.ndindex(*expected.shape))
    assert [w.value for w in result.windows] == result.output.ravel().tolist()


@PROPERTY
@given(m=matrices(), p=sliding_params("max") | raw_params(("global_max",)))
def test_argmax_follows_torchs_tie_rule(m, p):
    try:
        _, torch_idx = torch_pool(m, p, indices=True)
    except (RuntimeError, ValueError):
        return
    for w in pool(m, p).windows:
        if w.argmax is not None:  # torch's index for an all-padding window is stale
            assert w.argmax[0] * m.shape[1] + w.argmax[1] == torch_idx[w.out_index]
            assert w.value == m[w.argmax] and w.argmax[0] in w.rows and w.argmax[1] in w.cols


@PROPERTY
@given(m=matrices(), p=sliding_params("max"), seed=st.integers(0, 2**32 - 1), ones=st.booleans())
def test_max_routing_equals_torch_autograd(m, p, seed, ones):
    try:
        result = pool(m, p)
    except ValueError:
        assume(False)
    # torch sends an all-padding window's gradient to a stale (even out-of-bounds) index
    assume(all(w.argmax is not None for w in result.windows))
    up = None if ones else np.random.default_rng(seed).standard_normal(result.output.shape)
    x = torch.tensor(m, requires_grad=True)
    y = F.max_pool2d(x[None, None], p.kernel, p.stride, p.padding, p.dilation, p.ceil_mode)
    grad_out = torch.ones_like(y) if up is None else torch.from_numpy(up)[None, None]
    (expected,) = torch.autograd.grad(y, x, grad_outputs=grad_out)
    got = max_pool_routing(result, up)
    np.testing.assert_allclose(got, expected.numpy(), rtol=1e-12, atol=1e-12)


@PROPERTY
@given(m=matrices(), p=sliding_params("avg") | raw_params(("global_avg", "adaptive_avg")))
def test_avg_windows_total_over_divisor(m, p):
    try:
        result = pool(m, p)
    except ValueError:
        assume(False)
    for w in result.windows:
        assert w.total / w.divisor == w.value
        assert w.total == pytest.approx(m[np.ix_(w.rows, w.cols)].sum(), rel=1e-12, abs=1e-9)
    if p.op == "avg":  # torch's window sums, to pin the divisor down independently
        x = torch.from_numpy(m)[None, None]
        q = result.params
        sums = F.avg_pool2d(x, q.kernel, q.stride, q.padding, q.ceil_mode, q.count_include_pad, 1)
        totals = np.array([w.total for w in result.windows]).reshape(result.output.shape)
        np.testing.assert_allclose(totals, sums[0, 0].numpy(), rtol=1e-12, atol=1e-12)


@PROPERTY
@given(m=matrices(), p=sliding_params("max"))
def test_window_rows_are_the_dilated_positions_inside_the_input(m, p):
    try:
        result = pool(m, p)
    except ValueError:
        assume(False)
    q = result.params
    for w in result.windows:
        for axis, got in ((0, w.rows), (1, w.cols)):
            start = w.out_index[axis] * q.stride[axis] - q.padding[axis]
            cells = [start + t * q.dilation[axis] for t in range(q.kernel[axis])]
            assert got == tuple(c for c in cells if 0 <= c < m.shape[axis])
        assert w.padded_cells == q.kernel[0] * q.kernel[1] - len(w.rows) * len(w.cols)


def test_global_max_routing_matches_adaptive_max_autograd():
    m = np.array([[1.0, 3.0], [3.0, 2.0]])
    result = pool(m, PoolParams("global_max"))
    x = torch.tensor(m, requires_grad=True)
    (expected,) = torch.autograd.grad(F.adaptive_max_pool2d(x[None, None], 1).sum(), x)
    np.testing.assert_array_equal(max_pool_routing(result), expected.numpy())
    assert result.windows[0].argmax == (0, 1)


# ------------------------------------------------------------- torch's rules


def test_padding_limit_uses_the_kernel_not_the_dilated_span():
    m = np.zeros((9, 9))
    p = PoolParams("max", kernel=(2, 2), stride=(1, 1), padding=(2, 2), dilation=(3, 3))
    with pytest.raises(RuntimeError):
        torch_pool(m, p)  # effective kernel 4 would allow padding 2; torch still refuses
    with pytest.raises(ValueError, match="at most half of the kernel size.*dilation"):
        validate(m.shape, p)


def test_too_small_output_message_names_the_sizes():
    with pytest.raises(ValueError, match=r"effective size 5.*4 \+ 2·0 = 4"):
        validate((4, 4), PoolParams("max", kernel=(3, 3), dilation=(2, 2)))
    with pytest.raises(ValueError, match="ceil_mode"):
        p = PoolParams("max", kernel=(3, 3), stride=(1, 1), dilation=(3, 3), ceil_mode=True)
        validate((4, 4), p)
    # ceil_mode lets a kernel larger than the input through, as torch does
    big = PoolParams("max", kernel=(10, 10), ceil_mode=True)
    assert output_shape((9, 9), big) == torch_pool(np.zeros((9, 9)), big).shape == (1, 1)


@pytest.mark.parametrize(
    ("params", "rule"),
    [
        (PoolParams(op="median"), "unknown pooling op"),
        (PoolParams(kernel=(0, 2)), "kernel must be >= 1"),
        (PoolParams(stride=(2, 0)), "stride must be >= 1"),
        (PoolParams(dilation=(0, 1)), "dilation must be >= 1"),
        (PoolParams(padding=(-1, 0)), "padding must be >= 0"),
        (PoolParams("avg", kernel=(3, 3), padding=(2, 0)), "at most half"),
        (PoolParams("adaptive_avg", output_size=(0, 2)), "output_size must be 1..32"),
        (PoolParams("adaptive_avg", output_size=(MAX_SIZE + 1, 2)), "output_size"),
        (PoolParams(kernel=(2.5, 2)), "pair of integers"),
        (PoolParams(ceil_mode="yes"), "ceil_mode"),
    ],
)
def test_validate_names_the_rule(params, rule):
    with pytest.raises(ValueError, match=rule):
        validate((6, 6), params)


def test_adaptive_accepts_outputs_larger_than_the_input_like_torch():
    m = np.arange(6.0).reshape(2, 3)
    p = PoolParams("adaptive_avg", output_size=(5, 7))
    np.testing.assert_allclose(pool(m, p).output, torch_pool(m, p), rtol=1e-12)


def test_adaptive_zero_output_is_refused_though_torch_returns_empty():
    p = PoolParams("adaptive_avg", output_size=(0, 2))
    assert torch_pool(np.ones((3, 3)), p).shape == (0, 2)  # deviation: we ask for >= 1
    with pytest.raises(ValueError):
        validate((3, 3), p)


def test_all_padding_window_gives_minus_inf_and_routes_nothing():
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    p = PoolParams("max", kernel=(2, 2), stride=(1, 1), padding=(1, 1), dilation=(3, 3))
    result = pool(m, p)
    np.testing.assert_array_equal(result.output, torch_pool(m, p))  # [[-inf]]
    assert result.windows[0].argmax is None and result.windows[0].padded_cells == 4
    np.testing.assert_array_equal(max_pool_routing(result), np.zeros((2, 2)))


def test_normalised_params_drop_what_the_op_ignores():
    avg = validate((4, 4), PoolParams("avg", dilation=(3, 3), count_include_pad=False))
    assert avg.dilation == (1, 1) and avg.stride == (2, 2) and avg.count_include_pad is False
    mx = validate((4, 4), PoolParams("max", count_include_pad=False, output_size=(3, 3)))
    assert mx == PoolParams("max", stride=(2, 2))
    assert validate((4, 5), PoolParams("global_max", kernel=(9, 9))).kernel == (4, 5)


def test_wrong_argument_types_are_programming_errors():
    with pytest.raises(TypeError):
        parse_matrix(None)
    with pytest.raises(TypeError):
        validate((2, 2), {"op": "max"})
    with pytest.raises(ValueError, match="characters"):
        parse_matrix("1 " * 60_000)


def test_routing_rejects_avg_and_bad_upstream():
    with pytest.raises(ValueError, match="max pooling"):
        max_pool_routing(pool(NOTES_EXAMPLE, PoolParams("avg")))
    with pytest.raises(ValueError, match="shape"):
        max_pool_routing(pool(NOTES_EXAMPLE, PoolParams()), np.ones((3, 3)))


# ----------------------------------------------------------------- input


@pytest.mark.parametrize(
    "text",
    [
        "1 2 3\n4 5 6",
        "1,2,3\n4,5,6\n",
        "1; 2; 3\n  4;5;6",
        "1\t2\t3\n\n4\t5\t6",
        "[[1, 2, 3], [4, 5, 6]]",
        "[[1., 2., 3.],\n [4., 5., 6.,]]",
        "[[1 2 3]\n [4 5 6]]",
        "np.array([[1, 2, 3], [4, 5, 6]])",
        "array([[1, 2, 3], [4, 5, 6]], dtype=float64)",
    ],
)
def test_parse_matrix_separators_and_list_syntax(text):
    np.testing.assert_array_equal(parse_matrix(text), [[1, 2, 3], [4, 5, 6]])


def test_parse_matrix_single_row_and_scientific():
    np.testing.assert_array_equal(parse_matrix("[-1.5, 2e1, 0]"), [[-1.5, 20, 0]])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 2 3 4\n1 2 3 4\n1 2 3 4 5", "row 3 has 5 values, row 1 has 4"),
        ("1 2\n3 x", r"row 2, column 2: 'x' is not a number"),
        ("1 nan\n3 4", "row 1, column 2 is nan"),
        ("1 2\ninf 4", "row 2, column 1 is inf"),
        ("1 1e999", "row 1, column 2 is inf"),
        ("1,,2", "row 1, column 2 is empty"),
        ("   \n ", "empty"),
        ("[[1, 2], 3]", "list syntax"),
        ("[[1, 2], []]", "row 2 is empty"),
        ("__import__('os')", "not a number"),
        ("\n".join(["1"] * (MAX_SIZE + 1)), "33x1"),
        (" ".join(["1"] * (MAX_SIZE + 1)), "1x33"),
    ],
)
def test_parse_matrix_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_matrix(text)


def test_check_matrix_grid_values():
    grid = [[1, 2.5], [None, 4]]
    with pytest.raises(ValueError, match="row 2, column 1 is empty"):
        check_matrix(grid)
    with pytest.raises(ValueError, match="row 1, column 2 is nan"):
        check_matrix(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="row 2 has 1 values, row 1 has 2"):
        check_matrix([[1, 2], [3]])
    with pytest.raises(ValueError, match="2-D"):
        check_matrix([1, 2, 3])
    with pytest.raises(ValueError, match="boolean"):
        check_matrix([[True, 1]])
    source = np.array([[1, 2], [3, 4]])
    out = check_matrix(source)
    assert out.dtype == np.float64 and out is not source
    np.testing.assert_array_equal(check_matrix([["1", 2.0], [3, np.int64(4)]]), source)


def test_check_matrix_accepts_a_dataframe():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, None]})
    with pytest.raises(ValueError, match="row 2, column 2"):
        check_matrix(frame)
    np.testing.assert_array_equal(check_matrix(frame.fillna(0)), [[1, 3], [2, 0]])


def test_random_matrix_is_reproducible_and_in_range():
    a = random_matrix(5, 7, seed=3)
    assert a.shape == (5, 7) and a.dtype == np.float64
    np.testing.assert_array_equal(a, random_matrix(5, 7, seed=3))
    assert a.min() >= 0 and a.max() <= 9 and np.all(a == np.round(a))
    f = random_matrix(3, 3, seed=1, low=-1, high=1, integers=False)
    assert np.all((f >= -1) & (f <= 1))
    with pytest.raises(ValueError, match="rows"):
        random_matrix(0, 3, seed=1)


def test_titles_cover_every_op():
    assert set(OP_TITLES) == set(OPS)


def test_importing_pooling_does_not_import_torch():
    code = "import sys, core.teach.pooling; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
