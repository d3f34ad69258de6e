"""Train page, Model library tab: every saved model, make one active, download, delete, and
upload one: a CNN Lab zip / safetensors, or your own weights (.pt/.pth state_dict, ONNX)."""

from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from core import paths
from core.models import cards
from dashboard import errors, i18n, state, texts, widgets
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
            T["col_name"]: model_name(path, card), T["col_arch"]: library_arch_title(T, card.arch),
            T["col_dataset"]: state.dataset_title(card.dataset),
            T["col_accuracy"]: card.metrics.get("test_accuracy"), T["col_created"]: card.created,
            T["col_folder"]: path.name,
        } for path, card in entries], hide_index=True, key=f"{KEY}_table",
            column_config={T["col_accuracy"]: st.column_config.NumberColumn(format="percent")})
        labels = {path.name: f"{model_name(path, card)} ({path.name})" for path, card in entries}
        by_name = {path.name: (path, card) for path, card in entries}
        chosen = st.selectbox(T["library_model"], list(by_name), key=f"{KEY}_chosen",
                              persist_state=widgets.SESSION,
                              format_func=labels.__getitem__)
        path, card = by_name[chosen]
        shortcut_note(T, card)
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


def shortcut_note(T: dict, card) -> None:
    """What the shortcut lab wrote on a model's card (``metrics["shortcut"]``): the cue, its
    class and shares, and which model of the pair this is."""
    record = card.metrics.get("shortcut")
    if not isinstance(record, dict):
        return
    S = texts.get("shortcut")
    cue, target = record.get("cue", {}), record.get("target")
    kind, which = cue.get("kind"), record.get("model")
    if f"cue_short_{kind}" not in S or f"model_{which}" not in S or \
            not (isinstance(target, int) and 0 <= target < len(card.classes)):
        return  # a card edited by hand: say nothing rather than something wrong
    st.caption(T["library_shortcut"].format(
        cue=S[f"cue_short_{kind}"], target=texts.class_names([card.classes[target]])[0],
        share_target=i18n.percent(record.get("share_target", 0.0), 0),
        share_other=i18n.percent(record.get("share_other", 0.0), 0), which=S[f"model_{which}"]))


FORM_SUFFIXES = {".pt": "pth", ".pth": "pth", ".onnx": "onnx"}  # files that need a form


def library_arch_title(T: dict, arch: str) -> str:
    """The table's architecture name: ``train_setup.arch_title`` (lab archs in the page's
    language, torchvision titles), and "ONNX model" in the page's language for a graph."""
    from core.models.archs import ONNX_ARCH

    if arch == ONNX_ARCH:
        return texts.get("library")["arch_onnx"]
    return arch_title(T, arch)


def _upload(T: dict) -> None:
    L = texts.get("library")
    st.subheader(T["upload_header"])
    upload = st.file_uploader(L["upload_label"], type=["zip", "safetensors", "pt", "pth", "onnx"],
                              key=f"{KEY}_upload", help=L["upload_help"])
    if upload is None:
        return
    if st.session_state.get(f"{KEY}_done") == upload.file_id:  # already imported this upload
        return
    kind = FORM_SUFFIXES.get(Path(upload.name).suffix.lower())
    if kind is None:  # our zip / safetensors: everything is in the file
        _import(T, upload, {})
        return
    form = _form(L, kind)
    if st.button(L["import"], key=f"{KEY}_import", type="primary") and form is not None:
        _import(T, upload, form)


def _form(L: dict, kind: str) -> dict | None:
    """The fields of a .pth / .onnx import as ``import_file``'s keywords (None when a mean/std
    field does not parse; the error is shown)."""
    from core.models.archs import TORCHVISION_ARCHS

    form: dict = {}
    st.caption(L["pth_intro"] if kind == "pth" else L["onnx_intro"])
    if kind == "pth":
        form["arch"] = st.selectbox(L["arch"], list(TORCHVISION_ARCHS), key=f"{KEY}_arch",
                                    persist_state=widgets.SESSION,
                                    format_func=lambda a: TORCHVISION_ARCHS[a].title)
    classes = st.text_area(L["classes"], key=f"{KEY}_classes",
                           persist_state=widgets.SESSION, help=L["classes_help"])
    form["classes"] = [line.strip() for line in classes.splitlines() if line.strip()] or None
    form["input_size"] = int(st.number_input(
        L["input_size"], min_value=1, max_value=1024, value=224, step=1, key=f"{KEY}_size",
                                             persist_state=widgets.SESSION,
        help=L["input_size_help_onnx"] if kind == "onnx" else None))
    c1, c2 = st.columns(2)
    mean = c1.text_input(L["mean"], key=f"{KEY}_mean",
                         persist_state=widgets.SESSION, placeholder="0.485, 0.456, 0.406",
                         help=L["norm_help"])
    std = c2.text_input(L["std"], key=f"{KEY}_std",
                        persist_state=widgets.SESSION, placeholder="0.229, 0.224, 0.225",
                        help=L["norm_help"])
    form["name"] = st.text_input(L["name"], key=f"{KEY}_name",
                                 persist_state=widgets.SESSION, help=L["name_help"]) or None
    ok = True
    for field, text in (("mean", mean), ("std", std)):
        try:
            form[field] = _numbers(text)
        except ValueError:
            st.error(L["numbers_invalid"].format(field=L[field], value=text))
            ok = False
    return form if ok else None


def _numbers(text: str) -> list[float] | None:
    """ "0.5, 0.4" or "0,5; 0,4" (a decimal comma) as floats; None for an empty field."""
    text = text.strip()
    if not text:
        return None
    parts = text.split(";") if ";" in text else text.replace(",", " ").split()
    return [float(p.strip().replace(",", ".")) for p in parts if p.strip()]


def _import(T: dict, upload, form: dict) -> None:
    """Import, save to the library and make active; an error is shown and nothing is saved."""
    from core.checks import InputError
    from core.models import checkpoints, imports

    try:
        done = imports.import_file(upload.getvalue(), upload.name, **form)
        directory = checkpoints.save_to_library(done.model, done.card, state.model_root(),
                                                done.graph)
    except InputError as err:  # CheckpointError included
        st.error(T["upload_error"].format(error=errors.message(err)))
        return
    card = done.card
    st.session_state[f"{KEY}_done"] = upload.file_id
    state.request_select(f"library:{directory.name}", card.dataset)
    st.session_state[f"{KEY}_message"] = T["upload_ok"].format(
        name=card.name, arch=library_arch_title(T, card.arch),
        dataset=state.dataset_title(card.dataset))
    st.rerun()
