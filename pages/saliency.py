"""Saliency: gradient maps, guided backprop, SmoothGrad, Integrated Gradients, Grad-CAM, and
Adebayo et al.'s sanity check, on the sidebar's active model."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from dashboard import errors, texts, widgets
from dashboard.views import any_model, saliency

T = texts.get("saliency")

widgets.page_header(T)

loaded = widgets.active_model("sal")
test = any_model.dataset_test_split(T)

left, right = st.columns([1, 2])
picked = any_model.pick_image(T, loaded, "sal_img", test, left)
x, label = any_model.model_input(T, loaded, picked, test, left, show=True)
try:
    with right:
        target = saliency.target_panel(T, loaded, x, label)
    chosen = saliency.settings(T, loaded)
    if not chosen.methods:
        st.info(T["no_methods"])
        st.stop()
    results = saliency.compute(T, loaded, x, target, chosen)
    if results:
        saliency.grid(T, loaded, x, results)
    saliency.sanity(T, loaded, x, target, chosen)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
