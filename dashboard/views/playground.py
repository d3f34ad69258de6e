"""Train page, Optimiser playground tab: SGD, momentum and Adam on a 2-D loss surface."""

from __future__ import annotations

import dataclasses

import streamlit as st

from dashboard import charts, errors, i18n, widgets

KEY = "train_pg"


def render(T: dict) -> None:
    from core.checks import InputError
    from core.train import playground

    st.markdown(T["pg_text"])
    c1, c2, c3, c4 = st.columns(4)
    name = c1.selectbox(T["pg_surface"], list(playground.SURFACES), key=f"{KEY}_surface",
                        persist_state=widgets.SESSION,
                        format_func=lambda s: T.get(f"surface_{s}", playground.SURFACES[s].title))
    d = playground.DEFAULTS
    surface = playground.SURFACES[name]
    lr = c2.number_input(T["pg_lr"], 0.0001, 1.0, float(surface.lr), format="%.4f",
                         # each surface has its own sensible step size
                         key=f"{KEY}_lr_{name}", persist_state=widgets.SESSION)
    momentum = c3.slider(T["pg_momentum"], 0.0, 0.99, float(d["momentum"]), 0.01,
                         key=f"{KEY}_momentum", persist_state=widgets.SESSION)
    steps = int(c4.number_input(T["pg_steps"], 1, 1000, int(d["steps"]), key=f"{KEY}_steps",
                                persist_state=widgets.SESSION))
    if f"surface_{name}_text" in T:
        st.caption(T[f"surface_{name}_text"])
    if surface.formula:
        st.latex(surface.formula)
    try:
        runs = playground.compare(surface, lr=lr, momentum=momentum, steps=steps)
    except InputError as err:
        st.error(errors.message(err))
        return
    # the legend and the lines below name each optimiser in the page's language
    runs = [dataclasses.replace(run, label=_label(T, run, momentum)) for run in runs]
    st.plotly_chart(charts.optimiser_paths(playground.grid(surface), runs, surface),
                    key=f"{KEY}_chart")
    for run in runs:
        x, y = run.points[-1]
        where = (T["pg_diverged"] if getattr(run, "diverged", False) else
                 T["pg_nowhere"] if run.final_minimum is None else
                 T["pg_global"] if run.final_minimum == 0 else T["pg_local"])
        point = T["pg_point"].format(x=i18n.number(x, 2), y=i18n.number(y, 2))
        st.markdown("- " + T["pg_result"].format(label=run.label, point=point,
                                                loss=i18n.number(run.losses[-1], 3),
                                                where=where))


def _label(T: dict, run, momentum: float) -> str:
    """An optimiser's name with its momentum ("SGD + momentum 0.9" / "SGD + momento 0,9")."""
    text = T.get(f"pg_label_{run.optimizer}")
    return run.label if text is None else text.format(momentum=i18n.general(momentum, spec="g"))
