"""Coarse-to-fine style transfer (Gatys et al. 2017, section 6): stylise at a low resolution,
upsample the result, and refine it at the next, up to the output size.

Each stage is a `core.style.transfer.StyleTransfer` at its own size (the content, the style
and their targets resized to it), started from the previous stage's result upsampled
bilinearly. A stage at half the side costs a quarter of the evaluation, and the large
structures it settles need not be found again at full size: far fewer full-size evaluations
reach the same loss, and the style's textures keep their scale in a large output.

`CoarseToFine` runs the stages in resumable chunks with the interface of ``StyleTransfer``
(``step``, ``run_for``, ``run_steps``, ``progress``, ``image``, ``history``, ``snapshots``,
``finished``, ``diverged``); the next stage is built when the previous one finishes. Before
anything runs, the largest stage's peak memory is checked against the budget
(``core.style.memory``), so a run that cannot fit is refused at once, not after its small
stages.

Gatys, Ecker, Bethge, Hertzmann & Shechtman (2017), "Controlling Perceptual Factors in Neural
Style Transfer", CVPR 2017, https://arxiv.org/abs/1611.07865
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image
from torch import Tensor, nn

from core.checks import InputError
from core.runtime import accel
from core.style import memory
from core.style.transfer import (
    MAX_SNAPSHOTS,
    MAX_STEPS,
    Chunked,
    Progress,
    StepLosses,
    StyleConfig,
    StyleTransfer,
    check_size,
    output_size,
    png_bytes,
    to_uint8,
)

__all__ = ["CoarseToFine", "Stage", "StageProgress", "StageResult", "plan"]


@dataclass(frozen=True)
class Stage:
    """One stage of the pyramid."""

    index: int  # 0 = the coarsest
    side: int  # the longer side in px
    size: tuple[int, int]  # (H, W), the content's aspect ratio
    steps: int


@dataclass(frozen=True)
class StageResult:
    stage: Stage
    steps_done: int
    image: np.ndarray  # (H, W, 3) uint8 at the stage's size
    loss: float  # the last total loss
    final: Tensor  # the last good optimised image (transfer.StyleTransfer.current)


@dataclass(frozen=True)
class StageProgress(Progress):
    stage: int = 0  # the stage running (or the last one)
    stages: int = 1
    stage_done: int = 0  # steps of this stage
    stage_steps: int = 0


def plan(content: Image.Image, config: StyleConfig) -> list[Stage]:
    """The stages of ``config`` for ``content``: sides halving down from ``config.size``, each
    (H, W) with the content's aspect ratio (rounded per stage, so a stage is within a pixel of
    twice the one before)."""
    return [Stage(k, side, output_size(content, side), steps)
            for k, (side, steps) in enumerate(config.stages())]


class CoarseToFine(Chunked):
    """The stages of ``config.stage_steps`` then the output size, one after the other.

    Attributes:
        stages: the planned `Stage` list; ``results``: a `StageResult` per finished stage.
        history: every evaluation's ``StepLosses``, numbered across stages, with its stage.
        snapshots: (step, image) across stages (each at its stage's size), thinned.
        finished, diverged: as in ``StyleTransfer``; a stage that diverges ends the run, its
            last good image kept.
        memory: the largest stage's ``MemoryEstimate``; device, precision as resolved.
    Calls are serialised by a lock, so overlapping Streamlit reruns cannot interleave steps.
    """

    def __init__(self, features: nn.Sequential, content: Image.Image, style: Image.Image,
                 config: StyleConfig, *, style2: Image.Image | None = None) -> None:
        if not isinstance(config, StyleConfig):
            raise InputError(f"config must be a StyleConfig, got {type(config).__name__}",
                             "style_config_type", value=type(config).__name__)
        self.config = config
        self.stages = plan(content, config)
        self._chunk_limit = MAX_STEPS * len(self.stages)
        self.device = accel.resolve_device(config.device)
        self.precision = accel.resolve_precision(config.precision, self.device)
        check_size(config.size, self.device)
        last = self.stages[-1]
        self.memory = memory.estimate(self._stage_config(last), last.size,
                                      precision=self.precision)
        memory.check(self.memory, self.device)  # before the small stages spend any time
        self._features, self._content, self._style, self._style2 = (
            features, content, style, style2)
        self._lock = threading.RLock()
        self.results: list[StageResult] = []
        self.history: list[StepLosses] = []
        self.snapshots: list[tuple[int, np.ndarray]] = []
        self.diverged: str | None = None
        self.finished = False
        self._seconds = 0.0
        self._pixel_seconds: float | None = None  # seconds per step per pixel, measured
        self.current = self._build(self.stages[0], None)
        self.snapshots.append((0, self.current.image()))

    # ----------------------------------------------------------------------- stages
    def _stage_config(self, stage: Stage) -> StyleConfig:
        return replace(self.config, size=stage.side, steps=stage.steps, stage_steps=())

    def _build(self, stage: Stage, start: Tensor | None) -> StyleTransfer:
        self.stage = stage
        return StyleTransfer(self._features, self._content, self._style,
                             self._stage_config(stage), style2=self._style2, start=start)

    def _finish_stage(self) -> None:
        tr = self.current
        done = len(tr.history)
        loss = tr.history[-1].total if tr.history else float("nan")
        final = tr.current()
        self.results.append(StageResult(self.stage, done, tr.image(), loss, final))
        if tr.diverged:
            self.diverged = f"stage {self.stage.index + 1} ({self.stage.side} px): {tr.diverged}"
        if tr.diverged or self.stage.index == len(self.stages) - 1:
            self.finished = True
            return
        self.current = None  # the finished stage's network and optimiser go first
        del tr
        self.current = self._build(self.stages[self.stage.index + 1], final)

    # ----------------------------------------------------------------------- public calls
    def step(self) -> StepLosses | None:
        """One evaluation of the current stage; None when finished."""
        with self._lock:
            if self.finished:
                return None
            start = time.perf_counter()
            record = self.current.step()
            elapsed = time.perf_counter() - start
            if record is not None:
                n = len(self.history) + 1
                record = replace(record, step=n, stage=self.stage.index)
                self.history.append(record)
                self._seconds += elapsed
                h, w = self.stage.size
                self._pixel_seconds = elapsed / (h * w) if self._pixel_seconds is None else (
                    0.8 * self._pixel_seconds + 0.2 * elapsed / (h * w))
                if self.current.snapshots[-1][0] == len(self.current.history):
                    self._snapshot(n, self.current.snapshots[-1][1])
            if self.current.finished:
                self._finish_stage()
            return record

    def progress(self) -> StageProgress:
        done = len(self.history)
        total = self.config.total_steps()
        per = self._seconds / done if done else 0.0
        eta = 0.0
        if not self.finished and self._pixel_seconds is not None:
            # the steps left of each stage, at the time per pixel measured so far
            stage_left = self.stage.steps - len(self.current.history)
            h, w = self.stage.size
            eta = stage_left * self._pixel_seconds * h * w + sum(
                s.steps * self._pixel_seconds * s.size[0] * s.size[1]
                for s in self.stages[self.stage.index + 1:])
        return StageProgress(done, total, per, eta, self.history[-1] if self.history else None,
                             stage=self.stage.index, stages=len(self.stages),
                             stage_done=len(self.current.history), stage_steps=self.stage.steps)

    def image_tensor(self) -> Tensor:
        """The current (last good) image, (1, 3, H, W) float in [0, 1] at the current stage's
        size, on the CPU."""
        return self.current.image_tensor()

    def image(self) -> np.ndarray:
        return to_uint8(self.image_tensor())

    def png(self) -> bytes:
        return png_bytes(self.image())

    def _snapshot(self, step: int, image: np.ndarray) -> None:
        self.snapshots.append((step, image))
        if len(self.snapshots) > MAX_SNAPSHOTS:  # keep the first, every other one, the last
            self.snapshots = self.snapshots[:-1:2] + self.snapshots[-1:]
