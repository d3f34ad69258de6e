"""Train page, Evaluate tab: accuracy, per-class accuracy, a clickable confusion matrix, the most
confident mistakes and how the first-layer filters evolved."""

from __future__ import annotations

import streamlit as st

from dashboard import cache, charts, i18n, state, texts, widgets
from dashboard.views.train_library import model_name
from dashboard.views.train_setup import dataset_error

KEY = "train_eval"


def render(T: dict) -> None:
    from core.checks import InputError
    from core.data.datasets import DatasetUnavailableError
    from core.models import snapshots
    from core.models.checkpoints import CheckpointError

    loaded = widgets.active_model(KEY, stop=False)  # says why when there is none
    if loaded is None:
        return
    try:
        test = cache.dataset(state.active_dataset())[1]
    except (CheckpointError, DatasetUnavailableError, InputError) as err:
        st.error(T["eval_error"].format(error=dataset_error(T, err)))
        return
    if list(loaded.card.classes) != list(test.classes):
        st.info(T["eval_other_classes"].format(
            name=model_name(loaded.path, loaded.card),
            classes=i18n.integer(len(loaded.card.classes)),
            dataset=state.dataset_title(state.active_dataset())))
        return
    fit = cache.model_input(loaded.card, test)
    note = widgets.fit_note(fit, images=T["eval_images"].format(
        dataset=state.dataset_title(state.active_dataset())), model=loaded.card.name) \
        if fit is not None else None
    if note:
        st.caption(note)
    ev = cache.evaluation(loaded, test, f"{test.name}/{test.split}")
    classes = texts.class_names(loaded.card.classes)
    st.markdown(T["eval_header"].format(name=model_name(loaded.path, loaded.card),
                                        split=state.dataset_title(test.name)))
    left, right = st.columns([1, 2])
    left.metric(T["test_accuracy"], i18n.percent(ev.accuracy))
    bars = charts.bars(ev.per_class, classes, title=T["per_class"], height=240,
                       value_format=".0%")
    right.plotly_chart(bars, key=f"{KEY}_per_class")

    st.markdown(f"**{T['confusion']}**")
    left, right = st.columns([3, 2])
    true, pred = _selected_cell(classes, ev.confusion)
    with left:
        fig = charts.confusion_matrix(ev.confusion, classes, selected=(true, pred))
        event = st.plotly_chart(_name_classes(T, fig, ev.confusion, classes),
                                key=f"{KEY}_confusion", on_select="rerun", selection_mode="points")
    clicked = _clicked(event)
    if clicked is not None and clicked != st.session_state.get(f"{KEY}_last_click"):
        st.session_state[f"{KEY}_last_click"] = clicked
        st.session_state[f"{KEY}_true"], st.session_state[f"{KEY}_pred"] = clicked
        st.rerun()
    with right:
        c1, c2 = st.columns(2)
        true = c1.selectbox(T["cell_true"], range(len(classes)), format_func=classes.__getitem__,
                            key=f"{KEY}_true", persist_state=widgets.SESSION)
        pred = c2.selectbox(T["cell_pred"], range(len(classes)), format_func=classes.__getitem__,
                            key=f"{KEY}_pred", persist_state=widgets.SESSION)
        from core.train import evaluation

        cell = evaluation.cell_examples(ev, true, pred, k=24)
        if cell:
            st.caption(T["cell_examples"].format(n=len(cell), true=classes[true],
                                                 pred=classes[pred]))
            _gallery([i for i, _ in cell], [f"#{i} · {i18n.percent(p, 0)}" for i, p in cell],
                     test)
        else:
            st.caption(T["cell_empty"].format(true=classes[true], pred=classes[pred]))

    st.markdown(f"**{T['mistakes']}**")
    mistakes = evaluation.confident_mistakes(ev, k=12)
    _gallery([i for i, *_ in mistakes],
             [f"{classes[t]} → {classes[p]} {i18n.percent(prob, 0)}"
              for _, t, p, prob in mistakes], test)

    st.markdown(f"**{T['evolution']}**")
    snaps = snapshots.load_snapshots(loaded.path)
    if len(snaps) < 2:
        st.caption(T["evolution_none"])
        return
    epochs = [e for e, _ in snaps]
    epoch = st.select_slider(T["evolution_epoch"], epochs, epochs[-1], key=f"{KEY}_epoch",
                             persist_state=widgets.SESSION)
    layer, w = next(iter(dict(snaps)[epoch].items()))
    w = w.numpy()  # (out, in, kh, kw)
    maps = w[:, 0] if w.shape[1] == 1 else w.mean(axis=1)
    st.plotly_chart(charts.feature_maps(maps[:64], [f"{layer} #{i}" for i in range(len(maps[:64]))],
                                        cols=8, signed=True, height_per_row=110),
                    key=f"{KEY}_evolution")


def _name_classes(T: dict, fig, confusion, classes: list[str]):
    """A hover that names the classes of a cell ("true Coat → predicted Shirt: 12"), where
    charts.confusion_matrix's shows their indices."""
    import numpy as np

    true, pred = np.indices(np.shape(confusion))  # (K, K) each, the order of the chart's points
    hover = [T["cm_hover"].format(true=classes[t], pred=classes[p], n=i18n.integer(n))
             for t, p, n in zip(true.ravel(), pred.ravel(), np.ravel(confusion), strict=True)]
    return fig.update_traces(hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")


def _selected_cell(classes: list[str], confusion) -> tuple[int, int]:
    """The cell shown: the user's choice, else the most frequent confusion."""
    import numpy as np

    k = len(classes)
    if any(st.session_state.get(f"{KEY}_{n}", k) >= k for n in ("true", "pred")):
        off = np.where(np.eye(k, dtype=bool), -1, confusion)  # (K, K), diagonal excluded
        true, pred = np.unravel_index(int(np.argmax(off)), off.shape)
        st.session_state[f"{KEY}_true"], st.session_state[f"{KEY}_pred"] = int(true), int(pred)
    return st.session_state[f"{KEY}_true"], st.session_state[f"{KEY}_pred"]


def _clicked(event) -> tuple[int, int] | None:
    point = widgets.selected_point(event)
    # x = predicted class, y = true class (see charts.confusion_matrix)
    return None if point is None else (int(point["y"]), int(point["x"]))


def _gallery(indices: list[int], captions: list[str], test) -> None:
    if not indices:
        return
    from core.data.images import to_display

    imgs = [to_display(test.images[i]) for i in indices]
    st.image(imgs, caption=captions, width=84)
