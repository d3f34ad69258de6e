"""Saliency page body: target class with the top-5, method settings with their cost, the grid
of maps (overlay + raw map + downloads per method) and the cascading-randomisation check."""

from __future__ import annotations

import io
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st
import torch

from dashboard import cache, charts, i18n, widgets
from dashboard.cache import LoadedModel
from dashboard.views import any_model

if TYPE_CHECKING:
    from core.interpret.saliency import Attribution
    from core.interpret.sanity import SanityResult

KEY = "sal"
MAX_STORED = 24  # attributions kept in the session (a 224 px one is ~0.6 MB)
COLS = 3  # methods per row of the grid
LARGE_BATCH = 8  # noisy copies / path steps per pass on a large model (any_model.is_large)
SMALL_BATCH = 50
LARGE_SANITY_STEPS = 4  # layer groups the sanity check randomises by default on a large model
CAM_METHODS = ("gradcam", "guided_gradcam")  # the methods that need a conv layer's maps


@dataclass(frozen=True)
class SaliencySettings:
    """The chosen methods and each one's keyword arguments for core.interpret.saliency."""

    methods: tuple[str, ...]  # keys of core.interpret.saliency.METHODS, in the chosen order
    params: Mapping[str, dict[str, Any]]  # {method: kwargs}, precision included, every method
    offered: tuple[str, ...]  # the methods that apply to this model (Grad-CAM needs a conv)


def _title(T: dict, key: str) -> str:
    """A saliency method's title in the page's language (core's English otherwise)."""
    from core.interpret import saliency

    return T.get(f"method_{key}", saliency.METHODS[key].title)


# --------------------------------------------------------------------------- target + top-5
def target_panel(T: dict, loaded: LoadedModel, x: torch.Tensor, label: int | None) -> int:
    """The class to explain (predicted / true / chosen), with the top-5 probabilities;
    ``label``: the image's true class when it is one of the model's (else None)."""
    from core.interpret import layers as inspect

    classes = any_model.class_names(loaded)
    probs = inspect.predict(loaded.model, x)[0].numpy()  # (K,)
    pred = int(np.argmax(probs))
    target = widgets.target_picker(T, KEY, classes, label=label, pred=pred)
    top = np.argsort(probs, kind="stable")[::-1][:5]
    shown = [int(i) for i in top]
    st.plotly_chart(charts.bars(probs[top], [classes[i] for i in shown],
                                highlight=shown.index(target) if target in shown else None,
                                title=T["top5_title"], height=250), key=f"{KEY}_top5")
    st.markdown(T["prediction"].format(cls=classes[pred], p=i18n.percent(float(probs[pred])),
                                       target=classes[target]))
    return target


