"""Train page, Model library tab: every saved model, make one active, download, delete, upload."""

from __future__ import annotations

import shutil

import streamlit as st

from core import paths
from core.models import cards
from dashboard import state

KEY = "train_library"


def _entries() -> list:
    roots = [paths.models_dir()] + ([state.model_root()] if state.private_models() else [])
    return [entry for root in roots for entry in cards.list_library(root)]


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
            "name": card.name, "architecture": card.arch,
            "dataset": state.dataset_title(card.dataset),
            "test accuracy": card.metrics.get("test_accuracy"), "created": card.created,
            "folder": path.name,
        } for path, card in entries], hide_index=True, key=f"{KEY}_table",
            column_config={"test accuracy": st.column_config.NumberColumn(format="percent")})
        by_name = {path.name: (path, card) for path, card in entries}
        chosen = st.selectbox("Model", list(by_name), key=f"{KEY}_chosen",
                              format_func=lambda n: f"{by_name[n][1].name} ({n})")
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
        st.error(T["upload_error"].format(error=err))
        return
    directory = checkpoints.save_to_library(model, card, state.model_root())
    st.session_state[f"{KEY}_done"] = upload.file_id
    state.request_select(f"library:{directory.name}", card.dataset)
    st.session_state[f"{KEY}_message"] = T["upload_ok"].format(
        name=card.name, arch=card.arch, dataset=state.dataset_title(card.dataset))
    st.rerun()
