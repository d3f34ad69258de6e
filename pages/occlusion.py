"""Occlusion: Zeiler & Fergus occlusion experiments on the sidebar's active model."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.data import images
from dashboard import errors, picker, texts, widgets
from dashboard.views import any_model, occlusion

T = texts.get("occlusion")

widgets.page_header(T)

loaded = widgets.active_model("occ")
card = loaded.card
test = any_model.dataset_test_split(T)

left, right = st.columns([1, 3])
with left:
    picked = picker.image_picker("occ_img", labels=T, dataset=test,
                                 default=any_model.image_source("occ_img", card, test),
                                 draw=any_model.draw_style(card),
                                 predict=any_model.predictor(loaded))
if picked is None:
    st.info(T["no_image"])
    st.stop()
pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape, mean=card.mean,
                                 std=card.std)
with left:
    note = any_model.image_fit_note(T, picked, card)
    if note:
        st.caption(note)
# the true class is a target only when a dataset label is one of the model's classes
label = picked.label if any_model.same_classes(card, test) else None
with right:
    chosen = occlusion.settings(T, loaded, tuple(x.shape[-2:]), label)
try:
    plan, result = occlusion.run(T, loaded, x, chosen)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
    st.stop()
if result is not None:
    occlusion.show(T, loaded, x, plan, result)
