"""The image picker of every page that takes an image, and the one chosen image that follows
the user from page to page.

Sources: a test image of the active dataset, a bundled sample, a drawing (a canvas; for a grey
model it is made the way MNIST's digits were made, ``core.data.drawing``), a camera photo and
an upload (both decoded with the upload checks of ``core.data.images``).

The dataset index, the sample and the source are bound to the URL (``bind="query-params"``),
so a link restores them; an upload, a photo or a drawing is not in a link.

The chosen image: whatever a picker shows (a dataset image, a sample, a drawing) becomes the
session's chosen image, and a picker on another page starts on it, with a note naming the page
it comes from. Picking another image there makes that one the chosen image.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st
from PIL import Image

from dashboard import errors, i18n, navigation, texts, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset

CHOSEN_KEY = "chosen_image"
SERIAL_KEY = "chosen_image_serial"
SOURCES = ("dataset", "sample", "draw", "camera", "upload")
FOLLOWING = ("dataset", "sample", "draw")  # the sources another page's picker can take over
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "bmp", "gif"]
CANVAS = 224  # px, the drawing canvas's side (8 × 28)
BRUSH = 16  # px, the default brush: strokes about as thick, relative to the digit, as MNIST's

# Predicts for a picked image: (class name, probability) of the top classes, best first.
Predict = Callable[[Image.Image], Sequence[tuple[str, float]]]


@dataclass(frozen=True)
class DrawStyle:
    """How a drawing becomes the model's image: MNIST-style in a ``size`` field with the ink's
    box scaled to ``box`` px (a grey model), or, with ``size`` 0, the drawing as it is."""

    size: int = 0
    box: int = 0


@dataclass(frozen=True)
class PickedImage:
    """An image chosen by :func:`image_picker`."""

    image: Image.Image  # 8-bit "L" or "RGB"
    caption: str
    label: int | None = None  # true class index when it comes from the dataset
    index: int | None = None  # index into the dataset's test split
    source: str = "dataset"  # one of SOURCES
    sample: str | None = None  # the sample's key


@dataclass(frozen=True)
class Chosen:
    """The session's chosen image: what it is, where it was picked."""

    source: str  # one of FOLLOWING
    value: Any  # the dataset index, the sample key, or the drawing's Drawn
    dataset: str  # the active dataset when it was picked
    page: str  # the page's key (dashboard.navigation)
    owner: str  # the picker's key
    serial: int  # increases with every new choice

    def same(self, source: str, value: Any, dataset: str) -> bool:
        if source != self.source:
            return False
        if source == "draw":
            return value.identity == self.value.identity
        return value == self.value and (source != "dataset" or dataset == self.dataset)


@dataclass(frozen=True)
class Drawn:
    """A drawing: the image it gives, the canvas's objects (to redraw it on another canvas)."""

    image: Image.Image  # the model's image (after DrawStyle)
    strokes: dict = field(compare=False)  # the canvas's Fabric.js JSON
    identity: str = ""  # sha1 of the canvas pixels


def current_page() -> str:
    """The key of the page this run draws (set by the entry point)."""
    return st.session_state.get(navigation.PAGE_KEY, "home")


def chosen() -> Chosen | None:
    return st.session_state.get(CHOSEN_KEY)


def choose(source: str, value: Any, *, owner: str, dataset: str, page: str | None = None) -> None:
    """Make an image the session's chosen image (a hand-over from a page without a picker, as
    Embeddings' "open on Occlusion", passes ``page``)."""
    serial = int(st.session_state.get(SERIAL_KEY, 0)) + 1
    st.session_state[SERIAL_KEY] = serial
    st.session_state[CHOSEN_KEY] = Chosen(source, value, dataset, page or current_page(), owner,
                                          serial)


def image_picker(key: str, *, labels: dict[str, str], default: str = "dataset",
                 dataset: Dataset | None = None, follow: bool = True,
                 draw: DrawStyle = DrawStyle(), predict: Predict | None = None,
                 ) -> PickedImage | None:
    """Choose an image: a test image of ``dataset``, a sample, a drawing, a photo, an upload.

    Args:
        labels: the page's text (``texts.get`` includes the picker's shared strings).
        dataset: the test split (``core.data.datasets.Dataset``) or None when unavailable.
        follow: take over the session's chosen image, and make this picker's the chosen one.
        draw: how a drawing becomes the image (:func:`draw_style`).
        predict: the model's top classes for an image, shown beside a drawing as it changes.
    Returns:
        The picked image, or None (after showing why) when there is none yet or it is bad.
    """
    from dashboard import state

    labels = texts.get("common") | dict(labels)  # the page's words over the shared ones
    sources = [s for s in SOURCES if s != "dataset" or dataset is not None]
    active = state.active_dataset()
    if follow:
        _take_over(key, sources, dataset, active)
    source = st.radio(labels["source"], sources, index=sources.index(default)
                      if default in sources else 0, horizontal=True, key=f"{key}_source",
                      format_func=lambda s: labels[f"src_{s}"], bind=widgets.URL)
    picked, value = _pick(key, source, labels, dataset, draw, predict)
    if follow and picked is not None and value is not None:
        now = chosen()
        if now is None or not now.same(source, value, active):
            choose(source, value, owner=key, dataset=active)
        elif now.owner != key and now.page != current_page():
            st.caption(labels["from_page"].format(page=_page_title(now.page)))
    return picked


def _page_title(page: str) -> str:
    return next((p.title for p in navigation.PAGES if p.key == page), page)


