"""Train page, step 4: start/stop/resume a run that trains in short chunks inside a fragment.

The run (a core.train.training.Trainer that owns a private model, or for fine-tuning a
core.train.finetune.FinetuneRun, which first extracts the backbone's features) lives in
st.session_state; the fragment reruns itself every half second while the run is going and
works ~0.3 s per rerun. Settings are captured when the run starts, so changing a widget mid-run
cannot corrupt it.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import cache, charts, errors, i18n, jobs, state
from dashboard.views.train_setup import Setup, count

if TYPE_CHECKING:
    from core.train.finetune import FinetuneRun
    from core.train.training import Trainer

RUN = "train_run"
START_ERROR = "train_start_error"
CHUNK_S = 0.3  # training per fragment rerun: short enough for Stop to feel instant
JOB = "train"  # its kind under the cap on heavy jobs (dashboard.jobs)


@dataclass
class Run:
    trainer: Trainer | FinetuneRun  # owns a private model (not a shared one)
    setup: Setup
    directory: Path
    running: bool = True
    started: float = field(default_factory=time.monotonic)
    saved: str | None = None  # the model ref once saved
    test_accuracy: float | None = None
    features_reused: bool = False  # fine-tuning: the features came from the cache
    features_kept: bool = False  # fine-tuning: the features were handed to the cache

    @property
    def preparing(self) -> bool:
        """Fine-tuning before its first step: no model to save yet."""
        return self.setup.finetune is not None and self.trainer.phase in ("features", "convert")


def current() -> Run | None:
    return st.session_state.get(RUN)


def render(T: dict, setup: Setup | None) -> None:
    st.subheader(T["run_header"])
    failed = st.session_state.pop(START_ERROR, None)
    if failed:
        st.error(failed)
    jobs.show_busy(JOB)
    run = current()
    cols = st.columns(4)
    if run is None:
        cols[0].button(T["start"], key="train_start", type="primary", disabled=setup is None,
                       on_click=_start, args=(setup, T))
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
def _start(setup: Setup, T: dict) -> None:
    from core.train import training

    if not jobs.claim(JOB):  # no slot free: the next run says so; the settings stay
        return
    slug = re.sub(r"[^a-z0-9]+", "-", setup.name.lower()).strip("-")[:40] or "model"
    directory = state.model_root() / f"{slug}-{uuid.uuid4().hex[:8]}"
    try:
        if setup.finetune is not None:
            _start_finetune(T, setup, directory)
            return
        model = training.build_for(setup.arch, setup.train, setup.config, **setup.options)
        st.session_state[RUN] = Run(training.Trainer(model, setup.train, setup.config), setup,
                                    directory)
    finally:
        if current() is None:  # it did not start
            jobs.release(JOB)


def _start_finetune(T: dict, setup: Setup, directory: Path) -> None:
    """The shared ImageNet model (read-only: the run copies what it trains), the features of
    an earlier run on the same images if the cache has them, and the run."""
    from core.models import imagenet
    from core.train import finetune

    ft, weights = setup.finetune.config, setup.finetune.weights
    try:
        loaded = cache.imagenet_model(ft.arch, random=weights == "random")
    except imagenet.WeightsUnavailableError as err:
        st.session_state[START_ERROR] = T["ft_weights_error"].format(error=errors.message(err))
        return
    label = finetune.pretrained_label(ft.arch) if weights == "imagenet" else \
        finetune.RANDOM_WEIGHTS
    source = finetune.Source(loaded.model, label, loaded.model_id)
    features = None
    if ft.mode == "head":
        features = cache.finetune_features(
            finetune.features_key(source.id, ft, setup.train, setup.test))
    run = finetune.FinetuneRun(source, setup.train, setup.test, ft, features=features)
    st.session_state[RUN] = Run(run, setup, directory, features_reused=features is not None,
                                features_kept=features is not None)


@errors.boundary("training stop")
def _stop() -> None:
    run = current()
    run.running = False
    jobs.release(JOB)
    if not run.preparing:
        _save(run)


def _resume() -> None:
    if jobs.claim(JOB):  # else it stays paused, and the next run says why
        current().running = True


def _discard() -> None:
    st.session_state.pop(RUN, None)
    jobs.release(JOB)


def _how(T: dict, trainer: Trainer) -> str:
    """How the steps run: device, precision and the memory layout measured on this machine,
    beside each set-up measured (fastest first) and its time per image."""
    tuned = trainer.tuned

    def ms(seconds: float) -> str:  # three significant digits: 0.0812, 12.3; then 1,234
        value = seconds * 1e3
        return i18n.general(value, spec=".3g") if value < 999.5 else i18n.integer(round(value))

    tried = ", ".join(T["how_setup"].format(layout=s.layout, precision=s.precision,
                                            ms=ms(seconds))
                      for s, seconds in sorted(tuned.seconds_per_image.items(),
                                               key=lambda item: item[1]))
    return T["how_run"].format(device=trainer.device.type.upper(), precision=trainer.precision,
                               layout=tuned.best.layout, tried=tried)


def _save(run: Run) -> None:
    """Save the run's model (finished or stopped) with its card and snapshots; make it active."""
    from core.models import checkpoints, snapshots
    from core.train import evaluation

    trainer = run.trainer
    if run.setup.finetune is not None:
        result = trainer.result(name=run.setup.name, dataset=run.setup.dataset)
        run.test_accuracy = result.test_accuracy
        checkpoints.save_checkpoint(result.model, result.card, run.directory)
        if trainer.snapshots:
            snapshots.save_snapshots(run.directory, trainer.snapshots)
        run.saved = f"library:{run.directory.name}"
        state.request_select(run.saved, run.setup.dataset)
        return
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
    if run.running and not trainer.finished and not jobs.claim(JOB):
        _stop()  # its lease lapsed (the page was left) and others took the slots: paused
        st.rerun(scope="app")  # (saved, as a Stop does), with the busy warning
    if run.running and not trainer.finished:
        trainer.run_for(CHUNK_S)
        if run.setup.finetune is not None and trainer.features is not None \
                and not run.features_kept:
            cache.keep_finetune_features(trainer.features)
            run.features_kept = True
        if trainer.finished:
            run.running = False
            jobs.release(JOB)
            _save(run)
            st.rerun(scope="app")  # the sidebar lists the new model; stop rerunning
    p = trainer.progress()
    if run.setup.finetune is not None:
        p = _preparation(T, run, p)
    st.progress(p.done_steps / max(p.total_steps, 1), text=T["progress"].format(
        epoch=p.epoch, epochs=p.epochs, step=count(p.step),
        steps_per_epoch=count(p.steps_per_epoch), rate=i18n.integer(round(p.samples_per_s)),
        eta=_eta(p.eta_s)))
    if getattr(trainer, "tuned", None) is not None:  # a Trainer (fine-tuning measures apart)
        st.caption(_how(T, trainer))
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
    elif not run.running and run.preparing:
        prep = trainer.progress()
        st.info(T["ft_stopped_features"].format(done=count(prep.images_done),
                                                total=count(prep.images_total)))
    st.plotly_chart(charts.training_curves(trainer.history, trainer.step_losses,
                                           p.steps_per_epoch, T["loss_chart"], T["acc_chart"]),
                    key="train_curves")


def _preparation(T: dict, run: Run, p):
    """Fine-tuning's first phase (the features, or resizing for all layers) as a progress bar;
    returns the epochs' ``Progress``."""
    if run.features_reused:
        st.caption(T["ft_features_reused"])
    elif run.setup.finetune.config.mode == "head":
        st.progress(p.images_done / max(p.images_total, 1), text=T["ft_progress_features"].format(
            done=count(p.images_done), total=count(p.images_total),
            rate=i18n.number(p.images_per_s, 1), eta=_eta(p.prepare_eta_s)))
    else:
        st.progress(p.images_done / max(p.images_total, 1), text=T["ft_progress_resize"].format(
            done=count(p.images_done), total=count(p.images_total)))
    return p.train


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
