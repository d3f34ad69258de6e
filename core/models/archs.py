"""Architectures as data: the registry the pages' select boxes read, options and shape maths.

Torch-free on purpose (the sidebar and model cards use it before torch is imported);
``core.models.builder.build_model`` turns a spec into layers. tiny_vgg follows CNN Explainer: Wang
et al. (2020), "CNN Explainer: Learning Convolutional Neural Networks with Interactive
Visualization", https://poloclub.github.io/cnn-explainer/
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

from core.checks import InputError, check_bool, check_int, plain

__all__ = [
    "arch_kind",
    "ARCHS",
    "ArchSpec",
    "flatten_size",
    "ONNX_ARCH",
    "OPTION_NAMES",
    "resolve_options",
    "TORCHVISION_ARCHS",
    "TorchvisionArch",
]



@dataclass(frozen=True)
class ArchSpec:
    """One architecture as data: conv blocks, padding, head and default options."""

    key: str
    title: str
    description: str
    blocks: tuple[int, ...]  # convs per block; every block ends with MaxPool2d(2, 2)
    padding: str  # "same" (k // 2) or "valid" (0)
    # "linear": flatten -> fc1; "mlp": flatten -> dropout1 -> fc1 -> relu_fc1 -> dropout2 -> fc2
    head: str
    defaults: Mapping[str, Any]  # the options this arch accepts, with their defaults
    feature_layer: str  # layer whose output is the feature vector (embeddings)


ARCHS: dict[str, ArchSpec] = {
    spec.key: spec
    for spec in (
        ArchSpec(
            key="seed_net",
            title="Seed net (course notes)",
            description="The course notes' network, corrected: one 5x5 convolution with ReLU and "
            "max-pooling, then a single linear layer straight to the class scores.",
            blocks=(1,),
            padding="valid",
            head="linear",
            defaults=MappingProxyType({"channels": (32,), "kernel_size": 5, "batch_norm": False}),
            feature_layer="flatten",
        ),
        ArchSpec(
            key="small_cnn",
            title="Small CNN",
            description="Two convolution blocks that keep the size and halve it by pooling, then a "
            "128-unit hidden layer whose activations serve as the image's embedding.",
            blocks=(1, 1),
            padding="same",
            head="mlp",
            defaults=MappingProxyType({"channels": (32, 64), "kernel_size": 3, "batch_norm": False,
                                       "dropout": 0.0, "hidden": 128}),
            feature_layer="relu_fc1",
        ),
        ArchSpec(
            key="tiny_vgg",
            title="Tiny VGG (CNN Explainer)",
            description="The small VGG-style network of CNN Explainer (Wang et al., 2020): two "
            "blocks of two unpadded 3x3 convolutions and a max-pool, then one linear layer.",
            blocks=(2, 2),
            padding="valid",
            head="linear",
            defaults=MappingProxyType({"channels": (10, 10), "kernel_size": 3,
                                       "batch_norm": False}),
            feature_layer="flatten",
        ),
    )
}


@dataclass(frozen=True)
class TorchvisionArch:
    """A torchvision ImageNet classifier the lab can build, load weights into and fine-tune."""

    key: str  # also the torchvision.models builder's name
    title: str
    head: str  # state-dict key of the final layer's weight: its dim 0 is the class count
    params_m: float  # parameters in millions (with 1000 classes)
    weights_mb: float  # size of the ImageNet weights file
    min_size: int  # smallest input side (px) the network accepts
    paper: str  # author (year), link
    input_size: int = 224  # the side of torchvision's ImageNet transforms (crop size)


TORCHVISION_ARCHS: dict[str, TorchvisionArch] = {
    spec.key: spec
    for spec in (
        TorchvisionArch("resnet18", "ResNet-18", "fc.weight", 11.7, 44.7, 32,
                        "He et al. (2016), https://arxiv.org/abs/1512.03385"),
        TorchvisionArch("alexnet", "AlexNet", "classifier.6.weight", 61.1, 233.1, 63,
                        "Krizhevsky et al. (2012), https://papers.nips.cc/paper/4824"),
        TorchvisionArch("vgg16", "VGG-16", "classifier.6.weight", 138.4, 527.8, 32,
                        "Simonyan & Zisserman (2015), https://arxiv.org/abs/1409.1556"),
        TorchvisionArch("mobilenet_v3_small", "MobileNet-V3-Small", "classifier.3.weight", 2.5,
                        9.8, 32, "Howard et al. (2019), https://arxiv.org/abs/1905.02244"),
        TorchvisionArch("squeezenet1_1", "SqueezeNet 1.1", "classifier.1.weight", 1.2, 4.7, 17,
                        "Iandola et al. (2016), https://arxiv.org/abs/1602.07360"),
        TorchvisionArch("efficientnet_b0", "EfficientNet-B0", "classifier.1.weight", 5.3, 20.5,
                        32, "Tan & Le (2019), https://arxiv.org/abs/1905.11946"),
    )
}
ONNX_ARCH = "onnx"  # a network imported from an ONNX file: its graph is stored beside the card


def arch_kind(arch: str) -> str:
    """"lab" (built from ``ARCHS``), "torchvision" (``TORCHVISION_ARCHS``) or "onnx";
    InputError for anything else."""
    if isinstance(arch, str) and arch in ARCHS:
        return "lab"
    if isinstance(arch, str) and arch in TORCHVISION_ARCHS:
        return "torchvision"
    if arch == ONNX_ARCH:
        return "onnx"
    known = (*ARCHS, *TORCHVISION_ARCHS, ONNX_ARCH)
    raise InputError(f"unknown arch; known: {', '.join(known)}, got {arch!r}", "choice",
                     name="arch", value=plain(arch), choices=known)


OPTION_NAMES = ("channels", "kernel_size", "batch_norm", "dropout", "hidden")


class _Step(NamedTuple):
    kind: str  # "conv" | "bn" | "relu" | "pool"
    name: str
    c_in: int = 0
    c_out: int = 0
    kernel: int = 1
    stride: int = 1
    padding: int = 0


def _spec(arch: str) -> ArchSpec:
    if not isinstance(arch, str) or arch not in ARCHS:
        raise InputError(f"unknown arch; known: {', '.join(ARCHS)}, got {arch!r}", "choice",
                         name="arch", value=plain(arch), choices=tuple(ARCHS))
    return ARCHS[arch]


def resolve_options(arch: str, **options: Any) -> dict:
    """Fill an arch's default options and check them.

    Args:
        arch: a key of ``ARCHS``.
        **options: any of the arch's options (``ArchSpec.defaults`` keys); ``None`` means default.
    Returns:
        All the arch's options, JSON-ready (``channels`` as a list); what a ``ModelCard`` stores.
    """
    spec = _spec(arch)
    for key, value in options.items():
        if key not in OPTION_NAMES:
            raise InputError(f"unknown option; options are {', '.join(OPTION_NAMES)}, got {key!r}",
                             "choice", name="option", value=key, choices=tuple(OPTION_NAMES))
        neutral = {"dropout": 0.0, "batch_norm": False}.get(key)
        if key not in spec.defaults and value is not None and value != neutral:
            raise InputError(f"{arch} has no option {key!r} (it takes {', '.join(spec.defaults)}), "
                             f"got {value!r}", "arch_option_unsupported", arch=arch, option=key,
                             options=tuple(spec.defaults), value=repr(value))
    opts = {k: (options[k] if options.get(k) is not None else d) for k, d in spec.defaults.items()}
    channels = opts["channels"]
    if not isinstance(channels, (list, tuple)) or len(channels) != len(spec.blocks):
        raise InputError(f"channels must be a sequence of {len(spec.blocks)} positive ints for "
                         f"{arch}, got {channels!r}", "arch_channels_sequence",
                         count=len(spec.blocks), arch=arch, value=repr(channels))
    opts["channels"] = [check_int("each of channels", c, 1) for c in channels]
    k = check_int("kernel_size", opts["kernel_size"], 1)
    if k % 2 == 0:
        raise InputError(f"kernel_size must be odd, got {k}", "kernel_size_odd", value=k)
    check_bool("batch_norm", opts["batch_norm"])
    if "dropout" in opts:
        p = opts["dropout"]
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p < 1.0:
            raise InputError(f"dropout must be in [0, 1), got {p!r}", "number_below_one",
                             name="dropout", value=plain(p))
        opts["dropout"] = float(p)
    if "hidden" in opts:
        check_int("hidden", opts["hidden"], 1)
    return opts


def _conv_plan(spec: ArchSpec, in_channels: int, opts: dict) -> list[_Step]:
    """The conv stage as data: one ``_Step`` per layer, named conv1 / conv1_2, bn.., relu..,
    pool.."""
    k = opts["kernel_size"]
    pad = k // 2 if spec.padding == "same" else 0
    plan, c_in = [], in_channels
    for b, (n_convs, c_out) in enumerate(zip(spec.blocks, opts["channels"], strict=True), start=1):
        for j in range(1, n_convs + 1):
            tag = f"{b}" if n_convs == 1 else f"{b}_{j}"
            plan.append(_Step("conv", f"conv{tag}", c_in, c_out, k, 1, pad))
            if opts["batch_norm"]:
                plan.append(_Step("bn", f"bn{tag}", c_out, c_out))
            plan.append(_Step("relu", f"relu{tag}"))
            c_in = c_out
        plan.append(_Step("pool", f"pool{b}", c_in, c_in, 2, 2, 0))
    return plan


def _walk(plan: list[_Step], size: int) -> tuple[int, str | None]:
    """Spatial size after the plan, or (size, layer) where it first drops below 1."""
    for step in plan:
        if step.kind in ("conv", "pool"):
            size = (size + 2 * step.padding - step.kernel) // step.stride + 1
            if size < 1:
                return size, step.name
    return size, None


def _final_size(arch: str, plan: list[_Step], image_size: Any) -> int:
    check_int("image_size", image_size, 1)
    size, layer = _walk(plan, image_size)
    if layer is not None:
        minimum = next(n for n in range(image_size + 1, 10 * image_size + 10_000)
                       if _walk(plan, n)[1] is None)
        raise InputError(
            f"image_size too small for {arch}: the feature map shrinks to "
            f"{max(size, 0)}x{max(size, 0)} "
            f"at {layer} (minimum image_size {minimum}), got {image_size}",
            "arch_image_too_small", arch=arch, size=max(size, 0), layer=layer, minimum=minimum,
            value=int(image_size),
        )
    return size


def _check_in_channels(in_channels: Any) -> int:
    if type(in_channels) is not int or in_channels not in (1, 3):
        raise InputError(f"in_channels must be 1 (grayscale) or 3 (RGB), got {in_channels!r}",
                         "in_channels_one_or_three", value=plain(in_channels))
    return in_channels


def flatten_size(arch: str, *, in_channels: int, image_size: int,
                 channels: tuple[int, ...] | None = None, kernel_size: int | None = None) -> int:
    """Length of the flattened feature vector entering the first linear layer.

    Computed layer by layer with ``floor((n + 2p - k) / s) + 1``.
    Args:
        arch: a key of ``ARCHS``; in_channels: 1 or 3; image_size: input height = width (px).
        channels, kernel_size: as in ``build_model`` (None = the arch's default).
    Returns:
        C_last * H_last * W_last for an input of shape (B, in_channels, image_size, image_size).
    """
    opts = resolve_options(arch, channels=channels, kernel_size=kernel_size)
    plan = _conv_plan(ARCHS[arch], _check_in_channels(in_channels), opts)
    size = _final_size(arch, plan, image_size)
    return opts["channels"][-1] * size * size
