"""VGG19 feature maps for style transfer: named layers, offline-first weights, truncation.

The layers are named as in Gatys et al. (``conv1_1`` ... ``conv5_4``) and mapped to the indices
of torchvision's ``vgg19().features``. A layer's features are the output of its ReLU (the
paper's Caffe model applies the ReLU in place, so its "conv4_2" blob is rectified; Johnson's
``neural-style`` names the same maps ``relu4_2``).

ImageNet weights are read by torchvision's own code (``VGG19_Weights.IMAGENET1K_V1
.get_state_dict``, i.e. ``torch.hub.load_state_dict_from_url``), so the file lives in the torch
hub cache (``$TORCH_HOME/hub/checkpoints/vgg19-dcbb9e9d.pth``); only the convolutional part
(``features``, 20 M parameters, 80 MB) is built and kept: the classifier's 123 M parameters
(480 MB) would only cost memory. Offline, ``WeightsUnavailableError`` names the file, the
directory and the URL; ``weights="random"`` builds a He-initialised VGG19 that needs no file.

Simonyan & Zisserman (2015), "Very Deep Convolutional Networks for Large-Scale Image
Recognition", https://arxiv.org/abs/1409.1556
Gatys, Ecker & Bethge (2016), "Image Style Transfer Using Convolutional Neural Networks",
CVPR 2016, https://openaccess.thecvf.com/content_cvpr_2016/html/Gatys_Image_Style_Transfer_CVPR_2016_paper.html
He, Wang & Hopcroft (2016), "A Powerful Generative Model Using Random Weights for the Deep
Image Representation", https://arxiv.org/abs/1606.04801 (style transfer with random weights)
He et al. (2015), "Delving Deep into Rectifiers", https://arxiv.org/abs/1502.01852 (the init)
"""

from __future__ import annotations

import copy
import gc
import pickle
import urllib.error
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import urlparse

import torch
from torch import Tensor, nn
from torchvision.models import VGG19_Weights
from torchvision.models.vgg import cfgs, make_layers

from core.checks import InputError, check_choice, plain
from core.models.imagenet import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    WeightsUnavailableError,
    checkpoints_dir,
)

__all__ = [
    "CONV_LAYERS",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "POOLINGS",
    "WEIGHTS",
    "WeightsUnavailableError",
    "extract",
    "layer_index",
    "load_vgg19",
    "load_vgg19_features",
    "private_copy",
    "truncate",
    "vgg19_weights_path",
]

WEIGHTS = ("imagenet", "random")
POOLINGS = ("max", "avg")
VGG19_IMAGENET = VGG19_Weights.IMAGENET1K_V1


def _layer_names() -> tuple[list[str], dict[str, int]]:
    """conv/relu/pool names for every index of vgg19().features, and conv name -> conv index."""
    names, convs, block, n = [], {}, 1, 0
    for item in cfgs["E"]:
        if item == "M":
            names.append(f"pool{block}")
            block, n = block + 1, 0
        else:
            n += 1
            convs[f"conv{block}_{n}"] = len(names)
            names += [f"conv{block}_{n}", f"relu{block}_{n}"]
    return names, convs


MODULE_NAMES, _CONV_INDEX = _layer_names()  # 37 names: conv1_1, relu1_1, conv1_2, ..., pool5
CONV_LAYERS: tuple[str, ...] = tuple(_CONV_INDEX)  # conv1_1 ... conv5_4 (16 layers)


def layer_index(name: str) -> int:
    """The index in ``vgg19().features`` of the ReLU that gives ``name``'s features.

    E.g. conv1_1 -> 1, conv4_2 -> 22, conv5_1 -> 29 (the conv itself is one index earlier).
    """
    if name not in _CONV_INDEX:
        raise InputError(f"unknown VGG19 layer {name!r}: must be one of conv1_1 ... conv5_4 "
                         f"({', '.join(CONV_LAYERS)})", "choice", name="vgg_layer",
                         value=plain(name), choices=tuple(CONV_LAYERS))
    return _CONV_INDEX[name] + 1


