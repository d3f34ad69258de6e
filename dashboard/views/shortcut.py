"""Trust page, part 2: the shortcut lab. Plant a cue on one class's training images, train a cued
and a clean model side by side (live, with Stop; both saved to the library), catch the shortcut
on cue-swapped test images, and score every attribution map against the cue's mask.

This module: the settings (a ``Choice``), the examples of cued and clean images and the cost
stated before the click. The run: ``shortcut_run``; what a finished run shows:
``shortcut_results``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from core.checks import InputError
from dashboard import cache, charts, i18n, state, texts
from dashboard.views import shortcut_results, shortcut_run, train_setup
from dashboard.views import trust as trust_view

if TYPE_CHECKING:
    import torch

    from core.data.datasets import Dataset
    from core.train.shortcut import Plan

KEY = "shortcut"
EXAMPLES = 6  # target-class training images shown clean and cued
OTHERS = 3  # other-class training images shown
TILE = 64  # the examples are enlarged (nearest neighbour) to about this side
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
SECTIONS = ("scores", "shortcut")  # the Trust page's sections (pages/trust.py)


@dataclass(frozen=True)
class Choice:
    """What the widgets chose: the data, the plan and the explanations."""

    dataset: str  # the sidebar's dataset key
    train: Dataset
    test: Dataset
    plan: Plan
    count: int  # cued test images to explain
    which: str  # core.data.cues.WHICH
    explain: str  # core.interpret.shortcut.EXPLAIN
    methods: tuple[str, ...]  # in DEFAULT_METHODS order
    params: dict[str, dict[str, Any]]


# --------------------------------------------------------------------------- the page
def render(T: dict) -> None:
    """The whole lab: data, settings, examples and cost, the run, the last result."""
    from core.data.datasets import DatasetUnavailableError

    st.subheader(T["header"])
    st.caption(T["intro"])
    with st.expander(T["theory_title"]):
        st.markdown(T["theory"])
    key = state.active_dataset()
    try:
        train, test = cache.dataset(key)
    except (DatasetUnavailableError, InputError) as err:
        st.error(T["data_error"].format(
            error=train_setup.dataset_error(texts.get("train"), err)))
        return
    c, h, w = train.image_shape
    st.markdown(T["training_on"].format(
        title=state.dataset_title(key), n_train=train_setup.count(len(train)),
        n_test=train_setup.count(len(test)), shape=f"{c}×{h}×{w}"))
    run = shortcut_run.current()
    locked = run is not None and run.running
    choice = settings(T, key, train, test, locked=locked)
    own = int((test.labels == choice.plan.target).sum())
    if own in (0, len(test)):
        st.error(T["no_test_images"].format(
            target=texts.class_names([train.classes[choice.plan.target]])[0]))
        return
    examples(T, choice)
    cost(T, choice)
    shortcut_run.controls(T, choice, run)
    shortcut_run.live(T, running=locked)
    result = st.session_state.get(shortcut_run.RESULT)
    if shortcut_run.current() is None and result is not None:
        shortcut_results.render(T, result)


# --------------------------------------------------------------------------- settings
def settings(T: dict, dataset: str, train: Dataset, test: Dataset, *, locked: bool) -> Choice:
    """The lab's widgets. Raises InputError for a cue that does not fit the images."""
    from core.data import cues
    from core.interpret import shortcut as isc
    from core.interpret import trust
    from core.train import shortcut, training

    _, side, _ = train.image_shape
    st.markdown(f"**{T['plant_header']}**")
    names = texts.class_names(train.classes)
    c1, c2, c3 = st.columns(3)
    target = c1.selectbox(T["target"], range(len(names)), index=0, key=f"{KEY}_target",
                          bind="query-params",
                          format_func=lambda i: names[i], help=T["target_help"],
                          disabled=locked)
    kind = c2.selectbox(T["cue"], cues.CUES, index=cues.CUES.index("snow"), key=f"{KEY}_cue",
                        bind="query-params",
                        format_func=lambda k: T[f"cue_{k}"], disabled=locked)
    options: dict[str, Any] = {}
    if kind == "square":
        options["corner"] = c3.selectbox(T["corner"], cues.CORNERS, key=f"{KEY}_corner",
                                         bind="query-params",
                                         format_func=lambda k: T[f"corner_{k}"],
                                         disabled=locked)
        options["size"] = int(c3.number_input(
            T["size"], 1, side, cues.Cue("square").pixels(side), key=f"{KEY}_size_{side}",
            bind="query-params",
            help=T["size_help"].format(side=side), disabled=locked))
    elif kind == "frame":
        options["colour"] = c3.selectbox(T["colour"], list(cues.COLOURS),
                                         index=list(cues.COLOURS).index("yellow"),
                                         key=f"{KEY}_colour", bind="query-params",
                                         format_func=lambda k: T[f"colour_{k}"],
                                         disabled=locked)
        options["size"] = int(c3.number_input(
            T["width"], 1, side, cues.Cue("frame").pixels(side), key=f"{KEY}_width_{side}",
            bind="query-params",
            help=T["size_help"].format(side=side), disabled=locked))
    else:
        options["density"] = float(c3.slider(T["density"], 0.05, 0.5, 0.2, 0.05,
                                             key=f"{KEY}_density",
                                             bind="query-params", help=T["density_help"],
                                             disabled=locked))
    c1, c2 = st.columns(2)
    share_target = c1.slider(T["share_target"], 0, 100, 100, 5, key=f"{KEY}_share_target",
                             bind="query-params",
                             disabled=locked)
    share_other = c2.slider(T["share_other"], 0, 100, 0, 5, key=f"{KEY}_share_other",
                            bind="query-params",
                            disabled=locked)
    d = shortcut.DEFAULT_CONFIG
    train_words = texts.get("train")
    with st.expander(T["training"]):
        t1, t2, t3 = st.columns(3)
        arch_names = list(training_archs())
        arch = t1.selectbox(T["arch"], arch_names, index=arch_names.index(training.DEFAULT_ARCH),
                            key=f"{KEY}_arch", bind="query-params", disabled=locked,
                            format_func=lambda a: train_setup.arch_title(train_words, a))
        epochs = int(t1.number_input(T["epochs"], 1, 100, d.epochs, key=f"{KEY}_epochs",
                                     bind="query-params",
                                     disabled=locked))
        lang = i18n.current()
        lr = t2.select_slider(T["lr"], sorted({*train_setup.LR_CHOICES, d.lr}), d.lr,
                              key=f"{KEY}_lr", bind="query-params",
                              disabled=locked, format_func=lambda v: i18n.general(v, lang, "g"))
        batch = t2.select_slider(T["batch_size"], sorted({*BATCH_SIZES, d.batch_size}),
                                 d.batch_size,
                                 key=f"{KEY}_batch", bind="query-params", disabled=locked)
        seed = int(t3.number_input(T["seed"], 0, 2**31 - 1, d.seed, key=f"{KEY}_seed",
                                   bind="query-params",
                                   help=T["seed_help"], disabled=locked))
    cue = cues.Cue(kind, seed=seed, **options)
    if kind != "snow":
        cue.pixels(side)  # a square or frame too large for the images: InputError
    config = dataclasses.replace(d, epochs=epochs, lr=lr, batch_size=batch, seed=seed)
    plan = shortcut.Plan(cue=cue, target=int(target), share_target=share_target / 100,
                         share_other=share_other / 100, arch=arch, config=config)
    with st.expander(T["explanations"]):
        e1, e2 = st.columns(2)
        which = e1.selectbox(T["which"], cues.WHICH, key=f"{KEY}_which", bind="query-params",
                             format_func=lambda k: T[f"which_{k}"], disabled=locked)
        own = int((test.labels == int(target)).sum())
        total = own if which == "target" else len(test) - own
        count = int(e1.number_input(T["images"], 1, max(1, total), min(50, max(1, total)),
                                    key=f"{KEY}_images_{which}",
                                    help=T["images_help"].format(total=i18n.integer(total)),
                                    disabled=locked))
        explain = e2.selectbox(T["explain"], isc.EXPLAIN, key=f"{KEY}_explain", bind="query-params",
                               format_func=lambda k: T[f"explain_{k}"], disabled=locked)
        trust_words = texts.get("trust")
        chosen = st.multiselect(T["methods"], isc.DEFAULT_METHODS,
                                default=list(isc.DEFAULT_METHODS), key=f"{KEY}_methods",
                                bind="query-params",
                                format_func=lambda m: trust_view.method_title(
                                    trust_words, m, mark=True), disabled=locked)
    methods = tuple(m for m in isc.DEFAULT_METHODS if m in chosen)
    defaults = trust.default_settings(train.image_shape, large=False, mean=train.mean,
                                      std=train.std).params
    params = {m: dict(defaults[m]) for m in methods if m in defaults}
    return Choice(dataset, train, test, plan, count, which, explain, methods, params)


