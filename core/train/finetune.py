"""Fine-tune an ImageNet model on your own images: transfer learning, the most common way CNNs
are used.

A torchvision classifier (``core.models.archs.TORCHVISION_ARCHS``), pretrained on ImageNet where
its weights file is present (``core.models.imagenet``), gets a new final layer with one output
per class of the user's dataset. Then either

* ``mode="head"``, train only the new last layer. Everything before it (the *backbone*) stays
  frozen in eval mode, so its output for an image never changes: ``backbone_features`` runs each
  image through it once and the new layer is trained on those cached feature vectors. An epoch
  then costs milliseconds instead of a forward pass of every image, and the result is the same
  as training the whole network with only its last layer trainable (tests/core/test_finetune.py
  checks it against that naive loop). Razavian et al. (2014), "CNN Features off-the-shelf: an
  Astounding Baseline for Recognition", https://arxiv.org/abs/1403.6382
* ``mode="all"``, train every layer, starting from the pretrained weights, with the lab's normal
  loop (``core.train.training.Trainer``) on a private deep copy. Yosinski et al. (2014), "How
  transferable are features in deep neural networks?", https://arxiv.org/abs/1411.1792

The source model is shared and read-only (the dashboard's ImageNet models serve every session):
the features come from a private copy of its module tree that shares its frozen tensors, the
trained weights from a private deep copy; the source is never trained, hooked or switched.

``FinetuneRun`` works in resumable chunks like ``Trainer`` (``run_for``), so the Train page can
draw the progress of the feature extraction and of the epochs between chunks and stop at any
time. Images reach the network through ``core.data.fit``: grey becomes RGB and any size becomes
the chosen input size, normalised with ImageNet's mean/std. Randomness (the new layer's
initial weights, the split, the shuffles) comes from the seed alone, as in ``Trainer``.
"""

from __future__ import annotations

import copy
import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.checks import InputError, check_bool, check_choice, check_int, is_real
from core.data import datasets
from core.data.fit import fit_input
from core.models import cards, imagenet
from core.models.archs import TORCHVISION_ARCHS
from core.runtime import accel, graph
from core.train.backbone import (
    FEATURE_BATCH,
    MAX_IMAGE_SIZE,
    ExtractionStopped,
    Extractor,
    Features,
    assemble,
    backbone_features,
    feature_shape,
    head_name,
    new_head,
    replace,
    tail,
)
from core.train.training import (
    DivergedError,
    EpochRecord,
    Progress,
    TrainConfig,
    Trainer,
    _generator,
    _mix,
    divergence,
    make_optimizer,
    stratified_split,
)

__all__ = [  # the backbone's names are re-exported: fine-tuning in one import
    "backbone_features",
    "Cost",
    "estimate_cost",
    "ExtractionStopped",
    "FEATURE_BATCH",
    "feature_shape",
    "Features",
    "features_key",
    "FinetuneConfig",
    "FinetuneProgress",
    "FinetuneResult",
    "FinetuneRun",
    "head_name",
    "MODES",
    "pretrained_label",
    "RANDOM_WEIGHTS",
    "Source",
    "source_model",
]

MODES = ("head", "all")
CONVERT_BATCH = 256  # images resized per chunk in "all" mode
MAX_FEATURE_BYTES = 2 * 1024**3  # cached features of a run (train + test splits)
MAX_CONVERTED_BYTES = 2 * 1024**3  # "all" mode: the training images at the input size, uint8
RANDOM_WEIGHTS = "random weights"  # what a card's "finetuned_from" says without ImageNet weights
EVAL_BATCH = 64


def pretrained_label(arch: str) -> str:
    """What a card's "finetuned_from" says for ImageNet weights, e.g. "resnet18 (ImageNet)"."""
    return f"{arch} (ImageNet)"


