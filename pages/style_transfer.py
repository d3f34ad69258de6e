"""Style Transfer: Gatys et al. with VGG19, live, with the Gram matrices and reconstructions."""

from __future__ import annotations

import streamlit as st

from dashboard import texts
from dashboard.views import style_explain
from dashboard.views import style_transfer as view

T = texts.get("style_transfer")

st.title(T["title"])
st.caption(T["intro"])
with st.expander(T["theory_title"]):
    st.markdown(T["theory"])

locked = view.current() is not None
st.subheader(T["model_header"])
network = view.network(T, locked=locked)
if network is None:
    st.stop()
weights, pooling, features = network

picked = view.images(T)
if picked is None:
    st.info(T["no_images"])
    st.stop()
content, style, style2 = picked

st.subheader(T["settings_header"])
config = view.settings(T, pooling, locked=locked, blend=style2 is not None)
setup = None
if config is not None:
    setup = view.Setup(weights, content, style, style2, config)
    view.cost(T, setup)
view.render_run(T, setup)

style_explain.render(T, weights, pooling, features, content, style)
