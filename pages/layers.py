"""Layers: convolution by hand, inside the active network, what a filter looks for, explainers."""

from __future__ import annotations

import streamlit as st

from core.data.datasets import DatasetUnavailableError
from dashboard import cache, errors, state, texts, widgets
from dashboard.views import channel, conv, explainers, network

T = texts.get("layers")

widgets.page_header(T)

test_split, data_problem = None, None
try:
    test_split = cache.dataset(state.active_dataset())[1]
except DatasetUnavailableError as err:
    data_problem = T["data_error"].format(error=errors.message(err))

tab_conv, tab_net, tab_filter, tab_explain = st.tabs(
    [T["tab_conv"], T["tab_network"], T["tab_filter"], T["tab_explainers"]])
# each tab in its own error boundary: a bug in one leaves the others working
with tab_conv, errors.boundary("layers: convolution"):
    conv.render(T, test_split)  # needs no model

loaded, inspected = None, None
with tab_net, errors.boundary("layers: network"):
    if data_problem:
        st.warning(data_problem)  # sample photos and uploads still work
    loaded = widgets.active_model("layers", stop=False)  # says why when there is none
    if loaded is not None:
        inspected = network.render(T, loaded, test_split)
with tab_filter, errors.boundary("layers: channel"):
    if data_problem:
        st.warning(data_problem)
    if loaded is None:
        st.info(T["no_model_tab"])
    else:
        channel.render(T, loaded, test_split)
with tab_explain, errors.boundary("layers: explainers"):
    explainers.render(T, inspected.feature_vector if inspected else None)
