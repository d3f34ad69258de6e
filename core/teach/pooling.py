"""Pooling calculator maths: max, average, global and adaptive pooling of one small matrix.

A transparent numpy re-implementation of torch's 2-D pooling that also reports every window
(which input cells it covers, the cell max picked, the sum and divisor of an average), the
output-size formula with the numbers filled in, and where max pooling routes gradients.
The rules (errors, ceil_mode, divisors, adaptive bounds, tie-breaking) mirror torch 2.14's
CPU kernels; the tests use torch as the oracle. This module imports numpy only, so the page
paints without paying for ``import torch``.

Reference: Boureau, Ponce & LeCun (2010), "A Theoretical Analysis of Feature Pooling in
Visual Recognition", https://icml.cc/Conferences/2010/papers/638.pdf
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.checks import InputError, check_bool, check_pair
from core.teach.matrices import MAX_SIZE, check_matrix

__all__ = [
    "max_pool_routing",
    "OP_TITLES",
    "OPS",
    "output_shape",
    "pool",
    "PoolParams",
    "PoolResult",
    "validate",
    "Window",
    "window_cells",
]


OPS = ("max", "avg", "global_avg", "global_max", "adaptive_avg")
OP_TITLES = {
    "max": "Max pooling",
    "avg": "Average pooling",
    "global_avg": "Global average pooling",
    "global_max": "Global max pooling",
    "adaptive_avg": "Adaptive average pooling",
}
_GLOBAL_OPS = ("global_avg", "global_max")
_AXES = ("height", "width")


@dataclass(frozen=True)
class PoolParams:
    """What to pool with; `validate` returns the normalised form the page should keep."""

    op: str = "max"  # one of OPS
    kernel: tuple[int, int] = (2, 2)  # window (height, width)
    stride: tuple[int, int] | None = None  # None -> = kernel (torch's default)
    padding: tuple[int, int] = (0, 0)  # implicit padding on each side
    dilation: tuple[int, int] = (1, 1)  # gap between window cells; max only
    ceil_mode: bool = False  # round the output size up (a partial last window)
    count_include_pad: bool = True  # avg only: padding cells count in the divisor
    output_size: tuple[int, int] = (2, 2)  # adaptive_avg only


@dataclass(frozen=True)
class Window:
    """One output cell and the input window it was computed from."""

    out_index: tuple[int, int]  # (i, j) in the output
    rows: tuple[int, ...]  # input rows covered (dilation-aware, clipped to the input)
    cols: tuple[int, ...]  # input columns covered
    padded_cells: int  # window cells on padding, or past it (ceil_mode overrun)
    value: float  # the output value
    argmax: tuple[int, int] | None  # max: input (r, c) chosen; None for avg / all-padding
    total: float | None  # avg: sum of the covered input cells
    divisor: int | None  # avg: the count torch divides by


@dataclass(frozen=True)
class PoolResult:
    """Output of `pool`: values, windows, the normalised params and the size formula."""

    output: np.ndarray  # (OH, OW) float64
    windows: tuple[Window, ...]  # row-major over the output
    params: PoolParams  # normalised (see `validate`)
    formula: tuple[str, str]  # output-size formula for height and width, numbers substituted
    matrix: np.ndarray  # (H, W) float64, the checked input the windows index into


# ------------------------------------------------------------------------ params




def _check_shape(shape) -> tuple[int, int]:
    h, w = check_pair("shape", shape, low=None)
    if not (1 <= h <= MAX_SIZE and 1 <= w <= MAX_SIZE):
        raise InputError(f"the matrix shape must be 1..{MAX_SIZE} per side, got {(h, w)}",
                         "matrix_shape_range", value=(int(h), int(w)), high=MAX_SIZE)
    return h, w


def _raw_out_len(n: int, k: int, s: int, p: int, d: int, ceil: bool) -> tuple[int, bool]:
    """torch's pooling_output_shape: (length, whether ceil_mode dropped the last window)."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil else 0)) // s + 1  # // floors like torch's div_rtn
    # ceil_mode: the last window must start inside the input or the left padding
    dropped = ceil and (out - 1) * s >= n + p
    return out - dropped, dropped


