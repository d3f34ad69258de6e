"""Embeddings: PCA and t-SNE of what the active network learned, next to the raw pixels."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.data.datasets import DatasetUnavailableError
from dashboard import cache, errors, state, texts, widgets
from dashboard.views import embeddings

T = texts.get("embeddings")

widgets.page_header(T)

loaded = widgets.active_model("emb")
try:
    train, test = cache.dataset(state.active_dataset())
except (DatasetUnavailableError, InputError) as err:
    st.error(T["error"].format(error=errors.message(err)))
    st.stop()

splits = {"test": test, "train": train}
try:
    settings = embeddings.settings_form(T, loaded, splits)
except InputError as err:  # e.g. a model without a layer to take features from
    st.error(T["error"].format(error=errors.message(err)))
    st.stop()
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
