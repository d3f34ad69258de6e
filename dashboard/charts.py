"""Plotly figure builders: pure functions, data in, ``go.Figure`` out. No Streamlit here.

The words a builder puts into a figure itself (axis titles, legend names, hover text) come from
``dashboard/texts/charts.py`` in the session's language, read when the figure is built (inside
a script run: the user's language; outside one: English), and every figure writes numbers with
the language's decimal mark (``layout.separators``). Titles and names a caller passes in are
the caller's to translate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard import i18n, texts

HIGHLIGHT = "#d62728"
CHOSEN = "#ff7f0e"
TILE_WIDTH = 700  # px: about how wide a grid of tiles is drawn (a page column)


def _words() -> dict[str, str]:
    """This figure's words in the session's language (English outside a script run)."""
    return texts.get("charts")


def _localised(fig: go.Figure, lang: str | None = None) -> go.Figure:
    """The last step of every builder: numbers with the language's decimal mark (Plotly's
    ticks, and hover and text templates with a d3 format such as ``%{z:.3f}``)."""
    fig.update_layout(separators=i18n.plotly_separators(lang))
    return fig


def _fmt(v: float, lang: str | None = None) -> str:
    return i18n.general(float(v), lang, ".4g") if np.isfinite(v) else ""


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
    lang = i18n.current()
    shown, rows, cols, text = _padded(matrix, padding, lang)
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
            hovertemplate=_words()["hover_cell"] + "<extra></extra>",
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
    return _localised(fig, lang)


def _padded(matrix: np.ndarray, padding: tuple[int, int], lang: str
            ) -> tuple[np.ndarray, list[int], list[int], list[list[str]]]:
    """A matrix with its padding rings, as ``matrix_heatmap`` and ``matrix_table`` show it:
    (values (H + 2ph, W + 2pw) with NaN for padding, the row and column indices of the input
    (padding: -1, n, ...), each cell's text: its value, or "pad" in the page's language)."""
    m = np.asarray(matrix, dtype=float)
    ph, pw = padding
    h, w = m.shape
    shown = np.full((h + 2 * ph, w + 2 * pw), np.nan)
    shown[ph : ph + h, pw : pw + w] = m
    pad = _words()["pad"]
    text = [[_fmt(v, lang) if np.isfinite(v) else pad for v in row] for row in shown]
    return shown, list(range(-ph, h + ph)), list(range(-pw, w + pw)), text


def matrix_table(
    matrix: np.ndarray,
    *,
    title: str = "",
    padding: tuple[int, int] = (0, 0),
    cells: Iterable[tuple[int, int]] = (),
    chosen: tuple[int, int] | None = None,
    colorscale: str = "Blues",
) -> str:
    """A small matrix as an HTML table for ``st.html``: each value on its colour (``colorscale``
    from the matrix's minimum to its maximum), rows and columns headed by the input's own
    indices, ``padding`` rings as grey "pad" cells.

    A table, not a chart (``matrix_heatmap``): the numbers are the point, and a page whose only
    charts these were no longer makes the browser load Plotly (4.7 MB of script) at all.

    Args:
        cells: (row, col) input coordinates to outline (negative or >= size: padding cells),
            as ``data-mark="window"``.
        chosen: one cell to outline more strongly (the max of a window), ``data-mark="chosen"``.
    Returns:
        The HTML: a title line and a table whose cells carry ``data-r`` and ``data-c`` (their
        coordinates) and a tooltip with both and the value.
    """
    from html import escape

    from plotly.colors import sample_colorscale

    words = _words()
    shown, row_ids, col_ids, cell_text = _padded(matrix, padding, i18n.current())
    finite = np.isfinite(shown)
    lo, hi = (float(shown[finite].min()), float(shown[finite].max())) if finite.any() else (0, 1)
    t = (shown[finite] - lo) / (hi - lo) if hi > lo else np.zeros(int(finite.sum()))
    colours = iter(sample_colorscale(colorscale, list(t)))  # "rgb(r, g, b)", row by row
    outlined = {(int(r), int(c)) for r, c in cells}
    small = len(row_ids) > 8 or len(col_ids) > 12
    size = "min-width:2.2em;height:1.8em;font-size:0.75rem;" if small else \
        "min-width:3.4em;height:3em;font-size:1rem;"
    head = "color:rgba(49,51,63,0.6);font-weight:400;font-size:0.75rem;padding:0 0.3em;"
    rows = ["<tr><th></th>" + "".join(f'<th style="{head}">{c}</th>' for c in col_ids) + "</tr>"]
    for i, r in enumerate(row_ids):
        tds = []
        for j, c in enumerate(col_ids):
            text = cell_text[i][j]
            if finite[i, j]:
                bg = next(colours)
                red, green, blue = (float(x) for x in bg[bg.index("(") + 1:-1].split(","))
                dark = 0.299 * red + 0.587 * green + 0.114 * blue < 140
                style = f"background:{bg};color:{'white' if dark else '#262730'};"
            else:
                style = "background:#eeeeee;color:rgba(49,51,63,0.5);"
            mark = ""
            if chosen is not None and (r, c) == tuple(chosen):
                style += f"box-shadow:inset 0 0 0 4px {CHOSEN};"
                mark = ' data-mark="chosen"'
            elif (r, c) in outlined:
                style += f"box-shadow:inset 0 0 0 3px {HIGHLIGHT};"
                mark = ' data-mark="window"'
            tip = escape(words["cell_tip"].format(r=r, c=c, value=text), quote=True)
            tds.append(f'<td data-r="{r}" data-c="{c}"{mark} title="{tip}" '
                       f'style="{style}{size}text-align:center;padding:0 0.3em;">'
                       f"{escape(text)}</td>")
        rows.append(f'<tr><th style="{head}">{r}</th>{"".join(tds)}</tr>')
    caption = f'<div style="font-weight:600;margin-bottom:0.3rem">{escape(title)}</div>' \
        if title else ""
    return (f'<div style="overflow-x:auto">{caption}<table style="border-collapse:separate;'
            f'border-spacing:1px;font-variant-numeric:tabular-nums;border:none;">'
            f'{"".join(rows)}</table></div>')


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


def _unit(array: np.ndarray) -> np.ndarray:
    """An image as floats: uint8 0..255 scaled to [0, 1], anything else taken as it is."""
    a = np.asarray(array)
    return a.astype(float) / 255.0 if a.dtype == np.uint8 else a.astype(float)


def _as_rgb(array: np.ndarray) -> np.ndarray:
    """(H, W) grey or (H, W, 3) RGB, uint8 or [0, 1], as (H, W, 3) floats (see ``_unit``)."""
    a = _unit(array)
    return np.repeat(a[..., None], 3, axis=-1) if a.ndim == 2 else a


def image(array: np.ndarray, *, title: str = "", height: int = 320,
          boxes: Iterable[tuple[int, int, int, int]] = ()) -> go.Figure:
    """An image: (H, W) grayscale or (H, W, 3) RGB, values in [0, 1] or uint8 0..255.

    Args:
        boxes: (r0, r1, c0, c1) half-open rectangles to outline (e.g. receptive fields).
    """
    xy = _words()["hover_xy"]
    a = _unit(array)
    if a.ndim == 3:
        fig = go.Figure(go.Image(z=np.clip(a, 0, 1) * 255,
                                 hovertemplate=xy + "<extra></extra>"))
    else:
        fig = go.Figure(go.Heatmap(z=a, colorscale="gray", zmin=0, zmax=1, showscale=False,
                                   hovertemplate=xy + ": %{z:.3f}<extra></extra>"))
        fig.update_yaxes(autorange="reversed")
    for r0, r1, c0, c1 in boxes:
        fig.add_shape(type="rect", x0=c0 - 0.5, x1=c1 - 0.5, y0=r0 - 0.5, y1=r1 - 0.5,
                      line=dict(color=HIGHLIGHT, width=2))
    fig.update_layout(title=title or None, height=height,
                      margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    return _localised(fig)


def with_click_points(fig: go.Figure, points: np.ndarray, data: np.ndarray,
                      hover: str) -> go.Figure:
    """Invisible points over an image (``image``) that a click selects: Plotly selects the
    point nearest the click (``st.plotly_chart(on_select=...)`` hands over its customdata).

    Args:
        points: (N, 2) (y, x) pixel coordinates; data: (N, ...) each point's customdata;
        hover: the points' hover text (a Plotly hovertemplate).
    """
    fig.add_trace(go.Scatter(
        x=points[:, 1], y=points[:, 0], mode="markers", customdata=data, showlegend=False,
        marker=dict(size=14, color="rgba(0, 0, 0, 0)"), hovertemplate=hover + "<extra></extra>",
        selected=dict(marker=dict(color="rgba(0, 0, 0, 0)")),
        unselected=dict(marker=dict(opacity=0))))
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def feature_maps(maps: np.ndarray, names: list[str], *, cols: int = 8, signed: bool = False,
                 height_per_row: int = 150, title: str = "") -> go.Figure:
    """A grid of feature maps sharing one colour scale, so strengths compare across maps.

    Drawn as tiles on one pair of axes (one heatmap trace per map, offset by ``x0``/``y0``,
    each map's name above it): the browser lays out one plot however many maps, where a
    subplot per map cost it a set of axes each. Hover says the map's name, the row and column
    inside that map and the value.

    Args:
        maps: (M, H, W) values.
        signed: a diverging scale centred on 0 (for maps that can be negative, e.g. before ReLU).
        height_per_row: about how many pixels a row of maps gets.
    """
    hover = _words()["hover_tile_value"]
    m = np.asarray(maps, dtype=float)
    n, h, w = m.shape
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    # pixels per map pixel: the row height asked for, unless the row would not fit the width
    ppu = min(max(height_per_row - 20, 10) / h, TILE_WIDTH / (cols * w))
    gap = max(1, int(np.ceil(6 / ppu)))  # between tiles
    band = max(1, int(np.ceil(16 / ppu)))  # above each tile, for its name
    pitch_x, pitch_y = w + gap, h + band + gap
    bound = float(np.abs(m).max()) if m.size else 1.0
    lo, hi = (-bound, bound) if signed else (float(m.min()), float(m.max()))
    if hi <= lo:
        hi = lo + 1.0  # a constant map still needs a range
    rc = np.stack(np.meshgrid(np.arange(h), np.arange(w), indexing="ij"), axis=-1)  # (H, W, 2)
    rc = rc.astype(np.int16 if max(h, w) < 2**15 else np.int32)
    fig = go.Figure()
    for i, fmap in enumerate(m):
        r, c = divmod(i, cols)
        fig.add_trace(go.Heatmap(
            z=fmap, x0=c * pitch_x, dx=1, y0=r * pitch_y + band, dy=1, coloraxis="coloraxis",
            name=names[i], customdata=rc, hoverongaps=False,
            hovertemplate=f"{names[i]}<br>{hover}<extra></extra>"))
    for i, name in enumerate(names[:n]):
        r, c = divmod(i, cols)
        fig.add_annotation(text=name, x=c * pitch_x + (w - 1) / 2, y=r * pitch_y + band - 0.5,
                           xref="x", yref="y", yanchor="bottom", showarrow=False,
                           font_size=11)
    total_w, total_h = cols * pitch_x - gap, rows * pitch_y - gap
    top = 40 if title else 10
    fig.update_layout(
        coloraxis=dict(colorscale="RdBu_r" if signed else "Viridis", cmin=lo, cmax=hi,
                       colorbar=dict(thickness=12)),
        height=int(total_h * ppu) + top + 10, margin=dict(l=5, r=5, t=top, b=5),
        title=title or None, plot_bgcolor="rgba(0,0,0,0)",
    )
    fig.update_xaxes(visible=False, range=[-0.5, total_w - 0.5], constrain="domain",
                     constraintoward="left")
    fig.update_yaxes(visible=False, range=[total_h - 0.5, -0.5], scaleanchor="x",
                     constrain="domain", constraintoward="top")
    return _localised(fig)


def mosaic(tiles: np.ndarray, *, cols: int = 8, gap: int = 1) -> np.ndarray:
    """Colour tiles (N, h, w, 3) in [0, 1] laid out row by row, ``cols`` a row, ``gap`` white
    pixels between them: one (R·(h+gap)−gap, C·(w+gap)−gap, 3) image."""
    t = np.asarray(tiles, dtype=float)
    n, h, w = t.shape[:3]
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    out = np.ones((rows * (h + gap) - gap, cols * (w + gap) - gap, t.shape[3]))
    for i, tile in enumerate(t):
        r, c = divmod(i, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = tile
    return out


def filter_mosaic(tiles: np.ndarray, *, hover: str, cols: int = 8, title: str = "",
                  height_per_row: int = 70) -> go.Figure:
    """Colour filters (N, h, w, 3) in [0, 1] as one image (`mosaic`, 1 px white gaps): a single
    trace however many filters, so 64 filters cost the browser what one picture does.

    Args:
        hover: the hover text, where ``%{customdata[0]}`` is the filter's number (row by row
            from 0; -1 on a gap), e.g. "filter %{customdata[0]}".
    """
    t = np.asarray(tiles, dtype=float)
    n, h, w = t.shape[:3]
    cols = max(1, min(cols, n))
    grid = mosaic(t, cols=cols)
    index = np.full(grid.shape[:2], -1)
    for i in range(n):
        r, c = divmod(i, cols)
        index[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = i
    fig = go.Figure(go.Image(z=grid * 255, customdata=index[..., None],
                             hovertemplate=hover + "<extra></extra>"))
    rows = -(-n // cols)
    fig.update_layout(title=title or None, height=height_per_row * rows + 40,
                      margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, scaleanchor="x", constrain="domain")
    return _localised(fig)


def image_tiles(pictures: Sequence[np.ndarray], titles: Sequence[str], *, cols: int = 4,
                boxes: Sequence[tuple[int, int, int, int] | None] = (),
                height_per_row: int = 150) -> go.Figure:
    """Pictures of one size side by side in one figure (one image trace each, on one pair of
    axes), each with its title above it and an optional outlined box (``image``'s boxes).

    Args:
        pictures: (H, W) grayscale or (H, W, 3) RGB, values in [0, 1] or uint8 0..255.
        boxes: per picture, (r0, r1, c0, c1) half-open, or None.
    """
    tiles = [_as_rgb(p) for p in pictures]
    n = len(tiles)
    h, w = tiles[0].shape[:2]
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    ppu = min(max(height_per_row - 20, 10) / h, TILE_WIDTH / (cols * w))
    gap = max(1, int(np.ceil(8 / ppu)))
    band = max(1, int(np.ceil(16 / ppu)))
    pitch_x, pitch_y = w + gap, h + band + gap
    fig = go.Figure()
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        x0, y0 = c * pitch_x, r * pitch_y + band
        fig.add_trace(go.Image(z=np.clip(tile, 0, 1) * 255, x0=x0, y0=y0, name=titles[i],
                               hovertemplate=f"{titles[i]}<extra></extra>"))
        fig.add_annotation(text=titles[i], x=x0 + (w - 1) / 2, y=y0 - 0.5, xref="x", yref="y",
                           yanchor="bottom", showarrow=False, font_size=11)
        box = boxes[i] if i < len(boxes) else None
        if box is not None:
            r0, r1, c0, c1 = box
            fig.add_shape(type="rect", x0=x0 + c0 - 0.5, x1=x0 + c1 - 0.5, y0=y0 + r0 - 0.5,
                          y1=y0 + r1 - 0.5, line=dict(color=HIGHLIGHT, width=2))
    total_w, total_h = cols * pitch_x - gap, rows * pitch_y - gap
    fig.update_layout(height=int(total_h * ppu) + 20, margin=dict(l=5, r=5, t=10, b=5),
                      plot_bgcolor="rgba(0,0,0,0)")
    fig.update_xaxes(visible=False, range=[-0.5, total_w - 0.5], constrain="domain",
                     constraintoward="left")
    fig.update_yaxes(visible=False, range=[total_h - 0.5, -0.5], scaleanchor="x",
                     constrain="domain", constraintoward="top")
    return _localised(fig)


def bars(values: np.ndarray, labels: list[str], *, title: str = "", highlight: int | None = None,
         value_format: str = ".3f", y_title: str = "", height: int = 300) -> go.Figure:
    """A bar chart (e.g. class probabilities); ``highlight`` colours one bar."""
    colors = [CHOSEN if i == highlight else "#1f77b4" for i in range(len(values))]
    fig = go.Figure(go.Bar(x=list(labels), y=np.asarray(values, dtype=float), marker_color=colors,
                           texttemplate=f"%{{y:{value_format}}}", textposition="outside"))
    fig.update_layout(title=title or None, height=height, yaxis_title=y_title,
                      margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    fig.update_xaxes(type="category")
    return _localised(fig)


def line(values, *, title: str = "", x_title: str = "", y_title: str = "",
         height: int = 280) -> go.Figure:
    """A single line (e.g. an activation over optimisation steps)."""
    y = np.asarray(values, dtype=float)
    fig = go.Figure(go.Scatter(x=np.arange(1, len(y) + 1), y=y, mode="lines"))
    fig.update_layout(title=title or None, height=height, xaxis_title=x_title,
                      yaxis_title=y_title, margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    return _localised(fig)


def training_curves(history, step_losses, steps_per_epoch: int, loss_title: str,
                    acc_title: str) -> go.Figure:
    """Loss and accuracy curves: per-step training loss (faint) and per-epoch train/val values.

    Args:
        history: EpochRecord-like objects (epoch, train_loss, train_accuracy, val_loss,
            val_accuracy).
        step_losses: training loss of every step so far; plotted against fractional epochs.
    """
    from plotly.subplots import make_subplots

    words = _words()
    fig = make_subplots(rows=1, cols=2, subplot_titles=(loss_title, acc_title),
                        horizontal_spacing=0.08)
    if len(step_losses):
        x = (np.arange(len(step_losses)) + 1) / max(steps_per_epoch, 1)
        fig.add_trace(go.Scatter(x=x, y=list(step_losses), mode="lines",
                                 name=words["train_per_step"],
                                 line=dict(color="#9ecae1", width=1)), row=1, col=1)
    epochs = [h.epoch for h in history]
    train, val = words["train"], words["validation"]
    series = (("train_loss", train, "#1f77b4", 1), ("val_loss", val, CHOSEN, 1),
              ("train_accuracy", train, "#1f77b4", 2), ("val_accuracy", val, CHOSEN, 2))
    for attr, name, color, col in series:
        ys = [getattr(h, attr) for h in history]
        if any(y is not None for y in ys):
            fig.add_trace(go.Scatter(x=epochs, y=ys, mode="lines+markers", name=name,
                                     line=dict(color=color), showlegend=col == 1,
                                     legendgroup=name), row=1, col=col)
    fig.update_xaxes(title_text=words["epoch"], rangemode="tozero")
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return _localised(fig)


def confusion_matrix(cm: np.ndarray, classes: list[str], *, selected: tuple[int, int] | None = None,
                     height: int = 480) -> go.Figure:
    """A confusion matrix drawn as square markers so that a click selects a cell (Plotly
    heatmaps send no selection events to Streamlit). Colour: share of the true class's row.

    Args:
        cm: (K, K) counts, rows = true class, columns = predicted class.
    Returns:
        A figure whose points carry ``customdata = [true, predicted, count]``.
    """
    words = _words()
    cm = np.asarray(cm)
    k = len(classes)
    true, pred = np.indices((k, k))  # (K, K) each
    share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    size = max(8, min(48, int((height - 120) / max(k, 1) * 0.8)))
    fig = go.Figure(go.Scatter(
        x=pred.ravel(), y=true.ravel(), mode="markers+text", text=[str(v) for v in cm.ravel()],
        customdata=np.stack([true.ravel(), pred.ravel(), cm.ravel()], axis=1),
        marker=dict(symbol="square", size=size, color=share.ravel(), colorscale="Blues",
                    cmin=0, cmax=1, line=dict(width=0),
                    colorbar=dict(title=words["row_share"])),
        textfont=dict(size=max(8, size // 3)),
        hovertemplate=words["hover_confusion"] + "<extra></extra>",
    ))
    if selected is not None:
        fig.add_shape(_cell_rect(selected[0], selected[1], CHOSEN, 3))
    ticks = dict(tickmode="array", tickvals=list(range(k)), ticktext=list(classes))
    fig.update_xaxes(title_text=words["predicted"], range=[-0.5, k - 0.5], showgrid=False,
                     **ticks)
    fig.update_yaxes(title_text=words["true"], range=[k - 0.5, -0.5], showgrid=False, **ticks)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10),
                      plot_bgcolor="white")
    return _localised(fig)


PATH_COLORS = ("#d62728", "#2ca02c", "#9467bd", "#8c564b")


def optimiser_paths(grid, runs, surface, *, height: int = 520) -> go.Figure:
    """Optimiser trajectories over a loss surface's contour map, animated step by step.

    Args:
        grid: (xs (n,), ys (n,), Z (n, n)) with Z[i, j] = f(xs[j], ys[i]).
        runs: trajectories with ``label``, ``points`` (steps+1, 2) and ``losses``.
        surface: has ``minima`` (global first) and ``start``.
    """
    words = _words()
    xs, ys, z = grid
    contour = go.Contour(x=xs, y=ys, z=z, colorscale="Greys", ncontours=30, showscale=False,
                         contours=dict(coloring="heatmap"), opacity=0.6, hoverinfo="skip")
    minima = go.Scatter(x=[m[0] for m in surface.minima], y=[m[1] for m in surface.minima],
                        mode="markers+text",
                        text=[words["global_min"]]
                        + [words["local_min"]] * (len(surface.minima) - 1),
                        textposition="top center", marker=dict(symbol="star", size=14, color="gold",
                                                               line=dict(color="black", width=1)),
                        name=words["minima"])
    paths = [go.Scatter(x=r.points[:, 0], y=r.points[:, 1], mode="lines+markers", name=r.label,
                        line=dict(color=PATH_COLORS[i % 4], width=2), marker=dict(size=4))
             for i, r in enumerate(runs)]
    n = max(len(r.points) for r in runs)
    every = max(1, n // 60)  # at most ~60 animation frames
    frames = [go.Frame(name=str(t), traces=list(range(2, 2 + len(runs))), data=[
        go.Scatter(x=r.points[: t + 1, 0], y=r.points[: t + 1, 1]) for r in runs])
        for t in range(0, n, every)]
    fig = go.Figure(data=[contour, minima, *paths], frames=frames)
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.08),
        updatemenus=[dict(type="buttons", showactive=False, x=0.0, y=1.08, xanchor="left", buttons=[
            dict(label=words["play"], method="animate",
                 args=[None, dict(frame=dict(duration=60, redraw=False), fromcurrent=False,
                                  transition=dict(duration=0))])])],
    )
    fig.update_xaxes(range=list(surface.x_range))
    fig.update_yaxes(range=list(surface.y_range), scaleanchor="x")
    return _localised(fig)


def embedding_scatter(coords: np.ndarray, groups: list[str], hover: list[str],
                      *, selected: int | None = None, height: int = 460) -> go.Figure:
    """A 2-D or 3-D scatter of a projection, one trace per group (legend toggles a class).

    Every point carries its row index in ``customdata`` (point_index is per trace). WebGL
    (Scattergl) above 1,000 points keeps 10,000 points smooth.

    Args:
        coords: (N, 2) or (N, 3).
        groups: the legend group of each point (class name, or correct/incorrect).
        hover: a hover text per point.
    """
    coords = np.asarray(coords, dtype=float)
    groups_arr = np.asarray(groups)
    rows = np.arange(len(coords))
    three = coords.shape[1] == 3
    fig = go.Figure()
    for name in sorted(set(groups), key=lambda g: (len(g), g)):
        m = groups_arr == name
        common = dict(name=str(name), customdata=rows[m], text=np.asarray(hover)[m],
                      hovertemplate="%{text}<extra></extra>", mode="markers")
        if three:
            fig.add_trace(go.Scatter3d(x=coords[m, 0], y=coords[m, 1], z=coords[m, 2],
                                       marker=dict(size=2.5), **common))
        else:
            cls = go.Scattergl if len(coords) > 1000 else go.Scatter
            fig.add_trace(cls(x=coords[m, 0], y=coords[m, 1], marker=dict(size=5), **common))
    if selected is not None and 0 <= selected < len(coords) and not three:
        fig.add_trace(go.Scatter(x=[coords[selected, 0]], y=[coords[selected, 1]], mode="markers",
                                 name=_words()["selected"], hoverinfo="skip",
                                 marker=dict(size=16, symbol="circle-open",
                                             line=dict(width=3, color="black"))))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(itemsizing="constant"))
    return _localised(fig)


def category_map(classes_at: np.ndarray, names: list[str], *, title: str = "",
                 height: int = 320) -> go.Figure:
    """A map of class indices with one colour per class and a legend entry per class present."""
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf")
    where = _words()["hover_class_cell"]
    c = np.asarray(classes_at)
    present = sorted(int(v) for v in np.unique(c) if v >= 0)
    fig = go.Figure()
    for k in present:
        rows, cols = np.nonzero(c == k)
        fig.add_trace(go.Scatter(x=cols, y=rows, mode="markers", name=names[k],
                                 marker=dict(symbol="square", size=max(4, int(240 / max(c.shape))),
                                             color=palette[k % len(palette)]),
                                 hovertemplate=f"{names[k]}: {where}<extra></extra>"))
    fig.update_xaxes(range=[-0.5, c.shape[1] - 0.5], showgrid=False, zeroline=False)
    fig.update_yaxes(range=[c.shape[0] - 0.5, -0.5], showgrid=False, zeroline=False,
                     scaleanchor="x")
    fig.update_layout(title=title or None, height=height, plot_bgcolor="white",
                      margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    return _localised(fig)


def overlay(picture: np.ndarray, heat: np.ndarray, *, title: str = "", opacity: float = 0.55,
            signed: bool = True, height: int = 320) -> go.Figure:
    """A per-pixel map drawn semi-transparently over its image (same H, W).

    Args:
        picture: (H, W) or (H, W, 3) in [0, 1].
        heat: (H, W) values; ``signed`` centres a diverging scale on 0.
    """
    fig = image(picture, height=height)
    h = np.asarray(heat, dtype=float)
    bound = float(np.nanmax(np.abs(h))) or 1.0
    fig.add_trace(go.Heatmap(z=h, opacity=opacity, colorscale="RdBu_r" if signed else "Viridis",
                             zmin=-bound if signed else float(np.nanmin(h)), zmax=bound,
                             colorbar=dict(thickness=12),
                             hovertemplate=_words()["hover_xy"] + ": %{z:.3f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title or None, margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    return _localised(fig)


def map_png(values: np.ndarray, *, scale: int = 8, signed: bool = False) -> bytes:
    """A 2-D map as a PNG (Viridis, or RdBu centred on 0 when ``signed``), each cell
    ``scale`` × ``scale`` pixels — for downloads."""
    import io

    from PIL import Image
    from plotly.colors import sample_colorscale

    v = np.nan_to_num(np.asarray(values, dtype=float))
    if signed:
        bound = float(np.abs(v).max()) or 1.0
        t = (v / bound + 1) / 2
    else:
        lo, hi = float(v.min()), float(v.max())
        t = (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)
    lut = sample_colorscale("RdBu_r" if signed else "Viridis", list(np.linspace(0, 1, 256)),
                            colortype="tuple")
    rgb = (np.array(lut)[np.clip((t * 255).round().astype(int), 0, 255)] * 255).astype(np.uint8)
    img = Image.fromarray(rgb).resize((v.shape[1] * scale, v.shape[0] * scale), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


# --------------------------------------------------------------------------- saliency
_SIGNED_SCALE = "RdBu_r"  # diverging, white at 0 (zmid=0)
_UNSIGNED_SCALE = "Inferno"  # sequential from 0
# overlays: transparent where the map is 0, so the image shows through there
_SIGNED_OVERLAY = [[0.0, "rgba(5,48,97,1)"], [0.25, "rgba(67,147,195,0.8)"],
                   [0.5, "rgba(255,255,255,0)"], [0.75, "rgba(214,96,77,0.8)"],
                   [1.0, "rgba(103,0,31,1)"]]
_UNSIGNED_OVERLAY = [[0.0, "rgba(255,255,0,0)"], [0.3, "rgba(255,200,0,0.35)"],
                     [0.65, "rgba(255,90,0,0.8)"], [1.0, "rgba(180,0,0,1)"]]


def _map_range(h: np.ndarray, signed: bool) -> tuple[float, float]:
    bound = float(np.nanmax(np.abs(h))) if h.size else 0.0
    bound = bound or 1.0  # an all-zero map still needs a range
    return (-bound, bound) if signed else (0.0, bound)


def saliency_map(heat: np.ndarray, *, signed: bool, title: str = "",
                 height: int = 300) -> go.Figure:
    """A raw saliency map: diverging and centred on 0 when ``signed`` (zmid=0), else
    sequential from 0 to its maximum. Row 0 at the top, square pixels."""
    h = np.asarray(heat, dtype=float)
    lo, hi = _map_range(h, signed)
    fig = go.Figure(go.Heatmap(
        z=h, zmin=lo, zmax=hi, zmid=0 if signed else None,
        colorscale=_SIGNED_SCALE if signed else _UNSIGNED_SCALE, colorbar=dict(thickness=12),
        hovertemplate=_words()["hover_xy"] + ": %{z:.4g}<extra></extra>"))
    fig.update_layout(title=title or None, height=height,
                      margin=dict(l=5, r=5, t=35 if title else 5, b=5))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", constrain="domain")
    return _localised(fig)


def _rgba_stops(scale: list) -> tuple[np.ndarray, np.ndarray]:
    """A Plotly colour scale of "rgba(r,g,b,a)" stops as (positions (S,), RGBA (S, 4) in 0..1)."""
    where = np.array([float(p) for p, _ in scale])
    rgba = np.array([[float(v) for v in c[c.index("(") + 1:-1].split(",")] for _, c in scale])
    return where, rgba / np.array([255.0, 255.0, 255.0, 1.0])


def saliency_overlay(picture: np.ndarray, heat: np.ndarray, *, signed: bool,
                     opacity: float = 0.7, side: int = 260) -> np.ndarray:
    """A saliency map over its image (same H, W), as one RGB image: the map's colour (the
    overlay scales below, linear between their stops) blended over the picture with alpha =
    the colour's own alpha x ``opacity``, so where the map is 0 the image shows through
    unchanged. An image, not a chart, because a page draws one per method: the raw map beside
    it is the chart with hover values.

    Args:
        picture: (H, W) grey or (H, W, 3) RGB, in [0, 1] or uint8.
        heat: (H, W) map; signed maps are centred on 0 (+-max|heat|), others run 0..max.
        side: the image is enlarged by a whole factor (nearest pixel) towards this many
            pixels a side, so small maps stay sharp.
    Returns:
        (H*k, W*k, 3) uint8.
    """
    rgb = _as_rgb(picture)[..., :3]  # (H, W, 3)
    h = np.nan_to_num(np.asarray(heat, dtype=float))
    lo, hi = _map_range(h, signed)
    t = np.clip((h - lo) / (hi - lo), 0.0, 1.0)  # (H, W) position on the colour scale
    where, stops = _rgba_stops(_SIGNED_OVERLAY if signed else _UNSIGNED_OVERLAY)
    colour = np.stack([np.interp(t, where, stops[:, i]) for i in range(4)], axis=-1)
    alpha = colour[..., 3:] * float(opacity)  # (H, W, 1)
    return sharp(np.clip(rgb, 0.0, 1.0) * (1 - alpha) + colour[..., :3] * alpha, side=side)


def sharp(picture: np.ndarray, *, side: int = 260) -> np.ndarray:
    """A picture for ``st.image``, enlarged by a whole factor (nearest pixel) towards ``side``
    pixels a side, so that a small one stays sharp where the browser would blur it.

    Args:
        picture: (H, W) grey or (H, W, 3) RGB, in [0, 1] (clipped) or uint8.
    Returns:
        (H*k, W*k) or (H*k, W*k, 3) uint8.
    """
    a = np.clip(_unit(picture), 0.0, 1.0)
    k = max(1, side // max(a.shape[:2]))
    a = np.repeat(np.repeat(a, k, axis=0), k, axis=1)
    return np.round(a * 255).astype(np.uint8)


def rank_correlations(steps: list[str], corr: dict[str, list[float]], *, title: str = "",
                      height: int = 340) -> go.Figure:
    """One line per method: a correlation (in [-1, 1]) at each step; NaN leaves a gap."""
    fig = go.Figure()
    for name, values in corr.items():
        fig.add_trace(go.Scatter(x=list(steps[:len(values)]), y=np.asarray(values, dtype=float),
                                 mode="lines+markers", name=name))
    fig.update_xaxes(type="category", title_text="")
    fig.update_yaxes(range=[-1.05, 1.05], zeroline=True)
    fig.update_layout(title=title or None, height=height,
                      margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                      legend=dict(orientation="h", y=-0.3))
    return _localised(fig)


def map_grid(maps: dict[str, list[np.ndarray]], steps: list[str], *, title: str = "",
             max_side: int = 64, cell: int = 110) -> go.Figure:
    """Rows = methods, columns = steps; each |map| scaled to its own maximum (0..1, one shared
    grey scale), shrunk to at most ``max_side`` pixels a side by block averaging."""
    from plotly.subplots import make_subplots

    names = list(maps)
    cols = max(len(v) for v in maps.values()) if maps else 1
    fig = make_subplots(rows=len(names), cols=cols, horizontal_spacing=0.005,
                        vertical_spacing=0.02, column_titles=list(steps[:cols]),
                        row_titles=names)
    for r, name in enumerate(names):
        for c, m in enumerate(maps[name]):
            a = np.abs(np.asarray(m, dtype=float))
            k = max(1, -(-max(a.shape) // max_side))
            h, w = a.shape[0] // k * k, a.shape[1] // k * k
            a = a[:h, :w].reshape(h // k, k, w // k, k).mean(axis=(1, 3))  # block average
            a = a / a.max() if a.max() > 0 else a
            fig.add_trace(go.Heatmap(z=a, zmin=0, zmax=1, coloraxis="coloraxis",
                                     hovertemplate=f"{name}, {steps[c]}<extra></extra>"),
                          row=r + 1, col=c + 1)
    fig.update_layout(coloraxis=dict(colorscale="gray", showscale=False), title=title or None,
                      height=cell * len(names) + 80, margin=dict(l=5, r=30, t=90, b=5))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    for n in range(1, len(names) * cols + 1):  # square pixels in every cell, not just the first
        fig.layout[f"yaxis{n if n > 1 else ''}"].scaleanchor = f"x{n if n > 1 else ''}"
    fig.update_annotations(font_size=10)
    return _localised(fig)


# --------------------------------------------------------------------------- style transfer
STYLE_LOSS_COLOURS = {"total": "#222222", "content": "#1f77b4", "style": CHOSEN, "tv": "#2ca02c"}


def style_losses(steps, series: dict[str, list[float]], *, title: str = "",
                 height: int = 300,
                 stages: Sequence[tuple[float, str]] = ()) -> go.Figure:
    """Loss curves over optimisation steps on a log y axis (zero values leave no point).

    Args:
        steps: the step numbers (x).
        series: name -> values, e.g. {"total": [...], "content": [...], "style": [...]}.
        stages: (x, label) where a coarse-to-fine stage begins: a dotted line, labelled.
    """
    words = _words()
    fig = go.Figure()
    for name, values in series.items():
        y = np.asarray(values, dtype=float)
        y = np.where(y > 0, y, np.nan)  # log axis: a switched-off term is not drawn
        if np.isfinite(y).any():  # a known term's name in the language, any other as given
            fig.add_trace(go.Scatter(x=list(steps), y=y, mode="lines",
                                     name=words.get(f"series_{name}", name),
                                     line=dict(color=STYLE_LOSS_COLOURS.get(name))))
    for x, label in stages:
        fig.add_vline(x=x, line=dict(dash="dot", width=1, color="grey"),
                      annotation_text=label, annotation_position="top right")
    fig.update_yaxes(type="log", title_text=words["loss"])
    fig.update_xaxes(title_text=words["step"], rangemode="tozero")
    fig.update_layout(title=title or None, height=height,
                      margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return _localised(fig)


# --------------------------------------------------------------------------- trust
def ranked_maps(maps: dict[str, np.ndarray], *, cols: int = 5, max_side: int = 64,
                cell: int = 150) -> go.Figure:
    """Importance maps as deletion and insertion read them: each (H, W) map scaled from its own
    minimum (0) to its maximum (1), sign included (the order of its pixels, highest first, is
    what the curves use), shrunk to at most ``max_side`` pixels a side by block averaging; one
    shared grey scale, ``cols`` maps a row, each titled by its key."""
    from plotly.subplots import make_subplots

    names = list(maps)
    n = max(1, len(names))
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=names, horizontal_spacing=0.01,
                        vertical_spacing=min(0.1, 0.3 / rows))
    xy = _words()["hover_xy"]
    for i, name in enumerate(names):
        a = np.nan_to_num(np.asarray(maps[name], dtype=float))
        k = max(1, -(-max(a.shape) // max_side))
        h, w = a.shape[0] // k * k, a.shape[1] // k * k
        a = a[:h, :w].reshape(h // k, k, w // k, k).mean(axis=(1, 3))  # (h/k, w/k) block mean
        lo, hi = float(a.min()), float(a.max())
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
        fig.add_trace(go.Heatmap(z=a, zmin=0, zmax=1, coloraxis="coloraxis", name=name,
                                 hovertemplate=f"{name}<br>{xy}: %{{z:.2f}}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
    fig.update_layout(coloraxis=dict(colorscale="gray", showscale=False),
                      height=cell * rows + 30, margin=dict(l=5, r=5, t=30, b=5))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", constrain="domain")
    for j in range(1, n + 1):  # square pixels in every cell, not just the first
        fig.layout[f"yaxis{j if j > 1 else ''}"].scaleanchor = f"x{j if j > 1 else ''}"
    fig.update_annotations(font_size=11)
    return _localised(fig)


def deletion_insertion(fractions: np.ndarray, deletion: dict[str, np.ndarray],
                       insertion: dict[str, np.ndarray], *, panel_titles: tuple[str, str],
                       x_title: str, y_title: str, dashed: Iterable[str] = (),
                       height: int = 380) -> go.Figure:
    """Deletion (left panel) and insertion (right) curves: one line per name in each panel, the
    same colour in both and one legend entry; the target's probability (0..1) against the
    fraction of the pixels changed. The ``dashed`` names (the reference maps) are dashed."""
    from plotly.colors import qualitative
    from plotly.subplots import make_subplots

    palette = qualitative.Plotly + qualitative.D3
    dashed = set(dashed)
    f = np.asarray(fractions, dtype=float)
    fig = make_subplots(rows=1, cols=2, subplot_titles=list(panel_titles), shared_yaxes=True,
                        horizontal_spacing=0.04)
    for col, series in ((1, deletion), (2, insertion)):
        for i, (name, values) in enumerate(series.items()):
            fig.add_trace(go.Scatter(
                x=f, y=np.asarray(values, dtype=float), mode="lines", name=name,
                legendgroup=name, showlegend=col == 1,
                line=dict(color=palette[i % len(palette)],
                          dash="dash" if name in dashed else "solid"),
                hovertemplate="%{x:.0%} → %{y:.3f}"), row=1, col=col)
    fig.update_xaxes(title_text=x_title, range=[0, 1], tickformat=".0%")
    fig.update_yaxes(range=[-0.02, 1.02])
    fig.update_yaxes(title_text=y_title, row=1, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return _localised(fig)


# --------------------------------------------------------------------------- shortcut lab
def confusion_pair(matrices: dict[str, np.ndarray], classes: list[str], *,
                   height: int = 420) -> go.Figure:
    """Two (or more) confusion matrices side by side, one panel each (titled by its key), on one
    colour scale: each cell's share of its true class's row (an empty row stays 0), its count
    written in the cell.

    Args:
        matrices: title -> (K, K) counts, rows = true class, columns = predicted class.
    """
    from plotly.subplots import make_subplots

    words = _words()
    titles = list(matrices)
    k = len(classes)
    fig = make_subplots(rows=1, cols=max(1, len(titles)), subplot_titles=titles,
                        horizontal_spacing=0.08)
    ticks = dict(tickmode="array", tickvals=list(range(k)), ticktext=list(classes))
    for j, title in enumerate(titles, 1):
        cm = np.asarray(matrices[title])
        share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)  # (K, K) row shares
        fig.add_trace(go.Heatmap(
            z=share, x=list(range(k)), y=list(range(k)), coloraxis="coloraxis",
            text=cm.astype(str), texttemplate="%{text}", customdata=cm, name=title,
            hovertemplate=(f"{title}<br>{words['true']} %{{y}} → {words['predicted']} %{{x}}: "
                           "%{customdata}<extra></extra>")), row=1, col=j)
        fig.update_xaxes(title_text=words["predicted"], range=[-0.5, k - 0.5], row=1, col=j,
                         **ticks)
        fig.update_yaxes(range=[k - 0.5, -0.5], row=1, col=j, **ticks)
    fig.update_yaxes(title_text=words["true"], row=1, col=1)
    fig.update_layout(coloraxis=dict(colorscale="Blues", cmin=0, cmax=1,
                                     colorbar=dict(title=words["row_share"], thickness=12)),
                      height=height, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white")
    return _localised(fig)


def _unit_map(values: np.ndarray, max_side: int) -> np.ndarray:
    """A map shrunk to at most ``max_side`` pixels a side (block mean), scaled from its minimum
    (0) to its maximum (1); NaN as 0, a constant map all 0."""
    a = np.nan_to_num(np.asarray(values, dtype=float))
    k = max(1, -(-max(a.shape) // max_side))
    h, w = a.shape[0] // k * k, a.shape[1] // k * k
    a = a[:h, :w].reshape(h // k, k, w // k, k).mean(axis=(1, 3))  # (h/k, w/k) block mean
    lo, hi = float(a.min()), float(a.max())
    return (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)


def cue_maps(picture: np.ndarray, mask: np.ndarray, rows: dict[str, dict[str, np.ndarray]], *,
             image_title: str, mask_title: str, max_side: int = 64,
             cell: int = 120) -> go.Figure:
    """One image, its cue's mask and every map of it, one row per model: each row starts with
    the image and the mask, then one (H, W) map per method (``rows[model][method title]``),
    each scaled from its own minimum to its maximum (``ranked_maps``' grey scale, here a warm
    one); the rows are titled by their keys on the right.

    Args:
        picture: (H, W) grey or (H, W, 3) RGB, uint8 or floats in [0, 1]; mask: (H, W) bool.
    """
    from plotly.subplots import make_subplots

    names = list(rows)
    methods = list(next(iter(rows.values()), {}))
    cols = 2 + len(methods)
    n_rows = max(1, len(names))
    titles = [image_title, mask_title, *methods] + [""] * (cols * (n_rows - 1))
    fig = make_subplots(rows=n_rows, cols=cols, subplot_titles=titles, row_titles=names,
                        horizontal_spacing=0.01, vertical_spacing=0.04)
    xy = _words()["hover_xy"]
    a = _unit(picture)
    m = np.asarray(mask, dtype=float)
    for r, name in enumerate(names, 1):
        if a.ndim == 3:
            fig.add_trace(go.Image(z=np.clip(a, 0, 1) * 255, hovertemplate=xy + "<extra></extra>"),
                          row=r, col=1)
        else:
            fig.add_trace(go.Heatmap(z=a, colorscale="gray", zmin=0, zmax=1, showscale=False,
                                     hovertemplate=xy + "<extra></extra>"), row=r, col=1)
        fig.add_trace(go.Heatmap(z=m, colorscale="gray", zmin=0, zmax=1, showscale=False,
                                 hovertemplate=xy + "<extra></extra>"), row=r, col=2)
        for j, method in enumerate(methods, 3):
            fig.add_trace(go.Heatmap(z=_unit_map(rows[name][method], max_side), zmin=0, zmax=1,
                                     coloraxis="coloraxis", name=f"{name} · {method}",
                                     hovertemplate=(f"{name} · {method}<br>{xy}: %{{z:.2f}}"
                                                    "<extra></extra>")), row=r, col=j)
    fig.update_layout(coloraxis=dict(colorscale="Inferno", showscale=False),
                      height=cell * n_rows + 40, margin=dict(l=5, r=30, t=30, b=5))
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_yaxes(visible=False, autorange="reversed", constrain="domain")
    for j in range(1, cols * n_rows + 1):  # square pixels in every cell
        fig.layout[f"yaxis{j if j > 1 else ''}"].scaleanchor = f"x{j if j > 1 else ''}"
    fig.update_annotations(font_size=11)
    return _localised(fig)