def validate(shape, params: PoolParams) -> PoolParams:
    """Check `params` for a matrix of `shape` exactly as torch would, and normalise them.

    Normalised: stride filled in; fields the op ignores reset to their defaults (so equal
    settings compare equal); global ops expressed as their effective kernel (the whole
    matrix); adaptive_avg keeps only output_size (kernel/stride/padding stay at defaults).

    Args:
        shape: (H, W) of the input matrix, 1..MAX_SIZE per side.
        params: the requested pooling.

    Returns:
        The normalised PoolParams.

    Raises:
        ValueError: naming the rule, for everything torch rejects (kernel/stride/dilation
            < 1, padding < 0 or above half the kernel, an empty output), an unknown op, a
            non-integer value, and adaptive output sizes outside 1..MAX_SIZE.
        TypeError: `params` is not a PoolParams.
    """
    h, w = _check_shape(shape)
    if not isinstance(params, PoolParams):
        raise TypeError(f"expected PoolParams, got {type(params).__name__}")
    if params.op not in OPS:
        raise InputError(f"unknown pooling op {params.op!r}; choose one of {', '.join(OPS)}",
                         "pool_op_unknown", value=str(params.op), choices=OPS)
    if params.op in _GLOBAL_OPS:
        return PoolParams(op=params.op, kernel=(h, w), stride=(h, w), output_size=(1, 1))
    if params.op == "adaptive_avg":
        out = _check_adaptive(params)
        return PoolParams(op="adaptive_avg", stride=(2, 2), output_size=out)  # stride = kernel
    return _check_sliding((h, w), params)


def _check_adaptive(params: PoolParams) -> tuple[int, int]:
    out = check_pair("output_size", params.output_size, low=None)
    # torch accepts 0 (an empty tensor) and any larger size; the calculator needs a
    # non-empty output it can draw, so it keeps to 1..MAX_SIZE.
    if not all(1 <= o <= MAX_SIZE for o in out):
        raise InputError(f"output_size must be 1..{MAX_SIZE} per side, got {out}",
                         "pool_output_size_range", value=out, high=MAX_SIZE)
    return out


def _check_sliding(shape: tuple[int, int], params: PoolParams) -> PoolParams:
    """Validate max/avg params with torch's rules (pool2d_shape_check and friends)."""
    is_max = params.op == "max"
    k = check_pair("kernel", params.kernel, low=None)
    s = k if params.stride is None else check_pair("stride", params.stride, low=None)
    p = check_pair("padding", params.padding, low=None)
    d = check_pair("dilation", params.dilation, low=None) if is_max else (1, 1)
    ceil = check_bool("ceil_mode", params.ceil_mode)
    cip = check_bool("count_include_pad", params.count_include_pad) if not is_max else True
    for name, pair in (("kernel", k), ("stride", s), ("dilation", d)):
        if min(pair) < 1:
            raise InputError(f"{name} must be >= 1, got {pair}", "pair_min", name=name,
                             value=pair, low=1)
    if min(p) < 0:
        raise InputError(f"padding must be >= 0, got {p}", "pair_min", name="padding", value=p,
                         low=0)
    for a in range(2):
        _check_axis(_AXES[a], shape[a], k[a], s[a], p[a], d[a], ceil)
    return PoolParams(params.op, k, s, p, d, ceil, cip)


def _check_axis(axis: str, n: int, k: int, s: int, p: int, d: int, ceil: bool) -> None:
    if p > k // 2:
        # torch checks pad <= effective_kernel // 2 and then pad <= kernel // 2; the second
        # is the binding one, so dilation never allows more padding.
        why = " (dilation does not raise this limit)" if d > 1 else ""
        height = axis == "height"
        raise InputError(
            f"padding must be at most half of the kernel size: in {axis} padding {p} > "
            f"⌊{k}/2⌋ = {k // 2}{why}",
            ("pool_padding_over_half_height" if height else "pool_padding_over_half_width")
            if d == 1 else
            ("pool_padding_over_half_dilated_height" if height
             else "pool_padding_over_half_dilated_width"),
            padding=p, kernel=k, limit=k // 2, dilation=d,
        )
    if _raw_out_len(n, k, s, p, d, ceil)[0] < 1:
        padded = f"the padded input ({n} + 2·{p} = {n + 2 * p})"
        if ceil:  # ceil_mode only fails once the kernel overruns by a whole stride
            reach = f"overruns {padded} by a stride ({s}) or more; even ceil_mode has no window"
        else:
            reach = f"is larger than {padded}, so no window fits"
        eff = d * (k - 1) + 1
        height = axis == "height"
        raise InputError(
            f"output size < 1: in {axis} the kernel (effective size {eff}) {reach}",
            ("pool_no_window_ceil_height" if height else "pool_no_window_ceil_width") if ceil
            else ("pool_no_window_height" if height else "pool_no_window_width"),
            kernel=eff, size=n, padding=p, padded=n + 2 * p, stride=s,
        )


def output_shape(shape: tuple[int, int], params: PoolParams) -> tuple[int, int]:
    """Output (OH, OW) of pooling a matrix of `shape` with `params`.

    Raises:
        ValueError: as `validate`.
    """
    return _out_shape(shape, validate(shape, params))


