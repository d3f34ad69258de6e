"""Training in resumable chunks, evaluation (confusion matrix, mistakes) and the default model.

A ``Trainer`` owns a private model and trains it a few hundred milliseconds at a time
(``run_for``), so the Train page can redraw between chunks. Every random choice comes from the
seed and the global step number, never from torch's global RNG: shuffling (per epoch),
augmentation (per step) and dropout (per step, through a seeded generator swapped into the
private model). Hence, on the CPU, the same seed gives the same curves and weights however the
run is cut into chunks, and no other session's random numbers are disturbed.

Speed comes from the data pipeline: the dataset stays as one in-memory uint8 tensor (moved to
the GPU once), a batch is an index into it, normalised as a whole; no PIL, no DataLoader.
The memory layout (channels_last or NCHW) and, for precision "auto", bf16 autocast against fp32
are chosen by timing a few steps of the architecture on this machine (``core.runtime.tune``,
once per process): a layout changes only how sums are grouped, so within a process the same seed
still gives the same weights, and across machines they agree to fp32 rounding.

Run ``python -m core.train --help`` for the command line.
"""

from __future__ import annotations

import copy
import hashlib
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

from core import paths
from core.checks import InputError, Keyed, check_bool, check_choice, check_int, is_real
from core.data import datasets
from core.models import builder, cards, checkpoints
from core.runtime import accel, graph, tune
from core.train.evaluation import accuracy, make_card

__all__ = [
    "augment_batch",
    "build_for",
    "CHECKPOINT_EVERY",
    "DEFAULT_ARCH",
    "DEFAULT_CONFIG",
    "DivergedError",
    "EpochRecord",
    "EVAL_BATCH",
    "make_optimizer",
    "pool_before_relu",
    "Progress",
    "ProgressCallback",
    "stratified_split",
    "train_default_model",
    "TrainConfig",
    "Trainer",
    "tune_batch",
]


ProgressCallback = Callable[[float, str], None]  # (fraction done in [0, 1], message)
CHECKPOINT_EVERY = 25  # steps between in-memory restore points (divergence rewinds to one)
EVAL_BATCH = 512
# The trainer's layout (and, for precision "auto", precision) is measured on a private copy, for
# at most about TUNE_BUDGET_S (a large model gets its first candidate only: channels_last, the
# layout that won on every CPU measured so far). It is measured at the run's own batch size, up
# to TUNE_BATCH, as long as one forward pass stays under TUNE_MACS multiply-adds: the layouts'
# order can flip with the batch size (small_cnn on a Xeon capped at AVX2: a tie at batch 16,
# channels_last 20 ms against NCHW 24.5 ms per step at batch 64), while a big model keeps the
# measuring short with a smaller batch (ResNet-18 at 224 px: one image). Four timed steps per
# layout, taken in turns (core.runtime.tune.measure): on a 2-core Zen 5 EPYC shared with other
# machines' load, where channels_last's measured step is 10-15% shorter for small_cnn, two
# timed steps per layout, one layout after the other, picked NCHW in 2-6 of 30 measurements;
# four in turns, 0-1 of 30, for 0.2 s instead of 0.1 s once per process.
TUNE_BATCH = 64
TUNE_MACS = 3e8
TUNE_BUDGET_S = 1.0
TUNE_REPEATS = 4