def _take_over(key: str, sources: list[str], dataset: Dataset | None, active: str) -> None:
    """Before the widgets draw: start this picker on the chosen image when it is new to it
    (picked on another page since), or when the picker is drawn afresh (the user comes back to
    its page, whose widgets Streamlit has forgotten)."""
    now = chosen()
    if now is None:
        return
    fresh = f"{key}_source" not in st.session_state
    if not fresh and (now.owner == key or st.session_state.get(f"{key}_seen") == now.serial):
        return
    st.session_state[f"{key}_seen"] = now.serial
    if now.source not in sources:
        return
    if now.source == "dataset":
        if dataset is None or now.dataset != active or not 0 <= now.value < len(dataset):
            return  # another dataset's image: this picker keeps its own
        st.session_state[f"{key}_index"] = int(now.value)
    elif now.source == "sample":
        st.session_state[f"{key}_sample"] = now.value
    else:  # a drawing: redrawn on this canvas, and used until the canvas sends its own pixels
        st.session_state[f"{key}_strokes"] = now.value.strokes
        st.session_state[f"{key}_handed"] = now.value
    st.session_state[f"{key}_source"] = now.source


def _pick(key: str, source: str, labels: dict, dataset: Dataset | None, draw: DrawStyle,
          predict: Predict | None) -> tuple[PickedImage | None, Any]:
    """The picked image of ``source`` and its value for the chosen image (None: not one that
    follows, or none)."""
    from core.data import images, samples

    if source == "dataset":
        idx = int(st.number_input(labels["index"], 0, len(dataset) - 1, 0, key=f"{key}_index",
                                  bind=widgets.URL))
        label = int(dataset.labels[idx])
        shown = (labels["folder_dataset"] if dataset.name == "folder"
                 else texts.dataset_title(dataset.name))
        caption = labels["picked_caption"].format(
            dataset=shown, index=idx, label=texts.class_names([dataset.classes[label]])[0])
        return PickedImage(images.tensor_to_image(dataset.images[idx]), caption, label, idx), idx
    if source == "sample":

        def sample_title(k: str) -> str:  # closes over this run's words (see format_func)
            return labels.get(f"sample_{k}", samples.SAMPLES[k].title)

        name = st.selectbox(labels["sample"], list(samples.SAMPLES), key=f"{key}_sample",
                            format_func=sample_title, bind=widgets.URL)
        picked = PickedImage(samples.sample_image(name), sample_title(name), source="sample",
                             sample=name)
        return picked, name
    if source == "draw":
        drawn = _draw(key, labels, draw, predict)
        if drawn is None:
            return None, None
        return PickedImage(drawn.image, labels["drawn_caption"], source="draw"), drawn
    if source == "camera":
        photo = st.camera_input(labels["camera"], key=f"{key}_camera")
        data, name = (photo.getvalue(), labels["camera_caption"]) if photo else (None, None)
    else:
        upload = st.file_uploader(labels["upload_image"], type=UPLOAD_TYPES, key=f"{key}_upload")
        data, name = (upload.getvalue(), upload.name) if upload else (None, None)
    if data is None:
        return None, None
    try:
        return PickedImage(images.decode_image(data), name, source=source), None
    except images.ImageError as err:
        st.error(labels["bad_image"].format(error=errors.message(err)))
        return None, None


def _draw(key: str, labels: dict, style: DrawStyle, predict: Predict | None) -> Drawn | None:
    """The canvas, the model's view of the drawing beside it, and its top 3 as it changes."""
    from streamlit_drawable_canvas import st_canvas

    from core.data import drawing

    brush = int(st.slider(labels["brush"], 4, 40, BRUSH, key=f"{key}_brush", bind=widgets.URL,
                          help=labels["draw_help"]))
    result = st_canvas(stroke_width=brush, stroke_color="#FFFFFF", background_color="#000000",
                       width=CANVAS, height=CANVAS,
                       initial_drawing=st.session_state.get(f"{key}_strokes"),
                       return_image_data=True, key=f"{key}_canvas")
    drawn = None
    rgba = result.image_data
    if rgba is not None:
        ink = drawing.ink_from_rgba(np.ascontiguousarray(rgba))
        made = drawing.mnist_style(ink, size=style.size, box=style.box) if style.size else (
            ink if drawing.bounding_box(ink) is not None else None)
        if made is not None:
            drawn = Drawn(drawing.to_image(made), result.json_data or {},
                          widgets.image_id(rgba))
    else:  # the canvas has not sent its pixels yet: a drawing handed over from another page
        drawn = st.session_state.get(f"{key}_handed")
    if drawn is None:
        st.info(labels["draw_empty"])
        return None
    view, words = st.columns([1, 2], vertical_alignment="center")
    view.image(drawn.image, width=84)
    with words:
        if predict is not None:
            lang = i18n.current()
            rows = [f"**{name}** {i18n.percent(p, 1, lang)}" for name, p in predict(drawn.image)]
            st.markdown(f"{labels['top3']}: " + " · ".join(rows))
        st.caption(labels["drawn_mnist"].format(box=style.box, size=style.size)
                   if style.size else labels["drawn_raw"])
    _elsewhere(labels)
    return drawn


def _elsewhere(labels: dict) -> None:
    """Links to the other pages that take an image: the drawing goes along (it is chosen)."""
    here = current_page()
    targets = [p for p in ("layers", "occlusion", "saliency", "trust") if p != here]
    st.caption(labels["drawing_on"])
    cols = st.columns(2)
    for i, page in enumerate(targets):
        col = cols[i % 2]
        info = next(p for p in navigation.PAGES if p.key == page)
        col.page_link(navigation.page(page), label=info.title, icon=info.icon)
