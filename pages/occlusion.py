"""Occlusion: Zeiler & Fergus occlusion experiments on the active model."""

from __future__ import annotations

import streamlit as st

from core.data import images
from dashboard import texts, widgets
from dashboard.views import occlusion

T = texts.get("occlusion")

st.title(T["title"])
st.caption(T["intro"])
with st.expander(T["theory_title"]):
    st.markdown(T["theory"])

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
    window, stride, baseline, target, precision = occlusion.settings(
        T, card, tuple(x.shape[-2:]), picked.label)
try:
    plan, result = occlusion.run(T, loaded, x, window, stride, baseline, target, precision)
except ValueError as err:
    st.error(T["error"].format(error=err))
    st.stop()
if result is not None:
    occlusion.show(T, loaded, x, plan, result)