# --------------------------------------------------------------------------- configuration
@dataclass
class FinetuneConfig:
    """How to fine-tune; filled from the Train page's widgets or the command line."""

    arch: str = "resnet18"  # a key of TORCHVISION_ARCHS
    mode: str = "head"  # "head": train only the new last layer; "all": train every layer
    pretrained: bool = True  # start from the ImageNet weights (else random ones)
    image_size: int = 224  # input side in px (images are resized to it)
    epochs: int = 10
    batch_size: int = 32
    optimizer: str = "adam"  # "adam" | "sgd"
    lr: float = 1e-3
    momentum: float = 0.9  # SGD only
    nesterov: bool = False  # SGD only
    weight_decay: float = 0.0
    val_fraction: float = 0.1  # share of each class held out for validation, 0..0.5
    seed: int = 0  # the new layer's initial weights, split, shuffling, augmentation
    augment: bool = False  # "all" mode only: the cached features of "head" mode cannot change
    device: str = "cpu"  # "cpu" | "cuda" | "auto"
    precision: str = "fp32"  # "fp32" | "bf16" | "auto" (bf16 where the device has it natively)

    def __post_init__(self) -> None:
        check_choice("arch", self.arch, tuple(TORCHVISION_ARCHS))
        check_choice("mode", self.mode, MODES)
        check_bool("pretrained", self.pretrained)
        check_int("image_size", self.image_size, TORCHVISION_ARCHS[self.arch].min_size,
                  MAX_IMAGE_SIZE, where=f" for {self.arch}")
        check_bool("augment", self.augment)
        if self.augment and self.mode == "head":
            raise InputError("augment needs mode 'all': in mode 'head' every image's features "
                             "are computed once, so random crops and flips cannot change them",
                             "finetune_augment_head")
        self.train_config()  # the optimiser and schedule checks

    def train_config(self) -> TrainConfig:
        """The same settings as a ``TrainConfig`` (its checks raise keyed InputErrors)."""
        return TrainConfig(epochs=self.epochs, batch_size=self.batch_size,
                           optimizer=self.optimizer, lr=self.lr, momentum=self.momentum,
                           nesterov=self.nesterov, weight_decay=self.weight_decay,
                           val_fraction=self.val_fraction, seed=self.seed, augment=self.augment,
                           device=self.device, precision=self.precision)


@dataclass(frozen=True, eq=False)
class Source:
    """The network fine-tuning starts from."""

    model: nn.Module  # shared and read-only: never trained, hooked or switched to train()
    finetuned_from: str  # pretrained_label(arch) or RANDOM_WEIGHTS, for the card
    id: str  # names these weights in features_key, e.g. "imagenet-resnet18"


def source_model(config: FinetuneConfig, *, download: bool = False) -> Source:
    """The ImageNet model of ``config.arch`` (``config.pretrained``), else random weights
    drawn from ``config.seed``.

    Raises ``imagenet.WeightsUnavailableError`` when the weights file is absent (and
    ``download`` is off or fails): the caller decides whether to fall back to random weights,
    and says so.
    """
    if config.pretrained:
        model = imagenet.load_imagenet(config.arch, download=download)
        return Source(model, pretrained_label(config.arch), f"imagenet-{config.arch}")
    model = imagenet.random_imagenet(config.arch, seed=config.seed)
    return Source(model, RANDOM_WEIGHTS, f"imagenet-{config.arch}-random-{config.seed}")


def _digest(tensor: Tensor) -> bytes:
    return hashlib.blake2b(tensor.contiguous().numpy().data, digest_size=16).digest()


def features_key(source_id: str, config: FinetuneConfig, train: datasets.Dataset,
                 test: datasets.Dataset) -> str:
    """What backbone features depend on: the weights, the input size, the precision and the
    images themselves (hashed), so a cache can reuse them across runs (other epochs, learning
    rates, seeds)."""
    device = accel.resolve_device(config.device)
    precision = accel.resolve_precision(config.precision, device)
    h = hashlib.blake2b(repr((source_id, config.arch, config.image_size, precision,
                              device.type)).encode(), digest_size=16)
    for split in (train, test):
        h.update(_digest(split.images))
    return h.hexdigest()


