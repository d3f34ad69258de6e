"""Style Transfer: Gatys et al. with VGG19, live, with the Gram matrices and reconstructions."""

from __future__ import annotations

import streamlit as st

from dashboard import texts, widgets
from dashboard.views import style_explain
from dashboard.views import style_transfer as view

T = texts.get("style_transfer")

widgets.page_header(T)

locked = view.current() is not None
st.subheader(T["model_header"])
network = view.network(T, locked=locked)
if network is None:
    st.stop()

picked = view.images(T)
if picked is None:
    st.info(T["no_images"])
    st.stop()

st.subheader(T["settings_header"])
config = view.settings(T, network, locked=locked, blend=picked.style2 is not None)
setup = None
if config is not None:
    setup = view.Setup(network.weights, picked.content, picked.style, picked.style2, config)
    if not view.cost(T, setup):
        setup = None  # the reason is on the page; Start stays off
view.render_run(T, setup)

style_explain.render(T, network, picked)
