"""The backbone of a torchvision classifier: everything up to (not including) its final layer,
run on a private copy of a shared model, and the new final layer fine-tuning trains.

Used by ``core.train.finetune`` (see there for the method). The six torchvision archs of
``core.models.archs.TORCHVISION_ARCHS`` end in a Linear layer fed by a (B, D) vector, except
SqueezeNet 1.1, whose final layer is a 1x1 convolution followed by ReLU and average pooling:
its features are the (B, 512, h, w) map, flattened, and its new head re-applies those layers.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from core.checks import check_choice, check_int
from core.data import datasets
from core.data.fit import InputFit
from core.models.archs import TORCHVISION_ARCHS
from core.runtime import accel, graph, tune
from core.train.training import _default_init

__all__ = [
    "assemble",
    "backbone_features",
    "Extractor",
    "ExtractionStopped",
    "FEATURE_BATCH",
    "feature_shape",
    "Features",
    "head_name",
    "MAX_IMAGE_SIZE",
    "new_head",
    "replace",
    "tail",
]

# Images per backbone forward pass when nothing limits the chunk (CLI, benchmark). Measured on
# 2 cores (ResNet-18, 224 px, fp32, channels_last input): 16-32 images a batch are the fastest
# (about 36 images/s), 64 is slower again; FinetuneRun.run_for uses smaller batches to keep
# within its chunk.
FEATURE_BATCH = 32
TUNE_BATCH = 8  # images per timed pass when the Extractor measures its layout
MAX_IMAGE_SIZE = 512


def head_name(arch: str) -> str:
    """The module name of ``arch``'s final layer ("fc", "classifier.6", ...)."""
    check_choice("arch", arch, tuple(TORCHVISION_ARCHS))
    return TORCHVISION_ARCHS[arch].head.rsplit(".", 1)[0]


def _parent(model: nn.Module, name: str) -> tuple[nn.Module, str]:
    parent, _, child = name.rpartition(".")
    return (model.get_submodule(parent) if parent else model), child


def _after_head(model: nn.Module, arch: str) -> list[str]:
    """Names of the layers that follow the head inside its parent Sequential (SqueezeNet: ReLU
    and average pooling after its 1x1 convolution; none for the other five)."""
    parent, child = _parent(model, head_name(arch))
    if not isinstance(parent, nn.Sequential):
        return []
    names = list(parent._modules)
    prefix = head_name(arch).rpartition(".")[0]
    return [f"{prefix}.{n}" for n in names[names.index(child) + 1:]]


class _Flatten(nn.Module):
    """Stands in for the head in the backbone copy: returns its input as (B, D) and remembers
    the per-image shape (``(D,)`` before a Linear head, ``(C, h, w)`` before a conv head)."""

    def __init__(self) -> None:
        super().__init__()
        self.shape: tuple[int, ...] | None = None

    def forward(self, x: Tensor) -> Tensor:
        self.shape = tuple(x.shape[1:])
        return x.flatten(1)  # (B, D)


def replace(model: nn.Module, name: str, module: nn.Module) -> None:
    """Put ``module`` in place of the submodule ``name`` ("fc", "classifier.6") of ``model``
    (a private one: never call it on a shared model)."""
    parent, child = _parent(model, name)
    setattr(parent, child, module)


def _backbone(model: nn.Module, arch: str, device: torch.device) -> tuple[nn.Module, _Flatten]:
    """A private copy of ``model`` whose output is the head's input, flattened: (B, D).

    On the CPU the copy shares the source's tensors (only the module objects are new, so nothing
    of the source is touched and no weights are duplicated); elsewhere it is a full copy moved to
    ``device``. Eval mode; run it under ``torch.no_grad``.
    """
    if device.type == "cpu":
        memo = {id(t): t for t in (*model.parameters(), *model.buffers())}
        private = copy.deepcopy(model, memo)
    else:
        private = copy.deepcopy(model).to(device)
    flat = _Flatten()
    replace(private, head_name(arch), flat)
    for name in _after_head(private, arch):
        replace(private, name, nn.Identity())
    return private.eval(), flat  # eval() reaches only the copy's own module objects


@functools.lru_cache(maxsize=64)
def feature_shape(arch: str, image_size: int) -> tuple[int, ...]:
    """The shape of one image's backbone output (the head's input) at ``image_size`` px:
    ``(D,)``, or ``(C, h, w)`` for SqueezeNet's 1x1-convolution head. Computed on the meta
    device (no weights, no arithmetic)."""
    from core.models.builder import build_torchvision

    check_choice("arch", arch, tuple(TORCHVISION_ARCHS))
    check_int("image_size", image_size, TORCHVISION_ARCHS[arch].min_size, MAX_IMAGE_SIZE)
    with torch.device("meta"):
        model = build_torchvision(arch, num_classes=2)
        backbone, flat = _backbone(model, arch, torch.device("meta"))
        backbone(torch.empty(1, 3, image_size, image_size))
    return flat.shape


class ExtractionStopped(RuntimeError):
    """``backbone_features`` was stopped by its ``should_stop``; ``done`` images were run."""

    def __init__(self, done: int) -> None:
        super().__init__(f"feature extraction stopped after {done} images")
        self.done = done


