"""Model cards: what a checkpoint is (arch, options, data, classes, normalisation, metrics).

Torch-free on purpose: the sidebar lists the model library from the cards alone. The weights
live beside the card as ``model.safetensors`` and are read by ``core.models.checkpoints``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from core.checks import InputError
from core.models.archs import (
    TORCHVISION_ARCHS,
    _check_in_channels,
    arch_kind,
    flatten_size,
    resolve_options,
)
from core.paths import models_dir

__all__ = [
    "CARD_FILE",
    "CARD_FORMAT_VERSION",
    "DEFAULT_MODEL_DIR",
    "GRAPH_FILE",
    "list_library",
    "MAX_CARD_CHARS",
    "ModelCard",
    "read_card",
    "utc_now",
    "WEIGHTS_FILE",
]


WEIGHTS_FILE = "model.safetensors"
CARD_FILE = "card.json"
GRAPH_FILE = "graph.onnx"  # an imported ONNX network's graph (arch "onnx"), beside its weights
CARD_FORMAT_VERSION = 1
MAX_CARD_CHARS = 1_000_000
DEFAULT_MODEL_DIR = "default-digits-small-cnn"  # the ready default model, under models_dir()


def utc_now() -> str:
    """The current time as an ISO-8601 UTC string, for ``ModelCard.created``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ModelCard:
    """Everything needed to rebuild, normalise for and describe a trained model."""

    arch: str  # a lab arch (ARCHS), a torchvision one (TORCHVISION_ARCHS) or "onnx"
    options: dict  # lab archs: resolve_options(arch, ...), enough to rebuild; others: {}
    dataset: str  # e.g. "digits"
    classes: list[str]
    input_shape: list[int]  # [C, H, W], H == W
    mean: list[float]  # per channel, [0, 1] units
    std: list[float]
    metrics: dict  # e.g. {"test_accuracy": 0.97, "epochs": 5}
    created: str  # ISO-8601 UTC
    name: str  # human label
    format_version: int = CARD_FORMAT_VERSION

    def __post_init__(self) -> None:
        _check_card(self)

    def to_json(self) -> str:
        """The card as pretty JSON (checked again: fields may have been changed)."""
        _check_card(self)
        return json.dumps(asdict(self), indent=2, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        """Parse a card strictly: ValueError naming a missing, extra or wrong field."""
        if not isinstance(text, str) or len(text) > MAX_CARD_CHARS:
            raise InputError(f"card must be a JSON string of at most {MAX_CARD_CHARS} chars, "
                             f"got {type(text).__name__}", "card_not_json_string",
                             limit=MAX_CARD_CHARS, value=type(text).__name__)
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except (json.JSONDecodeError, RecursionError) as err:
            raise InputError(f"card is not valid JSON: {err}", "card_invalid_json",
                             reason=str(err)) from None
        if not isinstance(data, dict):
            raise InputError(f"card must be a JSON object, got {type(data).__name__}",
                             "card_not_object", value=type(data).__name__)
        names = {f.name for f in fields(cls)}
        missing, extra = sorted(names - data.keys()), sorted(data.keys() - names)
        if missing or extra:
            raise InputError(f"card fields wrong: missing {missing}, unexpected {extra}",
                             ("card_fields_missing_and_extra" if extra else "card_fields_missing")
                             if missing else "card_fields_extra",
                             missing=tuple(missing), extra=tuple(map(str, extra)))
        return cls(**data)


def _reject_constant(token: str) -> None:
    raise InputError(f"card must contain finite numbers only, got {token}", "card_not_finite",
                     value=token)


def _finite_json(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _finite_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_finite_json(v) for v in value)
    return value is None or isinstance(value, (str, int, bool))


def _numbers(name: str, value: Any, length: int) -> list[float]:
    ok = isinstance(value, (list, tuple)) and len(value) == length and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    if not ok:
        raise InputError(f"card field {name!r} must be {length} finite numbers (one per channel), "
                         f"got {value!r}", "card_field_numbers", field=name, count=length,
                         value=repr(value))
    return [float(v) for v in value]


def _check_card(card: ModelCard) -> None:
    """Check every field (type, range, consistency) and normalise sequences to lists."""
    for name in ("arch", "dataset", "created", "name"):
        value = getattr(card, name)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"card field {name!r} must be a non-empty string, got {value!r}",
                             "card_field_string", field=name, value=repr(value))
    if type(card.format_version) is not int or card.format_version != CARD_FORMAT_VERSION:
        raise InputError(f"card format_version must be {CARD_FORMAT_VERSION}, "
                         f"got {card.format_version!r}", "card_format_version",
                         expected=CARD_FORMAT_VERSION, value=repr(card.format_version))
    if not isinstance(card.options, dict):
        raise InputError(f"card field 'options' must be an object, got {card.options!r}",
                         "card_field_object", field="options", value=repr(card.options))
    kind = arch_kind(card.arch)
    if kind == "lab":
        card.options = resolve_options(card.arch, **card.options)
    elif card.options:
        raise InputError(f"card field 'options' must be empty for {card.arch}, "
                         f"got {card.options!r}", "card_options_not_empty", arch=card.arch,
                         value=repr(card.options))
    shape = card.input_shape
    if not (isinstance(shape, (list, tuple)) and len(shape) == 3 and shape[1] == shape[2]
            and all(type(v) is int for v in shape) and shape[1] >= 1):
        raise InputError(f"card field 'input_shape' must be a square [C, H, H], got {shape!r}",
                         "card_input_shape", value=repr(shape))
    card.input_shape = [_check_in_channels(shape[0]), shape[1], shape[2]]
    if kind == "lab":
        flatten_size(card.arch, in_channels=shape[0], image_size=shape[1],
                     channels=card.options["channels"], kernel_size=card.options["kernel_size"])
    elif kind == "torchvision":
        spec = TORCHVISION_ARCHS[card.arch]
        if shape[0] != 3 or shape[1] < spec.min_size:
            raise InputError(f"{spec.title} takes RGB images of at least {spec.min_size} px, "
                             f"got input_shape {shape!r}", "card_torchvision_input",
                             arch=spec.title, minimum=spec.min_size, value=repr(shape))
    classes = card.classes
    if not (isinstance(classes, (list, tuple)) and all(isinstance(c, str) for c in classes)
            and len(set(classes)) == len(classes) >= 2):
        raise InputError(f"card field 'classes' must be >= 2 distinct strings, got {classes!r}",
                         "card_classes", value=repr(classes))
    card.classes = list(classes)
    card.mean = _numbers("mean", card.mean, shape[0])
    card.std = _numbers("std", card.std, shape[0])
    if not all(0.0 <= m <= 1.0 for m in card.mean) or not all(0.0 < s <= 1.0 for s in card.std):
        raise InputError(f"card mean must be in [0, 1] and std in (0, 1], "
                         f"got mean {card.mean}, std {card.std}", "card_mean_std_range",
                         mean=tuple(card.mean), std=tuple(card.std))
    if not isinstance(card.metrics, dict) or not _finite_json(card.metrics):
        raise InputError(f"card field 'metrics' must be an object of finite JSON values, "
                         f"got {card.metrics!r}", "card_metrics", value=repr(card.metrics))
    try:
        when = datetime.fromisoformat(card.created)
    except ValueError:
        when = None
    if when is None or when.utcoffset() != timezone.utc.utcoffset(None):
        raise InputError(f"card field 'created' must be an ISO-8601 UTC time, got {card.created!r}",
                         "card_created", value=repr(card.created))


def _created(card: ModelCard) -> datetime:
    return datetime.fromisoformat(card.created)




def read_card(directory: Path) -> ModelCard | None:
    """The card of the checkpoint in ``directory``, or None if it is missing or unreadable (an
    "onnx" card without its graph file included) or hidden (a name starting with ".")."""
    directory = Path(directory)
    if directory.name.startswith(".") or not (directory / WEIGHTS_FILE).is_file():
        return None  # hidden: a checkpoint still being written (checkpoints.save_checkpoint)
    try:
        card = ModelCard.from_json((directory / CARD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if card.arch == "onnx" and not (directory / GRAPH_FILE).is_file():
        return None
    return card


def list_library(root: Path | None = None) -> list[tuple[Path, ModelCard]]:
    """The library's checkpoints as (directory, card), newest first; unreadable entries skipped."""
    root = Path(root) if root is not None else models_dir()
    if not root.is_dir():
        return []
    entries = [(d, card) for d in root.iterdir() if (card := read_card(d)) is not None]
    return sorted(entries, key=lambda e: (_created(e[1]), e[0].name), reverse=True)
