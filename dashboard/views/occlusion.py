"""Occlusion page body: occluder settings with their cost, the three maps, the walk-through."""

from __future__ import annotations

import io

import numpy as np
import streamlit as st
import torch

from dashboard import charts, widgets

KEY = "occ"
AUTO_SECONDS = 2.0  # run on every change when the estimate is below this; else wait for a button
TOP = 10  # classes shown in the walk-through's bar chart for models with many classes


def settings(T: dict, card, hw: tuple[int, int], label: int | None):
    from core.interpret import occlusion

    h, w = hw
    c1, c2, c3, c4, c5 = st.columns(5)
    window = int(c1.slider(T["window"], 1, min(h, w), max(1, min(h, w) // 7), key=f"{KEY}_window"))
    stride = int(c2.slider(T["stride"], 1, window, max(1, window // 2), key=f"{KEY}_stride"))
    baseline = c3.selectbox(T["baseline"], occlusion.BASELINES, key=f"{KEY}_baseline",
                            format_func=lambda b: T[f"base_{b}"])
    kinds = ["pred"] + (["true"] if label is not None else []) + ["chosen"]
    kind = c4.radio(T["target"], kinds, horizontal=True, key=f"{KEY}_target",
                    format_func=lambda k: T[f"target_{k}"])
    target = None
    if kind == "true":
        target = label
    elif kind == "chosen":
        target = c4.selectbox(T["chosen"], range(len(card.classes)), key=f"{KEY}_chosen",
                              format_func=lambda i: card.classes[i])
    precision = c5.radio(T["precision"], ["auto", "fp32"], key=f"{KEY}_precision",
                         format_func=lambda k: T[f"precision_{k}"], help=T["precision_help"])
    return window, stride, baseline, target, precision


def run(T: dict, loaded, x: torch.Tensor, window: int, stride: int, baseline: str, target,
        precision: str):
    """The occlusion result for these settings (kept in the session until they change)."""
    from core.interpret import occlusion

    card = loaded.card
    p = occlusion.plan(tuple(x.shape[-2:]), window, stride)
    st.markdown(T["cost"].format(rows=p.rows, cols=p.cols, positions=p.rows * p.cols,
                                 passes=p.passes))
    estimate = _estimate(loaded, x, window, stride, precision)
    st.caption(T["estimate"].format(seconds=estimate))
    wanted = (loaded.model_id, hash(x.numpy().tobytes()), window, stride, baseline, target,
              precision)
    stored = st.session_state.get(f"{KEY}_result")
    if stored is not None and stored[0] == wanted:
        return p, stored[1]
    stop = None
    if estimate > AUTO_SECONDS:
        if widgets.was_stopped(f"{KEY}_stop"):
            st.info(T["stopped"])
        st.caption(T["auto_note"])
        if not st.button(T["run"], key=f"{KEY}_run", type="primary"):
            return p, None
        stop = widgets.stop_button(f"{KEY}_stop", T["stop"])
    bar = st.progress(0.0)
    result = occlusion.occlusion(
        loaded.model, x, window=window, stride=stride, baseline=baseline, target=target,
        mean=card.mean, std=card.std, precision=precision,
        progress=lambda done, total: bar.progress(done / max(total, 1), T["progress"].format(
            done=done, total=total)))
    bar.empty()
    if stop is not None:
        stop.empty()
    st.session_state[f"{KEY}_result"] = (wanted, result)
    return p, result


def _estimate(loaded, x: torch.Tensor, window: int, stride: int, precision: str) -> float:
    """Estimated seconds (core.interpret.occlusion.estimate_seconds), kept per model, size and settings."""
    from core.interpret import occlusion

    key = (f"{KEY}_estimate", loaded.model_id, tuple(x.shape), window, stride, precision)
    cache = st.session_state.setdefault(f"{KEY}_estimates", {})
    if key not in cache:
        cache[key] = occlusion.estimate_seconds(loaded.model, x, window=window, stride=stride,
                                                precision=precision)
    return cache[key]


def show(T: dict, loaded, x: torch.Tensor, p, result) -> None:
    from core.data import images
    from core.interpret import layers, occlusion

    classes = list(loaded.card.classes)
    target = classes[result.target]
    st.markdown(T["summary"].format(cls=classes[int(np.argmax(result.base_probs))],
                                    p=float(np.max(result.base_probs)), target=target,
                                    passes=p.passes, seconds=result.seconds))
    st.caption(T["how"].format(precision=T[f"how_{result.precision}"],
                               incremental=T[f"how_incremental_{result.incremental}"]))
    c1, c2, c3 = st.columns(3)
    c1.plotly_chart(charts.feature_maps(result.prob_map[None], [T["prob_title"].format(target=target)],
                                        cols=1, height_per_row=300), key=f"{KEY}_prob")
    c2.plotly_chart(charts.feature_maps(result.drop_map[None], [T["drop_title"].format(target=target)],
                                        cols=1, signed=True, height_per_row=300), key=f"{KEY}_drop")
    c3.plotly_chart(charts.category_map(result.class_map, classes, title=T["class_title"]),
                    key=f"{KEY}_classes")
    card = loaded.card
    picture = images.to_display(images.denormalize(x, card.mean, card.std))
    st.plotly_chart(charts.overlay(picture, occlusion.attribution_map(result, tuple(x.shape[-2:])),
                                   title=T["overlay_title"].format(target=target), height=380),
                    key=f"{KEY}_overlay")
    buf = io.BytesIO()
    np.save(buf, result.prob_map)
    d0, d1, d2 = st.columns(3)
    d0.download_button(T["download_png"], charts.map_png(result.prob_map),
                       file_name="occlusion_prob.png", mime="image/png", key=f"{KEY}_png")
    d1.download_button(T["download_npy"], buf.getvalue(), file_name="occlusion_prob.npy",
                       key=f"{KEY}_npy")
    rows = ["row,col,prob_target,drop,class"] + [
        f"{r},{c},{result.prob_map[r, c]:.6f},{result.drop_map[r, c]:.6f},{classes[result.class_map[r, c]]}"
        for r in range(p.rows) for c in range(p.cols)]
    d2.download_button(T["download_csv"], "\n".join(rows), file_name="occlusion_maps.csv",
                       key=f"{KEY}_csv")

    st.subheader(T["walk_header"])
    position = int(st.slider(T["position"], 1, p.rows * p.cols, 1, key=f"{KEY}_position")) - 1
    r, c = divmod(position, p.cols)
    base = occlusion.baseline_image(x, result.baseline, mean=card.mean, std=card.std)
    occluded = occlusion.occluded_input(x, r, c, p, base)
    probs = layers.predict(loaded.model, occluded)[0].numpy()
    pixels = images.to_display(images.denormalize(occluded, card.mean, card.std))
    w1, w2 = st.columns([1, 2])
    w1.plotly_chart(charts.image(pixels, title=T["walk_image"].format(r=r, c=c), height=260),
                    key=f"{KEY}_walk_image")
    shown = np.arange(len(classes)) if len(classes) <= 20 else np.argsort(probs)[::-1][:TOP]
    w2.plotly_chart(charts.bars(probs[shown], [classes[i] for i in shown],
                                highlight=int(np.flatnonzero(shown == result.target)[0])
                                if result.target in shown else None,
                                height=260, title=T["walk_scores"]), key=f"{KEY}_walk_scores")