# --------------------------------------------------------------------------- cost
@dataclass(frozen=True)
class Cost:
    """What a run will compute, stated before it starts."""

    forward: int  # forward passes of one image through the whole network
    backward: int  # backward passes of one image through the whole network
    gflop: float  # about: forward ~ the weights' GFLOPS (torchvision) x (S/224)^2, backward ~2x
    epochs_cheap: bool  # True in "head" mode: the epochs train only the last layer


def estimate_cost(config: FinetuneConfig, n_train: int, n_test: int, *,
                  n_val: int | None = None) -> Cost:
    """The forward and backward passes of a run.

    Args:
        n_train: the train split (validation images included); n_test: the test split.
        n_val: the validation images (``len(stratified_split(...)[1])``); None: estimated from
            ``config.val_fraction`` (the split rounds per class).
    """
    check_int("n_train", n_train, 0)
    check_int("n_test", n_test, 0)
    if n_val is None:
        n_val = min(max(n_train - 1, 0), math.floor(n_train * config.val_fraction + 0.5))
    check_int("n_val", n_val, 0, max(n_train - 1, 0))
    ops = float(imagenet.IMAGENET_MODELS[config.arch].weights.meta["_ops"])
    ops *= (config.image_size / 224) ** 2
    if config.mode == "head":
        forward, backward = n_train + n_test, 0
    else:
        forward = config.epochs * n_train + n_test  # training steps + validation, then the test
        backward = config.epochs * (n_train - n_val)
    return Cost(forward, backward, ops * (forward + 2 * backward), config.mode == "head")


# --------------------------------------------------------------------------- the run
@dataclass(frozen=True)
class FinetuneProgress:
    """Where a run stands: the preparation (features or resized images), then the epochs."""

    phase: str  # "features" | "convert" (resizing for "all") | "train" | "done"
    images_done: int  # images through the backbone (or resized) so far
    images_total: int
    images_per_s: float  # of the preparation (0.0 before its first batch)
    prepare_eta_s: float  # seconds left for the preparation (0.0 when done)
    train: Progress  # the epochs (nothing done before the phase "train")


@dataclass(frozen=True, eq=False)
class FinetuneResult:
    model: nn.Module  # private, CPU, eval: the source's network with the trained final layer
    card: cards.ModelCard
    test_accuracy: float | None  # None when the test split is empty


