"""Layers page, section 3: what a channel responds to (dataset examples, activation
maximisation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from core.checks import InputError
from core.data import images
from core.interpret import layers
from dashboard import cache, charts, errors, i18n, texts

if TYPE_CHECKING:
    from core.data.datasets import Dataset

KEY = "layers_channel"


def render(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None) -> None:
    with st.expander(T["filter_theory_title"]):
        st.markdown(T["filter_theory"])
    table = cache.layer_table(loaded)
    spatial = [r for r in table[1:] if len(r.output_shape) == 3]
    names = [r.name for r in spatial]
    c1, c2 = st.columns(2)
    layer = c1.selectbox(T["layer"], names, index=len(names) - 1, key=f"{KEY}_layer")
    info = next(r for r in spatial if r.name == layer)
    channel = int(c2.number_input(T["channel"], 0, info.output_shape[0] - 1, 0,
                                  key=f"{KEY}_channel"))
    left, right = st.columns(2)
    with left:
        _examples(T, loaded, test_split, layer, channel)
    with right:
        _actmax(T, loaded, layer, channel)


def _examples(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None, layer: str,
              channel: int) -> None:
    if test_split is None:
        return
    k = int(st.number_input(T["top_k"], 1, 16, 8, key=f"{KEY}_k"))
    top = cache.top_activating(loaded, test_split, f"{test_split.name}/{test_split.split}",
                               layer, channel, k)
    st.caption(T["examples_caption"].format(k=len(top), c=channel, layer=layer))
    lang = i18n.current()
    classes = texts.class_names(test_split.classes, lang)
    cols = st.columns(4)
    for i, ex in enumerate(top):
        img = images.to_display(test_split.images[ex.index])
        cls = classes[int(test_split.labels[ex.index])]
        score = i18n.number(float(ex.score), 2, lang)
        cols[i % 4].plotly_chart(
            charts.image(img, boxes=[ex.box], height=150, title=f"#{ex.index} · {cls} · {score}"),
            key=f"{KEY}_example_{i}")


def _actmax(T: dict, loaded: cache.LoadedModel, layer: str, channel: int) -> None:
    with st.form(f"{KEY}_form", border=False):
        c1, c2, c3 = st.columns(3)
        steps = int(c1.number_input(T["steps"], 1, 2000, 200, key=f"{KEY}_steps"))
        lr = c2.number_input(T["lr"], 0.001, 1.0, 0.05, format="%.3f", key=f"{KEY}_lr")
        jitter = int(c3.number_input(T["jitter"], 0, 8, 2, key=f"{KEY}_jitter"))
        c4, c5, c6 = st.columns(3)
        tv = c4.number_input(T["tv"], 0.0, 10.0, 0.3, format="%.3f", key=f"{KEY}_tv")
        l2 = c5.number_input(T["l2"], 0.0, 10.0, 0.01, format="%.3f", key=f"{KEY}_l2")
        seed = int(c6.number_input(T["seed"], 0, 10_000, 0, key=f"{KEY}_seed"))
        run = st.form_submit_button(T["run_actmax"], key=f"{KEY}_run")
    result_key = f"{KEY}_result"
    wanted = (loaded.model_id, layer, channel, steps, lr, jitter, tv, l2, seed)
    if run:
        bar = st.progress(0.0)
        card = loaded.card
        lang = i18n.current()
        try:
            result = layers.activation_maximisation(
                loaded.model, layer, channel, input_shape=tuple(card.input_shape),
                mean=card.mean, std=card.std, steps=steps, lr=lr, jitter=jitter, tv_weight=tv,
                l2_weight=l2, seed=seed,
                progress=lambda i, n, v: bar.progress(i / n, T["actmax_progress"].format(
                    step=i, steps=n, value=i18n.number(float(v), 3, lang))))
        except InputError as err:
            st.error(errors.message(err))
            return
        bar.empty()
        st.session_state[result_key] = (wanted, result)
    stored = st.session_state.get(result_key)
    if stored is None or stored[0][:3] != wanted[:3]:
        return
    result = stored[1]
    st.plotly_chart(charts.image(images.to_display(result.image), height=240,
                                 title=T["actmax_result"]), key=f"{KEY}_actmax_image")
    st.plotly_chart(charts.line(result.trajectory, title=T["actmax_curve"], x_title=T["steps"]),
                    key=f"{KEY}_actmax_curve")
