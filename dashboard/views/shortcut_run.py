"""Trust page, part 2: the shortcut lab's run. Settings are captured when it starts (a
``dashboard.views.shortcut.Choice``); the run lives in st.session_state (``RUN``) and advances
inside a fragment that reruns itself while it is going: both models train in chunks, then the
catch in one go and both models are saved, then the maps a few images at a time. Each fragment
rerun works up to WORK_S and updates the progress bar after every chunk, which is where a Stop
click ends it. The finished run becomes a ``Result`` (``RESULT``), kept until the next run.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from core.checks import InputError
from dashboard import errors, i18n, jobs, state, texts

if TYPE_CHECKING:
    import torch

    from core.interpret.shortcut import Explained
    from core.train.shortcut import Catch, Pair
    from dashboard.views.shortcut import Choice

LOG = logging.getLogger(__name__)
KEY = "shortcut"
RUN = f"{KEY}_live"  # the run in progress (Run)
RESULT = f"{KEY}_last"  # the last finished run (Result)
START_ERROR = f"{KEY}_start_error"
JOB = "shortcut"  # its kind under the cap on heavy jobs (dashboard.jobs)
WORK_S = 2.0  # work per fragment rerun (each rerun also costs ~0.5 s of round trip)
CHUNK_S = 0.25  # training between two progress updates: a Stop click ends the rerun there
MAP_BUDGET_S = 0.3  # maps between two progress updates (the chunk adapts to the speed)
RERUN_S = 0.1  # the fragment's pause between reruns while running
FIRST_CHUNK = 2  # images in the first chunk of maps, before the speed is known


@dataclass
class Run:
    choice: Choice
    pair: Pair
    running: bool = True
    stage: str = "train"  # "train" -> "maps" -> done (the Result replaces the Run)
    started: float = field(default_factory=time.monotonic)
    diverged: str | None = None
    models: dict[str, torch.nn.Module] = field(default_factory=dict)  # eval copies
    catch: dict[str, Catch] = field(default_factory=dict)
    saved: dict[str, tuple[str, str]] = field(default_factory=dict)  # model -> (dir, name)
    x: torch.Tensor | None = None  # (N, C, H, W) the cued test images, normalised
    masks: np.ndarray | None = None  # (N, H, W) bool
    images: torch.Tensor | None = None  # (N, C, H, W) uint8, the same images
    labels: np.ndarray | None = None  # (N,) their true classes
    parts: list[Explained] = field(default_factory=list)  # maps of consecutive image chunks
    per_image: float | None = None  # seconds per image of maps (both models), measured

    @property
    def mapped(self) -> int:
        return sum(p.done for p in self.parts)


@dataclass
class Result:
    choice: Choice
    catch: dict[str, Catch]
    saved: dict[str, tuple[str, str]]
    steps: tuple[int, int]  # training steps done, of (both models)
    stopped: bool  # stopped (or diverged) during training
    diverged: str | None
    explained: Explained | None  # None: no image mapped
    images: torch.Tensor | None  # (n, C, H, W) uint8, the explained cued images
    labels: np.ndarray | None  # (n,) their true classes
    preds: dict[str, np.ndarray]  # model -> (n,) predicted classes on them
    total: int  # images asked for
    seconds: float


def current() -> Run | None:
    return st.session_state.get(RUN)



def controls(T: dict, choice: Choice, run: Run | None) -> None:
    failed = st.session_state.pop(START_ERROR, None)
    if failed:
        st.error(failed)
    jobs.show_busy(JOB)
    if run is None:
        if not choice.methods:
            st.info(T["no_methods"])
        st.caption(T["run_note"])
        st.button(T["run"], key=f"{KEY}_run", type="primary", disabled=not choice.methods,
                  on_click=_start, args=(T, choice))
    elif run.running:
        st.button(T["stop"], key=f"{KEY}_stop", icon=":material/stop_circle:", on_click=_stop)


def _start(T: dict, choice: Choice) -> None:
    from core.train import shortcut

    if not jobs.claim(JOB):  # no slot free: the next run says so; the settings stay
        return
    try:
        pair = shortcut.start(choice.train, choice.plan)
        st.session_state[RUN] = Run(choice, pair)
    except InputError as err:
        st.session_state[START_ERROR] = T["error"].format(error=errors.message(err))
    finally:
        if current() is None:  # it did not start
            jobs.release(JOB)


def _stop() -> None:
    run = current()
    if run is not None:
        run.running = False


def live(T: dict, *, running: bool) -> None:
    """The fragment that advances the run: it reruns itself every RERUN_S while running."""

    @st.fragment(run_every=RERUN_S if running else None)
    def advance() -> None:
        run = current()
        if run is None:
            return
        over = False
        try:  # a fragment rerun is outside the page's error boundary
            over = _step(T, run)
        except InputError as err:
            _fail(T["error"].format(error=errors.message(err)))
        except Exception as err:
            LOG.exception("Internal error in the shortcut run")
            _fail(errors.internal_error_message(err))
        if over:
            st.rerun(scope="app")  # the result, the Run button, the sidebar's new models

    advance()


def _fail(message: str) -> None:
    """A run that failed ends (it is not retried at every rerun); the message is shown above
    the Run button."""
    st.session_state.pop(RUN, None)
    jobs.release(JOB)
    st.session_state[START_ERROR] = message
    st.rerun(scope="app")


def _progress(T: dict, run: Run) -> tuple[float, str]:
    """The progress bar's value and text for where the run is."""
    pair = run.pair
    if run.stage == "train":
        epoch = min(t.progress().epoch for t in pair.trainers.values())
        return pair.fraction(), T["progress_train"].format(
            epoch=i18n.integer(epoch), epochs=i18n.integer(pair.plan.config.epochs))
    total = max(1, len(run.x))
    return run.mapped / total, T["progress_maps"].format(done=i18n.integer(run.mapped),
                                                         total=i18n.integer(len(run.x)))


