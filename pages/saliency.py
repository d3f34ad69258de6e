"""Saliency: gradient maps, guided backprop, SmoothGrad, Integrated Gradients, Grad-CAM, and
Adebayo et al.'s sanity check, on the active model or an ImageNet model."""

from __future__ import annotations

import streamlit as st

from core import images
from core.data import DatasetUnavailableError
from core.imagenet import WeightsUnavailableError
from core.models import CheckpointError
from dashboard import cache, state, texts, widgets
from dashboard.views import saliency

T = texts.get("saliency")

st.title(T["title"])
st.caption(T["intro"])
with st.expander(T["theory_title"]):
    st.markdown(T["theory"])

source = st.radio(T["model"], ["active", "resnet18", "vgg16"], horizontal=True, key="sal_model",
                  format_func=lambda m: T[f"model_{m}"])
test = None
try:
    if source == "active":
        loaded = cache.active_model()
        test = cache.dataset(state.active_dataset())[1]
    else:
        loaded = cache.imagenet_model(source)
except WeightsUnavailableError as err:
    st.error(T["weights_missing"].format(error=err))
    st.stop()
except (CheckpointError, DatasetUnavailableError, ValueError) as err:
    st.error(T["error"].format(error=err))
    st.stop()
if loaded is None:
    st.info(T["no_model"])
    st.stop()

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
    methods, params = saliency.settings(T, loaded)
    if not methods:
        st.info(T["no_methods"])
        st.stop()
    results = saliency.compute(T, loaded, x, target, methods, params)
    if results:
        saliency.grid(T, loaded, x, results)
    saliency.sanity(T, loaded, x, target, methods, params)
except ValueError as err:
    st.error(T["error"].format(error=err))
