"""The sidebar shown on every page: the active dataset and model (see ``dashboard.state``)."""

from __future__ import annotations

import streamlit as st

from dashboard import state


def render() -> None:
    state.apply_pending_selection()
    with st.sidebar:
        st.markdown("**Active dataset and model**")
        st.selectbox(
            "Dataset",
            state.dataset_choices(),
            format_func=state.dataset_title,
            key=state.DATASET_KEY,
            help="Every page that needs data or a model uses this choice.",
        )
        dataset = state.active_dataset()
        choices = state.model_choices(dataset)
        if not choices:
            st.caption(
                f"No model trained on {state.dataset_title(dataset)} yet — train one on the "
                "Train page, or pick the digits dataset for the ready default."
            )
            return
        labels = {c.ref: c.label for c in choices}
        if st.session_state.get(state.MODEL_KEY) not in labels:
            st.session_state[state.MODEL_KEY] = choices[0].ref
        st.selectbox("Model", list(labels), format_func=labels.get, key=state.MODEL_KEY)
        choice = state.active_model()
        if choice is not None and choice.card is not None:
            st.caption(_card_summary(choice.card))
        elif choice is not None:
            st.caption("Trained on first use (about 5 seconds), then kept on disk.")


def _card_summary(card) -> str:
    c, h, w = card.input_shape
    acc = card.metrics.get("test_accuracy")
    parts = [f"`{card.arch}`", f"input {c}×{h}×{w}", f"{len(card.classes)} classes"]
    if isinstance(acc, (int, float)):
        parts.append(f"test accuracy {acc:.1%}")
    return " · ".join(parts)