# --------------------------------------------------------------------------- configuration
@dataclass
class TrainConfig:
    """How to train; filled from the Train page's widgets or the command line."""

    epochs: int = 8  # passes over the training split
    batch_size: int = 64
    optimizer: str = "adam"  # "adam" | "sgd"
    lr: float = 1e-3
    momentum: float = 0.9  # SGD only, in [0, 1)
    nesterov: bool = False  # SGD only; needs momentum > 0
    weight_decay: float = 0.0  # L2 penalty added to the gradients
    val_fraction: float = 0.1  # share of each class held out for validation, 0..0.5
    seed: int = 0  # initialisation (build_for), split, shuffling, augmentation, dropout
    augment: bool = False  # random crop (zero pad 4 px for >= 32 px images, else 2) + h-flip
    device: str = "cpu"  # "cpu" | "cuda" | "auto"
    precision: str = "fp32"  # "fp32" | "bf16" | "auto" (bf16 where the device has it)

    def __post_init__(self) -> None:
        check_int("epochs", self.epochs, 1)
        check_int("batch_size", self.batch_size, 1)
        if self.optimizer not in ("adam", "sgd"):
            raise InputError(f"optimizer must be 'adam' or 'sgd', got {self.optimizer!r}",
                             "choice", name="optimizer", value=self.optimizer,
                             choices=("adam", "sgd"))
        if not (is_real(self.lr) and self.lr > 0):
            raise InputError(f"lr must be a finite number > 0, got {self.lr}", "number_above",
                             name="lr", value=self.lr, low=0)
        if not (is_real(self.momentum) and 0 <= self.momentum < 1):
            raise InputError(f"momentum must be in [0, 1), got {self.momentum}",
                             "number_below_one", name="momentum", value=self.momentum)
        check_bool("nesterov", self.nesterov)
        if self.nesterov and self.momentum == 0:
            raise InputError("nesterov needs momentum > 0, got momentum 0",
                             "nesterov_needs_momentum")
        if not (is_real(self.weight_decay)
                and self.weight_decay >= 0):
            raise InputError(f"weight_decay must be >= 0, got {self.weight_decay}",
                             "number_min", name="weight_decay", value=self.weight_decay, low=0)
        if not (is_real(self.val_fraction) and 0 <= self.val_fraction <= 0.5):
            raise InputError(f"val_fraction must be in [0, 0.5], got {self.val_fraction}",
                             "number_between", name="val_fraction", value=self.val_fraction,
                             low=0, high=0.5)
        check_int("seed", self.seed, 0)
        if self.seed >= 2**63:
            raise InputError(f"seed must be < 2**63, got {self.seed}", "int_max", name="seed",
                             value=self.seed, high=2**63 - 1)
        check_bool("augment", self.augment)
        check_choice("device", self.device, accel.DEVICES)
        check_choice("precision", self.precision, accel.PRECISIONS)


class DivergedError(Keyed, RuntimeError):
    """The loss became NaN or infinite; the model keeps its weights from before that step.

    ``DivergedError(message, key, **values)`` (see ``core.checks.Keyed``); a trainer's
    ``divergence`` is the one to raise.
    """


@dataclass
class EpochRecord:
    """One finished epoch. Losses are mean cross-entropy per sample (nats)."""

    epoch: int  # 1-based
    train_loss: float  # mean over the epoch's steps as they were taken (weights moving)
    train_accuracy: float
    val_loss: float | None  # None without a validation split
    val_accuracy: float | None
    seconds: float  # wall time of the epoch's steps plus its validation pass


@dataclass(frozen=True)
class Progress:
    """Where a run stands. ``epoch``/``step`` are 1-based and count finished steps."""

    epoch: int  # the epoch in progress (the last one once finished)
    epochs: int
    step: int  # steps finished within ``epoch``, 0..steps_per_epoch
    steps_per_epoch: int
    total_steps: int
    done_steps: int
    samples_per_s: float  # training throughput so far (0.0 before the first step)
    eta_s: float  # estimated seconds left (0.0 before the first step and when finished)
    last_loss: float | None  # loss of the last step


