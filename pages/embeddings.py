"""Embeddings: PCA and t-SNE of what the active network learned, next to the raw pixels."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.data.datasets import DatasetUnavailableError
from core.models.checkpoints import CheckpointError
from dashboard import cache, errors, state, texts, widgets
from dashboard.views import embeddings

T = texts.get("embeddings")

widgets.page_header(T)

try:
    loaded = cache.active_model()
    train, test = cache.dataset(state.active_dataset())
except (CheckpointError, DatasetUnavailableError, InputError) as err:
    st.error(T["error"].format(error=errors.message(err)))  # as widgets.model_source
    st.stop()
if loaded is None:
    st.info(T["no_model"])
    st.stop()

splits = {"test": test, "train": train}
settings = embeddings.settings_form(T, loaded, splits)
if settings is None:
    st.info(T["press_compute"])
    st.stop()
split = splits[settings.split]
try:
    result = embeddings.compute(T, loaded, split, settings)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
    st.stop()
embeddings.show(T, loaded, split, settings, result)