class Extractor:
    """Runs uint8 image batches through a private backbone copy: float32 (B, D) on the CPU."""

    def __init__(self, model: nn.Module, arch: str, fit: InputFit, device: torch.device,
                 precision: str) -> None:
        self.backbone, self._flat = _backbone(model, arch, device)
        self.fit, self.device, self.precision = fit, device, precision
        # NCHW or channels_last, timed on this machine (core.runtime.tune; once per process
        # for this backbone and input size; a backbone too slow to time twice keeps the first)
        example = fit(torch.full((1, *fit.source), 128, dtype=torch.uint8)).to(device)
        self.tuned = tune.choose(self.backbone, example, precision=precision,
                                 batch_sizes=(TUNE_BATCH,), repeats=1, by_architecture=True)
        self.channels_last = self.tuned.best.channels_last

    @property
    def shape(self) -> tuple[int, ...] | None:
        return self._flat.shape

    @torch.no_grad()
    def __call__(self, images: Tensor) -> Tensor:
        x = self.fit(images).to(self.device)  # (B, 3, S, S) normalised float32
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with graph.shared_forward(), accel.autocast(self.device, self.precision):
            feats = self.backbone(x)  # (B, D)
        return feats.float().cpu()


def backbone_features(model: nn.Module, dataset: datasets.Dataset, fit: InputFit, *, arch: str,
                      batch_size: int = FEATURE_BATCH, device: str = "cpu",
                      precision: str = "fp32",
                      progress: Callable[[int, int], None] | None = None,
                      should_stop: Callable[[], bool] | None = None) -> Tensor:
    """The backbone's output for every image of ``dataset``: ``model`` up to (not including)
    its final layer, in eval mode without gradients, on a private copy (``model`` is untouched).

    Args:
        model: a torchvision classifier of ``arch`` (any number of classes).
        fit: how the dataset's images become the model's input (``core.data.fit.fit_input``
            to (3, S, S) with ImageNet's mean/std).
        batch_size: images per forward pass; device, precision: as in ``TrainConfig``.
        progress: called after each batch with (images done, total).
        should_stop: asked after each batch; True raises ``ExtractionStopped``.
    Returns:
        (N, D) float32 on the CPU, in dataset order (see ``feature_shape`` for D).
    """
    check_int("batch_size", batch_size, 1)
    device = accel.resolve_device(device)
    run = Extractor(model, arch, fit, device, accel.resolve_precision(precision, device))
    chunks, n = [], len(dataset)
    for start in range(0, n, batch_size):
        chunks.append(run(dataset.images[start:start + batch_size]))
        done = min(start + batch_size, n)
        if progress is not None:
            progress(done, n)
        if should_stop is not None and done < n and should_stop():
            raise ExtractionStopped(done)
    if not chunks:
        return torch.empty(0, math.prod(feature_shape(arch, fit.target[1])))
    return torch.cat(chunks)


@dataclass(frozen=True, eq=False)
class Features:
    """Cached backbone outputs of a dataset's two splits (float32, CPU, read-only)."""

    train: Tensor  # (N, D), the train split in dataset order (validation images included)
    test: Tensor  # (M, D)
    shape: tuple[int, ...]  # one image's output before flattening: (D,) or (C, h, w)
    key: str  # features_key of what they were computed from
    seconds: float  # extraction wall time

    @property
    def nbytes(self) -> int:
        return self.train.nbytes + self.test.nbytes


# --------------------------------------------------------------------------- the new head
def new_head(old: nn.Module, num_classes: int, gen: torch.Generator) -> nn.Module:
    """A fresh final layer like ``old`` with ``num_classes`` outputs, torch's default
    initialisation drawn from ``gen`` (the global RNG is not used)."""
    with torch.device("meta"):
        if isinstance(old, nn.Linear):
            head = nn.Linear(old.in_features, num_classes)
        else:  # SqueezeNet's 1x1 convolution
            head = nn.Conv2d(old.in_channels, num_classes, old.kernel_size, old.stride,
                             old.padding)
    head = head.to_empty(device="cpu")
    _default_init(head, gen)
    return head


def tail(model: nn.Module, arch: str, head: nn.Module, shape: tuple[int, ...]) -> nn.Module:
    """What the new head computes from a (B, D) feature batch: the head itself, or for a conv
    head (B, D) -> (B, C, h, w) -> conv -> the source's layers after it -> (B, K)."""
    if len(shape) == 1:
        return head
    after = [copy.deepcopy(model.get_submodule(n)) for n in _after_head(model, arch)]
    return nn.Sequential(nn.Unflatten(1, shape), head, *after, nn.Flatten(1))


def assemble(model: nn.Module, arch: str, head: nn.Module) -> nn.Module:
    """A private deep copy of ``model`` (CPU, eval, contiguous) with ``head`` as its final
    layer: the state_dict of ``build_torchvision(arch, num_classes=K)``."""
    private = copy.deepcopy(model).to("cpu", memory_format=torch.contiguous_format)
    replace(private, head_name(arch), copy.deepcopy(head).cpu())
    return private.eval().requires_grad_(False)
