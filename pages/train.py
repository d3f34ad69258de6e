"""Train: set up and run training live, evaluate the active model, the model library, and the
optimiser playground."""

from __future__ import annotations

import streamlit as st

from dashboard import texts
from dashboard.views import playground, train_eval, train_library, train_live, train_setup

T = texts.get("train")

st.title(T["title"])
st.caption(T["intro"])
with st.expander(T["theory_title"]):
    st.markdown(T["theory"])

tab_train, tab_eval, tab_library, tab_pg = st.tabs(
    [T["tab_train"], T["tab_eval"], T["tab_library"], T["tab_playground"]])
with tab_train:
    setup = train_setup.render(T, locked=train_live.current() is not None)
    train_live.render(T, setup)
with tab_eval:
    train_eval.render(T)
with tab_library:
    train_library.render(T)
with tab_pg:
    playground.render(T)
