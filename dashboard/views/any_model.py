"""What the Occlusion, Saliency, Trust and Embeddings pages share about the sidebar's model,
whatever it is (the lab's, a torchvision ImageNet classifier, an imported .pth or ONNX network):
whether it is large (smaller batches, work that waits for a button), its class names as the user
reads them, whether its classes are the dataset's, the active test split, the image picker for
its input, and how a picked image becomes that input (with the sentence saying so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard import errors, texts

if TYPE_CHECKING:
    import torch
    from streamlit.delta_generator import DeltaGenerator

    from core.data.datasets import Dataset
    from core.models.cards import ModelCard
    from dashboard.cache import LoadedModel
    from dashboard.picker import DrawStyle, PickedImage, Predict

# A model counts as large from either: ResNet-18 at 224 px (11.7 M parameters) costs ~30 ms
# per image forward on a 2-core CPU, the digits CNN (28 px, 0.4 M) well under 1 ms.
LARGE_PIXELS = 112 * 112  # input H x W
LARGE_PARAMETERS = 5_000_000
PHOTO = "flower"  # the sample image a colour model starts on (core.data.samples.SAMPLES)


def is_large(loaded: LoadedModel) -> bool:
    """Whether the model is costly per image: by its input size and its parameter count (an
    ImageNet classifier, a 224 px import), not by where it came from."""
    _, h, w = loaded.card.input_shape
    if h * w >= LARGE_PIXELS:
        return True
    return sum(p.numel() for p in loaded.model.parameters()) >= LARGE_PARAMETERS


def class_names(loaded: LoadedModel) -> list[str]:
    """The model's class names as the user reads them: ImageNet's 1000 stay English (as the
    README says), a lab dataset's go through ``texts.class_names``."""
    classes = [str(c) for c in loaded.card.classes]
    return classes if loaded.card.dataset == "imagenet" else texts.class_names(classes)


def same_classes(card: ModelCard, dataset: Dataset | None) -> bool:
    """Whether the model's classes are the dataset's (then a dataset label is a model class)."""
    return dataset is not None and list(card.classes) == [str(c) for c in dataset.classes]


def fits_dataset(card: ModelCard, dataset: Dataset | None) -> bool:
    """Whether the dataset's images already have the model's input shape (C, H, W)."""
    return dataset is not None and tuple(dataset.image_shape) == tuple(card.input_shape)


def image_source(key: str, card: ModelCard, dataset: Dataset | None) -> str:
    """The image picker's starting source (picker key ``key``): a dataset image when the
    dataset's images already have the model's input shape, else a sample image; for a colour
    model a sample photo (an ImageNet classifier shown the shapes drawing would say little)."""
    if fits_dataset(card, dataset):
        return "dataset"
    if card.input_shape[0] == 3:
        st.session_state.setdefault(f"{key}_sample", PHOTO)  # until the user picks another
    return "sample"


def draw_style(card: ModelCard) -> DrawStyle:
    """How a drawing becomes this model's image (``dashboard.picker.DrawStyle``): MNIST-style
    for a square grey model, its digit box the typical one of the images it was trained on
    (the scikit-learn digits fill their whole 28 px; MNIST's fill 20), or MNIST's 20 of 28
    scaled to its side when those are not at hand; the drawing as it is for a colour model."""
    from core.data import drawing
    from dashboard import cache
    from dashboard.picker import DrawStyle

    c, h, w = card.input_shape
    if c != 1 or h != w:
        return DrawStyle()
    box = cache.ink_box(card.dataset) if h == drawing.MNIST_SIZE else None
    if box is None:
        box = round(drawing.MNIST_BOX * h / drawing.MNIST_SIZE)
    return DrawStyle(int(h), int(min(max(box, 1), h)))


def predictor(loaded: LoadedModel, k: int = 3) -> Predict:
    """The model's top ``k`` classes (names as the user reads them) for a picked image."""
    from core.data import images
    from core.interpret import layers

    card = loaded.card
    classes = class_names(loaded)

    def top(image):
        _, x = images.prepare_input(image, input_shape=card.input_shape, mean=card.mean,
                                    std=card.std)
        probs = layers.predict(loaded.model, x)[0].numpy()
        best = sorted(range(len(probs)), key=lambda i: -probs[i])[:k]  # ties: the first class
        return [(classes[i], float(probs[i])) for i in best]

    return top


def dataset_test_split(T: dict) -> Dataset | None:
    """The active dataset's test split, or None (after a caption saying why) when it cannot be
    had: the page then works on sample photos and uploads."""
    from core.checks import InputError
    from core.data.datasets import DatasetUnavailableError
    from dashboard import cache, state

    try:
        return cache.dataset(state.active_dataset())[1]
    except (DatasetUnavailableError, InputError) as err:
        st.caption(T["dataset_unavailable"].format(error=errors.message(err)))
        return None


def image_fit_note(T: dict, picked: PickedImage, card: ModelCard) -> str | None:
    """What `core.data.images.prepare_input` does to the picked image to make it the model's
    input (channels, size), as a sentence; None when the image already fits."""
    from core.data.fit import fit_input

    image = picked.image
    source = (1 if image.mode == "L" else 3, image.height, image.width)
    fit = fit_input(source, card.input_shape, mean=card.mean, std=card.std)
    if not fit.steps:
        return None
    words = texts.get("common")
    (c, h, w), (tc, th, tw) = fit.source, fit.target
    steps = [words[f"fit_{step}"].format(h=h, w=w, th=th, tw=tw) for step in fit.steps]
    return T["fit_image"].format(source=f"{c}×{h}×{w}", model=card.name,
                                 target=f"{tc}×{th}×{tw}", steps=", ".join(steps))


def pick_image(T: dict, loaded: LoadedModel, key: str, test: Dataset | None,
               column: DeltaGenerator) -> PickedImage:
    """The image picker (key ``key``) in ``column``, for ``loaded``'s input: the test split's
    images, samples, a drawing in the model's style, the camera, an upload. Until an image is
    picked the page stops, saying so (``T["no_image"]``)."""
    from dashboard import picker

    with column:
        picked = picker.image_picker(key, labels=T, dataset=test,
                                     default=image_source(key, loaded.card, test),
                                     draw=draw_style(loaded.card), predict=predictor(loaded))
    if picked is None:
        st.info(T["no_image"])
        st.stop()
    return picked


def model_input(T: dict, loaded: LoadedModel, picked: PickedImage, test: Dataset | None,
                column: DeltaGenerator, *, show: bool = False) -> tuple[torch.Tensor, int | None]:
    """The picked image as ``loaded``'s input, with the sentence saying how it was made so in
    ``column`` (and, with ``show``, the image as the model sees it above it).

    Returns:
        The (1, C, H, W) normalised input, and the picked image's true class when it is one
        of the model's classes (a target then; else None).
    """
    from core.data import images

    card = loaded.card
    pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape,
                                     mean=card.mean, std=card.std)
    with column:
        if show:
            st.image(images.to_display(pixels), caption=picked.caption, width=180)
        note = image_fit_note(T, picked, card)
        if note:
            st.caption(note)
    return x, picked.label if same_classes(card, test) else None