# --------------------------------------------------------------------------- settings
def settings(T: dict, loaded: LoadedModel) -> SaliencySettings:
    """The chosen methods and each one's keyword parameters (precision included). A model
    without a convolution (an imported MLP) is offered every method but Grad-CAM's two."""
    from core.checks import InputError
    from core.interpret import saliency
    from core.runtime import accel

    layers = [r.name for r in cache.layer_table(loaded)
              if r.name != "input" and len(r.output_shape) == 3]
    try:
        default_layer = saliency.default_gradcam_layer(loaded.model)
    except InputError:  # no Conv2d: Grad-CAM has no feature maps to weigh
        default_layer = None
    offered = tuple(k for k in saliency.METHODS if default_layer or k not in CAM_METHODS)
    methods = st.multiselect(T["methods"], offered, default=offered, key=f"{KEY}_methods",
                             bind="query-params",
                             format_func=lambda k: _title(T, k))
    if default_layer is None:
        st.caption(T["no_conv"])
    card = loaded.card
    with st.expander(T["settings"]):
        c1, c2, c3 = st.columns(3)
        noise = c1.slider(T["sg_noise"], 0.0, 0.5, 0.15, 0.01, key=f"{KEY}_sg_noise",
                          bind="query-params")
        samples = c1.slider(T["sg_samples"], 1, 100, 25, key=f"{KEY}_sg_samples",
                            bind="query-params")
        steps = c2.slider(T["ig_steps"], 2, 300, 50, key=f"{KEY}_ig_steps", bind="query-params")
        baseline = c2.selectbox(T["ig_baseline"], saliency.IG_BASELINES, key=f"{KEY}_ig_baseline",
                                bind="query-params",
                                format_func=lambda b: T[f"base_{b}"])
        rule = c2.selectbox(T["ig_method"], saliency.IG_METHODS, key=f"{KEY}_ig_method",
                            bind="query-params",
                            help=T["ig_method_help"])
        layer = None if default_layer is None else c3.selectbox(
            T["layer"], layers, index=layers.index(default_layer), key=f"{KEY}_layer",
            bind="query-params",
            help=T["layer_help"])
        precision = "fp32"
        if accel.cpu_has_bf16():
            precision = c3.radio(T["precision"], ["fp32", "bf16"], horizontal=True,
                                 key=f"{KEY}_precision",
                                 bind="query-params", help=T["precision_help"])
    batch = LARGE_BATCH if any_model.is_large(loaded) else SMALL_BATCH
    params = {
        "vanilla": {},
        "guided": {},
        "smoothgrad": {"noise_level": float(noise), "samples": int(samples), "batch_size": batch},
        "ig": {"baseline": baseline, "steps": int(steps), "method": rule, "batch_size": batch,
               "mean": tuple(card.mean), "std": tuple(card.std)},
        "gradcam": {"layer": layer},
        "guided_gradcam": {"layer": layer},
    }
    for p in params.values():
        p["precision"] = precision
    return SaliencySettings(tuple(methods), params, offered)


def _wanted(loaded: LoadedModel, image: str, target: int, key: str, params: dict) -> tuple:
    return (loaded.model_id, image, target, key, tuple(sorted(params.items())))


def _per_pass(loaded: LoadedModel, x: torch.Tensor) -> float:
    """Seconds of one forward + backward pass (one timed vanilla gradient, kept per model)."""
    from core.interpret import saliency

    key = f"{KEY}_per_pass_{loaded.model_id}"
    if key not in st.session_state:
        start = time.perf_counter()
        saliency.vanilla_gradient(loaded.model, x, 0)
        st.session_state[key] = time.perf_counter() - start
    return st.session_state[key]


# --------------------------------------------------------------------------- compute
def compute(T: dict, loaded: LoadedModel, x: torch.Tensor, target: int,
            s: SaliencySettings) -> dict[str, Attribution]:
    """{method: Attribution} for the chosen methods (kept in the session until inputs change).

    Small models compute at once; a large one (any_model.is_large) waits for the button, its
    cost stated."""
    from core.interpret import saliency

    methods, params = s.methods, s.params
    passes = {k: saliency.METHODS[k].passes(params[k]) for k in methods}
    detail = ", ".join(f"{_title(T, k)} {i18n.integer(n)}" for k, n in passes.items())
    st.markdown(T["cost"].format(passes=i18n.integer(sum(passes.values())), detail=detail))
    store = st.session_state.setdefault(f"{KEY}_results", {})
    image = widgets.image_id(x)
    wanted = {k: _wanted(loaded, image, target, k, params[k]) for k in methods}
    missing = [k for k in methods if wanted[k] not in store]
    stop = None
    if missing and any_model.is_large(loaded):
        seconds = _per_pass(loaded, x) * sum(passes.values())
        stop = widgets.run_button(KEY, label=T["run"], stop_label=T["stop"],
                                  stopped=T["stopped_maps"],
                                  notes=(T["estimate"].format(seconds=i18n.number(seconds, 1)),
                                         T["run_note"]))
        if stop is None:
            missing = []
    if missing:
        bar = st.progress(0.0)
        for i, k in enumerate(missing):
            bar.progress(i / len(missing), T["progress"].format(title=_title(T, k)))
            store[wanted[k]] = cache.saliency_map(loaded, x, image, target, k, params[k])
        bar.empty()
        if stop is not None:
            stop.empty()
        for old in list(store)[:-MAX_STORED]:
            del store[old]
    return {k: store[wanted[k]] for k in methods if wanted[k] in store}


