"""Your own weights in the lab's format: a PyTorch state_dict (.pt/.pth) for a torchvision
architecture, a single-file ONNX model, or the lab's own zip / safetensors.

Each import returns the model (eval mode, CPU) with its ``ModelCard``; the Model library saves it
as safetensors + card (+ the ONNX graph), after which it is like any trained model.

What is never loaded: TorchScript archives (``torch.jit.save``) and pickled whole modules
(``torch.save(model)``). Both are code: unpickling one can run anything its author wrote. A
.pth is read only with ``torch.load(weights_only=True, map_location="cpu")``, whose unpickler
builds tensors and plain containers and refuses every other global, and there is no fallback to
full unpickling.
"""

from __future__ import annotations

import io
import pickle
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Mapping, Sequence

import torch
from torch import nn

from core.checks import InputError, check_int, plain
from core.models import onnx_graph
from core.models.archs import ONNX_ARCH, TORCHVISION_ARCHS
from core.models.cards import ModelCard, utc_now
from core.models.checkpoints import CheckpointError, is_torchscript, load_upload

__all__ = [
    "import_file",
    "import_onnx",
    "import_pth",
    "Imported",
    "IMPORTED_DATASET",
    "MAX_IMPORT_BYTES",
    "MAX_INPUT_SIZE",
    "PTH_SUFFIXES",
    "read_state_dict",
]


MAX_IMPORT_BYTES = 300 * 1024 * 1024  # VGG-16's 528 MB ImageNet file is the one that won't fit
MAX_INPUT_SIZE = 1024  # px; a larger input only makes every page slow
IMPORTED_DATASET = "imported"  # card.dataset of an import whose classes are not ImageNet's
PTH_SUFFIXES = (".pt", ".pth")
DEFAULT_SIZE = 224
_LOAD_ERRORS = (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, TypeError,
                KeyError, IndexError, AttributeError, ImportError, OSError, struct.error,
                UnicodeDecodeError, zipfile.BadZipFile, zipfile.LargeZipFile, OverflowError,
                RecursionError)


@dataclass
class Imported:
    """An imported model: weights loaded (eval, CPU), its card, and its ONNX file (or None)."""

    model: nn.Module
    card: ModelCard
    graph: bytes | None = None


# --------------------------------------------------------------------------- bytes
def _check_bytes(data: Any) -> bytes:
    if not isinstance(data, (bytes, bytearray)):
        raise CheckpointError(f"the file must be bytes, got {type(data).__name__}",
                              "import_not_bytes", value=type(data).__name__)
    if not data:
        raise CheckpointError("the file is empty (0 bytes)", "import_empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise CheckpointError(f"the file is {len(data) / 2**20:.0f} MB; at most "
                              f"{MAX_IMPORT_BYTES / 2**20:.0f} MB", "import_too_large",
                              size_mb=round(len(data) / 2**20),
                              limit_mb=round(MAX_IMPORT_BYTES / 2**20))
    return bytes(data)


