"""The session's shared choices: the active dataset and model, read by every page.

Torch-free on purpose: the sidebar renders on every page, the home page included, and must
paint before torch is imported. Models are described by their cards (JSON); the weights are
loaded by ``dashboard.cache`` on the pages that need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core import cards, catalog, paths

DATASET_KEY = "active_dataset"
MODEL_KEY = "active_model"
DEFAULT_DATASET = "digits"
DEFAULT_REF = "default"


@dataclass(frozen=True)
class ModelChoice:
    """A model the sidebar offers: where its checkpoint is and what its card says."""

    ref: str  # "default" | "library:<directory name>"
    label: str
    dataset: str
    path: Path
    card: cards.ModelCard | None  # None: the default model before its first training


def default_choice() -> ModelChoice:
    path = paths.models_dir() / cards.DEFAULT_MODEL_DIR
    card = cards.read_card(path)
    label = "Small CNN · digits (default)"
    return ModelChoice(DEFAULT_REF, label, DEFAULT_DATASET, path, card)


def model_choices(dataset: str) -> list[ModelChoice]:
    """Models trained on ``dataset``: the default first (digits), then the library, newest first."""
    found = [default_choice()] if dataset == DEFAULT_DATASET else []
    for path, card in cards.list_library(paths.models_dir()):
        if path.name == cards.DEFAULT_MODEL_DIR or card.dataset != dataset:
            continue
        found.append(ModelChoice(f"library:{path.name}", card.name, card.dataset, path, card))
    return found


def active_dataset() -> str:
    return st.session_state.get(DATASET_KEY, DEFAULT_DATASET)


def active_model() -> ModelChoice | None:
    """The model chosen in the sidebar, or None when the active dataset has none yet."""
    choices = model_choices(active_dataset())
    ref = st.session_state.get(MODEL_KEY, DEFAULT_REF)
    return next((c for c in choices if c.ref == ref), choices[0] if choices else None)


def dataset_title(key: str) -> str:
    info = catalog.DATASETS.get(key)
    return info.title if info else key