# --------------------------------------------------------------------------- randomness
def _mix(*parts: object) -> int:
    """A 63-bit seed from a seed, a stream name and a counter (stable across processes)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") & ((1 << 63) - 1)


def _generator(*parts: object, device: torch.device | str = "cpu") -> torch.Generator:
    return torch.Generator(device=device).manual_seed(_mix(*parts))


def build_for(arch: str, train_set: datasets.Dataset, config: TrainConfig,
              **options) -> nn.Sequential:
    """Build ``arch`` for ``train_set``, initialised from ``config.seed`` without global RNG use.

    The weights equal ``torch.manual_seed(config.seed); models.build_model(...)`` (torch's
    default init replayed with a private generator), but torch's global RNG is neither read
    nor changed, so concurrent sessions cannot disturb each other.
    Args:
        arch: a key of ``models.ARCHS``; options: ``build_model`` options (channels, ...).
    Returns:
        A CPU model for (B, C, S, S) inputs of the dataset with ``len(classes)`` logits.
    """
    c, h, w = train_set.image_shape
    if h != w:
        raise InputError(f"images must be square, got {h}x{w}", "images_not_square",
                         value=(int(h), int(w)))
    with torch.device("meta"):  # shapes only: the constructors' init draws nothing here
        model = builder.build_model(arch, in_channels=c, num_classes=len(train_set.classes),
                                   image_size=h, **options)
    model = model.to_empty(device="cpu")
    _default_init(model, torch.Generator().manual_seed(config.seed))
    return model


def _default_init(model: nn.Module, gen: torch.Generator) -> None:
    """Torch's reset_parameters for Conv2d/Linear/BatchNorm2d, drawing from ``gen``, in order."""
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=gen)
                if m.bias is not None:
                    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(m.weight)
                    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                    nn.init.uniform_(m.bias, -bound, bound, generator=gen)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()  # ones, zeros and fresh running stats: no randomness
            elif next(m.parameters(recurse=False), None) is not None or \
                    next(m.buffers(recurse=False), None) is not None:
                raise InputError(f"build_for cannot initialise layer {name!r} "
                                 f"({type(m).__name__}) with a private generator",
                                 "init_layer_unsupported", layer=name, kind=type(m).__name__)


class _SeededDropout(nn.Dropout):
    """``nn.Dropout`` drawing its mask from a generator the trainer re-seeds every step."""

    def __init__(self, p: float, generator: torch.Generator) -> None:
        super().__init__(p)
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator)
        return x * keep / (1 - self.p)


def _replace_dropout(model: nn.Module, make: Callable[[nn.Dropout], nn.Module]) -> int:
    """Swap every ``nn.Dropout`` (exact type or _SeededDropout) in place; returns how many."""
    count = 0
    for parent in model.modules():
        for name, child in parent.named_children():
            if type(child) in (nn.Dropout, _SeededDropout):
                setattr(parent, name, make(child))
                count += 1
    return count


# --------------------------------------------------------------------------- data helpers
def stratified_split(labels: Tensor, fraction: float, seed: int) -> tuple[Tensor, Tensor]:
    """Hold out ``fraction`` of each class (rounded, at least one sample kept for training).

    Args:
        labels: (N,) int64 class indices.
    Returns:
        (train, val) sorted int64 index tensors, disjoint, together 0..N-1.
    """
    gen = _generator(seed, "split")
    labels = labels.cpu()
    train, val = [], []
    for label in torch.unique(labels).tolist():  # sorted
        members = torch.nonzero(labels == label).flatten()
        members = members[torch.randperm(len(members), generator=gen)]
        n_val = min(len(members) - 1, math.floor(len(members) * fraction + 0.5))
        val.append(members[:n_val])
        train.append(members[n_val:])
    empty = torch.empty(0, dtype=torch.int64)
    return (torch.cat(train or [empty]).sort().values, torch.cat(val or [empty]).sort().values)


def augment_batch(images: Tensor, generator: torch.Generator) -> Tensor:
    """Random crop with zero padding plus a random horizontal flip, per image.

    Padding is 4 px for images of 32 px or more, else 2 px (torchvision's RandomCrop with
    fill 0 + RandomHorizontalFlip). Flipping suits photos and clothes; it mirrors digits.
    Args:
        images: (B, C, H, W) uint8 on any device (not modified).
        generator: a CPU generator; it alone decides the crops and flips.
    Returns:
        A new (B, C, H, W) uint8 tensor on the images' device.
    """
    b, c, h, w = images.shape
    pad = 4 if min(h, w) >= 32 else 2
    padded = F.pad(images, (pad, pad, pad, pad))  # (B, C, H+2p, W+2p), zeros
    offsets = torch.randint(0, 2 * pad + 1, (b, 2), generator=generator)  # (B, 2): top, left
    flips = torch.rand(b, generator=generator) < 0.5  # (B,)
    dev = images.device
    rows = offsets[:, :1].to(dev) + torch.arange(h, device=dev)  # (B, H)
    cols = offsets[:, 1:].to(dev) + torch.arange(w, device=dev)  # (B, W)
    cols = torch.where(flips.to(dev)[:, None], cols.flip(1), cols)  # a flip reads columns backwards
    return padded[torch.arange(b, device=dev)[:, None, None, None],
                  torch.arange(c, device=dev)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]  # (B, C, H, W)


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """Adam or SGD (momentum, Nesterov) over the model's parameters, fused kernels."""
    params = [p for p in model.parameters() if p.requires_grad]
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum,
                               nesterov=config.nesterov, weight_decay=config.weight_decay,
                               fused=True)
    return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay, fused=True)