def _out_shape(shape: tuple[int, int], p: PoolParams) -> tuple[int, int]:
    """Output shape for already-normalised params."""
    if p.op == "adaptive_avg":
        return p.output_size
    k, s, pad, d = p.kernel, p.stride, p.padding, p.dilation
    return tuple(_raw_out_len(shape[a], k[a], s[a], pad[a], d[a], p.ceil_mode)[0] for a in (0, 1))


# ------------------------------------------------------------------------ pooling


def pool(matrix, params: PoolParams) -> PoolResult:
    """Pool `matrix` window by window, the way torch does, keeping every window.

    max: padding is -inf; the first maximum in a row-major scan of the window wins (torch's
    tie rule); a window lying wholly on padding gives -inf and no argmax. avg: sum of the
    covered cells over torch's divisor. adaptive_avg: row window i spans
    ⌊i·H/OH⌋ .. ⌈(i+1)·H/OH⌉ - 1 (columns alike). Global ops: one window, the whole
    matrix.

    Args:
        matrix: (H, W) array-like, checked with `check_matrix`.
        params: the pooling to apply, checked with `validate`.

    Returns:
        PoolResult with the (OH, OW) float64 output and one Window per output cell.
    """
    m = check_matrix(matrix)
    p = validate(m.shape, params)
    if p.op == "adaptive_avg":
        windows = _adaptive_windows(m, p.output_size)
    else:
        windows = _sliding_windows(m, p)
    oh, ow = _out_shape(m.shape, p)
    output = np.array([w.value for w in windows], dtype=np.float64).reshape(oh, ow)
    return PoolResult(output, tuple(windows), p, _formulas(m.shape, p, (oh, ow)), m)


