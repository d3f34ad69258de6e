"""Layers page, section 3: what a channel responds to (dataset examples, feature
visualisation, and both for the first channels of a layer side by side), for any active model.

All are work over many forward passes: each states its cost (from the layer table's
multiply-adds). The dataset examples run at once when they are cheap (a lab model on its own
dataset) and wait for a button otherwise (an ImageNet model on the digits resized to 224 px);
feature visualisation (``core.interpret.featvis``) and the layer grid always wait for their
button, show their progress and can be stopped; results are kept per settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from core.checks import InputError
from core.data import images
from core.data.fit import fit_input
from core.interpret import featvis, layers
from dashboard import cache, charts, errors, i18n, jobs, state, texts, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset

KEY = "layers_channel"
MAX_TOP = 16  # computed once per (model, dataset, layer, channel); "Top images" slices it
ASK_MACS = 2e10  # above this many multiply-adds (~0.5 s here) the examples wait for a button
MAX_BATCH = 8  # images of one unit at once (the diversity term)
MAX_ROTATE = 360  # the widget allows more than core does, so a nonsense angle gets its message
GRID_PIXELS = 2**18  # a layer grid optimises at most this many input pixels at once


def render(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None) -> None:
    with st.expander(T["filter_theory_title"]):
        st.markdown(T["filter_theory"])
    table = cache.layer_table(loaded)
    spatial = [r for r in table[1:] if len(r.output_shape) == 3]
    names = [r.name for r in spatial]
    c1, c2 = st.columns(2)
    deepest = max((i for i, r in enumerate(spatial) if r.output_shape[1] * r.output_shape[2] > 1),
                  default=len(names) - 1)  # the last real maps (not a pooled 1×1)
    layer = c1.selectbox(T["layer"], names, index=deepest, key=f"{KEY}_layer", bind="query-params")
    info = next(r for r in spatial if r.name == layer)
    channel = int(c2.number_input(T["channel"], 0, info.output_shape[0] - 1, 0,
                                  key=f"{KEY}_channel", bind="query-params"))
    macs = layers.macs_to(table, layer)
    left, right = st.columns(2)
    with left:
        _examples(T, loaded, test_split, layer, channel, macs)
    with right:
        settings = _featvis(T, loaded, table, layer, channel)
    if settings is not None and len(info.output_shape) == 3:
        _grid(T, loaded, test_split, layer, info.output_shape[0], macs, settings)


def giga(macs: float, lang: str) -> str:
    """A multiply-add count with a G or M prefix, in the language's number format."""
    if macs >= 1e9:
        return f"{i18n.number(macs / 1e9, 2, lang)} G"
    return f"{i18n.number(macs / 1e6, 1, lang)} M"


def _examples(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None, layer: str,
              channel: int, macs: int) -> None:
    if test_split is None:
        return
    lang, card, words = i18n.current(), loaded.card, texts.get("common")
    k = int(st.number_input(T["top_k"], 1, MAX_TOP, 8, key=f"{KEY}_k", bind="query-params"))
    n = len(test_split)
    fit = fit_input(tuple(test_split.images.shape[1:]), card.input_shape, mean=card.mean,
                    std=card.std)
    dataset = state.dataset_title(state.active_dataset())
    note = widgets.fit_note(fit, images=T["fit_dataset_images"].format(dataset=dataset),
                            model=card.name)
    if note:
        st.caption(note)
    ask = n * macs > ASK_MACS
    notes = [T["examples_cost"].format(n=i18n.integer(n, lang), layer=layer,
                                       macs=giga(macs, lang))] if ask else []
    wanted = (loaded.model_id, state.active_dataset(), test_split.split, n, layer, channel)
    top = widgets.cached_run(
        f"{KEY}_top", wanted,
        lambda progress: cache.top_activating(loaded, test_split, layer, channel, MAX_TOP,
                                              progress=progress),
        ask=ask, label=T["run_examples"], stop_label=words["stop"], stopped=words["stopped"],
        notes=notes)
    if top is None:
        return
    top = top[:k]
    st.caption(T["examples_caption"].format(k=len(top), c=channel, layer=layer))
    classes = texts.class_names(test_split.classes, lang)
    titles = [f"#{ex.index} · {classes[int(test_split.labels[ex.index])]} · "  # its label
              f"{i18n.number(float(ex.score), 2, lang)}" for ex in top]
    st.plotly_chart(charts.image_tiles([images.to_display(test_split.images[ex.index])
                                        for ex in top], titles, boxes=[ex.box for ex in top],
                                       cols=4, height_per_row=150),
                    key=f"{KEY}_examples")


