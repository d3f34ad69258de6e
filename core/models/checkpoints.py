"""Safe checkpoints: a directory holding ``model.safetensors`` and ``card.json``.

The ``ModelCard`` is the source of truth; the weights must match the model it describes
tensor by tensor. Loading never unpickles (no ``torch.load``): uploads are safetensors files
or zips of both files. Also: the model library on disk, model ids and zip export.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Mapping

import safetensors.torch
import torch
from safetensors import SafetensorError
from torch import nn

from core.checks import InputError
from core.models.builder import build_from_card
from core.models.cards import CARD_FILE, GRAPH_FILE, WEIGHTS_FILE, ModelCard, read_card
from core.paths import models_dir

__all__ = [
    "CheckpointError",
    "export_zip",
    "import_upload",
    "is_torchscript",
    "load_checkpoint",
    "load_checkpoint_bytes",
    "load_upload",
    "MAX_ZIP_BYTES",
    "model_id",
    "save_checkpoint",
    "save_to_library",
]



# --------------------------------------------------------------------------- checkpoints
class CheckpointError(InputError):
    """A checkpoint (weights or card) that cannot be loaded safely or does not match its card."""


def _cpu_state(weights: nn.Module | Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    state = weights.state_dict() if isinstance(weights, nn.Module) else weights
    return {k: v.detach().to("cpu").contiguous() for k, v in state.items()}


def _check_tensors(tensors: Mapping[str, torch.Tensor],
                   expected: Mapping[str, torch.Tensor]) -> None:
    """Raise CheckpointError at the first tensor missing, unexpected, mis-shaped or non-finite."""
    for name, ref in expected.items():
        if name not in tensors:
            raise CheckpointError(f"missing tensor {name!r} (expected shape {list(ref.shape)})",
                                  "checkpoint_missing_tensor", tensor=name,
                                  shape=tuple(ref.shape))
        found = tensors[name]
        if found.shape != ref.shape or found.dtype != ref.dtype:
            raise CheckpointError(f"tensor {name!r}: expected shape {list(ref.shape)} {ref.dtype}, "
                                  f"found {list(found.shape)} {found.dtype}",
                                  "checkpoint_tensor_mismatch", tensor=name,
                                  shape=tuple(ref.shape), dtype=str(ref.dtype),
                                  found_shape=tuple(found.shape), found_dtype=str(found.dtype))
        if found.is_floating_point() and not bool(torch.isfinite(found).all()):
            raise CheckpointError(f"tensor {name!r} contains NaN or infinite values",
                                  "checkpoint_tensor_not_finite", tensor=name)
    unexpected = sorted(set(tensors) - set(expected))
    if unexpected:
        first = unexpected[0]
        raise CheckpointError(f"unexpected tensor {first!r} (shape {list(tensors[first].shape)}); "
                              f"{len(unexpected)} unexpected in all",
                              "checkpoint_unexpected_tensor", tensor=first,
                              shape=tuple(tensors[first].shape), count=len(unexpected))


def _skeleton(card: ModelCard, graph: bytes | None = None) -> nn.Module:
    """The card's model on the meta device: shapes without memory or RNG use (an ONNX graph is
    converted on the CPU: its weights come with it)."""
    if card.arch == "onnx":
        return build_from_card(card, _graph_bytes(graph))
    with torch.device("meta"):
        return build_from_card(card)


def _graph_bytes(graph: bytes | None) -> bytes:
    if not isinstance(graph, (bytes, bytearray)) or not graph:
        raise CheckpointError(f"an ONNX model needs its graph file {GRAPH_FILE}",
                              "checkpoint_graph_missing", graph=GRAPH_FILE)
    return bytes(graph)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


STAGING_SUFFIX = ".saving"  # a checkpoint being written: ".<name>.<random>.saving" beside it
STALE_STAGING_S = 3600.0  # a staging directory this old was left by a save that crashed


def _fsync_dir(directory: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _clean_stale_staging(parent: Path) -> None:
    """Remove staging directories older than STALE_STAGING_S (a crashed save's leftovers)."""
    now = time.time()
    for d in parent.glob(f".*{STAGING_SUFFIX}"):
        try:
            if now - d.stat().st_mtime > STALE_STAGING_S:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def _write_files(directory: Path, card: ModelCard, card_json: str, blob: bytes,
                 graph: bytes | None) -> None:
    # graph and weights first: a card.json always has its weights
    if card.arch == "onnx":
        _atomic_write(directory / GRAPH_FILE, _graph_bytes(graph))
    _atomic_write(directory / WEIGHTS_FILE, blob)
    _atomic_write(directory / CARD_FILE, card_json.encode("utf-8"))
    _fsync_dir(directory)


def save_checkpoint(model: nn.Module, card: ModelCard, directory: Path,
                    graph: bytes | None = None) -> Path:
    """Write ``model.safetensors`` and ``card.json`` into ``directory``, and for an "onnx" card
    its graph (``graph.onnx``), so that no reader — in this process or another sharing the
    library — ever sees a half-written checkpoint.

    A new directory appears whole: the files are written and synced in a hidden staging
    directory beside it (``.<name>.<random>.saving``, never listed), which is then renamed into
    place. If another process created the directory meanwhile (two replicas saving the same
    content-addressed library entry), its complete checkpoint is kept and ours dropped. An
    existing directory (its owner saving again) gets each file replaced atomically, weights
    before card (readers check that the pair agrees: see `load_checkpoint`).

    Args:
        model: weights matching ``build_from_card(card)`` (any device; saved contiguous on CPU).
        card: its model card (also embedded in the safetensors metadata under "card").
        graph: the ONNX file of an "onnx" card (None for any other).
    Returns:
        The directory.
    """
    card_json = card.to_json()
    state = _cpu_state(model)
    _check_tensors(state, _skeleton(card, graph).state_dict())
    blob = safetensors.torch.save(state, metadata={"card": card_json, "format": "pt"})
    directory = Path(directory)
    parent = directory.parent
    parent.mkdir(parents=True, exist_ok=True)
    if directory.is_dir():
        _write_files(directory, card, card_json, blob, graph)
        return directory
    _clean_stale_staging(parent)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{directory.name}.",
                                    suffix=STAGING_SUFFIX))
    try:
        _write_files(staging, card, card_json, blob, graph)
        try:
            os.rename(staging, directory)  # atomic; fails if the directory appeared meanwhile
        except OSError:
            if not directory.is_dir():
                raise
            # another process won the race: its checkpoint is complete (it was renamed in
            # whole) and, for a library entry, the same model
            shutil.rmtree(staging, ignore_errors=True)
            return directory
        _fsync_dir(parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def _read_tensors(weights: bytes) -> dict[str, torch.Tensor]:
    if not isinstance(weights, (bytes, bytearray)):
        raise CheckpointError(f"weights must be bytes, got {type(weights).__name__}",
                              "checkpoint_weights_not_bytes", value=type(weights).__name__)
    if bytes(weights[:4]) == b"PK\x03\x04":
        raise CheckpointError("weights look like a torch.save (pickle/zip) file; "
                              "only safetensors are accepted", "checkpoint_pickle")
    try:
        return safetensors.torch.load(bytes(weights))
    except (SafetensorError, ValueError, TypeError, RuntimeError) as err:
        raise CheckpointError(f"weights are not a valid safetensors file: {err}",
                              "checkpoint_not_safetensors", reason=str(err)) from None


def _embedded_card(weights: bytes) -> str:
    """The card JSON stored in a (valid) safetensors header's metadata."""
    (n,) = struct.unpack("<Q", bytes(weights[:8]))  # header length, then the JSON header
    meta = json.loads(bytes(weights[8:8 + n])).get("__metadata__") or {}
    if "card" not in meta:
        raise CheckpointError("no card given and none embedded in the safetensors metadata",
                              "checkpoint_no_card")
    return meta["card"]


def load_checkpoint_bytes(weights: bytes, card_json: str | None = None,
                          graph: bytes | None = None) -> tuple[nn.Module, ModelCard]:
    """Load a checkpoint from memory (uploads) without unpickling anything.

    Args:
        weights: the bytes of a ``model.safetensors`` file.
        card_json: the ``card.json`` text; None uses the card embedded in the weights' metadata.
        graph: the ``graph.onnx`` bytes of an "onnx" card.
    Returns:
        (model in eval() mode on CPU, its card). Raises CheckpointError on any problem.
    """
    tensors = _read_tensors(weights)
    text = _embedded_card(weights) if card_json is None else card_json
    try:
        card = ModelCard.from_json(text.decode("utf-8") if isinstance(text, bytes) else text)
    except ValueError as err:  # the card's own rule (keyed), or "checkpoint_bad_card"
        raise CheckpointError(f"bad model card: {err}",
                              getattr(err, "key", None) or "checkpoint_bad_card",
                              **(getattr(err, "values", None) or {"detail": str(err)})) from None
    model = _skeleton(card, graph)
    _check_tensors(tensors, model.state_dict())
    model.load_state_dict(tensors, strict=True, assign=True)  # meta -> the loaded CPU tensors
    return model.eval(), card


def load_checkpoint(directory: Path) -> tuple[nn.Module, ModelCard]:
    """Load ``<directory>/model.safetensors`` + ``card.json`` (+ ``graph.onnx`` for an ONNX
    network); see ``load_checkpoint_bytes``.

    The two files are read one after the other; if their owner re-saved the directory in
    between, the card embedded in the weights will not be ``card.json``'s: then both are read
    again (a few times), so a loaded model and card always come from the same save.
    """
    directory = Path(directory)
    for attempt in range(5):
        try:
            weights = (directory / WEIGHTS_FILE).read_bytes()
            card_json = (directory / CARD_FILE).read_text(encoding="utf-8")
            graph_path = directory / GRAPH_FILE
            graph = graph_path.read_bytes() if graph_path.is_file() else None
        except (OSError, UnicodeDecodeError) as err:
            raise CheckpointError(f"cannot read checkpoint in {directory}: {err}",
                                  "checkpoint_unreadable_dir", directory=str(directory),
                                  reason=str(err)) from None
        if attempt == 4 or _same_card(weights, card_json):
            break
        time.sleep(0.05)
    return load_checkpoint_bytes(weights, card_json, graph)


def _same_card(weights: bytes, card_json: str) -> bool:
    """True unless the weights embed a card that is not ``card_json`` (a save in between)."""
    try:
        return json.loads(_embedded_card(weights)) == json.loads(card_json)
    except (CheckpointError, ValueError, struct.error, UnicodeDecodeError):
        return True  # no embedded card, or a broken file: load_checkpoint_bytes says why


def model_id(card: ModelCard, weights: bytes | Mapping[str, torch.Tensor] | nn.Module,
             graph: bytes | None = None) -> str:
    """A short stable id (12 hex chars) for a card plus its weights (and ONNX graph), for cache
    keys.

    sha256 over the canonical card JSON, the canonical safetensors bytes of the tensors and the
    graph, so the same model gives the same id whether passed as file bytes, a state_dict or a
    module.
    """
    tensors = (_read_tensors(weights) if isinstance(weights, (bytes, bytearray))
               else _cpu_state(weights))
    card_bytes = json.dumps(asdict(card), sort_keys=True, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(card_bytes + b"\0" + safetensors.torch.save(tensors))
    if graph:
        digest.update(b"\0" + hashlib.sha256(bytes(graph)).digest())
    return digest.hexdigest()[:12]


# --------------------------------------------------------------------------- model library
def save_to_library(model: nn.Module, card: ModelCard, root: Path | None = None,
                    graph: bytes | None = None) -> Path:
    """Save a checkpoint under the model library as ``<root>/<name-slug>-<model_id>``;
    returns it. ``graph``: the ONNX file of an "onnx" card.

    The name is the content's hash: a readable entry already there (saved before, or by
    another process sharing the library) is this model and is returned as it is, untouched
    (its modification time, hence every process's cached copy, stays valid)."""
    root = Path(root) if root is not None else models_dir()
    slug = re.sub(r"[^a-z0-9]+", "-", card.name.lower()).strip("-")[:40] or "model"
    directory = root / f"{slug}-{model_id(card, model, graph)}"
    if read_card(directory) is not None:
        return directory
    return save_checkpoint(model, card, directory, graph)


# --------------------------------------------------------------------------- download / upload
MAX_ZIP_BYTES = 256 * 1024 * 1024  # a model zip (weights + card); our archs are a few MB


def export_zip(directory: Path) -> bytes:
    """A checkpoint directory as a zip holding ``model.safetensors`` and ``card.json``."""
    import io
    import zipfile

    directory = Path(directory)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in (WEIGHTS_FILE, CARD_FILE, GRAPH_FILE):
            if name != GRAPH_FILE or (directory / name).is_file():
                zf.write(directory / name, arcname=name)
    return buf.getvalue()


def is_torchscript(names) -> bool:
    """Whether zip member names are a TorchScript archive's (``torch.jit.save``): a
    ``constants.pkl`` or a ``code/`` folder. Such a file is a program, never loaded."""
    parts = [n.replace("\\", "/").split("/") for n in names]
    return any(p[-1] == "constants.pkl" or "code" in p[:-1] for p in parts)


def import_upload(data: bytes, filename: str = "") -> tuple[nn.Module, ModelCard]:
    """Load an uploaded model: our zip (weights + card) or a bare ``.safetensors`` with its card
    embedded. Nothing is unpickled; any problem raises CheckpointError with a clear message.
    (``load_upload`` also returns an ONNX network's graph.)"""
    model, card, _ = load_upload(data, filename)
    return model, card


def load_upload(data: bytes, filename: str = "") -> tuple[nn.Module, ModelCard, bytes | None]:
    """``import_upload`` plus the graph: (model, card, the ``graph.onnx`` bytes of an "onnx"
    card's zip or None)."""
    import io
    import zipfile

    if not isinstance(data, (bytes, bytearray)) or not data:
        raise CheckpointError("the uploaded file is empty", "checkpoint_upload_empty")
    if len(data) > MAX_ZIP_BYTES:
        raise CheckpointError(f"the file is {len(data) / 1e6:.0f} MB; at most "
                              f"{MAX_ZIP_BYTES / 1e6:.0f} MB", "checkpoint_upload_too_large",
                              size_mb=round(len(data) / 1e6), limit_mb=round(MAX_ZIP_BYTES / 1e6))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        model, card = load_checkpoint_bytes(bytes(data))  # a bare safetensors (or a clear error)
        return model, card, None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [n for n in zf.namelist() if not n.endswith("/")]
            if is_torchscript(members):
                raise CheckpointError("this is a TorchScript archive (torch.jit.save): it holds "
                                      "code, which is never loaded; upload a state_dict (.pth) "
                                      "or our zip instead", "checkpoint_torchscript")
            names = {Path(n).name: n for n in members}
            if "data.pkl" in names or any(n.endswith(".pkl") for n in names):
                raise CheckpointError("this is a torch.save (pickle) file; only safetensors "
                                      "checkpoints are accepted", "checkpoint_pickle")
            missing = [n for n in (WEIGHTS_FILE, CARD_FILE) if n not in names]
            if missing:
                raise CheckpointError(f"the zip must contain {WEIGHTS_FILE} and {CARD_FILE}; "
                                      f"missing {', '.join(missing)}", "checkpoint_zip_missing",
                                      weights=WEIGHTS_FILE, card=CARD_FILE,
                                      missing=tuple(missing))
            wanted = [n for n in (WEIGHTS_FILE, CARD_FILE, GRAPH_FILE) if n in names]
            infos = {n: zf.getinfo(names[n]) for n in wanted}
            if sum(i.file_size for i in infos.values()) > MAX_ZIP_BYTES:
                raise CheckpointError("the zip's contents are too large",
                                      "checkpoint_zip_too_large",
                                      limit_mb=round(MAX_ZIP_BYTES / 1e6))
            weights = zf.read(infos[WEIGHTS_FILE])
            card = zf.read(infos[CARD_FILE]).decode("utf-8")
            graph = zf.read(infos[GRAPH_FILE]) if GRAPH_FILE in infos else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, UnicodeDecodeError, OSError,
            RuntimeError) as err:  # RuntimeError: encrypted members
        raise CheckpointError(f"the zip cannot be read: {err}", "checkpoint_zip_unreadable",
                              reason=str(err)) from None
    model, card = load_checkpoint_bytes(weights, card, graph)
    return model, card, graph if card.arch == "onnx" else None
