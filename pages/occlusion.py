"""Occlusion: Zeiler & Fergus occlusion experiments on the sidebar's active model."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from dashboard import errors, texts, widgets
from dashboard.views import any_model, occlusion

T = texts.get("occlusion")

widgets.page_header(T)

loaded = widgets.active_model("occ")
test = any_model.dataset_test_split(T)

left, right = st.columns([1, 3])
picked = any_model.pick_image(T, loaded, "occ_img", test, left)
x, label = any_model.model_input(T, loaded, picked, test, left)
with right:
    chosen = occlusion.settings(T, loaded, tuple(x.shape[-2:]), label)
try:
    plan, result = occlusion.run(T, loaded, x, chosen)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
    st.stop()
if result is not None:
    occlusion.show(T, loaded, x, plan, result)
