"""Layers page, section 3: what a channel responds to (dataset examples, activation
maximisation), for any active model.

Both are work over many forward passes: each states its cost (from the layer table's
multiply-adds). The dataset examples run at once when they are cheap (a lab model on its own
dataset) and wait for a button otherwise (an ImageNet model on the digits resized to 224 px);
activation maximisation always waits for its button, shows its progress and can be stopped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from core.checks import InputError
from core.data import images
from core.data.fit import fit_input
from core.interpret import layers
from dashboard import cache, charts, errors, i18n, state, texts, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset

KEY = "layers_channel"
MAX_TOP = 16  # computed once per (model, dataset, layer, channel); "Top images" slices it
ASK_MACS = 2e10  # above this many multiply-adds (~0.5 s here) the examples wait for a button


def render(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None) -> None:
    with st.expander(T["filter_theory_title"]):
        st.markdown(T["filter_theory"])
    table = cache.layer_table(loaded)
    spatial = [r for r in table[1:] if len(r.output_shape) == 3]
    names = [r.name for r in spatial]
    c1, c2 = st.columns(2)
    deepest = max((i for i, r in enumerate(spatial) if r.output_shape[1] * r.output_shape[2] > 1),
                  default=len(names) - 1)  # the last real maps (not a pooled 1×1)
    layer = c1.selectbox(T["layer"], names, index=deepest, key=f"{KEY}_layer", bind="query-params")
    info = next(r for r in spatial if r.name == layer)
    channel = int(c2.number_input(T["channel"], 0, info.output_shape[0] - 1, 0,
                                  key=f"{KEY}_channel", bind="query-params"))
    macs = layers.macs_to(table, layer)
    left, right = st.columns(2)
    with left:
        _examples(T, loaded, test_split, layer, channel, macs)
    with right:
        _actmax(T, loaded, layer, channel, macs)


def giga(macs: float, lang: str) -> str:
    """A multiply-add count with a G or M prefix, in the language's number format."""
    if macs >= 1e9:
        return f"{i18n.number(macs / 1e9, 2, lang)} G"
    return f"{i18n.number(macs / 1e6, 1, lang)} M"


def _examples(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None, layer: str,
              channel: int, macs: int) -> None:
    if test_split is None:
        return
    lang, card, words = i18n.current(), loaded.card, texts.get("common")
    k = int(st.number_input(T["top_k"], 1, MAX_TOP, 8, key=f"{KEY}_k", bind="query-params"))
    n = len(test_split)
    fit = fit_input(tuple(test_split.images.shape[1:]), card.input_shape, mean=card.mean,
                    std=card.std)
    dataset = state.dataset_title(state.active_dataset())
    note = widgets.fit_note(fit, images=T["fit_dataset_images"].format(dataset=dataset),
                            model=card.name)
    if note:
        st.caption(note)
    ask = n * macs > ASK_MACS
    notes = [T["examples_cost"].format(n=i18n.integer(n, lang), layer=layer,
                                       macs=giga(macs, lang))] if ask else []
    wanted = (loaded.model_id, state.active_dataset(), test_split.split, n, layer, channel)
    top = widgets.cached_run(
        f"{KEY}_top", wanted,
        lambda progress: cache.top_activating(loaded, test_split, layer, channel, MAX_TOP,
                                              progress=progress),
        ask=ask, label=T["run_examples"], stop_label=words["stop"], stopped=words["stopped"],
        notes=notes)
    if top is None:
        return
    top = top[:k]
    st.caption(T["examples_caption"].format(k=len(top), c=channel, layer=layer))
    classes = texts.class_names(test_split.classes, lang)
    titles = [f"#{ex.index} · {classes[int(test_split.labels[ex.index])]} · "  # its label
              f"{i18n.number(float(ex.score), 2, lang)}" for ex in top]
    st.plotly_chart(charts.image_tiles([images.to_display(test_split.images[ex.index])
                                        for ex in top], titles, boxes=[ex.box for ex in top],
                                       cols=4, height_per_row=150),
                    key=f"{KEY}_examples")


def _actmax(T: dict, loaded: cache.LoadedModel, layer: str, channel: int, macs: int) -> None:
    card, lang, words = loaded.card, i18n.current(), texts.get("common")
    big = card.input_shape[1] * card.input_shape[2] > 64 * 64  # 224 px: each step costs more
    with st.form(f"{KEY}_form", border=False):
        c1, c2, c3 = st.columns(3)
        keep = widgets.SESSION  # the form's values outlive a visit to another tab
        steps = int(c1.number_input(T["steps"], 1, layers.MAX_STEPS, 50 if big else 200,
                                    key=f"{KEY}_steps", persist_state=keep))
        lr = c2.number_input(T["lr"], 0.001, 1.0, 0.05, format="%.3f", key=f"{KEY}_lr",
                             persist_state=keep)
        jitter = int(c3.number_input(T["jitter"], 0, layers.MAX_JITTER, 2, key=f"{KEY}_jitter",
                                     persist_state=keep))
        c4, c5, c6 = st.columns(3)
        tv = c4.number_input(T["tv"], 0.0, 10.0, 0.3, format="%.3f", key=f"{KEY}_tv",
                             persist_state=keep)
        l2 = c5.number_input(T["l2"], 0.0, 10.0, 0.01, format="%.3f", key=f"{KEY}_l2",
                             persist_state=keep)
        seed = int(c6.number_input(T["seed"], 0, 10_000, 0, key=f"{KEY}_seed",
                                   persist_state=keep))
        run = st.form_submit_button(T["run_actmax"], key=f"{KEY}_run")
    st.caption(T["actmax_cost"].format(steps=i18n.integer(steps, lang), layer=layer,
                                       macs=giga(macs, lang),
                                       shape=" × ".join(map(str, card.input_shape))))
    if widgets.was_stopped(f"{KEY}_stop"):
        st.info(words["stopped"])
    result_key = f"{KEY}_result"
    wanted = (loaded.model_id, layer, channel, steps, lr, jitter, tv, l2, seed)
    if run:
        stop = widgets.stop_button(f"{KEY}_stop", words["stop"])
        bar = st.progress(0.0)
        try:
            result = layers.activation_maximisation(
                loaded.model, layer, channel, input_shape=tuple(card.input_shape),
                mean=card.mean, std=card.std, steps=steps, lr=lr, jitter=jitter, tv_weight=tv,
                l2_weight=l2, seed=seed,
                progress=lambda i, n, v: bar.progress(i / n, T["actmax_progress"].format(
                    step=i, steps=n, value=i18n.number(float(v), 3, lang))))
        except InputError as err:
            stop.empty()
            st.error(errors.message(err))
            return
        stop.empty()
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
