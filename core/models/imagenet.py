"""ImageNet-pretrained torchvision classifiers (AlexNet, ResNet-18, VGG-16, MobileNet-V3-Small,
SqueezeNet 1.1, EfficientNet-B0), loaded offline-first, or with random weights.

Weights are fetched by torchvision's own code (``torchvision.models.<builder>(weights=...)``,
which calls ``torch.hub.load_state_dict_from_url``), so they live in the torch hub cache
(``$TORCH_HOME/hub/checkpoints``, by default ``~/.cache/torch/hub/checkpoints``). Offline is
normal: when the file is missing and cannot be downloaded, ``WeightsUnavailableError`` names the
file, the directory where it can be placed by hand, and the URL to get it from. The input size,
mean/std and class names come from torchvision's weights metadata (its transforms), offline.
The papers: ``core.models.archs.TORCHVISION_ARCHS``.
"""

from __future__ import annotations

import pickle
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import torch
import torchvision
from torch import nn
from torchvision.models import WeightsEnum, get_model_weights

from core.checks import InputError, Keyed
from core.models.archs import TORCHVISION_ARCHS
from core.models.cards import ModelCard

__all__ = [
    "categories",
    "checkpoints_dir",
    "IMAGENET_MEAN",
    "IMAGENET_MODELS",
    "IMAGENET_STD",
    "imagenet_card",
    "ImageNetSpec",
    "INPUT_SHAPE",
    "load_imagenet",
    "random_imagenet",
    "weights_path",
    "WeightsUnavailableError",
]


IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
INPUT_SHAPE = (3, 224, 224)
CARD_CREATED = "2024-01-01T00:00:00+00:00"  # a fixed date: the same card, the same model id


@dataclass(frozen=True)
class ImageNetSpec:
    title: str
    builder: str            # name of the torchvision.models function
    weights: WeightsEnum    # torchvision weights enum member
    description: str        # size of the weights file, parameters

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """(3, crop, crop) of torchvision's own transforms for these weights."""
        crop = self.weights.transforms().crop_size[0]
        return (3, int(crop), int(crop))

    @property
    def mean(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self.weights.transforms().mean)

    @property
    def std(self) -> tuple[float, ...]:
        return tuple(float(v) for v in self.weights.transforms().std)


IMAGENET_MODELS: dict[str, ImageNetSpec] = {
    key: ImageNetSpec(
        title=f"{arch.title} (ImageNet)",
        builder=key,
        weights=get_model_weights(key).IMAGENET1K_V1,
        description=f"{arch.params_m:g} M parameters, weights file {arch.weights_mb:.0f} MB",
    )
    for key, arch in TORCHVISION_ARCHS.items()
}


class WeightsUnavailableError(Keyed, RuntimeError):
    """The pretrained weights file is missing and could not be downloaded (or is unreadable).

    Attributes: ``file_name`` of the weights, the ``directory`` it belongs in, the ``url`` to
    download it from. ``key`` and ``values`` (``core.checks.Keyed``) say the same for a
    translation; the values always hold ``file_name``, ``directory`` (as text) and ``url``.
    """

    def __init__(self, message: str = "", key: str | None = None, *, file_name: str,
                 directory: Path | str, url: str, **values) -> None:
        super().__init__(message, key, file_name=file_name, directory=str(directory), url=url,
                         **values)
        self.file_name = file_name
        self.directory = Path(directory)
        self.url = url


def _spec(key: str) -> ImageNetSpec:
    if not isinstance(key, str) or key not in IMAGENET_MODELS:
        raise InputError(
            f"unknown ImageNet model {key!r}: must be one of {', '.join(sorted(IMAGENET_MODELS))}",
            "choice", name="imagenet_model", value=key if isinstance(key, str) else repr(key),
            choices=tuple(sorted(IMAGENET_MODELS)),
        )
    return IMAGENET_MODELS[key]


def checkpoints_dir() -> Path:
    """The torch hub checkpoints directory torchvision downloads weights into."""
    return Path(torch.hub.get_dir()) / "checkpoints"


def weights_path(key: str) -> Path:
    """Where torchvision looks for (and downloads) the weights file of ``key``."""
    url = _spec(key).weights.url
    return checkpoints_dir() / Path(urlparse(url).path).name


def categories(key: str) -> list[str]:
    """The 1000 ImageNet class names, in output order (from torchvision's metadata, offline)."""
    return list(_spec(key).weights.meta["categories"])


def _unavailable(key: str, reason: str, why: str, **values) -> WeightsUnavailableError:
    """The error for ``key``'s weights; ``why`` is the message key, ``values`` its details."""
    spec = _spec(key)
    path = weights_path(key)
    return WeightsUnavailableError(
        f"{spec.title} weights are not available: {reason}. "
        f"Download {spec.weights.url} and place the file {path.name!r} in the directory "
        f"{str(path.parent)!r} (the torch hub cache; set TORCH_HOME to move it).",
        why, file_name=path.name, directory=path.parent, url=spec.weights.url,
        model=spec.title, **values,
    )


def imagenet_card(key: str) -> ModelCard:
    """The model card of ``key`` with its ImageNet weights: torchvision's input size, mean/std
    and class names."""
    spec = _spec(key)
    return ModelCard(arch=key, options={}, dataset="imagenet", classes=categories(key),
                     input_shape=list(spec.input_shape), mean=list(spec.mean),
                     std=list(spec.std), metrics={}, created=CARD_CREATED, name=spec.title)


def random_imagenet(key: str, *, seed: int = 0) -> nn.Module:
    """``key``'s architecture with random weights (torchvision's initialisation, seeded; the
    global RNG is left as it was): the real structure, offline. Eval mode, gradients off."""
    from core.models.builder import build_torchvision

    _spec(key)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = build_torchvision(key, num_classes=1000)
    for param in model.parameters():
        param.requires_grad_(False)
    return model.eval()


def load_imagenet(key: str, *, download: bool = True) -> nn.Module:
    """Build ``key`` with its ImageNet weights via torchvision; eval mode, gradients off.

    Uses the cached file when present; otherwise downloads it (if ``download``). Raises
    ``WeightsUnavailableError`` when the file is missing and cannot be fetched, or unreadable.
    """
    spec = _spec(key)
    path = weights_path(key)
    existed = path.is_file()
    if not existed and not download:
        raise _unavailable(key, "the file is not in the cache and downloading is turned off",
                           "weights_not_cached")
    builder = getattr(torchvision.models, spec.builder)
    try:
        model = builder(weights=spec.weights)
    except (urllib.error.URLError, OSError, RuntimeError, EOFError, ValueError,
            pickle.UnpicklingError) as exc:
        if existed:
            raise _unavailable(
                key, f"the cached file {str(path)!r} could not be read ({exc}); delete it and "
                     "download it again", "weights_cache_unreadable", path=str(path),
                detail=str(exc)) from exc
        raise _unavailable(key, f"the download failed ({type(exc).__name__}: {exc})",
                           "weights_download_failed",
                           detail=f"{type(exc).__name__}: {exc}") from exc
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    return model