def _diverged(run: Run) -> bool:
    bad = next((t for t in run.pair.trainers.values() if t.diverged), None)
    if bad is not None:
        keyed = getattr(bad, "divergence", None)
        run.diverged = errors.message(keyed) if keyed is not None else bad.diverged
        run.running = False
    return bad is not None


def _step(T: dict, run: Run) -> bool:
    """Work for up to WORK_S in chunks, updating the progress bar after each one (a Stop click
    ends this fragment run at the next update: within a chunk); True once the run is over."""
    pair = run.pair
    if run.running and not jobs.claim(JOB):  # its lease lapsed (the page was left) and others
        run.running = False  # took the slots: it ends as a Stop does, with the busy warning
    deadline = time.perf_counter() + WORK_S
    bar = st.progress(*_progress(T, run))
    if run.stage == "train":
        while run.running and not pair.finished and time.perf_counter() < deadline:
            pair.run_for(CHUNK_S)
            if _diverged(run):
                break
            bar.progress(*_progress(T, run))
        if not (pair.finished or not run.running):
            return False
        _trained(T, run)
        if not run.running:
            return _finish(run)
        run.stage = "maps"
        bar.progress(*_progress(T, run))
    while run.running and run.mapped < len(run.x) and time.perf_counter() < deadline:
        _map_chunk(run)
        bar.progress(*_progress(T, run))
    if run.mapped >= len(run.x) or not run.running:
        return _finish(run)
    return False


