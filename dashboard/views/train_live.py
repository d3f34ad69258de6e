"""Train page, step 4: start/stop/resume a run that trains in short chunks inside a fragment.

The run (a core.train.training.Trainer that owns a private model) lives in st.session_state; the
fragment reruns itself every half second while the run is going and trains ~0.3 s per rerun.
Settings are captured when the run starts, so changing a widget mid-run cannot corrupt it.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import charts, errors, i18n, state
from dashboard.views.train_setup import Setup, count

if TYPE_CHECKING:
    from core.train.training import Trainer

RUN = "train_run"
CHUNK_S = 0.3  # training per fragment rerun: short enough for Stop to feel instant


@dataclass
class Run:
    trainer: Trainer  # owns a private model (not a shared one)
    setup: Setup
    directory: Path
    running: bool = True
    started: float = field(default_factory=time.monotonic)
    saved: str | None = None  # the model ref once saved
    test_accuracy: float | None = None


def current() -> Run | None:
    return st.session_state.get(RUN)


def render(T: dict, setup: Setup | None) -> None:
    st.subheader(T["run_header"])
    run = current()
    cols = st.columns(4)
    if run is None:
        cols[0].button(T["start"], key="train_start", type="primary", disabled=setup is None,
                       on_click=_start, args=(setup,))
    else:
        finished = run.trainer.finished
        if run.running:
            cols[0].button(T["stop"], key="train_stop", on_click=_stop)
        elif not finished:
            cols[0].button(T["resume"], key="train_resume", type="primary", on_click=_resume)
        cols[1].button(T["discard"], key="train_discard", on_click=_discard,
                       disabled=run.running)
        if run.saved and not run.running:
            from core.models import checkpoints

            cols[2].download_button(T["download"], checkpoints.export_zip(run.directory),
                                    file_name=f"{run.directory.name}.zip",
                                    mime="application/zip", key="train_download")
        st.caption(T["running_note"])
    _live(T, running=run is not None and run.running)


@errors.boundary("training start")
def _start(setup: Setup) -> None:
    from core.train import training

    model = training.build_for(setup.arch, setup.train, setup.config, **setup.options)
    slug = re.sub(r"[^a-z0-9]+", "-", setup.name.lower()).strip("-")[:40] or "model"
    directory = state.model_root() / f"{slug}-{uuid.uuid4().hex[:8]}"
    st.session_state[RUN] = Run(training.Trainer(model, setup.train, setup.config), setup,
                                directory)


@errors.boundary("training stop")
def _stop() -> None:
    run = current()
    run.running = False
    _save(run)


def _resume() -> None:
    current().running = True


def _discard() -> None:
    st.session_state.pop(RUN, None)


def _save(run: Run) -> None:
    """Save the run's model (finished or stopped) with its card and snapshots; make it active."""
    from core.models import checkpoints, snapshots
    from core.train import evaluation

    trainer = run.trainer
    model = trainer.model_for_eval()
    ev = evaluation.evaluate(model, run.setup.test)
    run.test_accuracy = ev.accuracy
    history = trainer.history
    metrics = {
        "test_accuracy": ev.accuracy,
        "val_accuracy": history[-1].val_accuracy if history else None,
        "train_accuracy": history[-1].train_accuracy if history else None,
        "epochs": len(history),
        "seconds": round(time.monotonic() - run.started, 1),
        "optimizer": run.setup.config.optimizer,
        "lr": run.setup.config.lr,
        "batch_size": run.setup.config.batch_size,
        "seed": run.setup.config.seed,
        "diverged": trainer.diverged,
    }
    card = evaluation.make_card(model, arch=run.setup.arch, options=run.setup.options,
                              train_set=run.setup.train, name=run.setup.name,
                              metrics={k: v for k, v in metrics.items() if v is not None})
    checkpoints.save_checkpoint(model, card, run.directory)
    snapshots.save_snapshots(run.directory, trainer.snapshots)
    run.saved = f"library:{run.directory.name}"
    state.request_select(run.saved, run.setup.dataset)


def _step_and_show(T: dict, run: Run) -> None:
    """Train a chunk when running, then the progress, the outcome and the live curves."""
    trainer = run.trainer
    if run.running and not trainer.finished:
        trainer.run_for(CHUNK_S)
        if trainer.finished:
            run.running = False
            _save(run)
            st.rerun(scope="app")  # the sidebar lists the new model; stop rerunning
    p = trainer.progress()
    st.progress(p.done_steps / max(p.total_steps, 1), text=T["progress"].format(
        epoch=p.epoch, epochs=p.epochs, step=count(p.step),
        steps_per_epoch=count(p.steps_per_epoch), rate=i18n.integer(round(p.samples_per_s)),
        eta=_eta(p.eta_s)))
    if trainer.diverged:
        st.error(_diverged(T, run))
    elif trainer.finished and run.saved:
        n = len(trainer.history)
        st.success(T["finished"].format(
            acc=i18n.percent(run.test_accuracy or 0.0),
            epochs=T["one_epoch"] if n == 1 else T["n_epochs"].format(n=n),
            seconds=i18n.number(time.monotonic() - run.started, 1), name=run.setup.name))
    elif not run.running and run.saved:
        st.info(T["stopped"].format(done=count(p.done_steps), total=count(p.total_steps),
                                    name=run.setup.name))
    st.plotly_chart(charts.training_curves(trainer.history, trainer.step_losses,
                                           p.steps_per_epoch, T["loss_chart"], T["acc_chart"]),
                    key="train_curves")


def _diverged(T: dict, run: Run) -> str:
    """Where and why the run diverged, in the page's language: the trainer's ``divergence``
    is keyed for a translation (``core.checks.Keyed``); ``diverged`` is its English sentence."""
    trainer = run.trainer
    keyed = getattr(trainer, "divergence", None)
    message = errors.message(keyed) if keyed is not None else trainer.diverged
    return T["diverged"].format(message=message[:1].upper() + message[1:])


def _eta(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _live(T: dict, *, running: bool) -> None:
    @st.fragment(run_every=0.5 if running else None)
    def live() -> None:
        run = current()
        if run is None:
            return
        with errors.boundary("training run"):  # a fragment rerun is outside the page's
            _step_and_show(T, run)

    live()