def _settings(T: dict, loaded: cache.LoadedModel) -> tuple[dict, tuple[str, int, int, float,
                                                                         bool]]:
    """The feature visualisation form: its settings for `featvis.visualise`, and the objective's
    parts with whether the form was submitted: (kind, class, images, diversity, submitted)."""
    card, lang = loaded.card, i18n.current()
    side = min(card.input_shape[1:])
    big = card.input_shape[1] * card.input_shape[2] > 64 * 64  # 224 px: each step costs more
    source, colour = cache.colours_for(loaded)
    keep = widgets.SESSION  # the form's values outlive a visit to another tab
    classes = texts.class_names(card.classes, lang)
    defaults = featvis.Robustness.for_side(side)
    with st.form(f"{KEY}_form", border=False):
        c1, c2 = st.columns(2)
        param = c1.selectbox(T["fv_param"], featvis.PARAMS, key=f"{KEY}_param",
                             format_func=lambda p: T[f"fv_param_{p}"], persist_state=keep)
        decorrelate = c2.toggle(T["fv_decorrelate"], colour is not None, key=f"{KEY}_decorrelate",
                                disabled=colour is None, persist_state=keep)
        c1, c2 = st.columns(2)
        kind = c1.selectbox(T["fv_objective"], featvis.OBJECTIVES, key=f"{KEY}_objective",
                            format_func=lambda k: T[f"fv_obj_{k}"], persist_state=keep)
        target = int(c2.selectbox(T["fv_class"], range(len(classes)), key=f"{KEY}_class",
                                  format_func=lambda i: classes[i], persist_state=keep))
        c1, c2, c3 = st.columns(3)
        count = int(c1.number_input(T["fv_images"], 1, MAX_BATCH, 1, key=f"{KEY}_images",
                                    persist_state=keep))
        diversity = c2.number_input(T["fv_diversity"], 0.0, 1000.0, 1.0, format="%.2f",
                                    key=f"{KEY}_diversity", help=T["fv_diversity_help"],
                                    persist_state=keep)
        seed = int(c3.number_input(T["seed"], 0, 10_000, 0, key=f"{KEY}_seed",
                                   persist_state=keep))
        c1, c2 = st.columns(2)
        steps = int(c1.number_input(T["steps"], 0, layers.MAX_STEPS, 64 if big else 128,
                                    key=f"{KEY}_steps", persist_state=keep))
        lr = c2.number_input(T["lr"], 0.001, 1.0, 0.05, format="%.3f", key=f"{KEY}_lr",
                             persist_state=keep)
        with st.expander(T["fv_robust"]):
            st.caption(T["fv_robust_caption"].format(side=side))
            c1, c2, c3 = st.columns(3)
            pad = int(c1.number_input(T["fv_pad"], 0, side, defaults.pad, key=f"{KEY}_pad",
                                      persist_state=keep))
            jitter = int(c2.number_input(T["jitter"], 0, side // 2, defaults.jitter,
                                         key=f"{KEY}_jitter", persist_state=keep))
            jitter2 = int(c3.number_input(T["fv_jitter2"], 0, side // 2, defaults.jitter2,
                                          key=f"{KEY}_jitter2", persist_state=keep))
            c1, c2, c3 = st.columns(3)
            low = c1.number_input(T["fv_scale_low"], 0.25, 4.0, defaults.scale[0],
                                  format="%.2f", key=f"{KEY}_scale_low", persist_state=keep)
            high = c2.number_input(T["fv_scale_high"], 0.25, 4.0, defaults.scale[1],
                                   format="%.2f", key=f"{KEY}_scale_high", persist_state=keep)
            rotate = c3.number_input(T["fv_rotate"], 0.0, float(MAX_ROTATE), defaults.rotate,
                                     format="%.1f", key=f"{KEY}_rotate", persist_state=keep)
        run = st.form_submit_button(T["run_actmax"], key=f"{KEY}_run")
    st.caption(T[f"fv_colour_{source}"].format(dataset=state.dataset_title(card.dataset or "")))
    settings = dict(input_shape=tuple(card.input_shape), mean=card.mean, std=card.std,
                    param=param, colour=colour if decorrelate else None, steps=steps, lr=lr,
                    seed=seed, robustness=featvis.Robustness(pad, jitter, (low, high), rotate,
                                                             jitter2))
    return settings, (kind, target, count, diversity, run)