def vgg19_weights_path() -> Path:
    """Where torchvision looks for (and downloads) the VGG19 ImageNet file."""
    return checkpoints_dir() / Path(urlparse(VGG19_IMAGENET.url).path).name


def _unavailable(reason: str, why: str, **values) -> WeightsUnavailableError:
    """The error for the VGG19 file; ``why`` is the message key, ``values`` its details."""
    path = vgg19_weights_path()
    return WeightsUnavailableError(
        f"VGG19 ImageNet weights are not available: {reason}. Download {VGG19_IMAGENET.url} "
        f"and place the file {path.name!r} in the directory {str(path.parent)!r} (the torch hub "
        "cache; set TORCH_HOME to move it). Random features still work without it.",
        why, file_name=path.name, directory=path.parent, url=VGG19_IMAGENET.url, **values)


def _freeze(features: nn.Sequential) -> nn.Sequential:
    features.eval()
    features.requires_grad_(False)
    return features


def load_vgg19(*, weights: str = "imagenet", download: bool = True, seed: int = 0) -> nn.Sequential:
    """The whole ``vgg19().features`` (37 modules, up to pool5) in eval mode, gradients off.

    Args:
        weights: "imagenet" (torchvision's file from the torch hub cache, downloaded when
            missing if ``download``) or "random" (He/Kaiming normal init, fan_in, seeded:
            He, Wang & Hopcroft 2016 show such features still transfer style).
        seed: the random init's seed (ignored for "imagenet").
    Returns:
        An ``nn.Sequential`` to share read-only; `truncate` makes per-use views of it.
    Raises:
        WeightsUnavailableError: "imagenet" and the file is missing and cannot be fetched, or
            is unreadable; the message names the file, the directory and the URL.
    """
    check_choice("weights", weights, WEIGHTS)
    if weights == "random":
        gen = torch.Generator().manual_seed(int(seed))
        features = make_layers(cfgs["E"])
        for m in features:
            if isinstance(m, nn.Conv2d):
                # fan_in keeps the activations' scale roughly constant with depth in the forward
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu", generator=gen)
                nn.init.zeros_(m.bias)
        return _freeze(features)
    path = vgg19_weights_path()
    existed = path.is_file()
    if not existed and not download:
        raise _unavailable("the file is not in the cache and downloading is turned off",
                           "vgg19_weights_not_cached")
    try:
        state = VGG19_IMAGENET.get_state_dict(progress=False, check_hash=True)
    except (urllib.error.URLError, OSError, RuntimeError, EOFError, ValueError,
            pickle.UnpicklingError) as exc:
        if existed:
            raise _unavailable(f"the cached file {str(path)!r} could not be read ({exc}); "
                               "delete it and download it again", "vgg19_weights_cache_unreadable",
                               path=str(path), detail=str(exc)) from exc
        raise _unavailable(f"the download failed ({type(exc).__name__}: {exc})",
                           "vgg19_weights_download_failed",
                           detail=f"{type(exc).__name__}: {exc}") from exc
    wanted = {k.removeprefix("features."): v for k, v in state.items() if k.startswith("features.")}
    del state  # the classifier's 480 MB go now, not when the caller returns
    gc.collect()
    with torch.device("meta"):  # no random init of weights that are overwritten at once
        features = make_layers(cfgs["E"])
    try:
        features.load_state_dict(wanted, assign=True)
    except RuntimeError as exc:
        raise _unavailable(f"the file {str(path)!r} does not hold VGG19 weights ({exc})",
                           "vgg19_weights_wrong_file", path=str(path),
                           detail=str(exc)) from exc
    return _freeze(features)


