"""Train page, Model library tab: every saved model, make one active, download, delete, upload."""

from __future__ import annotations

import shutil

import streamlit as st

from core import paths
from core.models import cards
from dashboard import errors, state, texts
from dashboard.views.train_setup import arch_title

KEY = "train_library"


def _entries() -> list:
    roots = [paths.models_dir()] + ([state.model_root()] if state.private_models() else [])
    return [entry for root in roots for entry in cards.list_library(root)]


def model_name(path, card) -> str:
    """A model's name as the user reads it: the ready default's in the session's language
    (its card says "Small CNN on digits (default)"), any other as its card names it."""
    if path is not None and path.name == cards.DEFAULT_MODEL_DIR:
        return texts.get("sidebar")["default_model"]
    return card.name


def render(T: dict) -> None:
    st.subheader(T["library_header"])
    message = st.session_state.pop(f"{KEY}_message", None)
    if message:
        st.success(message)
    if state.private_models():
        st.info(T["library_private"])
    entries = _entries()
    if not entries:
        st.caption(T["library_empty"])
    else:
        st.dataframe([{
            T["col_name"]: model_name(path, card), T["col_arch"]: arch_title(T, card.arch),
            T["col_dataset"]: state.dataset_title(card.dataset),
            T["col_accuracy"]: card.metrics.get("test_accuracy"), T["col_created"]: card.created,
            T["col_folder"]: path.name,
        } for path, card in entries], hide_index=True, key=f"{KEY}_table",
            column_config={T["col_accuracy"]: st.column_config.NumberColumn(format="percent")})
        labels = {path.name: f"{model_name(path, card)} ({path.name})" for path, card in entries}
        by_name = {path.name: (path, card) for path, card in entries}
        chosen = st.selectbox(T["library_model"], list(by_name), key=f"{KEY}_chosen",
                              format_func=labels.__getitem__)
        path, card = by_name[chosen]
        c1, c2, c3 = st.columns(3)
        if c1.button(T["use_model"], key=f"{KEY}_use"):
            default = path.name == cards.DEFAULT_MODEL_DIR
            ref = state.DEFAULT_REF if default else f"library:{path.name}"
            state.request_select(ref, card.dataset)
            st.rerun()
        from core.models import checkpoints

        c2.download_button(T["download"], checkpoints.export_zip(path),
                           file_name=f"{path.name}.zip", mime="application/zip",
                           key=f"{KEY}_download")
        if c3.button(T["delete_model"], key=f"{KEY}_delete"):
            shutil.rmtree(path, ignore_errors=True)
            st.rerun()
    _upload(T)


def _upload(T: dict) -> None:
    from core.models import checkpoints

    st.subheader(T["upload_header"])
    upload = st.file_uploader(T["upload"], type=["zip", "safetensors"], key=f"{KEY}_upload")
    if upload is None:
        return
    done = st.session_state.get(f"{KEY}_done")
    if done == upload.file_id:  # already imported this upload
        return
    try:
        model, card = checkpoints.import_upload(upload.getvalue(), upload.name)
    except checkpoints.CheckpointError as err:
        st.error(T["upload_error"].format(error=errors.message(err)))
        return
    directory = checkpoints.save_to_library(model, card, state.model_root())
    st.session_state[f"{KEY}_done"] = upload.file_id
    state.request_select(f"library:{directory.name}", card.dataset)
    st.session_state[f"{KEY}_message"] = T["upload_ok"].format(
        name=card.name, arch=arch_title(T, card.arch), dataset=state.dataset_title(card.dataset))
    st.rerun()
