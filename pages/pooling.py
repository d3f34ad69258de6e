"""Pooling Calculator: max / average / global / adaptive pooling on a matrix the user edits."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.teach import matrices, pooling
from dashboard import charts, errors, i18n, links, texts, widgets

LANG = i18n.current()
T = texts.get("pooling", LANG)  # format_funcs below close over T, read in this run's language
KEY = "pooling"

widgets.page_header(T)

# ---- 1. Input ---------------------------------------------------------------------------
st.subheader(T["input_header"])


def _load_preset() -> None:
    s = st.session_state
    matrix = matrices.preset_matrix(
        s[f"{KEY}_preset"], rows=s[f"{KEY}_rows"], cols=s[f"{KEY}_cols"], seed=s[f"{KEY}_seed"]
    )
    widgets.set_matrix(f"{KEY}_matrix", matrix, matrices.format_matrix)


c_preset, c_rows, c_cols, c_seed, c_load = st.columns([3, 1, 1, 1, 1.3],
                                                     vertical_alignment="bottom")
preset = c_preset.selectbox(T["preset"], list(matrices.PRESETS), key=f"{KEY}_preset",
                            bind="query-params",
                            format_func=lambda k: T.get(f"preset_{k}", matrices.PRESETS[k]))
sized = matrices.PRESET_SIZED[preset]
c_rows.number_input(T["rows"], 1, matrices.MAX_SIZE, 6, key=f"{KEY}_rows",
                    bind="query-params", disabled=not sized)
c_cols.number_input(T["cols"], 1, matrices.MAX_SIZE, 6, key=f"{KEY}_cols",
                    bind="query-params", disabled=not sized)
c_seed.number_input(T["seed"], 0, 2**31 - 1, 0, key=f"{KEY}_seed",
                    bind="query-params", disabled=not sized)
c_load.button(T["load"], key=f"{KEY}_load", on_click=_load_preset, use_container_width=True)

MATRIX = f"{KEY}_matrix"  # also the address's parameter: rows split by "|", values by ","
wanted = links.take(MATRIX)
if wanted is not None and MATRIX not in st.session_state.get(links.CLAIMED_KEY, {}):
    try:
        widgets.set_matrix(MATRIX, matrices.parse_matrix(wanted.replace("|", "\n")),
                           matrices.format_matrix)
        links.claim(MATRIX, True)
    except (InputError, ValueError, TypeError):
        links.claim(MATRIX, False)  # the notice names it; the example matrix stays
try:
    matrix = widgets.matrix_input(
        MATRIX,
        initial=matrices.NOTES_EXAMPLE,
        formatter=matrices.format_matrix,
        parse_text=matrices.parse_matrix,
        check_grid=matrices.check_matrix,
        labels=T,
    )
except InputError as err:
    st.error(T["bad_matrix"].format(error=errors.message(err, LANG)))
    st.stop()
same = matrix.shape == matrices.NOTES_EXAMPLE.shape and (matrix == matrices.NOTES_EXAMPLE).all()
links.keep(MATRIX, None if same else "|".join(
    ",".join(matrices.format_number(v) for v in row) for row in matrix))

# ---- 2. Parameters ----------------------------------------------------------------------
st.subheader(T["params_header"])
op = st.selectbox(T["op"], pooling.OPS, key=f"{KEY}_op", bind="query-params",
                  format_func=lambda k: T.get(f"op_{k}", pooling.OP_TITLES[k]))
square = st.toggle(T["square"], value=True, key=f"{KEY}_square", bind="query-params")
kw: dict = {"op": op}
limit = matrices.MAX_SIZE
cols = st.columns(4)
if op in ("max", "avg"):
    with cols[0]:
        kw["kernel"] = widgets.pair_input(T["kernel"], f"{KEY}_kernel", default=2, min_value=0,
                                          max_value=limit, square=square)
    with cols[1]:
        kw["stride"] = widgets.pair_input(T["stride"], f"{KEY}_stride", default=2, min_value=0,
                                          max_value=limit, square=square)
    with cols[2]:
        kw["padding"] = widgets.pair_input(T["padding"], f"{KEY}_padding", default=0,
                                           min_value=0, max_value=limit, square=square)
    with cols[3]:
        if op == "max":
            kw["dilation"] = widgets.pair_input(T["dilation"], f"{KEY}_dilation", default=1,
                                                min_value=0, max_value=limit, square=square)
    kw["ceil_mode"] = st.checkbox(T["ceil_mode"], key=f"{KEY}_ceil_mode", bind="query-params")
    if op == "avg":
        kw["count_include_pad"] = st.checkbox(T["count_include_pad"], value=True,
                                              key=f"{KEY}_count_include_pad", bind="query-params")
elif op == "adaptive_avg":
    with cols[0]:
        kw["output_size"] = widgets.pair_input(T["output_size"], f"{KEY}_output_size",
                                               default=2, min_value=0, max_value=limit,
                                               square=square)

try:
    result = pooling.pool(matrix, pooling.PoolParams(**kw))
except InputError as err:
    st.error(T["bad_params"].format(error=errors.message(err, LANG)))
    st.stop()


def _formula(a: int) -> str:
    """The output-size formula of axis ``a`` (0: height, 1: width) in the user's language:
    core's ``result.formula[a]``, the same numbers, with its words from the page's text."""
    label, axis, n = ("H_out", "W_out")[a], ("rows", "cols")[a], result.matrix.shape[a]
    p, out = result.params, result.output.shape[a]
    if p.op in ("global_avg", "global_max"):
        return T[f"formula_global_{axis}"].format(label=label, n=n)
    if p.op == "adaptive_avg":  # window i's rows (or columns): read them off the windows
        spans = [w.rows if a == 0 else w.cols for w in result.windows
                 if w.out_index[1 - a] == 0][:4]
        listed = ", ".join(f"{s[0]}..{s[-1]}" for s in spans) + (", …" if out > 4 else "")
        return T[f"formula_adaptive_{axis}"].format(label=label, out=out, n=n, listed=listed)
    k, s, pad, d = p.kernel[a], p.stride[a], p.padding[a], p.dilation[a]
    # avg has no dilation, so it gets the simpler textbook form
    span = f"{n} + 2·{pad} − {d}·({k} − 1) − 1" if p.op == "max" else f"{n} + 2·{pad} − {k}"
    left, right = ("⌈", "⌉") if p.ceil_mode else ("⌊", "⌋")
    raw = (n + 2 * pad - d * (k - 1) - 1 + (s - 1 if p.ceil_mode else 0)) // s + 1
    text = f"{label} = {left}({span}) / {s}{right} + 1 = {raw}"
    if raw > out:  # ceil_mode dropped a last window that would start past the input
        text += T["formula_dropped"].format(out=out, start=out * s - pad, last=n - 1)
    return text


def _num(v: float) -> str:
    """A value in prose: as a student writes it (4, not 4.0), decimal comma in Spanish."""
    text = matrices.format_number(v)
    return text.replace(".", ",") if LANG == "es" else text


# ---- 3. Result --------------------------------------------------------------------------
st.subheader(T["result_header"])
out = result.output
m1, m2, m3 = st.columns([1, 1, 4])
m1.metric(T["input_shape"], f"{matrix.shape[0]} × {matrix.shape[1]}")
m2.metric(T["output_shape"], f"{out.shape[0]} × {out.shape[1]}")
# inline code and a copy block, not st.code: the browser's first code block of a page loads a
# syntax highlighter (1.5 MB of script); 8 browsers on 2 cores opened the page by the sidebar
# in 9.3 s with it, 4.1 s without
m3.markdown(f"**{T['formula']}**  \n" + "  \n".join(f"`{_formula(a)}`" for a in range(2)))
st.markdown(f"**{T['copy']}**")
widgets.copy_block(matrices.format_matrix(out, brackets=True), key=f"{KEY}_result")

# ---- 4. Walk-through --------------------------------------------------------------------
st.subheader(T["walk_header"])
n = len(result.windows)
state_key = f"{KEY}_window"
st.session_state[state_key] = min(max(st.session_state.get(state_key, 1), 1), n)


def _describe(win: pooling.Window) -> str:
    num = _num
    where = T["win_where"].format(
        i=win.out_index[0], j=win.out_index[1], r0=win.rows[0] if win.rows else "–",
        r1=win.rows[-1] if win.rows else "–", c0=win.cols[0] if win.cols else "–",
        c1=win.cols[-1] if win.cols else "–")
    if win.divisor is not None:
        text = T["win_avg"].format(total=num(win.total), divisor=win.divisor, value=num(win.value))
        if win.padded_cells:
            text += " " + T["win_pad_avg"].format(n=win.padded_cells)
    elif win.argmax is not None:
        text = T["win_max"].format(value=num(win.value), r=win.argmax[0], c=win.argmax[1])
        if win.padded_cells:
            text += " " + T["win_pad_max"].format(n=win.padded_cells)
    else:
        text = T["win_all_pad"]
    return f"{where} {text}"


def _step(delta: int) -> None:
    st.session_state[state_key] = min(max(st.session_state[state_key] + delta, 1), n)


if n > 1:
    b_prev, b_slider, b_next = st.columns([1, 6, 1], vertical_alignment="bottom")
    b_prev.button(T["prev"], key=f"{KEY}_prev", on_click=_step, args=(-1,),
                  disabled=st.session_state[state_key] == 1)
    b_slider.slider(T["window"], 1, n, key=state_key, bind="query-params")
    b_next.button(T["next"], key=f"{KEY}_next", on_click=_step, args=(1,),
                  disabled=st.session_state[state_key] == n)
win = result.windows[st.session_state[state_key] - 1]
st.markdown(_describe(win))
left, right = st.columns(2)
# tables, not charts: the numbers are what a student reads, and without a chart the page
# spares every browser Plotly's code
with left.container(key=f"{KEY}_input_table"):
    st.html(charts.matrix_table(matrix, title=T["input_heatmap"], padding=result.params.padding,
                                cells=pooling.window_cells(result, win), chosen=win.argmax))
with right.container(key=f"{KEY}_output_table"):
    st.html(charts.matrix_table(out, title=T["output_heatmap"], cells=[win.out_index],
                                colorscale="Oranges"))

if op in ("max", "global_max") and st.checkbox(T["routing"], key=f"{KEY}_routing"):
    st.caption(T["routing_caption"])
    with st.container(key=f"{KEY}_routing_table"):
        st.html(charts.matrix_table(pooling.max_pool_routing(result), title=T["routing_title"],
                                    colorscale="Greens"))
