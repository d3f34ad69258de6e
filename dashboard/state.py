"""The session's shared choices: the active dataset and model, read by every page.

Torch-free on purpose: the sidebar renders on every page, the home page included, and must
paint before torch is imported. Models are described by their cards (JSON); the weights are
loaded by ``dashboard.cache`` on the pages that need them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core import paths
from core.data import catalog
from core.models import archs, cards
from dashboard import texts

DATASET_KEY = "active_dataset"
MODEL_KEY = "active_model"
FOLDERS_KEY = "folder_datasets"  # {key: (train, test)} image folders uploaded in this session
SESSION_DIR_KEY = "session_model_dir"
FOLDER_PREFIX = "folder:"
DEFAULT_DATASET = "digits"
DEFAULT_REF = "default"
IMAGENET_PREFIX = "imagenet:"  # a torchvision ImageNet classifier: "imagenet:resnet18"
RANDOM_KEY = "imagenet_random_weights"  # the sidebar's switch: ImageNet archs, random weights


@dataclass(frozen=True)
class ModelChoice:
    """A model the sidebar offers: where its checkpoint is and what its card says."""

    ref: str  # "default" | "library:<directory name>" | "imagenet:<arch>"
    label: str
    dataset: str  # what it was trained on: a dataset key, "imagenet", "imported"
    path: Path | None  # the checkpoint directory (None for an ImageNet model)
    card: cards.ModelCard | None  # None: the default before its first training, ImageNet
    arch: str = ""  # the card's arch (known before any card for ImageNet models)

    @property
    def imagenet_key(self) -> str | None:
        """The torchvision arch of an ImageNet model choice, else None."""
        return self.ref.removeprefix(IMAGENET_PREFIX) if self.ref.startswith(
            IMAGENET_PREFIX) else None


def default_choice() -> ModelChoice:
    path = paths.models_dir() / cards.DEFAULT_MODEL_DIR
    card = cards.read_card(path)
    label = texts.get("sidebar")["default_model"]
    return ModelChoice(DEFAULT_REF, label, DEFAULT_DATASET, path, card, "small_cnn")


def imagenet_choices() -> list[ModelChoice]:
    """The torchvision ImageNet classifiers, offered with every dataset."""
    label = texts.get("sidebar")["imagenet_model"]
    return [ModelChoice(f"{IMAGENET_PREFIX}{key}", label.format(arch=spec.title), "imagenet",
                        None, None, key) for key, spec in archs.TORCHVISION_ARCHS.items()]


def random_weights() -> bool:
    """True when the sidebar's "random weights" switch is on (ImageNet models only)."""
    return bool(st.session_state.get(RANDOM_KEY, False))


def use_random_weights() -> None:
    """Turn the random-weights switch on (a button's on_click, before the sidebar draws)."""
    st.session_state[RANDOM_KEY] = True


def private_models() -> bool:
    """True on a shared deployment (CNNLAB_PRIVATE_MODELS=1): a session's models stay private."""
    return os.environ.get("CNNLAB_PRIVATE_MODELS", "").lower() in ("1", "true", "yes")


def model_root() -> Path:
    """Where this session saves the models it trains or uploads.

    Locally: the on-disk model library (kept across restarts). With CNNLAB_PRIVATE_MODELS=1:
    a temporary directory of this session, so users of a shared app do not see each other's.
    """
    if not private_models():
        return paths.models_dir()
    if SESSION_DIR_KEY not in st.session_state:
        st.session_state[SESSION_DIR_KEY] = tempfile.mkdtemp(prefix="cnnlab-session-")
    return Path(st.session_state[SESSION_DIR_KEY])


def model_choices(dataset: str) -> list[ModelChoice]:
    """The models the sidebar offers with ``dataset``: those trained on it (the default first
    for digits, then the library's, newest first), then the ImageNet classifiers, then the
    library's models of no registered dataset (imported, fine-tuned on an image folder)."""
    own = [default_choice()] if dataset == DEFAULT_DATASET else []
    other = []
    roots = [paths.models_dir()] + ([model_root()] if private_models() else [])
    for root in roots:
        for path, card in cards.list_library(root):
            if path.name == cards.DEFAULT_MODEL_DIR:
                continue
            choice = ModelChoice(f"library:{path.name}", card.name, card.dataset, path, card,
                                 card.arch)
            if card.dataset == dataset:
                own.append(choice)
            elif card.dataset not in catalog.DATASETS:
                other.append(choice)
    return own + imagenet_choices() + other


PENDING_KEY = "pending_model_selection"


def request_select(ref: str, dataset: str) -> None:
    """Make a model (and its dataset) active at the start of the next run (the sidebar's
    widgets may already be drawn in this one, so their values cannot change now)."""
    st.session_state[PENDING_KEY] = (ref, dataset)


# The sidebar's dataset and model again, under keys no widget owns: Streamlit drops a widget's
# state when a page switch interrupts a run before the widget was drawn, and the active model
# must not fall back to the default because a navigation link was clicked mid-run.
KEPT_KEYS = {DATASET_KEY: "active_dataset_kept", MODEL_KEY: "active_model_kept"}


def recall_choices() -> None:
    """Called by the sidebar first: a dropped dataset or model choice taken back."""
    for key, kept in KEPT_KEYS.items():
        if key not in st.session_state and kept in st.session_state:
            st.session_state[key] = st.session_state[kept]


def remember_choices() -> None:
    """Called by the sidebar once its dataset and model widgets are drawn."""
    for key, kept in KEPT_KEYS.items():
        if key in st.session_state:
            st.session_state[kept] = st.session_state[key]


def apply_pending_selection() -> None:
    """Called by the sidebar before it draws its widgets."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending is not None and pending[1] in dataset_choices():
        st.session_state[MODEL_KEY], st.session_state[DATASET_KEY] = pending
    elif pending is not None:  # a model of no dataset here (imported): the dataset stays
        st.session_state[MODEL_KEY] = pending[0]
    if st.session_state.get(DATASET_KEY, DEFAULT_DATASET) not in dataset_choices():
        st.session_state[DATASET_KEY] = DEFAULT_DATASET  # e.g. a folder from an old session


def dataset_choices() -> list[str]:
    """The registry's datasets, then the image folders uploaded in this session."""
    return list(catalog.DATASETS) + list(st.session_state.get(FOLDERS_KEY, {}))


def add_folder_dataset(name: str, train, test) -> str:
    """Keep an uploaded image-folder dataset for this session and make it active; its key."""
    key = f"{FOLDER_PREFIX}{name}"
    st.session_state.setdefault(FOLDERS_KEY, {})[key] = (train, test)
    st.session_state[DATASET_KEY] = key
    return key


def folder_dataset(key: str):
    """(train, test) of an uploaded image folder, or None."""
    return st.session_state.get(FOLDERS_KEY, {}).get(key)


def active_dataset() -> str:
    return st.session_state.get(DATASET_KEY, DEFAULT_DATASET)


def active_model() -> ModelChoice | None:
    """The model chosen in the sidebar, or None when the active dataset has none yet."""
    choices = model_choices(active_dataset())
    ref = st.session_state.get(MODEL_KEY, DEFAULT_REF)
    return next((c for c in choices if c.ref == ref), choices[0] if choices else None)


def dataset_title(key: str, lang: str | None = None) -> str:
    """A dataset's name in ``lang`` (default: the session's)."""
    if key in catalog.DATASETS:
        return texts.dataset_title(key, lang)
    if key.startswith(FOLDER_PREFIX):
        return texts.get("sidebar", lang)["folder"].format(name=key.removeprefix(FOLDER_PREFIX))
    return key
