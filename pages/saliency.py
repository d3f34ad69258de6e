"""Saliency: gradient maps, guided backprop, SmoothGrad, Integrated Gradients, Grad-CAM, and
Adebayo et al.'s sanity check, on the active model or an ImageNet model."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.data import images
from dashboard import errors, texts, widgets
from dashboard.views import saliency

T = texts.get("saliency")

widgets.page_header(T)

loaded, test = widgets.model_source(T, "sal_model")

left, right = st.columns([1, 2])
with left:
    picked = widgets.image_picker("sal_img", labels=T, default="dataset" if test else "sample",
                                  dataset=test)
if picked is None:
    st.info(T["no_image"])
    st.stop()
card = loaded.card
pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape, mean=card.mean,
                                 std=card.std)
with left:
    st.image(images.to_display(pixels), caption=picked.caption, width=180)
try:
    with right:
        target = saliency.target_panel(T, loaded, x, picked.label)
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
