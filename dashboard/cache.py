"""The only place with Streamlit caches. Cached objects are shared by every session: read-only.

Models come back in eval() mode and must never be trained, hooked or switched to train();
datasets' tensors must never be modified in place.

What the user reads while cached work runs comes from ``dashboard/texts/common.py`` in the
session's language. A cache decorator's ``show_spinner=`` is fixed when this module is
imported, so every cache here has ``show_spinner=False`` and its public function wraps the call
in ``st.spinner`` with the text read at call time (Streamlit's spinner appears only after half a
second, so a cache hit shows nothing, as before).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from dashboard import i18n, state, texts

if TYPE_CHECKING:
    from torch import nn

    from core.data.datasets import Dataset
    from core.models.cards import ModelCard

_DEFAULT_LOCK = threading.Lock()  # one default training per process, whatever the sessions


def _words(lang: str | None = None) -> dict[str, str]:
    return texts.get("common", lang)


@contextmanager
def _spinner(key: str) -> Iterator[None]:
    """``st.spinner`` with the text ``key`` of ``texts/common.py`` in the session's language."""
    with st.spinner(_words()[key]):
        yield


def _progress_text(p, lang: str) -> str:
    """The default training's progress line in ``lang`` ("epoch e/E, loss x")."""
    loss = "—" if p.last_loss is None else i18n.number(p.last_loss, 3, lang)
    return _words(lang)["default_progress"].format(epoch=p.epoch, epochs=p.epochs, loss=loss)


@dataclass(frozen=True)
class LoadedModel:
    model: nn.Module  # shared and read-only
    card: ModelCard  # arch, classes, input_shape (C, H, W), mean/std, ...
    model_id: str  # "imagenet-<arch>[-random]" for an ImageNet model, else a hash
    path: Path  # the checkpoint directory, or the ImageNet weights file

    @property
    def imagenet(self) -> bool:
        """True for a torchvision ImageNet classifier (its 1000 classes, 224 px photos)."""
        return self.model_id.startswith("imagenet-")

    @property
    def random_weights(self) -> bool:
        """True for an ImageNet architecture shown with random weights."""
        return self.model_id.endswith("-random")


@st.cache_resource(max_entries=8, show_spinner=False)
def _load_checkpoint(path: str, version: tuple[int, int]) -> LoadedModel:
    """Load a checkpoint once per (path, `weights_version`)."""
    from core.models import checkpoints

    model, card = checkpoints.load_checkpoint(Path(path))
    for p in model.parameters():
        p.requires_grad_(False)  # shared: nobody may accumulate .grad on it
    return LoadedModel(model, card, checkpoints.model_id(card, model), Path(path))


def weights_version(path: Path) -> tuple[int, int]:
    """(modification time in ns, inode) of a checkpoint directory's weights file: it changes
    whenever any process sharing the library saves the checkpoint again (each save replaces
    the file by a new one), even within one tick of the file system's clock."""
    info = (Path(path) / "model.safetensors").stat()
    return info.st_mtime_ns, info.st_ino


def load_model(path: Path) -> LoadedModel:
    """A checkpoint directory as a shared, read-only model, loaded again when the checkpoint
    was saved again (here or by another server process). Raises CheckpointError."""
    return _load_checkpoint(str(path), weights_version(path))


def ensure_default_model() -> Path:
    """The default model's directory, training it first (with a progress bar) if missing.

    Trained once per model library: sessions of this process wait on a thread lock, other
    server processes sharing CNNLAB_HOME (``make serve``) on a lock file
    (``core.train.training.ensure_default_model``); a waiting session says so.
    """
    choice = state.default_choice()
    if choice.card is not None:
        return choice.path
    with _DEFAULT_LOCK:
        if state.default_choice().card is None:  # another session may have finished meanwhile
            from core.train import training

            lang = i18n.current()
            words = _words(lang)
            with st.status(words["default_training"]) as status:
                bar = st.progress(0.0)
                try:
                    training.ensure_default_model(
                        choice.path,
                        on_wait=lambda: status.update(label=words["default_waiting"]),
                        on_report=lambda p: bar.progress(p.done_steps / p.total_steps,
                                                         text=_progress_text(p, lang)),
                    )
                except training.DefaultModelBusy:
                    status.update(state="error")
                    st.error(words["default_busy"])
                    st.stop()
                status.update(label=words["default_ready"], state="complete")
    return choice.path