# --------------------------------------------------------------------------- the grid
def grid(T: dict, loaded: LoadedModel, x: torch.Tensor, results: dict[str, Attribution]) -> None:
    from core.data import images

    card = loaded.card
    picture = images.to_display(images.denormalize(x, card.mean, card.std))
    opacity = float(st.slider(T["opacity"], 0.0, 1.0, 0.7, 0.05, key=f"{KEY}_opacity",
                              bind="query-params"))
    for k in _in_columns(list(results)):
        _method_card(T, k, results[k], picture, opacity)
    # the raw maps, with their values on hover, only when asked for: a Plotly chart costs
    # every browser about 0.2 CPU s a visit (8 at once by the sidebar: 7.4-7.6 s with the six
    # drawn on every visit, 5.5-6.4 s with them in here)
    with st.expander(T["raw_maps"], key=f"{KEY}_raw_maps", on_change="rerun") as raw:
        if raw.open:
            for k in _in_columns(list(results)):
                r = results[k]
                st.markdown(f"**{_title(T, k)}**")
                st.plotly_chart(charts.saliency_map(r.heat, signed=r.signed, height=260),
                                key=f"{KEY}_map_{k}")


def _in_columns(keys: list[str]) -> Iterator[str]:
    """Each of ``keys`` inside its column of a grid, ``COLS`` a row: what the caller draws for
    a key, until it takes the next one, goes in that key's column."""
    for first in range(0, len(keys), COLS):
        for col, k in zip(st.columns(COLS), keys[first:first + COLS], strict=False):
            with col:
                yield k