def truncate(features: nn.Sequential, *, last_layer: str, pooling: str = "max") -> nn.Sequential:
    """A new ``nn.Sequential`` that ends with ``last_layer``'s ReLU; ``features`` is not changed.

    The convolutions are the same module objects (shared weights, read-only); the ReLUs and
    pools are new (max pooling, or average pooling as the paper suggests for nicer images).
    Module names keep their ``features`` indices, so ``extract`` can address them.
    """
    check_choice("pooling", pooling, POOLINGS)
    end = layer_index(last_layer)
    if len(features) <= end:
        raise InputError(f"the feature extractor has {len(features)} modules; {last_layer} "
                         f"needs {end + 1}", "vgg_too_short", count=len(features),
                         layer=last_layer, needed=end + 1)
    layers = []
    for i in range(end + 1):
        m = features[i]
        if isinstance(m, nn.Conv2d):
            layers.append(m)
        elif isinstance(m, nn.ReLU):
            layers.append(nn.ReLU(inplace=False))
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            layers.append(nn.MaxPool2d(2, 2) if pooling == "max" else nn.AvgPool2d(2, 2))
        else:
            raise InputError(
                f"unexpected module {type(m).__name__} at index {i} of VGG19 features",
                "vgg_unexpected_module", kind=type(m).__name__, index=i)
    out = nn.Sequential(*layers)
    for m in (out, *layers):  # eval mode for the new modules only: never write to shared ones
        if not any(m is s for s in features):
            m.training = False
    return out


def load_vgg19_features(*, weights: str = "imagenet", pooling: str = "max",
                        last_layer: str = "conv5_1", download: bool = True,
                        seed: int = 0) -> nn.Sequential:
    """`load_vgg19` then `truncate`: VGG19 features up to ``last_layer``'s ReLU."""
    return truncate(load_vgg19(weights=weights, download=download, seed=seed),
                    last_layer=last_layer, pooling=pooling)


def private_copy(net: nn.Sequential, *, device: torch.device, dtype: torch.dtype,
                 channels_last: bool) -> nn.Sequential:
    """A deep copy of ``net`` converted once to ``dtype`` on ``device`` (weights read-only).

    Converting the weights once is cheaper than autocast, which re-casts them at every call;
    the ReLUs of the copy work in place (their inputs are fresh conv outputs, never kept).
    """
    with torch.no_grad():
        private = copy.deepcopy(net)
    for i, m in enumerate(private):
        if isinstance(m, nn.ReLU):
            private[i] = nn.ReLU(inplace=True)
    private.requires_grad_(False)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    return private.to(device=device, dtype=dtype, memory_format=fmt).eval()


def extract(net: nn.Sequential, x: Tensor, layers: Iterable[str],
            reduce: Callable[[str, Tensor], Tensor] | None = None) -> dict[str, Tensor]:
    """Run ``net`` (from `truncate`/`private_copy`) on ``x`` and return the named features.

    Args:
        x: (B, 3, H, W), already normalised with IMAGENET_MEAN/STD, in the net's dtype.
        layers: conv names, e.g. ("conv1_1", "conv4_2"); each gives its ReLU's output
            (B, C, H / 2**k, W / 2**k). The run stops after the deepest one.
        reduce: called as ``reduce(name, features)`` the moment a named layer's features are
            computed; its result is returned in their place. A loss taken this way is made
            *between* the layers, so the backward pass reaches it only when it reaches that
            layer: autograd runs the most recent operations first, and a loss taken after the
            whole forward pass would have its gradient (a feature map) computed first and kept
            waiting (measured at 256 px with the paper's five style layers: 477 of 2,060 bytes
            per pixel at the peak).
    """
    wanted: dict[int, str] = {layer_index(name): name for name in layers}
    if not wanted:
        return {}
    last = max(wanted)
    if last >= len(net):
        raise InputError(f"layer {wanted[last]} is past the end of this feature extractor "
                         f"({len(net)} modules)", "vgg_layer_past_end", layer=wanted[last],
                         count=len(net))
    out: dict[str, Tensor] = {}
    for i in range(last + 1):
        x = net[i](x)
        if i in wanted:
            out[wanted[i]] = x if reduce is None else reduce(wanted[i], x)
    return out


def deepest(layers: Sequence[str]) -> str:
    """The layer of ``layers`` that is furthest into the network."""
    if not layers:
        raise InputError("at least one layer is needed, got none", "layers_none")
    return max(layers, key=layer_index)
