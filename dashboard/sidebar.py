"""The sidebar shown on every page: the language switch, then the active dataset and model
(see ``dashboard.state``)."""

from __future__ import annotations

import os

import streamlit as st

from core.models import archs
from dashboard import i18n, links, state, texts, widgets


def render() -> None:
    lang = i18n.current()
    T = texts.get("sidebar", lang)
    state.recall_choices()
    links.restore_choices()
    state.apply_pending_selection()
    with st.sidebar:
        st.radio(T["language"], i18n.LANGS, format_func=i18n.LANG_NAMES.get, horizontal=True,
                 key=i18n.LANG_KEY, on_change=links.relabel)
        i18n.keep_in_url(lang)
        st.markdown(f"**{T['active']}**")
        st.selectbox(
            T["dataset"],
            state.dataset_choices(),
            format_func=lambda key: state.dataset_title(key, lang),  # bound to this run's language
            key=state.DATASET_KEY,
            help=T["dataset_help"],
        )
        dataset = state.active_dataset()
        choices = state.model_choices(dataset)
        if not any(c.dataset == dataset for c in choices):
            st.caption(T["no_model"].format(dataset=state.dataset_title(dataset)))
        labels = {c.ref: c.label for c in choices}
        if st.session_state.get(state.MODEL_KEY) not in labels:
            st.session_state[state.MODEL_KEY] = choices[0].ref
        st.selectbox(T["model"], list(labels), format_func=labels.get, key=state.MODEL_KEY)
        state.remember_choices()
        links.keep_choices()
        choice = state.active_model()
        if choice is not None and choice.imagenet_key is not None:
            st.toggle(T["random_weights"], key=state.RANDOM_KEY, help=T["random_weights_help"],
                      bind=widgets.URL)
            st.caption(_imagenet_summary(T, choice.imagenet_key))
        elif choice is not None and choice.card is not None:
            st.caption(_card_summary(T, choice.card))
        elif choice is not None:
            st.caption(T["untrained"])
        links.copy_button()
        _replica(T)


def _replica(T: dict) -> None:
    """Which server process answers, when `make serve` runs several (CNNLAB_REPLICA): a teacher
    can tell a student's session apart, and the end-to-end test checks each stays on one."""
    replica = os.environ.get("CNNLAB_REPLICA", "").strip()
    if replica:
        with st.container(key="sidebar_replica"):
            st.caption(T["replica"].format(replica=replica, pid=os.getpid()))


def _imagenet_summary(T: dict, key: str) -> str:
    side = archs.TORCHVISION_ARCHS[key].input_size
    return " · ".join([f"`{key}`", T["summary_input"].format(shape=f"3×{side}×{side}"),
                       T["summary_classes"].format(n=i18n.integer(1000)),
                       T["summary_random"] if state.random_weights() else T["summary_imagenet"]])


def _card_summary(T: dict, card) -> str:
    c, h, w = card.input_shape
    acc = card.metrics.get("test_accuracy")
    parts = [f"`{card.arch}`", T["summary_input"].format(shape=f"{c}×{h}×{w}"),
             T["summary_classes"].format(n=i18n.integer(len(card.classes)))]
    if card.arch == "onnx":
        parts.append(T["summary_onnx"])
    if isinstance(acc, (int, float)):
        parts.append(T["summary_accuracy"].format(accuracy=i18n.percent(acc)))
    return " · ".join(parts)