def _trained(T: dict, run: Run) -> None:
    """Training is over (or stopped): the eval copies, the catch, both models saved, and the
    cued test images for the maps."""
    from core.data import cues
    from core.models import checkpoints
    from core.train import shortcut

    choice, pair = run.choice, run.pair
    plan = choice.plan
    run.models = {m: t.model_for_eval() for m, t in pair.trainers.items()}
    run.catch = shortcut.catch(run.models, choice.test, plan.cue, plan.target)
    target = texts.class_names([choice.train.classes[plan.target]])[0]
    stopped = not pair.finished or run.diverged is not None
    for m, trainer in pair.trainers.items():
        c = run.catch[m]
        name = T["name"].format(cue=T[f"cue_short_{plan.cue.kind}"], target=target,
                                model=T[f"model_{m}"])
        metrics = {"test_accuracy": c.accuracy, "swapped_share": c.swapped_share,
                   "reverse_share": c.reverse_share, "cued_share": c.cued_share,
                   "epochs": len(trainer.history), "seed": plan.config.seed,
                   "lr": plan.config.lr, "batch_size": plan.config.batch_size,
                   "stopped": stopped}
        if trainer.diverged:
            metrics["diverged"] = trainer.diverged
        card = shortcut.make_card(run.models[m], pair, name, m, metrics, choice.train)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "shortcut"
        directory = state.model_root() / f"{slug}-{uuid.uuid4().hex[:8]}"
        checkpoints.save_checkpoint(run.models[m], card, directory)
        run.saved[m] = (directory.name, name)
    sub, masks, _ = cues.cued_test(choice.test, plan.cue, plan.target, which=choice.which,
                                   count=choice.count)
    run.x = sub.normalize(sub.images)
    run.masks = masks.numpy()
    run.images, run.labels = sub.images, sub.labels.numpy()


def _map_chunk(run: Run) -> None:
    """Maps of the next few images by both models (about MAP_BUDGET_S of them)."""
    from core.interpret import shortcut as isc

    choice = run.choice
    first = run.mapped
    size = FIRST_CHUNK if run.per_image is None else max(1, int(MAP_BUDGET_S / run.per_image))
    last = min(first + size, len(run.x))
    start = time.perf_counter()
    part = isc.explain(run.models, run.x[first:last], run.masks[first:last],
                       target=choice.plan.target, explain=choice.explain,
                       methods=choice.methods, params=choice.params,
                       seed=first)  # image i's random map has seed i, as in one call
    run.per_image = max(1e-3, (time.perf_counter() - start) / (last - first))
    run.parts.append(part)


def combine(parts: list[Explained]) -> Explained:
    """The maps and scores of consecutive image chunks as one ``Explained``."""
    from core.interpret.shortcut import Explained
    from core.interpret.trust import Maps

    def cat(arrays):
        return np.concatenate(list(arrays))

    names = list(parts[0].maps)
    methods = parts[0].methods
    maps = {n: Maps({m: cat(p.maps[n].maps[m] for p in parts) for m in methods},
                    cat(p.maps[n].targets for p in parts),
                    {m: sum(p.maps[n].seconds[m] for p in parts) for m in methods},
                    sum(p.maps[n].done for p in parts), False) for n in names}
    mass = {n: {m: cat(p.mass[n][m] for p in parts) for m in methods} for n in names}
    pointing = {n: {m: cat(p.pointing[n][m] for p in parts) for m in methods} for n in names}
    return Explained(maps, cat(p.masks for p in parts), mass, pointing,
                     sum(p.done for p in parts), False)


def _finish(run: Run) -> bool:
    """The run becomes the stored Result."""
    from core.interpret import trust

    jobs.release(JOB)
    pair = run.pair
    done = sum(t.progress().done_steps for t in pair.trainers.values())
    total = sum(t.total_steps for t in pair.trainers.values())
    explained = combine(run.parts) if run.parts else None
    n = explained.done if explained is not None else 0
    preds = {}
    if n:
        preds = {m: trust.predictions(model, run.x[:n])[0].numpy()
                 for m, model in run.models.items()}
    st.session_state[RESULT] = Result(
        run.choice, run.catch, run.saved, (done, total),
        stopped=not pair.finished or run.diverged is not None, diverged=run.diverged,
        explained=explained, images=run.images[:n] if n else None,
        labels=run.labels[:n] if n else None, preds=preds,
        total=len(run.x) if run.x is not None else 0, seconds=time.monotonic() - run.started)
    st.session_state.pop(RUN, None)
    return True