def tune_batch(model: nn.Module, example: Tensor, batch_size: int) -> int:
    """The batch size the trainer's layout is measured at: the run's, at most ``TUNE_BATCH``,
    smaller for a model whose forward pass of that batch would exceed ``TUNE_MACS``.

    The multiply-adds are counted with the model's tensors on the meta device (shapes only:
    nothing is computed or copied, and ``model`` is left as it was, running stats included).
    """
    meta = {name: t.to("meta") for name, t in (*model.named_parameters(),
                                               *model.named_buffers())}
    try:
        with torch.no_grad(), torch.device("meta"), FlopCounterMode(display=False) as counter:
            torch.func.functional_call(model, meta, (example[:1].to("meta"),))
    except (RuntimeError, NotImplementedError):  # an op without a meta kernel (some imports)
        return max(1, min(batch_size, 16))
    macs = max(counter.get_total_flops() / 2, 1)
    return max(1, min(batch_size, TUNE_BATCH, int(TUNE_MACS // macs)))


def pool_before_relu(model: nn.Module) -> Callable[[Tensor], Tensor]:
    """``model``'s forward pass with every ReLU that feeds a max-pool moved after the pool.

    ReLU is monotone, so ``max(relu(a), relu(b)) = relu(max(a, b))`` exactly; the backward
    passes agree too (the pool keeps the first maximum either way, and where the ReLU's
    gradient is zero it is zero either way), so training gives the same weights. The ReLU
    and its backward then touch a quarter of the elements (2x2 pools): the lab's small_cnn
    trains about 10% faster on a Xeon capped at AVX2 (benchmarks/train.py).
    Only an ``nn.Sequential`` is reordered (its modules are called, not copied); any other
    model is returned as it is.
    """
    if not isinstance(model, nn.Sequential):
        return model
    layers, order = list(model), []
    while layers:
        layer = layers.pop(0)
        if (type(layer) is nn.ReLU and not layer.inplace and layers
                and type(layers[0]) is nn.MaxPool2d and not layers[0].return_indices):
            order.append(layers.pop(0))
        order.append(layer)
    if order == list(model):
        return model

    def forward(x: Tensor) -> Tensor:
        for layer in order:
            x = layer(x)
        return x

    return forward


def _finite(tensors: Sequence[Tensor]) -> bool:
    if not tensors:
        return True
    return bool(torch.isfinite(torch.nn.utils.get_total_norm(tensors, math.inf)))


# --------------------------------------------------------------------------- the trainer
class Trainer:
    """Trains a private model in resumable chunks; deterministic on the CPU for a seed.

    Attributes (read them between calls):
        history: one ``EpochRecord`` per finished epoch.
        step_losses: the training loss of every step taken (raw, not smoothed).
        snapshots: ``(epoch, {layer name: weight})`` of the first Conv2d, on the CPU; epoch 0 is
            before training, then one per finished epoch.
        finished: True at the end, or after a divergence.
        diverged: None, or the message saying where a NaN/inf loss (or an update that made the
            weights non-finite) stopped the run; the model then holds the weights, buffers and
            optimizer state from before that step.
        divergence: None, or the same as a ``DivergedError`` with a key and values
            (``core.checks.Keyed``), for the dashboard to say it in the user's language.
        device, precision, channels_last: what ``core.runtime.accel`` and the measurement
            chose; tuned: that measurement (``core.runtime.tune.Choice``).
    Calls are serialised by a lock, so overlapping Streamlit reruns cannot interleave steps.
    """

    def __init__(self, model: nn.Module, train_set: datasets.Dataset, config: TrainConfig) -> None:
        """Take ownership of ``model`` (moved to the device, dropout swapped: do not use it
        elsewhere; get a copy with ``model_for_eval``), split off the validation set.

        Args:
            model: maps normalised (B, C, H, W) float32 to logits (B, K), K = len(classes).
            train_set: uint8 images; never modified.
        """
        if not isinstance(config, TrainConfig):  # InputError: a user mistake, not a TypeError
            raise InputError(
                f"config must be a TrainConfig, got {type(config).__name__}",
                "train_config_type", value=type(config).__name__)
        if not isinstance(model, nn.Module):
            raise InputError(
                f"model must be a torch.nn.Module, got {type(model).__name__}",
                "model_type", value=type(model).__name__)
        self.config = config
        self.device = accel.resolve_device(config.device)
        accel.resolve_precision(config.precision, self.device)  # bf16 without support: refused
        self._data = train_set
        # layout and (for "auto") precision by measuring a few steps of this architecture on
        # this machine (core.runtime.tune, on a private copy; once per process)
        example = train_set.normalize(train_set.images[:1]).to(self.device)
        self.tuned = tune.choose(model, example, kind="train", precision=config.precision,
                                 batch_sizes=(tune_batch(model, example, config.batch_size),),
                                 repeats=TUNE_REPEATS, budget_s=TUNE_BUDGET_S)
        self.precision = self.tuned.best.precision
        self.channels_last = self.tuned.best.channels_last
        self._images = train_set.images.to(self.device)  # the whole set, once (no copy on CPU)
        self._labels = train_set.labels.to(self.device)
        train_idx, val_idx = stratified_split(train_set.labels, config.val_fraction, config.seed)
        if len(train_idx) == 0:
            raise InputError("the training set is empty; it needs at least one image",
                             "training_set_empty")
        self.train_indices, self.val_indices = train_idx, val_idx  # CPU, into train_set
        self._train_idx, self._val_idx = train_idx.to(self.device), val_idx.to(self.device)
        self.steps_per_epoch = math.ceil(len(train_idx) / config.batch_size)
        self.total_steps = self.steps_per_epoch * config.epochs
        self._dropout_gen = torch.Generator(device=self.device)
        seeded = _replace_dropout(model, lambda m: _SeededDropout(m.p, self._dropout_gen))
        self._has_dropout = seeded > 0
        self.model = model.to(self.device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.model.train()
        self._forward = pool_before_relu(self.model)
        self._optimizer = make_optimizer(self.model, config)
        self._first_conv = next((n for n, m in self.model.named_modules()
                                 if isinstance(m, nn.Conv2d)), None)
        self._lock = threading.RLock()
        self._order: tuple[int, Tensor] | None = None  # (epoch, dataset indices in step order)
        self._restore_point: tuple[int, dict, dict] | None = None
        self._done = 0
        self._epoch_loss = self._epoch_seconds = 0.0
        self._epoch_correct = 0
        self._train_seconds = self._elapsed = 0.0
        self.finished = False
        self.diverged: str | None = None
        self.divergence: DivergedError | None = None  # the same, keyed for a translation
        self.history: list[EpochRecord] = []
        self.step_losses: list[float] = []
        self.snapshots: list[tuple[int, dict[str, Tensor]]] = [(0, self._first_conv_weight())]
        self._save_restore_point()

    # ----------------------------------------------------------------------- public calls
    def run_for(self, seconds: float) -> Progress:
        """Train for about ``seconds`` (at least one step unless finished); see ``progress``.

        An epoch that ends inside the chunk gets its validation pass, record and snapshot.
        """
        if not (is_real(seconds) and seconds >= 0):
            raise InputError(f"seconds must be a finite number >= 0, got {seconds!r}",
                             "number_min", name="seconds", value=seconds, low=0)
        with self._lock:
            start = time.perf_counter()
            while not self.finished:
                self._advance()
                if time.perf_counter() - start >= seconds:
                    break
            return self.progress()

    def run_steps(self, steps: int) -> Progress:
        """Train exactly ``steps`` more steps (fewer if the run finishes first)."""
        check_int("steps", steps, 0)
        with self._lock:
            for _ in range(steps):
                if self.finished:
                    break
                self._advance()
            return self.progress()

    def run(self, progress: Callable[[Progress], None] | None = None) -> list[EpochRecord]:
        """Train to the end (or a divergence), calling ``progress`` after every step."""
        with self._lock:
            while not self.finished:
                self._advance()
                if progress is not None:
                    progress(self.progress())
            return self.history

    def progress(self) -> Progress:
        """Where the run stands now (cheap; safe to call at any time)."""
        done, spe = self._done, self.steps_per_epoch
        epoch = (done - 1) // spe + 1 if done else 1
        rate = self._samples_done() / self._train_seconds if self._train_seconds > 0 else 0.0
        eta = 0.0 if self.finished or not done else (self.total_steps - done) * self._elapsed / done
        return Progress(epoch=epoch, epochs=self.config.epochs, step=done - (epoch - 1) * spe,
                        steps_per_epoch=spe, total_steps=self.total_steps, done_steps=done,
                        samples_per_s=rate, eta_s=eta,
                        last_loss=self.step_losses[-1] if self.step_losses else None)

    def model_for_eval(self) -> nn.Module:
        """A deep copy of the current model on the CPU, in eval mode, with plain nn.Dropout and
        the default memory format: safe to save and to share; the trainer keeps its own."""
        with self._lock:
            clone = copy.deepcopy(self.model, memo={id(self._dropout_gen): None})
        _replace_dropout(clone, lambda m: nn.Dropout(m.p))
        return clone.to("cpu", memory_format=torch.contiguous_format).eval()

    # ----------------------------------------------------------------------- one step
    def _batch_indices(self, step: int) -> Tensor:
        epoch, b = divmod(step, self.steps_per_epoch)
        if self._order is None or self._order[0] != epoch:
            gen = _generator(self.config.seed, "shuffle", epoch)
            perm = torch.randperm(len(self._train_idx), generator=gen)
            self._order = (epoch, self._train_idx[perm.to(self.device)])
        size = self.config.batch_size
        return self._order[1][b * size:(b + 1) * size]

    def _inputs(self, step: int) -> tuple[Tensor, Tensor]:
        """The step's batch: (B, C, H, W) normalised float32 and (B,) labels, on the device."""
        idx = self._batch_indices(step)
        images = self._images[idx]  # (B, C, H, W) uint8
        if self.config.augment:
            images = augment_batch(images, _generator(self.config.seed, "augment", step))
        x = self._data.normalize(images)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x, self._labels[idx]

    def _train_step(self, step: int) -> tuple[float, int, bool]:
        """Forward, backward and, if the loss is finite, one update.

        Gradients are not checked here (that costs ~10% of a small model's step): an update
        that makes the weights non-finite shows up as a non-finite loss at the next step, and
        ``_diverge`` then rewinds past it.
        Returns:
            (loss, correct predictions in the batch, whether the update was applied).
        """
        x, y = self._inputs(step)
        if self._has_dropout:
            self._dropout_gen.manual_seed(_mix(self.config.seed, "dropout", step))
        with graph.shared_forward(), accel.autocast(self.device, self.precision):
            logits = self._forward(x)  # (B, K)
        loss = F.cross_entropy(logits.float(), y)
        self._optimizer.zero_grad(set_to_none=True)
        loss.backward()
        correct = (logits.argmax(1) == y).sum()
        value, hits = torch.stack([loss.detach(), correct.float()]).tolist()  # one device sync
        ok = math.isfinite(value)
        if ok:
            self._optimizer.step()
        return value, int(hits), ok

    def _advance(self) -> None:
        step = self._done
        if step % CHECKPOINT_EVERY == 0 and step > 0:
            self._save_restore_point()
        start = time.perf_counter()
        loss, correct, ok = self._train_step(step)
        if not ok:
            self._diverge(step, loss)
            return
        seconds = time.perf_counter() - start
        size = self.config.batch_size
        batch = min(size, len(self._train_idx) - (step % self.steps_per_epoch) * size)
        self._done = step + 1
        self.step_losses.append(loss)
        self._epoch_loss += loss * batch
        self._epoch_correct += correct
        self._epoch_seconds += seconds
        self._train_seconds += seconds
        self._elapsed += seconds
        if self._done % self.steps_per_epoch == 0:
            self._end_epoch()
        self.finished = self._done == self.total_steps

    def _samples_done(self) -> int:
        full, part = divmod(self._done, self.steps_per_epoch)
        n = len(self._train_idx)
        return full * n + min(part * self.config.batch_size, n)

    # ----------------------------------------------------------------------- epochs
    def _end_epoch(self) -> None:
        start = time.perf_counter()
        n = len(self._train_idx)
        val_loss, val_acc = self._validate() if len(self._val_idx) else (None, None)
        seconds = time.perf_counter() - start
        self._elapsed += seconds
        self.history.append(EpochRecord(
            epoch=self._done // self.steps_per_epoch, train_loss=self._epoch_loss / n,
            train_accuracy=self._epoch_correct / n, val_loss=val_loss, val_accuracy=val_acc,
            seconds=self._epoch_seconds + seconds))
        self.snapshots.append((self.history[-1].epoch, self._first_conv_weight()))
        self._epoch_loss = self._epoch_seconds = 0.0
        self._epoch_correct = 0

    @torch.no_grad()
    def _validate(self) -> tuple[float, float]:
        """Mean loss and accuracy on the validation split, in eval mode."""
        self.model.eval()
        loss_sum, correct = 0.0, 0
        try:
            for i in range(0, len(self._val_idx), EVAL_BATCH):
                idx = self._val_idx[i:i + EVAL_BATCH]
                x = self._data.normalize(self._images[idx])  # (B, C, H, W)
                if self.channels_last:
                    x = x.contiguous(memory_format=torch.channels_last)
                with graph.shared_forward(), accel.autocast(self.device, self.precision):
                    logits = self.model(x).float()  # (B, K)
                y = self._labels[idx]
                loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
                correct += int((logits.argmax(1) == y).sum())
        finally:
            self.model.train()
        n = len(self._val_idx)
        return loss_sum / n, correct / n

    def _first_conv_weight(self) -> dict[str, Tensor]:
        if self._first_conv is None:
            return {}
        weight = self.model.get_submodule(self._first_conv).weight.detach()
        return {self._first_conv: weight.to("cpu", copy=True,
                                            memory_format=torch.contiguous_format)}

    # ----------------------------------------------------------------------- divergence
    def _state_tensors(self) -> list[Tensor]:
        state = [p.detach() for p in self.model.parameters()]
        for per_param in self._optimizer.state.values():
            state += [v for v in per_param.values() if torch.is_tensor(v) and v.is_floating_point()]
        return state

    def _save_restore_point(self) -> None:
        """Keep a copy of the weights, buffers and optimizer state (only while all finite)."""
        if not _finite(self._state_tensors()):
            return  # keep the older, finite one
        weights = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self._restore_point = (self._done, weights, copy.deepcopy(self._optimizer.state_dict()))

    def _rewind(self, step: int) -> None:
        """Put the model and optimizer back to their state before ``step``: load the last
        restore point and replay the steps after it (deterministic, so exact on the CPU)."""
        saved_step, weights, opt_state = self._restore_point
        self.model.load_state_dict(weights)
        self._optimizer.load_state_dict(copy.deepcopy(opt_state))
        for replay in range(saved_step, step):
            if not self._train_step(replay)[2]:
                break

    def _diverge(self, step: int, loss: float) -> None:
        """Stop at a non-finite loss; keep the last finite weights and optimizer state."""
        # The bad step is this one, unless the previous update already overflowed the weights.
        bad = step if _finite(self._state_tensors()) else step - 1
        bad = max(bad, self._restore_point[0])
        self._rewind(bad)
        self._done = bad
        del self.step_losses[bad:]
        done_epochs = bad // self.steps_per_epoch
        self.history = [h for h in self.history if h.epoch <= done_epochs]
        self.snapshots = [s for s in self.snapshots if s[0] <= done_epochs]
        self.finished = True
        self.divergence = divergence(bad, step, self.steps_per_epoch, loss, self.config.lr)
        self.diverged = str(self.divergence)


def divergence(bad: int, step: int, steps_per_epoch: int, loss, lr: float) -> DivergedError:
    """The error of a run stopped at a non-finite loss: ``bad`` is the step whose weights are
    kept (``step - 1`` when step ``step``'s update made them non-finite, else ``step``)."""
    epoch, within = divmod(bad, steps_per_epoch)
    what = "its update made the weights non-finite" if bad < step else f"the loss became {loss}"
    return DivergedError(
        f"training diverged at epoch {epoch + 1}, step {within + 1}: {what} (lr {lr:g}). The "
        "model keeps its weights from before that step; lower the learning rate.",
        "training_diverged_weights" if bad < step else "training_diverged_loss",
        epoch=epoch + 1, step=within + 1, loss=str(loss), lr=float(lr))


# --------------------------------------------------------------------------- default model
DEFAULT_ARCH = "small_cnn"
# Test accuracy 0.981 for seed 0 (0.981..0.986 over seeds 0-5); ~3.5 s on 2 quiet cores.
DEFAULT_CONFIG = TrainConfig(epochs=14, batch_size=32, lr=1e-3, weight_decay=1e-4,
                             val_fraction=0.0, seed=0)


DEFAULT_LOCK_TIMEOUT_S = 600.0  # waiting for another process's default training (~5 s)


class DefaultModelBusy(TimeoutError):
    """Another process has held the default model's lock for longer than the timeout."""


def default_lock_path(directory: Path) -> Path:
    """The lock file guarding the training of the default model at ``directory``."""
    return directory.parent / f".{directory.name}.lock"


def ensure_default_model(directory: Path | None = None, *,
                         on_wait: Callable[[], None] | None = None,
                         on_report: Callable[[Progress], None] | None = None,
                         timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> tuple[Path, bool]:
    """The default model's directory, trained first if missing — once, whatever the number of
    processes sharing the model library (``make serve``'s replicas, say).

    A lock file beside the directory (`default_lock_path`) is taken first: the process that
    gets it trains if the checkpoint is still missing; any other waits for it, then finds the
    checkpoint there.

    Args:
        directory: default ``<models_dir>/default-digits-small-cnn``.
        on_wait: called once if another process is training it (before this one waits).
        on_report: as for `train_default_model`.
        timeout: seconds to wait for the other process; then DefaultModelBusy.
    Returns:
        (the checkpoint directory, True if this call trained it).
    """
    from filelock import FileLock, Timeout

    directory = directory or paths.models_dir() / cards.DEFAULT_MODEL_DIR
    if cards.read_card(directory) is not None:
        return directory, False
    directory.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(default_lock_path(directory))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait()
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise DefaultModelBusy(f"another process has been training the default model for "
                                   f"over {timeout:.0f} s (lock {lock.lock_file})") from None
    try:
        if cards.read_card(directory) is not None:  # trained while we waited
            return directory, False
        return train_default_model(directory, on_report=on_report), True
    finally:
        lock.release()


def train_default_model(directory: Path | None = None, *,
                        progress: ProgressCallback | None = None,
                        on_report: Callable[[Progress], None] | None = None) -> Path:
    """Train the ready default (small_cnn on digits, fixed seed, CPU fp32) and save it.

    Deterministic on a given CPU; about 3 s on a quiet 2-core machine.
    Args:
        directory: where to save; default ``<models_dir>/default-digits-small-cnn``.
        progress: called about 100 times with (fraction done, "epoch e/E, loss x").
        on_report: called at the same moments with the ``Progress`` itself (for an interface
            that words the progress in its own language).
    Returns:
        The checkpoint directory. Raises DivergedError if training diverged.
    """
    directory = directory or paths.models_dir() / cards.DEFAULT_MODEL_DIR
    train_set, test_set = datasets.load_digits()
    trainer = Trainer(build_for(DEFAULT_ARCH, train_set, DEFAULT_CONFIG), train_set, DEFAULT_CONFIG)
    every = max(1, trainer.total_steps // 100)  # ~100 updates: each one redraws a progress bar

    def report(p: Progress) -> None:
        if p.done_steps % every == 0 or p.done_steps == p.total_steps:
            if progress is not None:
                progress(p.done_steps / p.total_steps,
                         f"epoch {p.epoch}/{p.epochs}, loss {p.last_loss:.3f}")
            if on_report is not None:
                on_report(p)

    history = trainer.run(None if progress is None and on_report is None else report)
    if trainer.diverged:
        raise trainer.divergence
    model = trainer.model_for_eval()
    metrics = {"test_accuracy": accuracy(model, test_set),
               "train_accuracy": history[-1].train_accuracy, "epochs": DEFAULT_CONFIG.epochs}
    card = make_card(model, arch=DEFAULT_ARCH, options={}, train_set=train_set, metrics=metrics,
                     name="Small CNN on digits (default)")
    return checkpoints.save_checkpoint(model, card, directory)
