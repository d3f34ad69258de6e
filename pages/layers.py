"""Layers: convolution by hand, inside the active network, what a filter looks for, explainers."""

from __future__ import annotations

import streamlit as st

from core.data.datasets import DatasetUnavailableError
from core.models.checkpoints import CheckpointError
from dashboard import cache, errors, state, texts, widgets
from dashboard.views import channel, conv, explainers, network

T = texts.get("layers")

widgets.page_header(T)

test_split, problem = None, None
try:
    test_split = cache.dataset(state.active_dataset())[1]
except DatasetUnavailableError as err:
    problem = T["data_error"].format(error=errors.message(err))

tab_conv, tab_net, tab_filter, tab_explain = st.tabs(
    [T["tab_conv"], T["tab_network"], T["tab_filter"], T["tab_explainers"]])
# each tab in its own error boundary: a bug in one leaves the others working
with tab_conv, errors.boundary("layers: convolution"):
    conv.render(T, test_split)

loaded = None
try:
    loaded = cache.active_model()
except CheckpointError as err:
    problem = T["model_error"].format(error=errors.message(err))
if loaded is None and problem is None:
    problem = T["no_model"]

inspected = None
with tab_net, errors.boundary("layers: network"):
    if problem:
        st.warning(problem)
    else:
        inspected = network.render(T, loaded, test_split)
with tab_filter, errors.boundary("layers: channel"):
    if problem:
        st.warning(problem)
    else:
        channel.render(T, loaded, test_split)
with tab_explain, errors.boundary("layers: explainers"):
    explainers.render(T, inspected.feature_vector if inspected else None)
