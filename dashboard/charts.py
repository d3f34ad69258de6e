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


def image(array: np.ndarray, *, title: str = "", height: int = 320,
          boxes: Iterable[tuple[int, int, int, int]] = ()) -> go.Figure:
    """An image: (H, W) grayscale or (H, W, 3) RGB, values in [0, 1] or uint8 0..255.

    Args:
        boxes: (r0, r1, c0, c1) half-open rectangles to outline (e.g. receptive fields).
    """
    a = np.asarray(array)
    a = a.astype(float) / 255.0 if a.dtype == np.uint8 else a.astype(float)
    if a.ndim == 3:
        fig = go.Figure(go.Image(z=np.clip(a, 0, 1) * 255, hovertemplate="x %{x}, y %{y}<extra></extra>"))
    else:
        fig = go.Figure(go.Heatmap(z=a, colorscale="gray", zmin=0, zmax=1, showscale=False,
                                   hovertemplate="x %{x}, y %{y}: %{z:.3f}<extra></extra>"))
        fig.update_yaxes(autorange="reversed")
    for r0, r1, c0, c1 in boxes:
        fig.add_shape(type="rect", x0=c0 - 0.5, x1=c1 - 0.5, y0=r0 - 0.5, y1=r1 - 0.5,
                      line=dict(color=HIGHLIGHT, width=2))
    fig.update_layout(title=title or None, height=height,
                      margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    return fig


def feature_maps(maps: np.ndarray, names: list[str], *, cols: int = 8, signed: bool = False,
                 height_per_row: int = 150, title: str = "") -> go.Figure:
    """A grid of feature maps sharing one colour scale, so strengths compare across maps.

    Args:
        maps: (M, H, W) values.
        signed: a diverging scale centred on 0 (for maps that can be negative, e.g. before ReLU).
    """
    from plotly.subplots import make_subplots

    m = np.asarray(maps, dtype=float)
    n = len(m)
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, horizontal_spacing=0.01,
                        vertical_spacing=min(0.08, 0.3 / rows))
    bound = float(np.abs(m).max()) if m.size else 1.0
    lo, hi = (-bound, bound) if signed else (float(m.min()), float(m.max()))
    if hi <= lo:
        hi = lo + 1.0  # a constant map still needs a range
    for i, fmap in enumerate(m):
        fig.add_trace(
            go.Heatmap(z=fmap, zmin=lo, zmax=hi, coloraxis="coloraxis", name=names[i],
                       hovertemplate=f"{names[i]}<br>row %{{y}}, col %{{x}}: %{{z:.3f}}<extra></extra>"),
            row=i // cols + 1, col=i % cols + 1,
        )
    fig.update_layout(
        coloraxis=dict(colorscale="RdBu_r" if signed else "Viridis", cmin=lo, cmax=hi,
                       colorbar=dict(thickness=12)),
        height=height_per_row * rows + 60, margin=dict(l=5, r=5, t=40 if title else 25, b=5),
        title=title or None,
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_annotations(font_size=11)
    return fig


def bars(values: np.ndarray, labels: list[str], *, title: str = "", highlight: int | None = None,
         value_format: str = ".3f", y_title: str = "", height: int = 300) -> go.Figure:
    """A bar chart (e.g. class probabilities); ``highlight`` colours one bar."""
    colors = [CHOSEN if i == highlight else "#1f77b4" for i in range(len(values))]
    fig = go.Figure(go.Bar(x=list(labels), y=np.asarray(values, dtype=float), marker_color=colors,
                           texttemplate=f"%{{y:{value_format}}}", textposition="outside"))
    fig.update_layout(title=title or None, height=height, yaxis_title=y_title,
                      margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    fig.update_xaxes(type="category")
    return fig


def line(values, *, title: str = "", x_title: str = "", y_title: str = "",
         height: int = 280) -> go.Figure:
    """A single line (e.g. an activation over optimisation steps)."""
    y = np.asarray(values, dtype=float)
    fig = go.Figure(go.Scatter(x=np.arange(1, len(y) + 1), y=y, mode="lines"))
    fig.update_layout(title=title or None, height=height, xaxis_title=x_title,
                      yaxis_title=y_title, margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    return fig