def training_archs() -> tuple[str, ...]:
    """The lab architectures the two models can have."""
    from core.models import archs

    return tuple(archs.ARCHS)


# --------------------------------------------------------------------------- before the run
def _tiles(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) uint8 -> (N, h, w, 3) floats in [0, 1], enlarged to about TILE px."""
    a = images.permute(0, 2, 3, 1).numpy().astype(np.float64) / 255.0  # (N, H, W, C)
    if a.shape[-1] == 1:
        a = np.repeat(a, 3, axis=-1)
    k = max(1, TILE // a.shape[1])
    return a.repeat(k, axis=1).repeat(k, axis=2)


def _picture(tiles: np.ndarray, cols: int) -> np.ndarray:
    return (charts.mosaic(tiles, cols=cols, gap=2) * 255).round().astype(np.uint8)


def _cued_counts(choice: Choice) -> tuple[int, int, int, int]:
    """(cued, all) training images of the target class, then of the others, as ``plant``
    rounds them."""
    from core.data import cues

    plan = choice.plan
    n_target = int((choice.train.labels == plan.target).sum())
    n_other = len(choice.train) - n_target
    return (cues.share_count(n_target, plan.share_target), n_target,
            cues.share_count(n_other, plan.share_other), n_other)


def examples(T: dict, choice: Choice) -> None:
    """A few target-class training images clean and with the cue (the same pixels ``plant``
    sets), and a few of the other classes; how many of each carry the cue in training."""
    import torch

    plan, train = choice.plan, choice.train
    target = texts.class_names([train.classes[plan.target]])[0]
    own = torch.nonzero(train.labels == plan.target).flatten()[:EXAMPLES]
    other = torch.nonzero(train.labels != plan.target).flatten()[:OTHERS]
    pictures, captions = [], []
    if len(own):
        cued, _ = plan.cue.stamp(train.images[own], own, "train")
        pictures += [_picture(_tiles(train.images[own]), EXAMPLES), _picture(_tiles(cued),
                                                                             EXAMPLES)]
        captions += [T["examples_clean"].format(target=target),
                     T["examples_cued"].format(target=target)]
    if len(other):
        shown = train.images[other]
        if plan.share_other > 0:
            shown, _ = plan.cue.stamp(shown, other, "train")
        pictures.append(_picture(_tiles(shown), OTHERS))
        captions.append(T["examples_others_cued" if plan.share_other > 0 else "examples_others"])
    if pictures:
        st.image(pictures, caption=captions)
    a, n_a, b, n_b = _cued_counts(choice)
    st.caption(T["examples_caption"].format(
        cued_target=train_setup.count(a), n_target=train_setup.count(n_a), target=target,
        cued_other=train_setup.count(b), n_other=train_setup.count(n_b)))


def cost(T: dict, choice: Choice) -> None:
    """The training steps and the map passes, before the click."""
    from core.interpret import trust

    config = choice.plan.config
    per_epoch = math.ceil(len(choice.train) / config.batch_size)
    _, h, w = choice.train.image_shape
    per_map = {m: trust.estimate_passes(m, choice.params.get(m, {}), (h, w))
               for m in choice.methods}
    trust_words = texts.get("trust")
    detail = ", ".join(f"{trust_view.method_title(trust_words, m)} {i18n.integer(n)}"
                       for m, n in per_map.items() if n) or "—"
    st.markdown(T["cost"].format(
        steps=i18n.integer(2 * config.epochs * per_epoch), epochs=i18n.integer(config.epochs),
        per_epoch=i18n.integer(per_epoch),
        passes=i18n.integer(2 * choice.count * sum(per_map.values())),
        images=i18n.integer(choice.count), detail=detail))
