"""Layers: convolution by hand, inside the active network, what a filter looks for, explainers.

Only the open tab runs (``st.tabs`` bound to the URL tracks which one is open): a closed tab
computes and sends nothing, and its widgets keep their values in the address (or the session)
for when it opens again.
"""

from __future__ import annotations

import streamlit as st

from core.data.datasets import DatasetUnavailableError
from dashboard import cache, errors, links, state, texts, widgets
from dashboard.views import channel, conv, explainers, network

T = texts.get("layers")

widgets.page_header(T)

test_split, data_problem = None, None
try:
    test_split = cache.dataset(state.active_dataset())[1]
except DatasetUnavailableError as err:
    data_problem = T["data_error"].format(error=errors.message(err))

tabs = st.tabs([T["tab_conv"], T["tab_network"], T["tab_filter"], T["tab_explainers"]],
               key="layers_tab", bind="query-params")  # the link names the open tab
tab_conv, tab_net, tab_filter, tab_explain = tabs
links.sections({view.KEY: tab.open for view, tab in zip((conv, network, channel, explainers),
                                                          tabs, strict=True)})
# each tab in its own error boundary: a bug in one leaves the others working
if tab_conv.open:
    with tab_conv, errors.boundary("layers: convolution"):
        conv.render(T, test_split)  # needs no model
if tab_net.open:
    with tab_net, errors.boundary("layers: network"):
        if data_problem:
            st.warning(data_problem)  # sample photos and uploads still work
        loaded = widgets.active_model("layers", stop=False)  # says why when there is none
        if loaded is not None:
            network.render(T, loaded, test_split)
if tab_filter.open:
    with tab_filter, errors.boundary("layers: channel"):
        if data_problem:
            st.warning(data_problem)
        loaded = widgets.active_model("layers", stop=False)
        if loaded is not None:
            channel.render(T, loaded, test_split)
if tab_explain.open:
    with tab_explain, errors.boundary("layers: explainers"):
        explainers.render(T, network.feature_vector(test_split))
