"""The sidebar shown on every page: the language switch, then the active dataset and model
(see ``dashboard.state``)."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n, state, texts


def render() -> None:
    lang = i18n.current()
    T = texts.get("sidebar", lang)
    state.apply_pending_selection()
    with st.sidebar:
        st.radio(T["language"], i18n.LANGS, format_func=i18n.LANG_NAMES.get, horizontal=True,
                 key=i18n.LANG_KEY)
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
        if not choices:
            st.caption(T["no_model"].format(dataset=state.dataset_title(dataset)))
            return
        labels = {c.ref: c.label for c in choices}
        if st.session_state.get(state.MODEL_KEY) not in labels:
            st.session_state[state.MODEL_KEY] = choices[0].ref
        st.selectbox(T["model"], list(labels), format_func=labels.get, key=state.MODEL_KEY)
        choice = state.active_model()
        if choice is not None and choice.card is not None:
            st.caption(_card_summary(T, choice.card))
        elif choice is not None:
            st.caption(T["untrained"])


def _card_summary(T: dict, card) -> str:
    c, h, w = card.input_shape
    acc = card.metrics.get("test_accuracy")
    parts = [f"`{card.arch}`", T["summary_input"].format(shape=f"{c}×{h}×{w}"),
             T["summary_classes"].format(n=len(card.classes))]
    if isinstance(acc, (int, float)):
        parts.append(T["summary_accuracy"].format(accuracy=i18n.percent(acc)))
    return " · ".join(parts)
