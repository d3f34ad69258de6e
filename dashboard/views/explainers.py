"""Layers page, section 4: softmax with temperature, dropout train vs eval, the flatten size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.checks import InputError
from core.teach import explainers, matrices
from dashboard import cache, charts, errors, i18n, widgets

KEY = "layers_explain"


def render(T: dict, feature_vector: np.ndarray | None = None) -> None:
    _softmax(T)
    st.divider()
    _dropout(T, feature_vector)
    st.divider()
    _flatten(T)


def _softmax(T: dict) -> None:
    st.subheader(T["softmax_header"])
    st.markdown(T["softmax_text"])
    c1, c2 = st.columns([2, 1])
    text = c1.text_input(T["logits"], "2.0, 1.0, 0.1, -1.0", key=f"{KEY}_logits",
                         persist_state=widgets.SESSION)
    temperature = c2.slider(T["temperature"], 0.1, 5.0, 1.0, 0.1, key=f"{KEY}_temperature",
                            persist_state=widgets.SESSION)
    try:
        logits = matrices.parse_matrix(text).ravel()
        probs = explainers.softmax(logits, temperature)
    except InputError as err:
        st.error(T["bad_logits"].format(error=errors.message(err)))
        return
    lang = i18n.current()
    labels = [f"z{i + 1} = {_number(v, lang)}" for i, v in enumerate(logits)]
    st.plotly_chart(charts.bars(probs, labels, highlight=int(np.argmax(probs)), height=260),
                    key=f"{KEY}_softmax_chart")
    st.markdown(T["softmax_sum"].format(total=i18n.number(float(probs.sum()), 6)))


def _dropout(T: dict, feature_vector: np.ndarray | None) -> None:
    st.subheader(T["dropout_header"])
    st.markdown(T["dropout_text"])
    c1, c2 = st.columns(2)
    p = c1.slider(T["dropout_p"], 0.0, 0.9, 0.5, 0.05, key=f"{KEY}_p",
                  persist_state=widgets.SESSION)
    seed = int(c2.number_input(T["dropout_seed"], 0, 10_000, 0, key=f"{KEY}_seed",
                               persist_state=widgets.SESSION))
    values = feature_vector if feature_vector is not None else \
        np.round(np.random.default_rng(1).gamma(2.0, 0.5, 32), 2)
    demo = explainers.dropout_demo(values[:64], p, seed=seed)
    n = len(demo.values)
    cols = 16 if n >= 16 else n
    grid = lambda v: np.pad(v, (0, -n % cols)).reshape(-1, cols)  # noqa: E731  (N,) -> (R, 16)
    maps = np.stack([grid(demo.values), grid(demo.train), grid(demo.eval)])
    st.plotly_chart(
        charts.feature_maps(maps, [T["dropout_in"], T["dropout_train"], T["dropout_eval"]],
                            cols=3, height_per_row=200),
        key=f"{KEY}_dropout_chart")
    st.caption(T["dropout_kept"].format(
        kept=int(demo.mask.sum()), total=n, mean_in=i18n.number(float(demo.values.mean()), 3),
        mean_train=i18n.number(float(demo.train.mean()), 3)))


def _flatten(T: dict) -> None:
    st.subheader(T["fc_header"])
    demo = cache.notes_flatten_demo()
    st.markdown(T["fc_text"].format(flat=i18n.integer(demo.flatten)))
    st.dataframe(pd.DataFrame([(name, " × ".join(map(str, shape))) for name, shape in demo.shapes],
                              columns=[T["col_layer"], T["col_shape"]]), hide_index=True,
                 key=f"{KEY}_fc_table")
    st.markdown(T["fc_error"])
    st.code(demo.error, language=None)


def _number(v: float, lang: str) -> str:
    """A logit as a student would write it (4 rather than 4.0), with the language's decimal
    mark."""
    return i18n.general(float(v), lang, ".6g") if not float(v).is_integer() else \
        matrices.format_number(v)
