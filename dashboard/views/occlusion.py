"""Occlusion page body: occluder settings with their cost, the three maps, the walk-through."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
import torch

from dashboard import charts, i18n, widgets
from dashboard.cache import LoadedModel
from dashboard.views import any_model

if TYPE_CHECKING:
    from core.interpret.occlusion import OcclusionResult, Plan

KEY = "occ"
AUTO_SECONDS = 2.0  # run on every change when the estimate is below this; else wait for a button
TOP = 10  # classes shown in the walk-through's bar chart for models with many classes
BF16_TOLERANCE = 0.002  # how far "fast" (bfloat16) maps stray from the fp32 ones, as the help says
# occluded copies per forward pass, the fastest of these measured on this machine
# (core.runtime.tune): a large model (any_model.is_large) keeps the activations of a batch in
# memory (ResNet-18 at 224 px: ~13 MB per copy in its first layers)
BATCHES, LARGE_BATCHES = (16, 32, 64, 128), (8, 16, 32)
# positions per timed batch of the estimate: small batches overestimate (~40% at 8 on ResNet-18,
# core.interpret.occlusion.estimate_seconds) but keep the estimate itself under a second there
SAMPLE, LARGE_SAMPLE = 32, 8
CLICK_SIDE = 40  # clickable points per side of the walk-through image (at most 1,600)


def _batch(loaded: LoadedModel) -> tuple[int, ...]:
    return LARGE_BATCHES if any_model.is_large(loaded) else BATCHES


@dataclass(frozen=True)
class OcclusionSettings:
    """The occluder and what it explains, from the widgets."""

    window: int  # px, square patch side
    stride: int  # px between patch positions
    baseline: str  # what fills the patch: one of core.interpret.occlusion.BASELINES
    target: int | None  # class index; None: the model's prediction
    precision: str  # "auto" | "fp32"


def settings(T: dict, loaded: LoadedModel, hw: tuple[int, int],
             label: int | None) -> OcclusionSettings:
    """The occluder's widgets; ``label``: the picked image's true class when it is one of the
    model's classes (else None: no "true" target)."""
    from core.interpret import occlusion

    h, w = hw
    lang = i18n.current()
    c1, c2, c3, c4, c5 = st.columns(5)
    window = int(c1.slider(T["window"], 1, min(h, w), max(1, min(h, w) // 7), key=f"{KEY}_window",
                           bind="query-params"))
    stride = int(c2.slider(T["stride"], 1, window, max(1, window // 2), key=f"{KEY}_stride",
                           bind="query-params"))
    baseline = c3.selectbox(T["baseline"], occlusion.BASELINES, key=f"{KEY}_baseline",
                            bind="query-params",
                            format_func=lambda b: T[f"base_{b}"])
    with c4:
        target = widgets.target_picker(T, KEY, any_model.class_names(loaded), label=label)
    tolerance = i18n.number(BF16_TOLERANCE, 3, lang)
    precision = c5.radio(T["precision"], ["auto", "fp32"], key=f"{KEY}_precision",
                         bind="query-params",
                         format_func=lambda k: T[f"precision_{k}"],
                         help=T["precision_help"].format(tolerance=tolerance))
    return OcclusionSettings(window, stride, baseline, target, precision)


def run(T: dict, loaded: LoadedModel, x: torch.Tensor,
        s: OcclusionSettings) -> tuple[Plan, OcclusionResult | None]:
    """The occlusion result for these settings (kept in the session until they change)."""
    from core.interpret import occlusion

    card = loaded.card
    lang = i18n.current()
    p = occlusion.plan(tuple(x.shape[-2:]), s.window, s.stride)
    st.markdown(T["cost"].format(rows=i18n.integer(p.rows, lang), cols=i18n.integer(p.cols, lang),
                                 positions=i18n.integer(p.rows * p.cols, lang),
                                 passes=i18n.integer(p.passes, lang)))
    estimate = _estimate(loaded, x, s)
    st.caption(T["estimate"].format(seconds=i18n.number(estimate, 1, lang)))

    def work(progress: widgets.Progress) -> OcclusionResult:
        return occlusion.occlusion(
            loaded.model, x, window=s.window, stride=s.stride, baseline=s.baseline,
            target=s.target, mean=card.mean, std=card.std, precision=s.precision,
            batch_size=_batch(loaded),
            progress=lambda done, total: progress(done / max(total, 1), T["progress"].format(
                done=i18n.integer(done, lang), total=i18n.integer(total, lang))))

    result = widgets.cached_run(KEY, (loaded.model_id, widgets.image_id(x), s), work,
                                ask=estimate > AUTO_SECONDS, label=T["run"],
                                stop_label=T["stop"], stopped=T["stopped"],
                                notes=(T["auto_note"],), heavy="occlusion")
    return p, result


def _estimate(loaded: LoadedModel, x: torch.Tensor, s: OcclusionSettings) -> float:
    """Estimated seconds (core.interpret.occlusion.estimate_seconds), kept per model, size and
    settings."""
    from core.interpret import occlusion

    key = (f"{KEY}_estimate", loaded.model_id, tuple(x.shape), s.window, s.stride, s.precision)
    cache = st.session_state.setdefault(f"{KEY}_estimates", {})
    if key not in cache:
        sample = LARGE_SAMPLE if any_model.is_large(loaded) else SAMPLE
        cache[key] = occlusion.estimate_seconds(loaded.model, x, window=s.window,
                                                stride=s.stride, precision=s.precision,
                                                sample=sample)
    return cache[key]


def _how_batch(T: dict, result: OcclusionResult, lang: str) -> str:
    """The batch size and layout the run used, and that they were measured here."""
    tuned = result.tuned
    if tuned is None:
        return ""
    tried = sorted({s.batch_size for s in tuned.seconds_per_image})
    values = dict(batch=i18n.integer(result.batch_size, lang),
                  layout="channels_last" if result.channels_last else "NCHW",
                  tried=", ".join(i18n.integer(b, lang) for b in tried))
    if tuned.cached:
        return T["how_batch_cached"].format(**values)
    return T["how_batch"].format(seconds=i18n.number(tuned.cost_s, 2, lang),
                                 measured=i18n.integer(result.measured, lang), **values)


def show(T: dict, loaded: LoadedModel, x: torch.Tensor, p: Plan,
         result: OcclusionResult) -> None:
    from core.data import images
    from core.interpret import layers, occlusion

    lang = i18n.current()
    classes = any_model.class_names(loaded)  # as the user reads them
    target = classes[result.target]
    st.markdown(T["summary"].format(cls=classes[int(np.argmax(result.base_probs))],
                                    p=i18n.percent(float(np.max(result.base_probs)), 1, lang),
                                    target=target, passes=i18n.integer(p.passes, lang),
                                    seconds=i18n.number(result.seconds, 2, lang)))
    how = T[f"how_{result.precision}"].format(tolerance=i18n.number(BF16_TOLERANCE, 3, lang))
    st.caption(T["how"].format(precision=how,
                               incremental=T[f"how_incremental_{result.incremental}"])
               + " " + _how_batch(T, result, lang))
    c1, c2, c3 = st.columns(3)
    c1.plotly_chart(charts.feature_maps(result.prob_map[None],
                                        [T["prob_title"].format(target=target)],
                                        cols=1, height_per_row=300), key=f"{KEY}_prob")
    c2.plotly_chart(charts.feature_maps(result.drop_map[None],
                                        [T["drop_title"].format(target=target)],
                                        cols=1, signed=True, height_per_row=300),
                    key=f"{KEY}_drop")
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
    # the CSV is data for other tools: the dataset's own class names, whatever the language
    names = list(loaded.card.classes)
    rows = ["row,col,prob_target,drop,class"] + [
        f"{r},{c},{result.prob_map[r, c]:.6f},{result.drop_map[r, c]:.6f},"
        f"{names[result.class_map[r, c]]}"
        for r in range(p.rows) for c in range(p.cols)]
    d2.download_button(T["download_csv"], "\n".join(rows), file_name="occlusion_maps.csv",
                       key=f"{KEY}_csv")

    st.subheader(T["walk_header"])
    st.caption(T["walk_click"])
    position = int(st.slider(T["position"], 1, p.rows * p.cols, 1, key=f"{KEY}_position",
                             bind="query-params")) - 1
    r, c = divmod(position, p.cols)
    base = occlusion.baseline_image(x, result.baseline, mean=card.mean, std=card.std)
    occluded = occlusion.occluded_input(x, r, c, p, base)
    probs = layers.predict(loaded.model, occluded)[0].numpy()
    pixels = images.to_display(images.denormalize(occluded, card.mean, card.std))
    w1, w2 = st.columns([1, 2])
    points = _click_points(pixels.shape[:2])
    figure = charts.with_click_points(
        charts.image(pixels, title=T["walk_image"].format(r=r, c=c), height=260), points,
        points, "x %{customdata[1]}, y %{customdata[0]}: " + T["walk_hover"])
    w1.plotly_chart(figure, key=f"{KEY}_walk_image", on_select=lambda: _place(p),
                    selection_mode="points")
    shown = np.arange(len(classes)) if len(classes) <= 20 else np.argsort(probs)[::-1][:TOP]
    w2.plotly_chart(charts.bars(probs[shown], [classes[i] for i in shown],
                                highlight=int(np.flatnonzero(shown == result.target)[0])
                                if result.target in shown else None,
                                height=260, title=T["walk_scores"]), key=f"{KEY}_walk_scores")


def _click_points(hw: tuple[int, int]) -> np.ndarray:
    """(N, 2) (y, x) pixels a click on the walk-through image lands on: every pixel of a small
    image, a lattice of at most CLICK_SIDE × CLICK_SIDE of a large one."""
    h, w = hw
    step = max(1, -(-max(h, w) // CLICK_SIDE))
    ys, xs = np.meshgrid(np.arange(0, h, step), np.arange(0, w, step), indexing="ij")
    return np.stack([ys.ravel(), xs.ravel()], axis=1)


def _place(p: Plan) -> None:
    """The walk-through image was clicked: put the occluder at the position nearest the click
    (before the slider draws, in the rerun the click starts)."""
    from core.interpret import occlusion

    point = widgets.selected_point(st.session_state.get(f"{KEY}_walk_image"))
    if point is None or len(point.get("customdata") or []) != 2:
        return
    y, x = (float(v) for v in point["customdata"])
    row, col = occlusion.position_at(p, y, x)
    st.session_state[f"{KEY}_position"] = row * p.cols + col + 1