def _zip_members(data: bytes) -> list[str] | None:
    """The member names of a zip (torch.save's format is one), None if it is not a zip."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError) as err:
        raise CheckpointError(f"the file is a damaged zip: {err}", "import_zip_damaged",
                              reason=str(err)) from None


def _refuse_torchscript(members: Sequence[str] | None) -> None:
    if members is not None and is_torchscript(members):
        raise CheckpointError("this is a TorchScript archive (torch.jit.save): it holds code, "
                              "which is never loaded; save model.state_dict() with torch.save "
                              "instead", "import_torchscript")


# --------------------------------------------------------------------------- state_dict
_GLOBAL = re.compile(r"GLOBAL ([\w.]+)")  # weights_only's "Unsupported global: GLOBAL os.system"
_UNPICKLER = re.compile(r"WeightsUnpickler error:\s*([^\n]+)")


def read_state_dict(data: bytes) -> dict[str, torch.Tensor]:
    """The tensors of a ``torch.save``'d state_dict, read without running any code.

    Args:
        data: a .pt/.pth file: a state_dict, or a dict holding one under "state_dict" or
            "model" (a training checkpoint); a DataParallel "module." prefix is removed.
    Returns:
        {name: tensor} on the CPU. Raises CheckpointError (keyed) for an empty, oversized,
        truncated or damaged file, a TorchScript archive, a file holding Python objects other
        than tensors and containers (a pickled module, a ``__reduce__`` payload: refused by
        ``weights_only=True`` before anything runs), or anything that is not a flat
        {str: tensor} mapping.
    """
    data = _check_bytes(data)
    _refuse_torchscript(_zip_members(data))
    try:
        obj = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as err:
        found = _GLOBAL.search(str(err))
        if found:
            obj = found.group(1)
            raise CheckpointError(
                f"the file holds Python objects, not only tensors ({obj}): a pickled whole "
                "module or other code is never loaded; save model.state_dict() instead",
                "import_pth_objects", obj=obj) from None
        why = _UNPICKLER.search(str(err))
        reason = why.group(1)[:300] if why else _first_line(err)
        raise CheckpointError(f"the file cannot be read as a PyTorch state_dict (truncated or "
                              f"not a torch.save file): {reason}", "import_pth_unreadable",
                              reason=reason) from None
    except _LOAD_ERRORS as err:
        raise CheckpointError(f"the file cannot be read as a PyTorch state_dict (truncated or "
                              f"not a torch.save file): {_first_line(err)}",
                              "import_pth_unreadable", reason=_first_line(err)) from None
    return _flat_tensors(_unwrap(obj))


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return (text.splitlines()[0] if text else type(err).__name__)[:300]


def _unwrap(obj: Any) -> Any:
    """The state_dict inside a training checkpoint ({"state_dict": ...} or {"model": ...})."""
    if isinstance(obj, Mapping) and not all(isinstance(v, torch.Tensor) for v in obj.values()):
        for key in ("state_dict", "model", "model_state_dict", "net"):
            if isinstance(obj.get(key), Mapping):
                return obj[key]
    return obj


def _flat_tensors(obj: Any) -> dict[str, torch.Tensor]:
    if isinstance(obj, nn.Module):  # only a custom safe-globals list could let one through
        raise CheckpointError("the file holds a whole module, not a state_dict; save "
                              "model.state_dict() instead", "import_pth_module")
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"the file holds a {type(obj).__name__}, not a state_dict "
                              f"(a dict of tensor names to tensors)", "import_pth_not_dict",
                              kind=type(obj).__name__)
    if not obj:
        raise CheckpointError("the state_dict is empty", "import_pth_empty_dict")
    tensors = {}
    for name, value in obj.items():
        if not isinstance(name, str):
            raise CheckpointError(f"the state_dict has a key that is not a string: {name!r}",
                                  "import_pth_key_not_str", value=repr(name)[:80])
        if not isinstance(value, torch.Tensor):
            raise CheckpointError(f"{name!r} in the state_dict is a {type(value).__name__}, not "
                                  f"a tensor", "import_pth_not_tensor", tensor=name,
                                  kind=type(value).__name__)
        if value.layout != torch.strided or value.is_quantized:
            raise CheckpointError(f"tensor {name!r} is sparse or quantized; only plain dense "
                                  "tensors are accepted", "import_pth_tensor_kind", tensor=name)
        tensors[name] = value.detach()
    if all(k.startswith("module.") for k in tensors):  # saved from nn.DataParallel
        tensors = {k[len("module."):]: v for k, v in tensors.items()}
    return tensors


def _fit_tensors(tensors: dict[str, torch.Tensor], expected: Mapping[str, torch.Tensor],
                 title: str) -> dict[str, torch.Tensor]:
    """``tensors`` checked name by name and shape by shape against the architecture's; floats
    of another precision become its dtype, a missing BatchNorm counter is 0."""
    fitted = {}
    for name, ref in expected.items():
        found = tensors.get(name)
        if found is None and name.endswith("num_batches_tracked"):
            found = torch.zeros((), dtype=ref.dtype)  # what BatchNorm itself fills in
        if found is None:
            raise CheckpointError(f"these weights do not fit {title}: tensor {name!r} (shape "
                                  f"{list(ref.shape)}) is missing", "import_pth_missing_tensor",
                                  arch=title, tensor=name, shape=tuple(ref.shape))
        if found.shape != ref.shape:
            raise CheckpointError(f"these weights do not fit {title}: tensor {name!r} has shape "
                                  f"{list(found.shape)}, {title} needs {list(ref.shape)}",
                                  "import_pth_wrong_shape", arch=title, tensor=name,
                                  shape=tuple(ref.shape), found_shape=tuple(found.shape))
        if found.dtype != ref.dtype:
            if not (found.is_floating_point() and ref.is_floating_point()):
                raise CheckpointError(f"these weights do not fit {title}: tensor {name!r} is "
                                      f"{found.dtype}, {title} needs {ref.dtype}",
                                      "import_pth_wrong_dtype", arch=title, tensor=name,
                                      dtype=str(ref.dtype), found_dtype=str(found.dtype))
            found = found.to(ref.dtype)
        if found.is_floating_point() and not bool(torch.isfinite(found).all()):
            raise CheckpointError(f"tensor {name!r} contains NaN or infinite values",
                                  "import_pth_not_finite", tensor=name)
        fitted[name] = found.contiguous()
    unexpected = sorted(set(tensors) - set(expected))
    if unexpected:
        first = unexpected[0]
        raise CheckpointError(f"these weights do not fit {title}: unexpected tensor {first!r} "
                              f"({len(unexpected)} unexpected in all)",
                              "import_pth_unexpected_tensor", arch=title, tensor=first,
                              count=len(unexpected))
    return fitted


# --------------------------------------------------------------------------- card fields
def _classes(classes: Sequence[str] | None, count: int) -> list[str]:
    """The class names: the given ones (blank lines dropped), else ImageNet's for 1000 outputs,
    else "class 0".."class N-1"."""
    names = [str(c).strip() for c in (classes or ()) if str(c).strip()]
    if not names:
        return _imagenet_classes() if count == 1000 else [f"class {i}" for i in range(count)]
    if len(names) != count:
        raise InputError(f"the model has {count} outputs but {len(names)} class names were "
                         "given (one per line)", "import_classes_count", count=count,
                         given=len(names))
    return names


def _imagenet_classes() -> list[str]:
    from core.models.imagenet import categories

    return categories("resnet18")


def _dataset(classes: list[str]) -> str:
    return "imagenet" if len(classes) == 1000 and classes == _imagenet_classes() else \
        IMPORTED_DATASET


def _norm(values: Sequence[float] | None, default: Sequence[float], channels: int) -> list:
    if values is None or (isinstance(values, (list, tuple)) and not values):
        return list(default) if len(default) == channels else [default[0]] * channels
    return list(plain(tuple(values))) if isinstance(values, (list, tuple)) else values


def _size(input_size: int | None) -> int:
    if input_size is None:
        return DEFAULT_SIZE
    return check_int("input_size", input_size, 1, MAX_INPUT_SIZE)


def _source(filename: str) -> str:
    return PurePath(str(filename or "")).name[:120] or "upload"


def _name(name: str | None, title: str, filename: str) -> str:
    if name is not None and str(name).strip():
        return str(name).strip()[:120]
    stem = PurePath(_source(filename)).stem
    return f"{title} ({stem})" if filename else title


# --------------------------------------------------------------------------- importers
def import_pth(data: bytes, arch: str, *, classes: Sequence[str] | None = None,
               mean: Sequence[float] | None = None, std: Sequence[float] | None = None,
               input_size: int | None = None, name: str | None = None,
               filename: str = "") -> Imported:
    """A torchvision classifier from a state_dict file.

    Args:
        data: the .pt/.pth file (see ``read_state_dict``).
        arch: a key of ``TORCHVISION_ARCHS``; the class count is read from its final layer.
        classes: one name per output; None/empty: ImageNet's for 1000 outputs, else
            "class 0".."class N-1".
        mean, std: per-channel normalisation in [0, 1] units (default ImageNet's).
        input_size: the square input side in px (default 224).
        name: the model's label (default "<arch title> (<file name>)").
        filename: the uploaded file's name, kept in the card's metrics.
    Returns:
        Imported(model in eval mode on the CPU, card, None); outputs equal the original
        module's exactly. CheckpointError / InputError (keyed) for a bad file or field.
    """
    from core.models.builder import build_torchvision
    from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD

    if not isinstance(arch, str) or arch not in TORCHVISION_ARCHS:
        raise InputError(f"arch must be one of {', '.join(TORCHVISION_ARCHS)}, got {arch!r}",
                         "choice", name="arch", value=plain(arch) if isinstance(arch, str)
                         else repr(arch), choices=tuple(TORCHVISION_ARCHS))
    spec = TORCHVISION_ARCHS[arch]
    tensors = read_state_dict(data)
    head = tensors.get(spec.head)
    if head is None or head.ndim < 2:  # (K, features) or a 1x1 conv's (K, C, 1, 1)
        raise CheckpointError(f"these weights are not a {spec.title}: its final layer's weight "
                              f"{spec.head!r} is missing", "import_pth_no_head",
                              arch=spec.title, tensor=spec.head)
    count = int(head.shape[0])
    if count < 2:
        raise CheckpointError(f"the final layer {spec.head!r} has {count} output; a classifier "
                              "needs at least 2", "import_pth_one_class", tensor=spec.head,
                              count=count)
    names = _classes(classes, count)
    size = _size(input_size)
    card = ModelCard(arch=arch, options={}, dataset=_dataset(names), classes=names,
                     input_shape=[3, size, size], mean=_norm(mean, IMAGENET_MEAN, 3),
                     std=_norm(std, IMAGENET_STD, 3),
                     metrics={"imported_from": _source(filename)}, created=utc_now(),
                     name=_name(name, spec.title, filename))
    with torch.device("meta"):
        model = build_torchvision(arch, num_classes=count)
    fitted = _fit_tensors(tensors, model.state_dict(), spec.title)
    model.load_state_dict(fitted, strict=True, assign=True)  # meta -> the file's tensors
    return Imported(model.eval(), card, None)


def import_onnx(data: bytes, *, classes: Sequence[str] | None = None,
                mean: Sequence[float] | None = None, std: Sequence[float] | None = None,
                input_size: int | None = None, name: str | None = None,
                filename: str = "") -> Imported:
    """A network from a single-file ONNX model, converted to torch (``onnx_graph.to_module``).

    Args:
        data: the .onnx file.
        classes, mean, std, name, filename: as for ``import_pth`` (mean/std default ImageNet's
            for 3 channels, 0.5 otherwise).
        input_size: the square input side, used only when the graph leaves H and W dynamic
            (default 224); a graph with a fixed size keeps its own.
    Returns:
        Imported(GraphModule in eval mode on the CPU, card with arch "onnx", the file's bytes).
        The class count comes from a probe forward on zeros: the output must be (1, K), K >= 2.
    """
    from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD

    data = _check_bytes(data)
    _refuse_torchscript(_zip_members(data))
    module = onnx_graph.to_module(data)
    c, h, w = onnx_graph.input_dims(data)
    c = c or 3
    if h is not None and w is not None:
        if h != w:
            raise CheckpointError(f"the ONNX model takes {h}x{w} images; the lab needs square "
                                  "ones", "onnx_input_not_square", height=h, width=w)
        size = h
    else:
        size = _size(input_size if input_size is not None else (h or w))
    out = _probe(module, (1, c, size, size))
    names = _classes(classes, int(out.shape[1]))
    default_mean, default_std = (IMAGENET_MEAN, IMAGENET_STD) if c == 3 else ((0.5,), (0.5,))
    card = ModelCard(arch=ONNX_ARCH, options={}, dataset=_dataset(names), classes=names,
                     input_shape=[c, size, size], mean=_norm(mean, default_mean, c),
                     std=_norm(std, default_std, c),
                     metrics={"imported_from": _source(filename)}, created=utc_now(),
                     name=_name(name, "ONNX", filename))
    return Imported(module, card, data)


def _probe(module: nn.Module, shape: tuple[int, int, int, int]) -> torch.Tensor:
    """The module's output for one zero image; it must be logits (1, K) with K >= 2."""
    try:
        with torch.no_grad():
            out = module(torch.zeros(shape))
    except (RuntimeError, ValueError, TypeError, IndexError, KeyError, NotImplementedError,
            AttributeError) as err:
        raise CheckpointError(f"the converted ONNX model fails on a {shape[1]}x{shape[2]}x"
                              f"{shape[3]} input: {_first_line(err)}", "onnx_probe_failed",
                              shape=tuple(shape[1:]), reason=_first_line(err)) from None
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != 1 \
            or out.shape[1] < 2:
        found = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise CheckpointError(f"the ONNX model must output class scores of shape (1, K) with "
                              f"K >= 2 for one image, got {found}", "onnx_output_not_logits",
                              found=plain(found))
    return out


def import_file(data: bytes, filename: str, **form: Any) -> Imported:
    """Import an uploaded file by its content and name.

    The lab's zip or a .safetensors with its card inside (``checkpoints.load_upload``), a
    .pt/.pth state_dict (``import_pth``; ``form`` must give ``arch``), or an .onnx file
    (``import_onnx``). ``form``: the importer's keyword fields (classes, mean, std,
    input_size, name). TorchScript archives are refused whatever their name.
    """
    data = _check_bytes(data)
    suffix = PurePath(str(filename or "")).suffix.lower()
    members = _zip_members(data)
    _refuse_torchscript(members)
    pickled = members is not None and any(PurePath(n).name == "data.pkl" for n in members)
    if suffix == ".onnx":
        return import_onnx(data, filename=filename, **_fields(form, "classes", "mean", "std",
                                                             "input_size", "name"))
    if suffix in PTH_SUFFIXES or pickled:
        arch = form.get("arch")
        if arch is None:
            raise InputError("a .pth state_dict needs its architecture chosen",
                             "import_pth_needs_arch")
        return import_pth(data, arch, filename=filename,
                          **_fields(form, "classes", "mean", "std", "input_size", "name"))
    if suffix in (".zip", ".safetensors") or members is not None:
        model, card, graph = load_upload(data, filename)
        return Imported(model, card, graph)
    raise CheckpointError(f"unknown file type {suffix or '(no extension)'}: upload a .zip or "
                          ".safetensors from CNN Lab, a .pt/.pth state_dict or an .onnx model",
                          "import_unknown_type", suffix=suffix or "?")


def _fields(form: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: form[k] for k in names if form.get(k) is not None}
