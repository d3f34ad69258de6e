"""Saliency: gradient maps, guided backprop, SmoothGrad, Integrated Gradients, Grad-CAM, and
Adebayo et al.'s sanity check, on the sidebar's active model."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.data import images
from dashboard import errors, picker, texts, widgets
from dashboard.views import any_model, saliency

T = texts.get("saliency")

widgets.page_header(T)

loaded = widgets.active_model("sal")
card = loaded.card
test = any_model.dataset_test_split(T)

left, right = st.columns([1, 2])
with left:
    picked = picker.image_picker("sal_img", labels=T, dataset=test,
                                 default=any_model.image_source("sal_img", card, test),
                                 draw=any_model.draw_style(card),
                                 predict=any_model.predictor(loaded))
if picked is None:
    st.info(T["no_image"])
    st.stop()
pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape, mean=card.mean,
                                 std=card.std)
with left:
    st.image(images.to_display(pixels), caption=picked.caption, width=180)
    note = any_model.image_fit_note(T, picked, card)
    if note:
        st.caption(note)
# the true class is a target only when a dataset label is one of the model's classes
label = picked.label if any_model.same_classes(card, test) else None
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