def _featvis(T: dict, loaded: cache.LoadedModel, table, layer: str, channel: int) -> dict | None:
    """Feature visualisation of the chosen unit; returns the form's settings (None: unusable)."""
    lang, words = i18n.current(), texts.get("common")
    settings, (kind, target, count, diversity, run) = _settings(T, loaded)
    unit, at = (target, table[-1].name) if kind == "logit" else (channel, layer)
    objective = featvis.Objective(kind, at, (unit,) * count,
                                  diversity=diversity if count > 1 else 0.0)
    st.caption(T["actmax_cost"].format(
        steps=i18n.integer(settings["steps"], lang), layer=at,
        images=T["fv_one_image"] if count == 1 else T["fv_n_images"].format(n=count),
        macs=giga(layers.macs_to(table, at), lang),
        shape=" × ".join(map(str, loaded.card.input_shape))))
    if widgets.was_stopped(f"{KEY}_stop"):
        st.info(words["stopped"])
    result_key = f"{KEY}_result"
    shown_for = (loaded.model_id, at)  # a result stays on screen while model and layer hold
    if run:
        with jobs.hold("featvis") as free:
            if free:
                stop = widgets.stop_button(f"{KEY}_stop", words["stop"])
                bar = st.progress(0.0)
                try:
                    result = featvis.visualise(
                        loaded.model, objective, **settings,
                        progress=lambda i, n, v: bar.progress(i / n, T["actmax_progress"].format(
                            step=i, steps=n, value=i18n.number(float(v), 3, lang))))
                except InputError as err:
                    st.error(errors.message(err))
                    return None
                finally:
                    stop.empty()
                    bar.empty()
                st.session_state[result_key] = (shown_for, result)
    stored = st.session_state.get(result_key)
    if stored is None or stored[0] != shown_for:
        return settings
    result = stored[1]
    titles = [T["fv_tile"].format(i=i + 1, value=i18n.number(v, 3, lang))
              for i, v in enumerate(result.activation)]
    st.caption(T["fv_result"])
    st.plotly_chart(charts.image_tiles([images.to_display(x) for x in result.images], titles,
                                       cols=min(4, len(titles)), height_per_row=260),
                    key=f"{KEY}_actmax_image")
    st.plotly_chart(charts.line(result.trajectory, title=T["actmax_curve"], x_title=T["steps"]),
                    key=f"{KEY}_actmax_curve")
    return settings


def _frozen(settings: dict) -> tuple:
    """The settings as a hashable key (the colour matrix is a tuple already)."""
    return tuple((k, v if not isinstance(v, list) else tuple(v)) for k, v in settings.items())


def _grid(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None, layer: str,
          channels: int, macs: int, settings: dict) -> None:
    """The first channels of the layer: each one's feature visualisation beside the test image
    that excites it most."""
    lang, words = i18n.current(), texts.get("common")
    st.subheader(T["fv_grid_title"])
    st.caption(T["fv_grid_text"].format(layer=layer))
    n = int(st.number_input(T["fv_grid_n"], 1, min(featvis.MAX_IMAGES, channels),
                            min(16, channels), key=f"{KEY}_grid_n", bind="query-params"))
    h, w = loaded.card.input_shape[1:]
    chunk = max(1, min(featvis.MAX_IMAGES, GRID_PIXELS // (h * w)))
    count = 0 if test_split is None else len(test_split)
    notes = [T["fv_grid_cost"].format(steps=i18n.integer(settings["steps"], lang), n=n,
                                      chunk=min(chunk, n), layer=layer, macs=giga(macs, lang),
                                      images=i18n.integer(count, lang))]
    wanted = (loaded.model_id, state.active_dataset(), layer, n, _frozen(settings))

    def work(progress: widgets.Progress):
        grid = featvis.layer_grid(
            loaded.model, layer, range(n), chunk=chunk, **settings,
            progress=lambda i, total: progress(0.9 * i / total, f"{i}/{total}"))
        top = None
        if test_split is not None:
            top = cache.top_per_channel(loaded, test_split, layer, tuple(range(n)),
                                        progress=lambda f, text: progress(0.9 + 0.1 * f, text))
        return grid, top

    try:
        done = widgets.cached_run(f"{KEY}_grid", wanted, work, ask=True, label=T["fv_grid_run"],
                                  stop_label=words["stop"], stopped=words["stopped"],
                                  notes=notes, heavy="featvis")
    except InputError as err:
        st.error(errors.message(err))
        return
    if done is None:
        return
    grid, top = done
    left, right = st.columns(2)
    with left:
        st.caption(T["fv_grid_synthetic"])
        titles = [T["fv_grid_tile"].format(c=c, value=i18n.number(v, 2, lang))
                  for c, v in enumerate(grid.activation)]
        st.plotly_chart(charts.image_tiles([images.to_display(x) for x in grid.images], titles,
                                           cols=4, height_per_row=150),
                        key=f"{KEY}_grid_synthetic")
    if top is None:
        return
    with right:
        st.caption(T["fv_grid_real"])
        best = [found[0] for found in top]
        titles = [T["fv_grid_tile"].format(c=c, value=i18n.number(ex.score, 2, lang))
                  for c, ex in enumerate(best)]
        st.plotly_chart(charts.image_tiles([images.to_display(test_split.images[ex.index])
                                            for ex in best], titles,
                                           boxes=[ex.box for ex in best], cols=4,
                                           height_per_row=150),
                        key=f"{KEY}_grid_real")