def _method_card(T: dict, key: str, r: Attribution, picture: np.ndarray,
                 opacity: float) -> None:
    from core.interpret import saliency

    m = saliency.METHODS[key]
    st.markdown(T["method_header"].format(title=_title(T, key), paper=m.paper, url=m.url))
    with st.container(key=f"{KEY}_overlay_{key}"):
        st.image(charts.saliency_overlay(picture, r.heat, signed=r.signed, opacity=opacity))
    notes = [T["seconds"].format(seconds=i18n.number(r.seconds, 2), precision=r.precision),
             T["signed_note"] if r.signed else T["unsigned_note"]]
    if "layer" in r.info:
        shape = "×".join(map(str, r.info["layer_shape"]))
        notes.append(T["gradcam_layer"].format(layer=r.info["layer"], shape=shape))
    st.caption(" · ".join(notes))
    if "relus" in r.info:  # guided: say what it could guide
        others = ", ".join(r.info["other_activations"])
        if not r.info["relus"]:
            st.caption(T["guided_no_relu"].format(others=others or "—"))
        elif others:
            st.caption(T["guided_some"].format(relus=i18n.integer(r.info["relus"]),
                                               others=others))
    if key == "ig":
        info = r.info
        st.caption(T["ig_completeness"].format(
            attr_sum=i18n.number(info["attr_sum"], 4, group=False),
            score_diff=i18n.number(info["score_diff"], 4, group=False),
            delta=i18n.general(info["delta"], spec="+.2e"),
            gap=i18n.percent(info["relative_gap"], 2)))
    d1, d2 = st.columns(2)
    h = r.heat.shape[0]
    d1.download_button(T["download_png"], charts.map_png(r.heat, scale=max(1, 224 // h),
                                                         signed=r.signed),
                       file_name=f"saliency_{key}.png", mime="image/png", key=f"{KEY}_png_{key}")
    buf = io.BytesIO()
    np.save(buf, r.attr.numpy())
    d2.download_button(T["download_npy"], buf.getvalue(), file_name=f"saliency_{key}.npy",
                       key=f"{KEY}_npy_{key}",
                       help=T["download_npy_help"].format(shape=tuple(r.attr.shape)))


# --------------------------------------------------------------------------- sanity check
def sanity(T: dict, loaded: LoadedModel, x: torch.Tensor, target: int,
           s: SaliencySettings) -> None:
    from core.interpret import saliency
    from core.interpret import sanity as sn

    methods, params = list(s.methods), s.params

    from dashboard import navigation

    st.page_link(navigation.page("trust"), label=T["trust_link"], icon=":material/verified:")
    st.subheader(T["sanity_header"])
    st.caption(T["sanity_intro"])
    groups = sn.layer_groups(loaded.model)
    large = any_model.is_large(loaded)
    cheap = [k for k in methods if saliency.METHODS[k].passes(params[k]) <= 2]
    default = cheap if large else methods
    c1, c2 = st.columns([2, 1])
    # one widget per kind of model, so that its defaults (cheap methods and the top few layer
    # groups on a large model) apply
    kind = "_large" if large else ""
    chosen = c1.multiselect(T["sanity_methods"], s.offered, default=default,
                            key=f"{KEY}_sanity_methods{kind}",
                            format_func=lambda k: _title(T, k))
    steps = min(len(groups), LARGE_SANITY_STEPS) if large else len(groups)
    n = int(c2.slider(T["sanity_steps"], 1, len(groups), steps,
                      key=f"{KEY}_sanity_steps{kind}") if len(groups) > 1 else 1)
    if not chosen:
        st.info(T["no_methods"])
        return
    passes = (n + 1) * sum(saliency.METHODS[k].passes(params[k]) for k in chosen)
    st.markdown(T["sanity_cost"].format(steps=n, methods=len(chosen),
                                        maps=i18n.integer((n + 1) * len(chosen)),
                                        passes=i18n.integer(passes)))
    wanted = (loaded.model_id, widgets.image_id(x), target, tuple(chosen), n,
              tuple((k, tuple(sorted(params[k].items()))) for k in chosen))

    def work(progress: widgets.Progress) -> SanityResult:
        return sn.cascading_randomization(
            loaded.model, x, target, methods=chosen, params={k: params[k] for k in chosen},
            max_steps=n, progress=lambda done, total: progress(
                done / total, T["sanity_progress"].format(done=done, total=total)))

    result = widgets.cached_run(f"{KEY}_sanity", wanted, work, ask=True, label=T["sanity_run"],
                                stop_label=T["stop"], stopped=T["stopped"])
    if result is not None:
        _show_sanity(T, loaded, result)


def _show_sanity(T: dict, loaded: LoadedModel, result: SanityResult) -> None:
    titles = {k: _title(T, k) for k in result.rank_corr}
    st.markdown(T["sanity_summary"].format(target=any_model.class_names(loaded)[result.target],
                                           seconds=i18n.number(result.seconds, 1)))
    st.plotly_chart(charts.rank_correlations(
        result.steps, {titles[k]: v for k, v in result.rank_corr.items()},
        title=T["sanity_corr_title"]), key=f"{KEY}_sanity_corr")
    table = pd.DataFrame(
        [[("—" if math.isnan(c) else i18n.number(c, 3)) for c in v]
         for v in result.rank_corr.values()],
        index=[titles[k] for k in result.rank_corr], columns=result.steps)
    table.index.name = T["sanity_table_method"]
    st.dataframe(table, key=f"{KEY}_sanity_table")
    if any(math.isnan(c) for v in result.rank_corr.values() for c in v):
        st.caption(T["sanity_nan"])
    st.plotly_chart(charts.map_grid({titles[k]: v for k, v in result.maps.items()},
                                    result.steps, title=T["sanity_maps_title"]),
                    key=f"{KEY}_sanity_maps")
