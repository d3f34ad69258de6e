"""Train: set up and run training live, evaluate the active model, the model library, and the
optimiser playground."""

from __future__ import annotations

import streamlit as st

from dashboard import errors, texts, widgets
from dashboard.views import playground, train_eval, train_library, train_live, train_setup

T = texts.get("train")

widgets.page_header(T)

tab_train, tab_eval, tab_library, tab_pg = st.tabs(
    [T["tab_train"], T["tab_eval"], T["tab_library"], T["tab_playground"]])
# each tab in its own error boundary: a bug in one leaves the others working
with tab_train, errors.boundary("train: run"):
    setup = train_setup.render(T, locked=train_live.current() is not None)
    train_live.render(T, setup)
with tab_eval, errors.boundary("train: evaluate"):
    train_eval.render(T)
with tab_library, errors.boundary("train: library"):
    train_library.render(T)
with tab_pg, errors.boundary("train: playground"):
    playground.render(T)
