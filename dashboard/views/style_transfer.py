"""Style Transfer page: the network choice (offline-aware), the images, the settings with their
cost and peak memory, and the live run (a core.style.pyramid.CoarseToFine stepped in short
chunks inside a fragment, each coarse-to-fine stage shown as it finishes).

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
from dashboard import cache, charts, errors, i18n, jobs, picker

if TYPE_CHECKING:
    from torch import nn

    from core.style.pyramid import CoarseToFine
    from core.style.transfer import StyleConfig

KEY = "sty"
JOB = "style"  # its kind under the cap on heavy jobs (dashboard.jobs)
RUN = f"{KEY}_run"
START_ERROR = f"{KEY}_start_error"
CHUNK_S = 0.4  # optimisation per fragment rerun: short enough for Stop to feel instant
# the longer side; core allows 1024 px on a CPU and 2048 on a GPU
SIZES = (32, 64, 128, 192, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1536, 2048)
DEFAULT_SIZE = 256
# steps of the coarse stages, coarsest first (the output size has its own input): the
# coarsest stage settles the layout, the finer ones refine (benchmarks/style_transfer.py)
STAGE_STEPS = (200, 60, 40, 30)
TV_CHOICES = (0.0, 1.0, 10.0, 100.0, 1000.0, 10000.0)
LR_CHOICES = (0.005, 0.01, 0.02, 0.05, 0.1)
SHOWN_SNAPSHOTS = 6


@dataclass(frozen=True)
class Network:
    """The VGG19 chosen on the page."""

    weights: str  # "imagenet" | "random"
    pooling: str  # "max" | "avg"
    device: str  # "auto" | "cpu" | "cuda"
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
    transfer: CoarseToFine
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
    import torch

    from core.models import imagenet
    from core.style import vgg

    path = vgg.vgg19_weights_path()
    c1, c2, c3 = st.columns(3)
    weights = c1.radio(T["weights"], vgg.WEIGHTS, horizontal=True, key=f"{KEY}_weights",
                       bind="query-params",
                       index=0 if path.is_file() else 1, disabled=locked,
                       format_func=lambda w: T[f"weights_{w}"])
    pooling = c2.radio(T["pooling"], vgg.POOLINGS, horizontal=True,
                       key=f"{KEY}_pooling",
                       bind="query-params", disabled=locked, format_func=lambda p: T[f"pool_{p}"])
    devices = ["auto", "cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    device = c3.radio(T["device"], devices, horizontal=True, key=f"{KEY}_device",
                      bind="query-params", disabled=locked,
                      format_func=lambda d: T[f"device_{d}"],
                      help=T["device_help"] if len(devices) > 2 else T["device_none"])
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
    return Network(weights, pooling, device, features)


# --------------------------------------------------------------------------- images
def images(T: dict) -> StyleImages | None:
    """Content, style and optional second style pickers; None until content and style exist."""
    st.session_state.setdefault(f"{KEY}_content_sample", "china")
    st.session_state.setdefault(f"{KEY}_style_sample", "flower")
    st.session_state.setdefault(f"{KEY}_style2_sample", "checkerboard")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown(f"**{T['content_header']}**")
        content = picker.image_picker(f"{KEY}_content", labels=T, default="sample",
                                      follow=False)
        if content is not None:
            st.image(content.image, caption=content.caption)
    with c2:
        st.markdown(f"**{T['style_header']}**")
        style = picker.image_picker(f"{KEY}_style", labels=T, default="sample", follow=False)
        if style is not None:
            st.image(style.image, caption=style.caption)
    with c3:
        style2 = None
        if st.toggle(T["blend_on"], key=f"{KEY}_blend_on"):
            st.markdown(f"**{T['style2_header']}**")
            style2 = picker.image_picker(f"{KEY}_style2", labels=T, default="sample",
                                         follow=False)
            if style2 is not None:
                st.image(style2.image, caption=style2.caption)
    if content is None or style is None:
        return None
    return StyleImages(content.image, style.image, None if style2 is None else style2.image)


# --------------------------------------------------------------------------- settings
def settings(T: dict, network: Network, *, locked: bool, blend: bool) -> StyleConfig | None:
    """The StyleConfig from the widgets, or None after showing why it is not valid."""
    from core.runtime import accel
    from core.style import transfer as core_st
    from core.style import vgg

    lang = i18n.current()  # for the format functions, which may run outside the script run
    largest = core_st.max_size(accel.resolve_device(network.device))
    c1, c2, c3, c4 = st.columns(4)
    size = c1.select_slider(T["size"], [v for v in SIZES if v <= largest], DEFAULT_SIZE,
                            key=f"{KEY}_size", bind="query-params",
                            help=T["size_help"].format(largest=largest), disabled=locked)
    stages = [n for n in range(1, core_st.MAX_STAGES + 1)
              if size / 2 ** (n - 1) >= core_st.MIN_SIZE]
    n_stages = c1.select_slider(T["stages"], stages, 1, key=f"{KEY}_stages",
                                bind="query-params", help=T["stages_help"],
                                format_func=lambda n: _stage_label(T, n),
                                disabled=locked or len(stages) == 1)
    exponent = c2.select_slider(T["ratio"], list(range(11)), 6, key=f"{KEY}_ratio",
                                bind="query-params",
                                format_func=lambda k: f"10^{k}", help=T["ratio_help"],
                                disabled=locked)
    content_layer = c3.selectbox(T["content_layer"], vgg.CONV_LAYERS,
                                 index=vgg.CONV_LAYERS.index("conv4_2"),
                                 key=f"{KEY}_content_layer", bind="query-params", disabled=locked)
    tv = c4.select_slider(T["tv"], TV_CHOICES, 0.0, key=f"{KEY}_tv",
                          bind="query-params", help=T["tv_help"],
                          format_func=lambda v: i18n.general(v, lang, "g"), disabled=locked)
    st.caption(T["layer_weights"])
    layer_cols = st.columns(len(core_st.STYLE_LAYERS))
    layer_weights = {
        name: float(col.slider(name, 0.0, 2.0, 1.0, 0.1, key=f"{KEY}_w_{name}",
                               bind="query-params", disabled=locked))
        for col, name in zip(layer_cols, core_st.STYLE_LAYERS, strict=True)}
    stage_steps = _stage_steps(T, size, n_stages, locked=locked)
    c1, c2, c3, c4 = st.columns(4)
    optimizer = c1.radio(T["optimizer"], core_st.OPTIMIZERS, key=f"{KEY}_optimizer",
                         bind="query-params",
                         format_func=lambda o: T[f"opt_{o}"], disabled=locked)
    steps_label = T["steps"] if n_stages == 1 else T["steps_final"].format(side=size)
    steps = int(c2.number_input(steps_label, 1, 2000, 200, key=f"{KEY}_steps",
                                bind="query-params", disabled=locked))
    lr = None
    if optimizer == "adam":
        lr = c2.select_slider(T["lr"], LR_CHOICES, core_st.DEFAULT_LR["adam"], key=f"{KEY}_lr",
                              bind="query-params",
                              format_func=lambda v: i18n.general(v, lang, "g"), disabled=locked)
    init = c3.radio(T["init"], core_st.INITS, key=f"{KEY}_init", bind="query-params",
                    format_func=lambda i: T[f"init_{i}"], disabled=locked)
    seed = int(c3.number_input(T["seed"], 0, 2**31 - 1, 0, key=f"{KEY}_seed",
                               bind="query-params", disabled=locked))
    colour = c4.radio(T["colour"], core_st.COLOURS, key=f"{KEY}_colour", bind="query-params",
                      format_func=lambda c: T[f"colour_{c}"], help=T["colour_help"],
                      disabled=locked)
    precision = c4.radio(T["precision"], ("auto", "fp32", "bf16"), horizontal=True,
                         key=f"{KEY}_precision",
                         bind="query-params", format_func=lambda p: T[f"prec_{p}"],
                         disabled=locked)
    blend_weight = 0.0
    if blend:
        blend_weight = float(c4.slider(T["blend"], 0.0, 1.0, 0.5, 0.05, key=f"{KEY}_blend",
                                       disabled=locked))
    try:
        return core_st.StyleConfig(
            style_weight=float(10 ** exponent), content_weight=1.0, style_layers=layer_weights,
            content_layer=content_layer, tv_weight=float(tv), optimizer=optimizer, steps=steps,
            lr=lr, init=init, colour=colour, style_blend=blend_weight, seed=seed,
            size=int(size), stage_steps=stage_steps, pooling=network.pooling,
            precision=precision, device=network.device)
    except InputError as err:
        st.error(T["error"].format(error=errors.message(err)))
        return None


def _stage_label(T: dict, n: int) -> str:
    """The stage count as the slider shows it: the same label whatever the size, so that a
    new size keeps the count (the sides are in the cost line and the steps' labels)."""
    return T["stages_one"] if n == 1 else str(n)


def _stage_steps(T: dict, size: int, n: int, *, locked: bool) -> tuple[int, ...]:
    """The step inputs of the coarse stages (keys sty_steps_stage1 .. coarsest first)."""
    if n == 1:
        return ()
    cols = st.columns(max(4, n - 1))
    steps = []
    for k in range(n - 1):
        side = max(1, round(size / 2 ** (n - 1 - k)))
        steps.append(int(cols[k].number_input(
            T["steps_stage"].format(k=k + 1, side=side), 1, 2000, STAGE_STEPS[k],
            key=f"{KEY}_steps_stage{k + 1}", bind="query-params", disabled=locked)))
    return tuple(steps)


def cost(T: dict, setup: Setup) -> bool:
    """The run's cost and its largest stage's peak memory; False (and why) when it cannot
    run."""
    from core.runtime import accel
    from core.style import memory, pyramid, vgg

    cfg = setup.config
    lang = i18n.current()
    try:
        stages = pyramid.plan(setup.content, cfg)
        device = accel.resolve_device(cfg.device)
        est = memory.estimate(cfg, stages[-1].size,
                              precision=accel.resolve_precision(cfg.precision, device))
        budget = memory.budget_bytes(device)
    except InputError as err:
        st.error(T["error"].format(error=errors.message(err)))
        return False
    last = vgg.deepest(cfg.layers_used())
    if len(stages) == 1:
        h, w = stages[0].size
        st.caption(T["cost"].format(steps=i18n.integer(cfg.steps, lang), h=h, w=w, last=last))
    else:
        parts = " → ".join(T["cost_stage"].format(h=s.size[0], w=s.size[1],
                                                  steps=i18n.integer(s.steps, lang))
                           for s in stages)
        st.caption(T["cost_stages"].format(stages=parts, total=i18n.integer(cfg.total_steps(),
                                                                            lang), last=last))
    gb = memory.GB
    note = T["memory"].format(need=i18n.number(est.total / gb, 2, lang),
                              budget=i18n.number(budget / gb, 2, lang),
                              variable=memory.BUDGET_ENV)
    try:
        memory.check(est, device)
    except InputError as err:
        st.error(T["error"].format(error=errors.message(err)))
        return False
    st.caption(note)
    return True


# --------------------------------------------------------------------------- the run
def render_run(T: dict, setup: Setup | None) -> None:
    st.subheader(T["run_header"])
    error = st.session_state.pop(START_ERROR, None)
    if error is not None:
        st.error(T["error"].format(error=errors.message(error)))
    jobs.show_busy(JOB)
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
    from core.style import pyramid

    if not jobs.claim(JOB):  # no slot free: the next run says so; the settings stay
        return
    try:
        transfer = pyramid.CoarseToFine(cache.vgg19_features(setup.weights), setup.content,
                                        setup.style, setup.config, style2=setup.style2)
        st.session_state[RUN] = Run(transfer, setup.weights)
    except InputError as err:  # shown (in the user's language) by the next run
        st.session_state[START_ERROR] = err
    finally:
        if current() is None:  # it did not start
            jobs.release(JOB)


def _stop() -> None:
    current().running = False
    jobs.release(JOB)


def _resume() -> None:
    if jobs.claim(JOB):  # else it stays paused, and the next run says why
        current().running = True


def _discard() -> None:
    st.session_state.pop(RUN, None)
    jobs.release(JOB)


def _live(T: dict, *, running: bool) -> None:
    @st.fragment(run_every=0.5 if running else None)
    def live() -> None:
        run = current()
        if run is None:
            return
        with errors.boundary("style transfer run"):  # a fragment rerun is outside the page's
            tr = run.transfer
            if run.running and not tr.finished and not jobs.claim(JOB):
                run.running = False  # its lease lapsed (the page was left) and others took
                st.rerun(scope="app")  # the slots: paused, with the busy warning
            if run.running and not tr.finished:
                start = time.perf_counter()
                tr.run_for(CHUNK_S)
                run.seconds += time.perf_counter() - start
                if tr.finished:
                    run.running = False
                    jobs.release(JOB)
                    st.rerun(scope="app")  # the buttons change: Stop goes, the download comes
            show(T, run)

    live()


def show(T: dict, run: Run) -> None:
    tr = run.transfer
    p = tr.progress()
    lang = i18n.current()
    words = {"done": i18n.integer(p.done_steps, lang), "total": i18n.integer(p.total_steps, lang),
             "per": i18n.number(p.seconds_per_step, 2, lang),
             "eta": i18n.number(p.eta_s, 0, lang)}
    if p.stages == 1:
        text = T["progress"].format(**words)
    else:
        h, w = tr.stage.size
        text = T["progress_stages"].format(stage=p.stage + 1, stages=p.stages, h=h, w=w,
                                           stage_done=i18n.integer(p.stage_done, lang),
                                           stage_steps=i18n.integer(p.stage_steps, lang),
                                           **words)
    st.progress(p.done_steps / max(p.total_steps, 1), text=text)
    if tr.diverged:  # core's English sentence says the same: the step after the last recorded
        kept = len(tr.current.history)
        if p.stages == 1:
            st.error(T["diverged"].format(step=kept + 1, kept=kept))
        else:
            st.error(T["diverged_stage"].format(stage=p.stage + 1, step=kept + 1, kept=kept))
    elif tr.finished:
        st.success(T["finished"].format(steps=i18n.integer(p.done_steps, lang),
                                        seconds=i18n.number(run.seconds, 1, lang),
                                        precision=tr.precision, device=tr.device.type))
    elif not run.running:
        st.info(T["stopped"].format(done=i18n.integer(p.done_steps, lang),
                                    total=i18n.integer(p.total_steps, lang)))
    if p.stages > 1:
        _stage_results(T, tr)
    left, right = st.columns([1, 1])
    caption = T["result"].format(step=p.done_steps) if p.done_steps else T["start_caption"]
    left.image(tr.image(), caption=caption)
    if not run.running:
        left.download_button(T["download"], tr.png(), file_name="style_transfer.png",
                             mime="image/png", key=f"{KEY}_download")
    history = tr.history
    starts = [(next(h.step for h in history if h.stage == k) - 0.5,
               T["stage_line"].format(side=tr.stages[k].side))
              for k in range(1, p.stage + 1) if any(h.stage == k for h in history)]
    right.plotly_chart(charts.style_losses(
        [h.step for h in history],
        {"total": [h.total for h in history], "content": [h.content for h in history],
         "style": [h.style for h in history], "tv": [h.tv for h in history]},
        title=T["loss_chart"], stages=starts), key=f"{KEY}_losses")
    shots = tr.snapshots[-SHOWN_SNAPSHOTS:]
    if len(shots) > 1:
        right.caption(T["snapshots"])
        cols = right.columns(SHOWN_SNAPSHOTS)
        for col, (step, img) in zip(cols, shots, strict=False):
            col.image(img, caption=T["snapshot"].format(step=step), width="stretch")


def _stage_results(T: dict, tr: CoarseToFine) -> None:
    """One picture per stage: the finished ones at their own size, then the one running."""
    lang = i18n.current()
    st.caption(T["stages_header"])
    cols = st.columns(len(tr.stages))
    for col, result in zip(cols, tr.results, strict=False):
        h, w = result.stage.size
        col.image(result.image, width="stretch", caption=T["stage_caption"].format(
            stage=result.stage.index + 1, h=h, w=w, steps=i18n.integer(result.steps_done, lang),
            loss=i18n.general(result.loss, lang, ".3g")))
    if not tr.finished:
        h, w = tr.stage.size
        cols[tr.stage.index].caption(T["stage_running"].format(stage=tr.stage.index + 1, h=h,
                                                               w=w))
