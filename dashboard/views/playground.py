"""Train page, Optimiser playground tab: SGD, momentum and Adam on a 2-D loss surface."""

from __future__ import annotations

import streamlit as st

from dashboard import charts

KEY = "train_pg"


def render(T: dict) -> None:
    from core.checks import InputError
    from core.train import playground

    st.markdown(T["pg_text"])
    c1, c2, c3, c4 = st.columns(4)
    name = c1.selectbox(T["pg_surface"], list(playground.SURFACES), key=f"{KEY}_surface",
                        format_func=lambda s: playground.SURFACES[s].title)
    d = playground.DEFAULTS
    surface = playground.SURFACES[name]
    lr = c2.number_input(T["pg_lr"], 0.0001, 1.0, float(surface.lr), format="%.4f",
                         key=f"{KEY}_lr_{name}")  # each surface has its own sensible step size
    momentum = c3.slider(T["pg_momentum"], 0.0, 0.99, float(d["momentum"]), 0.01,
                         key=f"{KEY}_momentum")
    steps = int(c4.number_input(T["pg_steps"], 1, 1000, int(d["steps"]), key=f"{KEY}_steps"))
    if surface.formula:
        st.latex(surface.formula)
    try:
        runs = playground.compare(surface, lr=lr, momentum=momentum, steps=steps)
    except InputError as err:
        st.error(str(err))
        return
    st.plotly_chart(charts.optimiser_paths(playground.grid(surface), runs, surface),
                    key=f"{KEY}_chart")
    for run in runs:
        x, y = run.points[-1]
        where = (T["pg_diverged"] if getattr(run, "diverged", False) else
                 T["pg_nowhere"] if run.final_minimum is None else
                 T["pg_global"] if run.final_minimum == 0 else T["pg_local"])
        st.markdown("- " + T["pg_result"].format(label=run.label, x=x, y=y, loss=run.losses[-1],
                                                where=where))
