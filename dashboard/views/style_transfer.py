"""Style Transfer page: the network choice (offline-aware), the images, the settings, and the
live run (a core.style.transfer.StyleTransfer stepped in short chunks inside a fragment).

The run lives in st.session_state; its settings are captured when it starts, so changing a
widget mid-run cannot corrupt it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st
from PIL import Image

from core.checks import InputError
from dashboard import cache, charts, errors, i18n, widgets

if TYPE_CHECKING:
    from torch import nn

    from core.style.transfer import StyleConfig, StyleTransfer

KEY = "sty"
RUN = f"{KEY}_run"
START_ERROR = f"{KEY}_start_error"
CHUNK_S = 0.4  # optimisation per fragment rerun: short enough for Stop to feel instant
SIZES = (32, 64, 128, 192, 256, 320, 384, 448, 512)  # core caps the longer side at 512
DEFAULT_SIZE = 256
TV_CHOICES = (0.0, 1.0, 10.0, 100.0, 1000.0, 10000.0)
LR_CHOICES = (0.005, 0.01, 0.02, 0.05, 0.1)
SHOWN_SNAPSHOTS = 6


@dataclass(frozen=True)
class Network:
    """The VGG19 chosen on the page."""

    weights: str  # "imagenet" | "random"
    pooling: str  # "max" | "avg"
    features: nn.Sequential  # VGG19's convolutional part, shared and read-only


@dataclass(frozen=True)
class StyleImages:
    """The images picked on the page."""

    content: Image.Image
    style: Image.Image
    style2: Image.Image | None  # a second style to blend in, or None


@dataclass(frozen=True)
class Setup:
    weights: str  # "imagenet" | "random"
    content: Image.Image
    style: Image.Image
    style2: Image.Image | None
    config: StyleConfig


@dataclass
class Run:
    transfer: StyleTransfer
    weights: str
    running: bool = True
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0  # wall time spent stepping


def current() -> Run | None:
    return st.session_state.get(RUN)


# --------------------------------------------------------------------------- network
def _use_random() -> None:
    st.session_state[f"{KEY}_weights"] = "random"


def network(T: dict, *, locked: bool) -> Network | None:
    """The weights and pooling radios and the shared features, or None after explaining why
    the ImageNet weights cannot be used."""
    from core.models import imagenet
    from core.style import vgg

    path = vgg.vgg19_weights_path()
    c1, c2 = st.columns(2)
    weights = c1.radio(T["weights"], vgg.WEIGHTS, horizontal=True, key=f"{KEY}_weights",
                       index=0 if path.is_file() else 1, disabled=locked,
                       format_func=lambda w: T[f"weights_{w}"])
    pooling = c2.radio(T["pooling"], vgg.POOLINGS, horizontal=True,
                       key=f"{KEY}_pooling", disabled=locked, format_func=lambda p: T[f"pool_{p}"])
    if weights == "random" and not path.is_file():
        st.info(T["weights_missing"].format(url=vgg.VGG19_IMAGENET.url, file=path.name,
                                            directory=path.parent))
    try:
        features = cache.vgg19_features(weights)
    except imagenet.WeightsUnavailableError as err:
        st.error(T["weights_failed"].format(url=err.url, file=err.file_name,
                                            directory=err.directory))
        st.caption(T["weights_detail"].format(error=err))
        st.button(T["use_random"], key=f"{KEY}_use_random", on_click=_use_random)
        return None
    return Network(weights, pooling, features)


# --------------------------------------------------------------------------- images
def images(T: dict) -> StyleImages | None:
    """Content, style and optional second style pickers; None until content and style exist."""
    st.session_state.setdefault(f"{KEY}_content_sample", "china")
    st.session_state.setdefault(f"{KEY}_style_sample", "flower")
    st.session_state.setdefault(f"{KEY}_style2_sample", "checkerboard")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown(f"**{T['content_header']}**")
        content = widgets.image_picker(f"{KEY}_content", labels=T, default="sample")
        if content is not None:
            st.image(content.image, caption=content.caption)
    with c2:
        st.markdown(f"**{T['style_header']}**")
        style = widgets.image_picker(f"{KEY}_style", labels=T, default="sample")
        if style is not None:
            st.image(style.image, caption=style.caption)
    with c3:
        style2 = None
        if st.toggle(T["blend_on"], key=f"{KEY}_blend_on"):
            st.markdown(f"**{T['style2_header']}**")
            style2 = widgets.image_picker(f"{KEY}_style2", labels=T, default="sample")
            if style2 is not None:
                st.image(style2.image, caption=style2.caption)
    if content is None or style is None:
        return None
    return StyleImages(content.image, style.image, None if style2 is None else style2.image)


# --------------------------------------------------------------------------- settings
def settings(T: dict, pooling: str, *, locked: bool, blend: bool) -> StyleConfig | None:
    """The StyleConfig from the widgets, or None after showing why it is not valid."""
    from core.style import transfer as core_st
    from core.style import vgg

    lang = i18n.current()  # for the format functions, which may run outside the script run
    c1, c2, c3, c4 = st.columns(4)
    size = c1.select_slider(T["size"], SIZES, DEFAULT_SIZE, key=f"{KEY}_size",
                            help=T["size_help"], disabled=locked)
    exponent = c2.select_slider(T["ratio"], list(range(11)), 6, key=f"{KEY}_ratio",
                                format_func=lambda k: f"10^{k}", help=T["ratio_help"],
                                disabled=locked)
    content_layer = c3.selectbox(T["content_layer"], vgg.CONV_LAYERS,
                                 index=vgg.CONV_LAYERS.index("conv4_2"),
                                 key=f"{KEY}_content_layer", disabled=locked)
    tv = c4.select_slider(T["tv"], TV_CHOICES, 0.0, key=f"{KEY}_tv", help=T["tv_help"],
                          format_func=lambda v: i18n.general(v, lang, "g"), disabled=locked)
    st.caption(T["layer_weights"])
    layer_cols = st.columns(len(core_st.STYLE_LAYERS))
    layer_weights = {
        name: float(col.slider(name, 0.0, 2.0, 1.0, 0.1, key=f"{KEY}_w_{name}", disabled=locked))
        for col, name in zip(layer_cols, core_st.STYLE_LAYERS, strict=True)}
    c1, c2, c3, c4 = st.columns(4)
    optimizer = c1.radio(T["optimizer"], core_st.OPTIMIZERS, key=f"{KEY}_optimizer",
                         format_func=lambda o: T[f"opt_{o}"], disabled=locked)
    steps = int(c2.number_input(T["steps"], 1, 2000, 200, key=f"{KEY}_steps", disabled=locked))
    lr = None
    if optimizer == "adam":
        lr = c2.select_slider(T["lr"], LR_CHOICES, core_st.DEFAULT_LR["adam"], key=f"{KEY}_lr",
                              format_func=lambda v: i18n.general(v, lang, "g"), disabled=locked)
    init = c3.radio(T["init"], core_st.INITS, key=f"{KEY}_init",
                    format_func=lambda i: T[f"init_{i}"], disabled=locked)
    seed = int(c3.number_input(T["seed"], 0, 2**31 - 1, 0, key=f"{KEY}_seed", disabled=locked))
    colour = c4.checkbox(T["colour"], key=f"{KEY}_colour", disabled=locked)
    precision = c4.radio(T["precision"], ("auto", "fp32", "bf16"), horizontal=True,
                         key=f"{KEY}_precision", format_func=lambda p: T[f"prec_{p}"],
                         disabled=locked)
    blend_weight = 0.0
    if blend:
        blend_weight = float(c4.slider(T["blend"], 0.0, 1.0, 0.5, 0.05, key=f"{KEY}_blend",
                                       disabled=locked))
    try:
        return core_st.StyleConfig(
            style_weight=float(10 ** exponent), content_weight=1.0, style_layers=layer_weights,
            content_layer=content_layer, tv_weight=float(tv), optimizer=optimizer, steps=steps,
            lr=lr, init=init, preserve_colour=bool(colour), style_blend=blend_weight, seed=seed,
            size=int(size), pooling=pooling, precision=precision)
    except InputError as err:
        st.error(T["error"].format(error=errors.message(err)))
        return None


def cost(T: dict, setup: Setup) -> None:
    from core.style import transfer as core_st
    from core.style import vgg

    try:
        h, w = core_st.output_size(setup.content, setup.config.size)
    except InputError as err:
        st.error(T["error"].format(error=errors.message(err)))
        return
    last = vgg.deepest(setup.config.layers_used())
    st.caption(T["cost"].format(steps=setup.config.steps, h=h, w=w, last=last))


# --------------------------------------------------------------------------- the run
def render_run(T: dict, setup: Setup | None) -> None:
    st.subheader(T["run_header"])
    error = st.session_state.pop(START_ERROR, None)
    if error is not None:
        st.error(T["error"].format(error=errors.message(error)))
    run = current()
    cols = st.columns(4)
    if run is None:
        cols[0].button(T["start"], key=f"{KEY}_start", type="primary", disabled=setup is None,
                       on_click=_start, args=(setup,))
    else:
        if run.running:
            cols[0].button(T["stop"], key=f"{KEY}_stop", on_click=_stop)
        elif not run.transfer.finished:
            cols[0].button(T["resume"], key=f"{KEY}_resume", type="primary", on_click=_resume)
        cols[1].button(T["discard"], key=f"{KEY}_discard", on_click=_discard,
                       disabled=run.running)
        st.caption(T["running_note"])
    _live(T, running=run is not None and run.running)


@errors.boundary("style transfer start")
def _start(setup: Setup) -> None:
    from core.style import transfer as core_st

    try:
        transfer = core_st.StyleTransfer(cache.vgg19_features(setup.weights), setup.content,
                                         setup.style, setup.config, style2=setup.style2)
    except InputError as err:  # shown (in the user's language) by the next run
        st.session_state[START_ERROR] = err
        return
    st.session_state[RUN] = Run(transfer, setup.weights)


def _stop() -> None:
    current().running = False


def _resume() -> None:
    current().running = True


def _discard() -> None:
    st.session_state.pop(RUN, None)


def _live(T: dict, *, running: bool) -> None:
    @st.fragment(run_every=0.5 if running else None)
    def live() -> None:
        run = current()
        if run is None:
            return
        with errors.boundary("style transfer run"):  # a fragment rerun is outside the page's
            tr = run.transfer
            if run.running and not tr.finished:
                start = time.perf_counter()
                tr.run_for(CHUNK_S)
                run.seconds += time.perf_counter() - start
                if tr.finished:
                    run.running = False
                    st.rerun(scope="app")  # the buttons change: Stop goes, the download comes
            show(T, run)

    live()


def show(T: dict, run: Run) -> None:
    tr = run.transfer
    p = tr.progress()
    st.progress(p.done_steps / max(p.total_steps, 1), text=T["progress"].format(
        done=p.done_steps, total=p.total_steps, per=i18n.number(p.seconds_per_step, 2),
        eta=i18n.number(p.eta_s, 0)))
    if tr.diverged:  # core's English sentence says the same: the step after the last recorded
        kept = len(tr.history)
        st.error(T["diverged"].format(step=kept + 1, kept=kept))
    elif tr.finished:
        st.success(T["finished"].format(steps=p.done_steps, seconds=i18n.number(run.seconds, 1),
                                        precision=tr.precision, device=tr.device.type))
    elif not run.running:
        st.info(T["stopped"].format(done=p.done_steps, total=p.total_steps))
    left, right = st.columns([1, 1])
    caption = T["result"].format(step=p.done_steps) if p.done_steps else T["start_caption"]
    left.image(tr.image(), caption=caption)
    if not run.running:
        left.download_button(T["download"], tr.png(), file_name="style_transfer.png",
                             mime="image/png", key=f"{KEY}_download")
    history = tr.history
    right.plotly_chart(charts.style_losses(
        [h.step for h in history],
        {"total": [h.total for h in history], "content": [h.content for h in history],
         "style": [h.style for h in history], "tv": [h.tv for h in history]},
        title=T["loss_chart"]), key=f"{KEY}_losses")
    shots = tr.snapshots[-SHOWN_SNAPSHOTS:]
    if len(shots) > 1:
        right.caption(T["snapshots"])
        cols = right.columns(SHOWN_SNAPSHOTS)
        for col, (step, img) in zip(cols, shots, strict=False):
            col.image(img, caption=T["snapshot"].format(step=step), width="stretch")