def active_model() -> LoadedModel | None:
    """The sidebar's model, loaded (the default is trained on first use); None if none exists.

    Raises CheckpointError (a bad library entry) or, for an ImageNet model whose weights are
    missing offline, WeightsUnavailableError (unless the sidebar asks for random weights).
    """
    choice = state.active_model()
    if choice is None:
        return None
    if choice.imagenet_key is not None:
        return imagenet_model(choice.imagenet_key, random=state.random_weights())
    path = ensure_default_model() if choice.ref == state.DEFAULT_REF else choice.path
    return load_model(path)


@st.cache_resource(max_entries=4, show_spinner=False)
def _registered_dataset(name: str):
    from core.data import datasets

    return datasets.load_dataset(name)


def dataset(name: str) -> tuple[Dataset, Dataset]:
    """(train, test) of a registered dataset (shared, read-only) or of an image folder uploaded
    in this session. Raises DatasetUnavailableError (offline download) or InputError."""
    folder = state.folder_dataset(name)
    if folder is not None:
        return folder
    with _spinner("cache_dataset"):
        return _registered_dataset(name)


def _from_training_images(name: str, channels: int, measure):
    """``measure(images)`` of a registered dataset's training images (N, C, H, W) uint8 when
    it has ``channels`` channels; None when it has not, or cannot be had (not downloaded) or
    measured."""
    from core.checks import InputError
    from core.data import catalog
    from core.data.datasets import DatasetUnavailableError

    info = catalog.DATASETS.get(name)
    if info is None or info.channels != channels:
        return None
    try:
        return measure(_registered_dataset(name)[0].images)
    except (DatasetUnavailableError, InputError):
        return None


@st.cache_data(max_entries=8, show_spinner=False)
def ink_box(name: str) -> int | None:
    """The typical ink box of a registered grey dataset's training digits
    (``core.data.drawing.ink_box``); None when it cannot be had (not downloaded, no ink)."""
    from core.data import drawing

    return _from_training_images(name, 1, lambda images: drawing.ink_box(images.numpy()))


@st.cache_data(max_entries=8, show_spinner=False)
def dataset_colours(name: str) -> tuple[tuple[float, ...], ...] | None:
    """The square root of a registered RGB dataset's colour covariance, from its training
    images (``core.interpret.featvis.colour_sqrt``); None when it cannot be had."""
    from core.interpret import featvis

    sqrt = _from_training_images(name, 3, featvis.colour_sqrt)
    return None if sqrt is None else tuple(tuple(float(v) for v in row) for row in sqrt.tolist())


def colours_for(loaded: LoadedModel) -> tuple[str, tuple[tuple[float, ...], ...] | None]:
    """Where a model's colour decorrelation comes from and its matrix: ("grey", None) for a
    grey model, ("dataset", its dataset's) for a lab model of an RGB dataset, else
    ("imagenet", Lucid's ImageNet matrix)."""
    from core.interpret import featvis

    if loaded.card.input_shape[0] != 3:
        return "grey", None
    if not loaded.imagenet:
        own = dataset_colours(loaded.card.dataset or "")
        if own is not None:
            return "dataset", own
    return "imagenet", featvis.IMAGENET_COLOUR_SQRT


@st.cache_data(max_entries=1, show_spinner=False)
def notes_flatten_demo():
    """The course notes' network run with its wrong and its right flatten size (once)."""
    from core.models import builder

    return builder.notes_flatten_demo()


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs={LoadedModel: lambda m: m.model_id})
def layer_table(loaded: LoadedModel):
    """The layer table of a loaded model (cached by model id)."""
    from core.interpret import layers

    return layers.layer_table(loaded.model, tuple(loaded.card.input_shape))


