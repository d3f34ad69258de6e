"""Plotly figure builders: pure functions, data in, ``go.Figure`` out. No Streamlit here."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

HIGHLIGHT = "#d62728"
CHOSEN = "#ff7f0e"
PAD_TEXT = "pad"


def _fmt(v: float) -> str:
    return f"{v:.4g}" if np.isfinite(v) else ""


def matrix_heatmap(
    matrix: np.ndarray,
    *,
    title: str = "",
    padding: tuple[int, int] = (0, 0),
    cells: Iterable[tuple[int, int]] = (),
    chosen: tuple[int, int] | None = None,
    colorscale: str = "Blues",
    zmid: float | None = None,
    height: int | None = None,
) -> go.Figure:
    """A matrix as an annotated heatmap, row 0 at the top.

    Args:
        matrix: (H, W) values.
        padding: (ph, pw) rings of padding drawn around the matrix as empty "pad" cells.
        cells: (row, col) input coordinates to outline (negative or >= size: padding cells).
        chosen: one cell to outline more strongly (the max of a window).
        zmid: centre of a diverging colour scale, e.g. 0 for signed maps.
    Returns:
        A figure whose axes are labelled with the input's own indices (padding: -1, n, ...).
    """
    m = np.asarray(matrix, dtype=float)
    ph, pw = padding
    h, w = m.shape
    shown = np.full((h + 2 * ph, w + 2 * pw), np.nan)  # (H + 2ph, W + 2pw), NaN = padding
    shown[ph : ph + h, pw : pw + w] = m
    rows = list(range(-ph, h + ph))
    cols = list(range(-pw, w + pw))
    text = [[_fmt(v) if np.isfinite(v) else PAD_TEXT for v in row] for row in shown]
    fig = go.Figure(
        go.Heatmap(
            z=shown,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale=colorscale,
            zmid=zmid,
            showscale=False,
            hovertemplate="row %{y}, col %{x}: %{text}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    for r, c in cells:
        fig.add_shape(_cell_rect(r, c, HIGHLIGHT, 3))
    if chosen is not None:
        fig.add_shape(_cell_rect(*chosen, CHOSEN, 5))
    cell = 56 if len(rows) <= 8 else 28  # px per row: big cells while the text fits
    fig.update_layout(
        title=title or None,
        height=height or min(cell * len(rows) + 70, 640),
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        plot_bgcolor="#eeeeee",
    )
    fig.update_xaxes(side="top", dtick=1, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(autorange="reversed", dtick=1, showgrid=False, zeroline=False,
                     scaleanchor="x", constrain="domain")
    return fig


def _cell_rect(r: int, c: int, color: str, width: int) -> dict:
    return dict(
        type="rect",
        x0=c - 0.5,
        x1=c + 0.5,
        y0=r - 0.5,
        y1=r + 0.5,
        line=dict(color=color, width=width),
        fillcolor="rgba(0,0,0,0)",
    )