def _span(start: int, k: int, d: int, n: int) -> tuple[int, ...]:
    """Input indices start + t·d (0 <= t < k) that fall inside 0..n-1."""
    first = max(0, -(start // d))  # smallest t with start + t·d >= 0
    last = min(k, -((start - n) // d))  # one past the largest t with start + t·d < n
    return tuple(range(start + first * d, start + last * d, d)) if last > first else ()


def _sliding_windows(m: np.ndarray, p: PoolParams) -> list[Window]:
    (h, w), (kh, kw), (sh, sw) = m.shape, p.kernel, p.stride
    (oh, ow), is_max = _out_shape(m.shape, p), p.op in ("max", "global_max")
    windows = []
    for i in range(oh):
        r0 = i * sh - p.padding[0]  # window start in input coordinates (may be negative)
        rows = _span(r0, kh, p.dilation[0], h)
        for j in range(ow):
            c0 = j * sw - p.padding[1]
            cols = _span(c0, kw, p.dilation[1], w)
            block = m[np.ix_(rows, cols)]  # (len(rows), len(cols))
            padded = kh * kw - block.size
            if is_max:
                windows.append(_max_window((i, j), rows, cols, padded, block))
            else:
                divisor = _avg_divisor((r0, c0), block.size, p, m.shape)
                windows.append(_avg_window((i, j), rows, cols, padded, block, divisor))
    return windows


def _max_window(out_index, rows, cols, padded, block) -> Window:
    if block.size == 0:  # dilation can put every cell of a window on padding
        return Window(out_index, rows, cols, padded, -math.inf, None, None, None)
    r, c = np.unravel_index(np.argmax(block), block.shape)  # argmax: first max, row-major
    return Window(out_index, rows, cols, padded, float(block[r, c]), (rows[r], cols[c]), None, None)


def _avg_window(out_index, rows, cols, padded, block, divisor) -> Window:
    total = sum(block.ravel().tolist())  # sequential row-major, the order torch adds in
    return Window(out_index, rows, cols, padded, total / divisor, None, total, divisor)


def _avg_divisor(start: tuple[int, int], covered: int, p: PoolParams, shape) -> int:
    """torch's avg_pool2d divisor for the window starting at `start` (input coordinates)."""
    if not p.count_include_pad:
        return covered
    # padding cells count; cells a ceil_mode window reaches past the padded input do not
    extent = [
        min(start[a] + p.kernel[a], shape[a] + p.padding[a]) - start[a] for a in range(2)
    ]
    return extent[0] * extent[1]


def _adaptive_windows(m: np.ndarray, out: tuple[int, int]) -> list[Window]:
    rows_of = [_adaptive_range(i, m.shape[0], out[0]) for i in range(out[0])]
    cols_of = [_adaptive_range(j, m.shape[1], out[1]) for j in range(out[1])]
    windows = []
    for i, rows in enumerate(rows_of):
        for j, cols in enumerate(cols_of):
            block = m[np.ix_(rows, cols)]  # (len(rows), len(cols))
            windows.append(_avg_window((i, j), rows, cols, 0, block, block.size))
    return windows


def _adaptive_range(i: int, n: int, out: int) -> tuple[int, ...]:
    """Rows of adaptive window i: ⌊i·n/out⌋ up to ⌈(i+1)·n/out⌉ (exclusive)."""
    return tuple(range(i * n // out, -(-(i + 1) * n // out)))


# ------------------------------------------------------------------------ formulas


def _formulas(shape, p: PoolParams, out: tuple[int, int]) -> tuple[str, str]:
    labels = ("H_out", "W_out")
    if p.op in _GLOBAL_OPS:
        words = ("rows", "columns")
        return tuple(
            f"{labels[a]} = 1 (global: one window spans all {shape[a]} {words[a]})"
            for a in range(2)
        )
    if p.op == "adaptive_avg":
        return tuple(_adaptive_formula(labels[a], shape[a], out[a], a) for a in range(2))
    return tuple(_sliding_formula(labels[a], shape[a], p, a) for a in range(2))


def _sliding_formula(label: str, n: int, p: PoolParams, a: int) -> str:
    k, s, pad, d = p.kernel[a], p.stride[a], p.padding[a], p.dilation[a]
    # avg has no dilation, so it gets the simpler textbook form
    if p.op == "max":
        span = f"{n} + 2·{pad} − {d}·({k} − 1) − 1"
    else:
        span = f"{n} + 2·{pad} − {k}"
    left, right = ("⌈", "⌉") if p.ceil_mode else ("⌊", "⌋")
    out, dropped = _raw_out_len(n, k, s, pad, d, p.ceil_mode)
    text = f"{label} = {left}({span}) / {s}{right} + 1 = {out + dropped}"
    if dropped:
        text += (f" − 1 = {out} (ceil_mode drops the last window: it would start at index "
                 f"{out * s - pad}, past the last input index {n - 1})")
    return text


def _adaptive_formula(label: str, n: int, out: int, a: int) -> str:
    word = ("row", "column")[a]
    spans = [_adaptive_range(i, n, out) for i in range(min(out, 4))]
    listed = ", ".join(f"{r[0]}..{r[-1]}" for r in spans) + (", …" if out > 4 else "")
    return (f"{label} = {out} (chosen); window i covers {word}s from start = ⌊i·{n}/{out}⌋ "
            f"up to end = ⌈(i+1)·{n}/{out}⌉ (exclusive): {listed}")


# ------------------------------------------------------------------------ gradients


def max_pool_routing(result: PoolResult, upstream: np.ndarray | None = None) -> np.ndarray:
    """Where backpropagation sends each output's gradient through max pooling.

    Each output cell passes its upstream gradient to the one input cell max chose; a cell
    chosen by several overlapping windows receives the sum. Equals torch's autograd of
    max_pool2d, except for a window lying wholly on padding: it routes nothing here, while
    torch sends it to a stale index (a cell outside that window, or out of bounds).

    Args:
        result: a `pool` result for op "max" or "global_max".
        upstream: (OH, OW) gradient arriving at the output; None means all ones (the
            gradient of output.sum()).

    Returns:
        (H, W) float64 gradient with respect to the input matrix.
    """
    if result.params.op not in ("max", "global_max"):
        raise InputError(f"gradient routing is for max pooling, not {result.params.op!r}",
                         "pool_routing_not_max", value=str(result.params.op))
    up = np.ones(result.output.shape) if upstream is None else np.asarray(upstream, np.float64)
    if up.shape != result.output.shape or not np.all(np.isfinite(up)):
        raise InputError(
            f"upstream must be finite with the output's shape {result.output.shape}, "
            f"got shape {up.shape}",
            "pool_upstream_shape", shape=tuple(map(int, result.output.shape)),
            value=tuple(map(int, up.shape)),
        )
    grad = np.zeros(result.matrix.shape)
    for w in result.windows:  # row-major, the order torch accumulates in
        if w.argmax is not None:
            grad[w.argmax] += up[w.out_index]
    return grad


# ------------------------------------------------------------------------ drawing


def window_cells(result: PoolResult, window: Window) -> list[tuple[int, int]]:
    """Every cell of a window in input coordinates, padding cells included (for drawing).

    Padding cells have negative indices or indices >= the input size; cells a ceil_mode
    window reaches past the padded input are left out (there is nothing there to draw).
    """
    p = result.params
    if p.op == "adaptive_avg":
        return [(r, c) for r in window.rows for c in window.cols]
    (h, w), (i, j) = result.matrix.shape, window.out_index
    rows = [i * p.stride[0] - p.padding[0] + t * p.dilation[0] for t in range(p.kernel[0])]
    cols = [j * p.stride[1] - p.padding[1] + t * p.dilation[1] for t in range(p.kernel[1])]
    return [
        (r, c)
        for r in rows
        if -p.padding[0] <= r < h + p.padding[0]
        for c in cols
        if -p.padding[1] <= c < w + p.padding[1]
    ]
