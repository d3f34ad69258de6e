"""Trust: which saliency map should I believe? Deletion and insertion scores of every map the
lab draws, on the active model's test images, against a random map and a centre prior."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from dashboard import errors, texts, widgets
from dashboard.views import any_model, trust

T = texts.get("trust")

widgets.page_header(T)

loaded = widgets.active_model("trust")
split = any_model.dataset_test_split(T)
if split is None:
    st.info(T["no_test_split"])
    st.stop()
try:
    chosen = trust.settings(T, loaded, split)
    if not chosen.methods:
        st.info(T["no_methods"])
        st.stop()
    stored = trust.run(T, loaded, split, chosen)
    if stored is not None:
        trust.results(T, loaded, split, chosen, stored)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