@st.cache_data(max_entries=48, show_spinner=False, hash_funcs={LoadedModel: lambda m: m.model_id})
def saliency_map(loaded: LoadedModel, _x, image_id: str, target: int, method: str,
                 params: dict):
    """One saliency map (``core.interpret.saliency.attribute``), shared by every session: a
    class looking at the same image with the same model computes each map once (cached by
    model id, image id, target, method and its parameters, precision included)."""
    from core.interpret import saliency

    return saliency.attribute(method, loaded.model, _x, target, **params)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs={LoadedModel: lambda m: m.model_id})
def feature_vector(loaded: LoadedModel, _image, image_id: str, layer: str):
    """One image's output of ``layer`` (the model's embedding layer), flattened to (D,), for
    the image identified by ``image_id`` (a PIL image, converted to the model's input)."""
    from core.data import images
    from core.interpret import layers

    card = loaded.card
    _, x = images.prepare_input(_image, input_shape=card.input_shape, mean=card.mean,
                                std=card.std)
    return layers.activations(loaded.model, x, [layer])[layer][0].flatten().numpy()


def top_activating(loaded: LoadedModel, split, layer: str, channel: int, k: int,
                   progress=None):
    """The k images of a split that most excite (layer, channel), each image converted to the
    model's input as it is used (`_normalizer`). Not cached here: the page keeps the result in
    the session (``widgets.cached_run``), since a Streamlit cache cannot show progress.

    Args:
        progress: ``progress(fraction, text)`` (an ``st.progress`` bar's method) or None.
    """
    return top_per_channel(loaded, split, layer, (channel,), k=k, progress=progress)[0]


def top_per_channel(loaded: LoadedModel, split, layer: str, channels: tuple[int, ...], *,
                    k: int = 1, progress=None):
    """`top_activating` for several channels of a layer in one pass: per channel, its k."""
    from core.interpret import layers

    fit = _normalizer(loaded.card, tuple(split.images.shape[1:]))
    per_batch = max(1, min(256, 2**22 // max(1, math.prod(loaded.card.input_shape))))
    report = None
    if progress is not None:
        def report(done: int, total: int) -> None:
            progress(done / total, f"{done}/{total}")
    with _spinner("cache_top_activating"):
        return layers.top_per_channel(loaded.model, split.images, layer, channels, k=k,
                                      normalize=fit, batch_size=per_batch, progress=report)


def _normalizer(card: ModelCard, source: tuple[int, int, int]):
    """uint8 images of shape ``source`` -> the model's normalised input: the card's channels,
    size, mean and std (``core.data.fit``), one batch at a time."""
    from core.data.fit import fit_input

    return fit_input(source, card.input_shape, mean=card.mean, std=card.std)


def evaluation(loaded: LoadedModel, _split, split_name: str):
    """core.train.evaluation.evaluate of a loaded model on a split (cached per model and split)."""
    with _spinner("cache_evaluation"):
        return _evaluation(loaded, _split, split_name)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs={LoadedModel: lambda m: m.model_id})
def _evaluation(loaded: LoadedModel, _split, split_name: str):
    from core.train.evaluation import evaluate

    return evaluate(loaded.model, _split, transform=model_input(loaded.card, _split))


def model_input(card: ModelCard, split: Dataset):
    """The `core.data.fit.InputFit` from a split's images to the model's input, or None when
    the split's own normalisation is the model's (a model trained on that dataset)."""
    from core.data.fit import fit_input

    same = (tuple(split.images.shape[1:]) == tuple(card.input_shape)
            and list(split.mean) == list(card.mean) and list(split.std) == list(card.std))
    return None if same else fit_input(split.images.shape[1:], card.input_shape,
                                       mean=card.mean, std=card.std)


def embedding_features(loaded: LoadedModel, _split, split_name: str, layer: str, mode: str,
                       count: int, *, chunk: int = 512, progress=None):
    """core.interpret.embeddings.extract for the first ``count`` images of a split, converted
    by `model_input` (batch by batch) for a model of other channels, size or normalisation.

    Computed and cached in chunks of ``chunk`` images (a larger count reuses the chunks done),
    calling ``progress(done, count)`` after each (a Stop button then ends the run at the next
    update, the chunks done stay cached); without ``progress``, a spinner.
    """
    from contextlib import nullcontext

    from core.interpret import embeddings

    parts = []
    with _spinner("cache_features") if progress is None else nullcontext():
        for first in range(0, count, chunk):
            last = min(first + chunk, count)
            parts.append(_embedding_features(loaded, _split, split_name, layer, mode, first,
                                             last))
            embeddings.check_feature_bytes(count, parts[0].vectors.shape[1])
            if progress is not None:
                progress(last, count)
    return embeddings.join_features(parts)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs={LoadedModel: lambda m: m.model_id})
