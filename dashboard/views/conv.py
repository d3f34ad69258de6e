"""Layers page, section 1: convolution by hand (conv -> ReLU -> 2x2 max pool)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from core.checks import InputError
from core.data import images
from core.teach import filters, matrices
from core.teach import kernels as kernel_presets
from dashboard import charts, errors, picker, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset

KEY = "layers_conv"


def render(T: dict, test_split: Dataset | None = None) -> None:
    # expanders and tabs track whether they are open: a closed one's charts are not made
    with st.expander(T["conv_theory_title"], key=f"{KEY}_theory", on_change="rerun") as theory:
        st.markdown(T["conv_theory"])
        if theory.open:
            x = np.linspace(-3, 3, 61)
            st.plotly_chart(charts.line(np.maximum(0, x), title=T["relu_title"], height=220)
                            .update_traces(x=x), key=f"{KEY}_relu_plot")

    left, right = st.columns([1, 2])
    with left:
        picked = picker.image_picker(f"{KEY}_img", labels=T, default="sample", follow=False,
                                     dataset=test_split)
        size = st.slider(T["work_size"], 16, 512, 128, step=16, key=f"{KEY}_size",
                         bind="query-params")
    if picked is None:
        st.info(T["no_image"])
        return
    array = images.to_float_array(picked.image, max_side=size)  # (H, W) or (H, W, 3)
    with left:
        # a picture, not a chart: the maps below carry the hover values, and a second Plotly
        # chart cost each browser about 0.2 CPU s a visit (8 at once on 2 cores: 4.4-4.7 s by
        # the sidebar with it, 3.5-4.0 s without)
        st.image(charts.sharp(array), caption=picked.caption)
    with right:
        mode = "gray"
        if array.ndim == 3:
            mode = st.radio(T["mode"], filters.MODES, horizontal=True, key=f"{KEY}_mode",
                            bind="query-params",
                            format_func=lambda m: T[f"mode_{m}"])
        chosen = st.multiselect(T["kernels"], list(kernel_presets.KERNELS),
                                default=list(kernel_presets.DEFAULT_FILTER_BANK),
                                max_selections=filters.MAX_FILTERS, key=f"{KEY}_kernels",
                                bind="query-params",
                                format_func=lambda k: kernel_title(T, k))
        kernels = [kernel_presets.KERNELS[k].weights for k in chosen]
        names = [kernel_title(T, k) for k in chosen]
        if st.toggle(T["custom"], key=f"{KEY}_custom", bind="query-params"):
            custom = _custom_kernel(T)
            if custom is None:
                return
            kernels.append(custom)
            names.append(T["custom_name"])
        c1, c2 = st.columns(2)
        stride = int(c1.number_input(T["stride"], 1, filters.MAX_STRIDE, 1, key=f"{KEY}_stride",
                                     bind="query-params"))
        padding = int(c2.number_input(T["padding"], 0, filters.MAX_KERNEL, 1,
                                      key=f"{KEY}_padding", bind="query-params"))
    if not kernels:
        st.info(T["need_kernel"])
        return
    try:
        walk = filters.conv_relu_pool(array, kernels, names, stride=stride, padding=padding,
                                      mode=mode)
    except InputError as err:
        st.error(T["bad_conv"].format(error=errors.message(err)))
        return

    with right:
        with st.expander(T["kernel_values"], key=f"{KEY}_kernel_values",
                         on_change="rerun") as values:
            if values.open:
                cols = st.columns(min(4, len(names)))
                for i, (name, k) in enumerate(zip(names, walk.kernels, strict=True)):
                    cols[i % len(cols)].plotly_chart(
                        charts.matrix_heatmap(k, title=name, colorscale="RdBu", zmid=0,
                                              height=220),
                        key=f"{KEY}_kernel_{i}")
        st.markdown(f"**{T['shapes']}:** " + " → ".join(
            f"{stage_name(T, name)} {' × '.join(map(str, shape))}"
            for name, shape in walk.shapes))
        # inline code, not st.code: the browser's code block (a syntax highlighter) made this
        # one line cost the page ~0.2 s before it was idle
        st.markdown(f"**{T['formula']}**  \n`{walk.formula}`")

    cols = 4 if mode == "gray" else 3
    tabs = st.tabs([T["stage_conv"], T["stage_relu"], T["stage_pool"]], key=f"{KEY}_stage",
                   bind=widgets.URL)
    for tab, stage, signed in zip(tabs, ("conv", "relu", "pooled"), (True, False, False),
                                  strict=True):
        if not tab.open:
            continue
        with tab:
            st.plotly_chart(
                charts.feature_maps(getattr(walk, stage), list(walk.names), cols=cols,
                                    signed=signed, height_per_row=260),
                key=f"{KEY}_maps_{stage}")


def _custom_kernel(T: dict) -> np.ndarray | None:
    size = st.radio(T["custom_size"], [3, 5], horizontal=True, key=f"{KEY}_custom_size",
                    bind="query-params")
    # 3x3: the Laplacian; 5x5: a wide outline detector (-1 around, 24 in the centre)
    initial = kernel_presets.KERNELS["laplacian"].weights if size == 3 else \
        np.where(np.arange(25).reshape(5, 5) == 12, 24.0, -1.0)
    if st.session_state.get(f"{KEY}_custom_shape") != size:  # size changed: new starting kernel
        st.session_state[f"{KEY}_custom_shape"] = size
        widgets.set_matrix(f"{KEY}_custom_matrix", np.array(initial), matrices.format_matrix)
    try:
        return widgets.matrix_input(
            f"{KEY}_custom_matrix", initial=np.array(initial), formatter=matrices.format_matrix,
            parse_text=lambda t: filters.check_kernel(matrices.parse_matrix(t)),
            check_grid=filters.check_kernel, labels=T)
    except InputError as err:
        st.error(T["bad_conv"].format(error=errors.message(err)))
        return None


def kernel_title(T: dict, key: str) -> str:
    """A kernel preset's title in the page's language (core's English title otherwise)."""
    return T.get(f"kernel_{key}", kernel_presets.KERNELS[key].title)


def stage_name(T: dict, stage: str) -> str:
    """A stage of the walk-through ("input", "conv", "max pool 2x2") in the page's language."""
    if stage == "input":
        return T["input_name"]
    slug = re.sub(r"\W+", "_", stage)
    return T.get(f"shape_{slug}", stage)

