"""Occlusion: Zeiler & Fergus occlusion experiments on the active model."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from core.data import images
from dashboard import errors, texts, widgets
from dashboard.views import occlusion

T = texts.get("occlusion")

widgets.page_header(T)

loaded, test = widgets.model_source(T, "occ_model")

left, right = st.columns([1, 3])
with left:
    picked = widgets.image_picker("occ_img", labels=T, default="dataset" if test else "sample",
                                  dataset=test)
if picked is None:
    st.info(T["no_image"])
    st.stop()
card = loaded.card
pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape, mean=card.mean,
                                 std=card.std)
with right:
    chosen = occlusion.settings(T, card, tuple(x.shape[-2:]), picked.label)
try:
    plan, result = occlusion.run(T, loaded, x, chosen)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
    st.stop()
if result is not None:
    occlusion.show(T, loaded, x, plan, result)
