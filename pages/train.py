"""Train: set up and run training live, evaluate the active model, the model library, and the
optimiser playground.

Only the open tab runs (``st.tabs`` bound to the URL tracks which one is open), except that a
training run in progress keeps its tab running, so that it goes on training while the user
looks at another tab. Widgets keep their values in the address or the session.
"""

from __future__ import annotations

import streamlit as st

from dashboard import errors, links, texts, widgets
from dashboard.views import playground, train_eval, train_library, train_live, train_setup

T = texts.get("train")

widgets.page_header(T)

tab_train, tab_eval, tab_library, tab_pg = st.tabs(
    [T["tab_train"], T["tab_eval"], T["tab_library"], T["tab_playground"]], key="train_tab",
    bind="query-params")  # the link names the open tab
run = train_live.current()
train_drawn = bool(tab_train.open or (run is not None and run.running))
links.sections({train_setup.KEY: train_drawn, "train_tab": True, train_eval.KEY: tab_eval.open,
                train_library.KEY: tab_library.open, playground.KEY: tab_pg.open})
# each tab in its own error boundary: a bug in one leaves the others working
if train_drawn:
    with tab_train, errors.boundary("train: run"):
        setup = train_setup.render(T, locked=run is not None)
        train_live.render(T, setup)
if tab_eval.open:
    with tab_eval, errors.boundary("train: evaluate"):
        train_eval.render(T)
if tab_library.open:
    with tab_library, errors.boundary("train: library"):
        train_library.render(T)
if tab_pg.open:
    with tab_pg, errors.boundary("train: playground"):
        playground.render(T)