class FinetuneRun:
    """Fine-tunes in resumable chunks; on the CPU, the same seed gives the same weights.

    Attributes (read them between calls): ``phase``; ``history`` (one ``EpochRecord`` per
    finished epoch); ``step_losses``; ``snapshots`` (first-conv weights per epoch, "all" mode);
    ``finished``; ``diverged`` / ``divergence`` as in ``Trainer``; ``features`` once extracted
    ("head" mode: hand them to a cache, see ``features_key``); ``train_indices`` /
    ``val_indices``; ``head`` ("head" mode: the new last layer being trained).
    Calls are serialised by a lock.
    """

    def __init__(self, source: Source, train: datasets.Dataset, test: datasets.Dataset,
                 config: FinetuneConfig, *, features: Features | None = None) -> None:
        """Check everything, split off the validation images and build the new last layer.

        Args:
            source: the network to start from (never modified).
            train, test: the user's dataset (any channels and size; uint8, never modified).
            features: backbone features from an earlier run with the same ``features_key``
                (ignored if the key differs): "head" mode then starts training at once.
        """
        if not isinstance(config, FinetuneConfig):
            raise InputError(f"config must be a FinetuneConfig, got {type(config).__name__}",
                             "finetune_config_type", value=type(config).__name__)
        if len(train.classes) < 2:
            raise InputError(f"fine-tuning needs at least 2 classes, got {len(train.classes)}",
                             "finetune_classes", count=len(train.classes))
        self.config, self.source = config, source
        self.train_set, self.test_set = train, test
        self.train_config = config.train_config()
        self.device = accel.resolve_device(config.device)
        self.precision = accel.resolve_precision(config.precision, self.device)
        size = config.image_size
        self.fit = fit_input(train.image_shape, (3, size, size), mean=imagenet.IMAGENET_MEAN,
                             std=imagenet.IMAGENET_STD)
        self.train_indices, self.val_indices = stratified_split(
            train.labels, config.val_fraction, config.seed)
        if len(self.train_indices) == 0:
            raise InputError("the training set is empty; it needs at least one image",
                             "training_set_empty")
        self.steps_per_epoch = math.ceil(len(self.train_indices) / config.batch_size)
        self.total_steps = self.steps_per_epoch * config.epochs
        self.shape = feature_shape(config.arch, size)
        self._lock = threading.RLock()
        self._started = time.perf_counter()
        self._prepared = 0  # images through the backbone / resized
        self._prepare_seconds = 0.0
        self.features: Features | None = None
        self.history: list[EpochRecord] = []
        self.step_losses: list[float] = []
        self.diverged: str | None = None
        self.divergence: DivergedError | None = None
        self._trainer: Trainer | None = None
        if config.mode == "head":
            self._init_head(features)
        else:
            self._init_all()

    # ----------------------------------------------------------------------- setup
    def _init_head(self, features: Features | None) -> None:
        n = len(self.train_set) + len(self.test_set)
        nbytes = n * math.prod(self.shape) * 4
        if nbytes > MAX_FEATURE_BYTES:
            raise InputError(
                f"the features of {n} images at {self.config.image_size} px would take "
                f"{nbytes / 2**20:.0f} MB, more than {MAX_FEATURE_BYTES // 2**20} MB; use a "
                "smaller image size or fewer images", "finetune_features_too_large",
                images=n, size=self.config.image_size, megabytes=round(nbytes / 2**20),
                limit=MAX_FEATURE_BYTES // 2**20)
        self.key = features_key(self.source.id, self.config, self.train_set, self.test_set)
        old = self.source.model.get_submodule(head_name(self.config.arch))
        gen = torch.Generator().manual_seed(_mix(self.config.seed, "head"))
        self.head = new_head(old, len(self.train_set.classes), gen)
        self._net = tail(self.source.model, self.config.arch, self.head, self.shape)
        self._optimizer = make_optimizer(self.head, self.train_config)
        self._before: tuple[dict, dict] | None = None  # head + optimizer before the last update
        self._done = 0
        self._epoch_loss = self._epoch_seconds = self._train_seconds = self._elapsed = 0.0
        self._epoch_correct = 0
        self._order: tuple[int, Tensor] | None = None
        self._extractor: Extractor | None = None
        self._chunks: list[Tensor] = []
        self._rate = 0.0
        if features is not None and features.key == self.key:
            self._use(features)
        else:
            self.phase = "features"

    def _init_all(self) -> None:
        nbytes = len(self.train_set) * 3 * self.config.image_size ** 2
        if nbytes > MAX_CONVERTED_BYTES:
            raise InputError(
                f"{len(self.train_set)} training images at {self.config.image_size} px would "
                f"take {nbytes / 2**20:.0f} MB, more than {MAX_CONVERTED_BYTES // 2**20} MB; use "
                "a smaller image size, fewer images or mode 'head'", "finetune_images_too_large",
                images=len(self.train_set), size=self.config.image_size,
                megabytes=round(nbytes / 2**20), limit=MAX_CONVERTED_BYTES // 2**20)
        self.key = None
        self.head = None
        self._converted: list[Tensor] = []
        self.phase = "convert"

    def _use(self, features: Features) -> None:
        self.features = features
        self._train_feats = features.train  # (N, D), read only
        self._labels = self.train_set.labels
        self._prepared = len(self.train_set) + len(self.test_set)
        self.phase = "train"

    # ----------------------------------------------------------------------- public calls
    @property
    def finished(self) -> bool:
        return self.phase == "done"

    @property
    def snapshots(self) -> list[tuple[int, dict[str, Tensor]]]:
        return self._trainer.snapshots if self._trainer is not None else []

    def order(self, epoch: int) -> Tensor:
        """Dataset indices of the training images in the order of ``epoch``'s steps (0-based),
        as ``Trainer`` shuffles them."""
        check_int("epoch", epoch, 0)
        perm = torch.randperm(len(self.train_indices),
                              generator=_generator(self.config.seed, "shuffle", epoch))
        return self.train_indices[perm]

    def run_for(self, seconds: float) -> FinetuneProgress:
        """Work for about ``seconds`` (at least one batch unless finished); see ``progress``.

        The feature extraction then uses batches of at most ``FEATURE_BATCH`` images sized to
        fit the chunk, so Stop is quick even for a slow network (features agree to ~1e-6 with
        any batching).
        """
        if not (is_real(seconds) and seconds >= 0):
            raise InputError(f"seconds must be a finite number >= 0, got {seconds!r}",
                             "number_min", name="seconds", value=seconds, low=0)
        with self._lock:
            start = time.perf_counter()
            while not self.finished:
                left = seconds - (time.perf_counter() - start)
                self._advance(left)
                if time.perf_counter() - start >= seconds:
                    break
            return self.progress()

    def run(self, progress: Callable[[FinetuneProgress], None] | None = None) -> list[EpochRecord]:
        """Work to the end (or a divergence), calling ``progress`` after every batch or step;
        the features in batches of ``FEATURE_BATCH``."""
        with self._lock:
            while not self.finished:
                self._advance(None)
                if progress is not None:
                    progress(self.progress())
            return self.history

    def progress(self) -> FinetuneProgress:
        total = len(self.train_set) + (len(self.test_set) if self.config.mode == "head" else 0)
        rate = self._prepared / self._prepare_seconds if self._prepare_seconds > 0 else 0.0
        left = total - self._prepared
        eta = left / rate if rate > 0 and left > 0 else 0.0
        return FinetuneProgress(self.phase, self._prepared, total, rate, eta,
                                self._train_progress())

    # ----------------------------------------------------------------------- the phases
    def _advance(self, budget: float | None) -> None:
        if self.phase == "features":
            self._extract_some(budget)
        elif self.phase == "convert":
            self._convert_some()
        elif self._trainer is not None:
            if budget is None:
                self._trainer.run_steps(1)
            else:
                self._trainer.run_for(max(budget, 0.0))
            self.history, self.step_losses = self._trainer.history, self._trainer.step_losses
            self.diverged, self.divergence = self._trainer.diverged, self._trainer.divergence
            if self._trainer.finished:
                self.phase = "done"
        else:
            self._head_step()

    def _extract_some(self, budget: float | None) -> None:
        start = time.perf_counter()
        if self._extractor is None:
            self._extractor = Extractor(self.source.model, self.config.arch, self.fit,
                                         self.device, self.precision)
        n_train, done = len(self.train_set), self._prepared
        if budget is None:
            size = FEATURE_BATCH
        elif self._rate <= 0:
            size = min(4, FEATURE_BATCH)  # a first, small batch measures the speed
        else:
            size = max(1, min(FEATURE_BATCH, int(budget * self._rate)))
        if done < n_train:  # train split first, then the test split; never both in one batch
            images = self.train_set.images[done:min(done + size, n_train)]
        else:
            images = self.test_set.images[done - n_train:done - n_train + size]
        self._chunks.append(self._extractor(images))
        seconds = time.perf_counter() - start
        self._prepared += len(images)
        self._prepare_seconds += seconds
        self._rate = self._prepared / self._prepare_seconds
        if self._prepared == n_train + len(self.test_set):
            feats = torch.cat(self._chunks)  # (N + M, D)
            self._chunks, self._extractor = [], None
            self._use(Features(feats[:n_train], feats[n_train:], self.shape, self.key,
                               self._prepare_seconds))

    def _convert_some(self) -> None:
        start = time.perf_counter()
        done = self._prepared
        batch = self.train_set.images[done:done + CONVERT_BATCH]
        self._converted.append(self.fit.pixels(batch))  # (B, 3, S, S) uint8
        self._prepared += len(batch)
        self._prepare_seconds += time.perf_counter() - start
        if self._prepared == len(self.train_set):
            images = torch.cat(self._converted)
            self._converted = []
            resized = datasets.Dataset(self.train_set.name, "train", images,
                                       self.train_set.labels, self.train_set.classes,
                                       imagenet.IMAGENET_MEAN, imagenet.IMAGENET_STD)
            model = copy.deepcopy(self.source.model).requires_grad_(True)
            old = model.get_submodule(head_name(self.config.arch))
            gen = torch.Generator().manual_seed(_mix(self.config.seed, "head"))
            replace(model, head_name(self.config.arch),
                     new_head(old, len(self.train_set.classes), gen))
            self._trainer = Trainer(model, resized, self.train_config)
            self.phase = "train"

    # ----------------------------------------------------------------------- "head" mode
    def _positions(self, step: int) -> Tensor:
        epoch, b = divmod(step, self.steps_per_epoch)
        if self._order is None or self._order[0] != epoch:
            self._order = (epoch, self.order(epoch))
        size = self.config.batch_size
        return self._order[1][b * size:(b + 1) * size]

    def _head_step(self) -> None:
        step = self._done
        start = time.perf_counter()
        idx = self._positions(step)
        x, y = self._train_feats[idx], self._labels[idx]  # (B, D), (B,)
        self._net.train()
        with graph.shared_forward():
            logits = self._net(x)  # (B, K)
        loss = F.cross_entropy(logits, y)
        self._optimizer.zero_grad(set_to_none=True)
        loss.backward()
        value = float(loss.detach())
        if not math.isfinite(value):
            self._diverge(step, value)
            return
        self._before = ({k: v.clone() for k, v in self.head.state_dict().items()},
                        copy.deepcopy(self._optimizer.state_dict()))
        self._optimizer.step()
        seconds = time.perf_counter() - start
        self._done = step + 1
        self.step_losses.append(value)
        self._epoch_loss += value * len(idx)
        self._epoch_correct += int((logits.argmax(1) == y).sum())
        self._epoch_seconds += seconds
        self._train_seconds += seconds
        self._elapsed += seconds
        if self._done % self.steps_per_epoch == 0:
            self._end_epoch()
        if self._done == self.total_steps:
            self.phase = "done"

    @torch.no_grad()
    def _logits(self, feats: Tensor) -> Tensor:
        self._net.eval()
        with graph.shared_forward():
            return torch.cat([self._net(feats[i:i + 4096]) for i in range(0, len(feats), 4096)]) \
                if len(feats) else torch.empty(0, len(self.train_set.classes))

    def _end_epoch(self) -> None:
        start = time.perf_counter()
        n = len(self.train_indices)
        val_loss = val_acc = None
        if len(self.val_indices):
            logits = self._logits(self._train_feats[self.val_indices])
            y = self._labels[self.val_indices]
            val_loss = float(F.cross_entropy(logits, y))
            val_acc = float((logits.argmax(1) == y).float().mean())
        seconds = time.perf_counter() - start
        self._elapsed += seconds
        self.history.append(EpochRecord(
            epoch=self._done // self.steps_per_epoch, train_loss=self._epoch_loss / n,
            train_accuracy=self._epoch_correct / n, val_loss=val_loss, val_accuracy=val_acc,
            seconds=self._epoch_seconds + seconds))
        self._epoch_loss = self._epoch_seconds = 0.0
        self._epoch_correct = 0

    def _diverge(self, step: int, loss: float) -> None:
        """Stop at a non-finite loss, keeping the last finite weights (as ``Trainer`` does)."""
        finite = all(torch.isfinite(p).all() for p in self.head.parameters())
        bad = step if finite or self._before is None else step - 1
        if bad < step:
            self.head.load_state_dict(self._before[0])
            self._optimizer.load_state_dict(self._before[1])
            del self.step_losses[bad:]
            self.history = [h for h in self.history if h.epoch <= bad // self.steps_per_epoch]
        self._done = bad
        self.phase = "done"
        self.divergence = divergence(bad, step, self.steps_per_epoch, loss, self.config.lr)
        self.diverged = str(self.divergence)

    def _train_progress(self) -> Progress:
        spe = self.steps_per_epoch
        if self._trainer is not None:
            return self._trainer.progress()
        done = self._done if self.config.mode == "head" else 0
        epoch = (done - 1) // spe + 1 if done else 1
        samples = (done // spe) * len(self.train_indices) + min(
            (done % spe) * self.config.batch_size, len(self.train_indices))
        train_s = self._train_seconds if self.config.mode == "head" else 0.0
        rate = samples / train_s if train_s > 0 else 0.0
        elapsed = self._elapsed if self.config.mode == "head" else 0.0
        eta = 0.0 if self.finished or not done else (self.total_steps - done) * elapsed / done
        return Progress(epoch=epoch, epochs=self.config.epochs, step=done - (epoch - 1) * spe,
                        steps_per_epoch=spe, total_steps=self.total_steps, done_steps=done,
                        samples_per_s=rate, eta_s=eta,
                        last_loss=self.step_losses[-1] if self.step_losses else None)

    # ----------------------------------------------------------------------- the result
    def model(self) -> nn.Module:
        """The network with its new last layer as trained so far: a private CPU copy in eval
        mode (RuntimeError before training has begun)."""
        with self._lock:
            if self.phase in ("features", "convert"):
                raise RuntimeError(f"no model yet: the run is in its {self.phase!r} phase")
            if self._trainer is not None:
                return self._trainer.model_for_eval().requires_grad_(False)
            return assemble(self.source.model, self.config.arch, self.head)

    @torch.no_grad()
    def test_accuracy(self, model: nn.Module | None = None) -> float | None:
        """Accuracy on the test split (None when it is empty): from the cached features in
        "head" mode, else by running ``model`` (default: ``self.model()``) on the fitted
        images."""
        test = self.test_set
        if len(test) == 0:
            return None
        if self.config.mode == "head" and self.features is not None:
            preds = self._logits(self.features.test).argmax(1)
        else:
            model = model if model is not None else self.model()
            with graph.shared_forward():
                preds = torch.cat([model(self.fit(test.images[i:i + EVAL_BATCH])).argmax(1)
                                   for i in range(0, len(test), EVAL_BATCH)])
        return float((preds == test.labels).float().mean())

    def result(self, *, name: str, dataset: str) -> FinetuneResult:
        """The model so far with its card (arch, ImageNet's mean/std, "finetuned_from", "mode"
        and the accuracies in its metrics), ready for ``checkpoints.save_checkpoint``.

        Args:
            name: the card's name; dataset: the dataset key the card records ("folder:flowers").
        """
        with self._lock:
            model = self.model()
            test_acc = self.test_accuracy(model)
            last = self.history[-1] if self.history else None
            metrics = {
                "test_accuracy": test_acc,
                "val_accuracy": last.val_accuracy if last else None,
                "train_accuracy": last.train_accuracy if last else None,
                "epochs": len(self.history),
                "mode": self.config.mode,
                "finetuned_from": self.source.finetuned_from,
                "image_size": self.config.image_size,
                "optimizer": self.config.optimizer,
                "lr": self.config.lr,
                "batch_size": self.config.batch_size,
                "seed": self.config.seed,
                "feature_seconds": round(self.features.seconds, 2) if self.features else None,
                "seconds": round(time.perf_counter() - self._started, 1),
                "diverged": self.diverged,
            }
            size = self.config.image_size
            card = cards.ModelCard(
                arch=self.config.arch, options={}, dataset=dataset,
                classes=[str(c) for c in self.train_set.classes], input_shape=[3, size, size],
                mean=list(imagenet.IMAGENET_MEAN), std=list(imagenet.IMAGENET_STD),
                metrics={k: v for k, v in metrics.items() if v is not None},
                created=cards.utc_now(), name=name)
            return FinetuneResult(model, card, test_acc)