def _embedding_features(loaded: LoadedModel, _split, split_name: str, layer: str, mode: str,
                        first: int, last: int):
    from core.interpret import embeddings

    return embeddings.extract(loaded.model, _split, layer=layer, mode=mode, start=first,
                              limit=last - first, transform=model_input(loaded.card, _split))


def imagenet_model(key: str, *, random: bool = False) -> LoadedModel:
    """A torchvision ImageNet classifier (shared, read-only), with its ImageNet weights or, when
    ``random``, random ones (seeded). Raises WeightsUnavailableError offline."""
    with _spinner("cache_imagenet"):
        return _imagenet_model(key, random)


@st.cache_resource(max_entries=2, show_spinner=False)
def _imagenet_model(key: str, random: bool) -> LoadedModel:
    from core.models import imagenet

    model = imagenet.random_imagenet(key) if random else imagenet.load_imagenet(key)
    model_id = f"imagenet-{key}-random" if random else f"imagenet-{key}"
    return LoadedModel(model, imagenet.imagenet_card(key), model_id, imagenet.weights_path(key))


def vgg19_features(weights: str):
    """VGG19's convolutional part, "imagenet" or "random" (shared, read-only; style transfer
    truncates and copies it per run). Raises WeightsUnavailableError offline."""
    with _spinner("cache_vgg19"):
        return _vgg19_features(weights)


@st.cache_resource(max_entries=2, show_spinner=False)
def _vgg19_features(weights: str):
    from core.style import vgg

    return vgg.load_vgg19(weights=weights)


def style_gram(weights: str, pooling: str, _image, image_id: str, layer: str, size: int):
    """core.style.explain.gram_for_layer (cached per weights, pooling, image, layer, size)."""
    with _spinner("cache_gram"):
        return _style_gram(weights, pooling, _image, image_id, layer, size)


@st.cache_data(max_entries=16, show_spinner=False)
def _style_gram(weights: str, pooling: str, _image, image_id: str, layer: str, size: int):
    from core.style import explain

    # the cache itself, not the public wrapper: no st.spinner inside a cached function
    return explain.gram_for_layer(_vgg19_features(weights), _image, layer, size=size,
                                  pooling=pooling)


# --------------------------------------------------------------------------- fine-tuning
# The backbone features of a fine-tuning run (core.train.finetune.Features), kept so that a
# later run on the same images, network, weights and input size (other epochs, learning rate,
# seed) skips the extraction. Shared by every session and read-only; keyed by
# core.train.finetune.features_key, which hashes the images themselves.
FINETUNE_FEATURE_BYTES = 256 * 1024**2  # the store keeps the newest features up to this size


class _FeatureStore:
    """Least recently used first out, within FINETUNE_FEATURE_BYTES (the newest always kept)."""

    def __init__(self) -> None:
        from collections import OrderedDict

        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def get(self, key: str):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, features) -> None:
        with self._lock:
            self._items[features.key] = features
            self._items.move_to_end(features.key)
            while (len(self._items) > 1
                   and sum(f.nbytes for f in self._items.values()) > FINETUNE_FEATURE_BYTES):
                self._items.popitem(last=False)


@st.cache_resource(max_entries=1, show_spinner=False)
def _finetune_store() -> _FeatureStore:
    return _FeatureStore()


def finetune_features(key: str):
    """Backbone features kept under ``key`` (``core.train.finetune.features_key``), or None."""
    return _finetune_store().get(key)


def keep_finetune_features(features) -> None:
    """Keep a run's ``core.train.finetune.Features`` for later runs (read-only from now on)."""
    _finetune_store().put(features)
