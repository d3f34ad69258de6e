"""Layers page, section 2: the active model's layer table, feature maps, prediction, weights.

Any active model: the lab's, a torchvision ImageNet classifier, an imported .pth or ONNX
network. One image, one forward pass (the chosen layer, the embedding layer and the prediction
together); the image is converted to the model's input visibly (a caption says how).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core.data import images
from core.data.fit import fit_input
from core.interpret import layers
from dashboard import cache, charts, i18n, picker, state, widgets
from dashboard.views import any_model

if TYPE_CHECKING:
    from core.data.datasets import Dataset

KEY = "layers_net"
FEATURE_KEY = f"{KEY}_feature"  # (model id, embedding vector) of the image inspected last
SORTS = ("mean", "max", "index")
TOP_CLASSES = 10  # a model with more classes (ImageNet's 1000) shows its most probable ones
MAX_FILTERS = 256
_ACTIVATIONS = ("ReLU", "ReLU6", "LeakyReLU", "Hardswish", "SiLU", "GELU", "ELU", "Mish")


@dataclass(frozen=True)
class Inspected:
    """What section 2 computed, for the sections after it."""

    model: cache.LoadedModel
    x: torch.Tensor  # (1, C, H, W) normalised model input
    feature_vector: np.ndarray  # the model's embedding layer output for x, (D,)


def render(T: dict, loaded: cache.LoadedModel, test_split: Dataset | None) -> Inspected | None:
    with st.expander(T["net_theory_title"]):
        st.markdown(T["net_theory"])
    model, card = loaded.model, loaded.card
    lang = i18n.current()
    table = cache.layer_table(loaded)
    with st.expander(T["layer_table"], expanded=False):
        st.dataframe(_table_frame(T, table), hide_index=True, key=f"{KEY}_table")

    left, right = st.columns([1, 2])
    with left:
        # a dataset image when it already fits the model, else a sample (a photo for colour)
        source = any_model.image_source(f"{KEY}_img", card, test_split)
        picked = picker.image_picker(f"{KEY}_img", labels=T, default=source,
                                     dataset=test_split, draw=any_model.draw_style(card),
                                     predict=any_model.predictor(loaded))
    if picked is None:
        st.info(T["no_image"])
        return None
    pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape,
                                     mean=card.mean, std=card.std)

    rows = {row.name: row for row in table[1:]}
    names = list(rows)
    with right:
        c1, c2, c3 = st.columns([2, 2, 1])
        default = _default_layer(table)
        layer = c1.selectbox(T["layer"], names, index=names.index(default), key=f"{KEY}_layer",
                             bind="query-params")
        sort = c2.radio(T["sort"], SORTS, horizontal=True, key=f"{KEY}_sort", bind="query-params",
                        format_func=lambda s: T[f"sort_{s}"])
        limit = int(c3.number_input(T["max_maps"], 1, 256, _default_count(rows[default]),
                                    key=f"{KEY}_limit", bind="query-params"))
    feature = _feature_layer(loaded, names)
    acts, probs = layers.activations_and_probs(model, x, list(dict.fromkeys([layer, feature])))
    probs = probs[0].numpy()  # (K,)

    with left:
        st.plotly_chart(
            charts.image(images.to_display(pixels), height=220, title=T["model_input"].format(
                shape=" × ".join(map(str, card.input_shape)))),
            key=f"{KEY}_input")
        note = _fit_caption(T, picked, test_split, card)
        if note:
            st.caption(note)
        _prediction(T, probs, loaded, picked, test_split, lang)

    with right:
        act = acts[layer][0]  # (C, H, W) or (N,)
        order = layers.channel_order(act, by=sort)[:limit]
        if act.dim() == 3:
            st.caption(T["maps_of"].format(n=len(order), total=act.shape[0], layer=layer,
                                           shape=" × ".join(map(str, act.shape))))
            st.plotly_chart(
                charts.feature_maps(act[order].numpy(),
                                    [T["channel_name"].format(c=c) for c in order], cols=8,
                                    signed=bool((act < 0).any()), height_per_row=130),
                key=f"{KEY}_maps")
        else:
            st.caption(T["vector_of"].format(layer=layer, k=len(order),
                                             n=i18n.integer(act.numel(), lang)))
            st.plotly_chart(charts.bars(act[order].numpy(), [str(i) for i in order],
                                        value_format=".2f", height=260), key=f"{KEY}_vector")
    _weights(T, loaded)
    inspected = Inspected(loaded, x, acts[feature][0].flatten().numpy())
    st.session_state[FEATURE_KEY] = (loaded.model_id, inspected.feature_vector)
    return inspected


def feature_vector(test_split: Dataset | None) -> np.ndarray | None:
    """The active model's embedding vector the explainers' dropout demo starts from, without
    drawing this section: that of the image inspected here last (this session, this model),
    else that of the image this section starts on (computed once, cached); None without a
    model (this section says why)."""
    from core.data import samples
    from core.models.checkpoints import CheckpointError
    from core.models.imagenet import WeightsUnavailableError

    try:
        loaded = cache.active_model()
    except (WeightsUnavailableError, CheckpointError):
        return None
    if loaded is None:
        return None
    stored = st.session_state.get(FEATURE_KEY)
    if stored is not None and stored[0] == loaded.model_id:
        return stored[1]
    card = loaded.card
    if any_model.fits_dataset(card, test_split):
        image = images.tensor_to_image(test_split.images[0])
        image_id = f"dataset:{state.active_dataset()}:{test_split.split}:0"
    else:
        name = st.session_state.get(f"{KEY}_img_sample") or (
            any_model.PHOTO if card.input_shape[0] == 3 else next(iter(samples.SAMPLES)))
        image, image_id = samples.sample_image(name), f"sample:{name}"
    names = [row.name for row in cache.layer_table(loaded)[1:]]
    return cache.feature_vector(loaded, image, image_id, _feature_layer(loaded, names))


def _default_layer(table: list[layers.LayerInfo]) -> str:
    """The first activation (its maps are cheap: the pass stops there), else the first layer."""
    rows = table[1:]
    return next((r.name for r in rows if r.type in _ACTIVATIONS and len(r.output_shape) == 3),
                rows[0].name)


def _default_count(row: layers.LayerInfo) -> int:
    """How many maps to draw at first: fewer as they get larger (each is a heatmap)."""
    if len(row.output_shape) != 3:
        return 32
    pixels = row.output_shape[1] * row.output_shape[2]
    return 32 if pixels <= 32 * 32 else 16 if pixels <= 64 * 64 else 8


def _feature_layer(loaded: cache.LoadedModel, names: list[str]) -> str:
    from core.models import archs

    spec = archs.ARCHS.get(loaded.card.arch)
    return spec.feature_layer if spec and spec.feature_layer in names else names[-2]


def _fit_caption(T: dict, picked: picker.PickedImage, split: Dataset | None,
                 card) -> str | None:
    """What is done to the picked image to make it the model's input, or None (nothing)."""
    kw = {"mean": card.mean, "std": card.std}
    if picked.index is not None and split is not None:  # a dataset image
        fit = fit_input(tuple(split.images.shape[1:]), card.input_shape, **kw)
        dataset = state.dataset_title(state.active_dataset())
        return widgets.fit_note(fit, images=T["fit_dataset_images"].format(dataset=dataset),
                                model=card.name)
    return any_model.image_fit_note(T, picked, card)  # a sample or an upload


def _prediction(T: dict, probs: np.ndarray, loaded: cache.LoadedModel,
                picked: picker.PickedImage, split: Dataset | None, lang: str) -> None:
    """The predicted class, the true one when it is one of the model's classes, the bars."""
    from dashboard import texts

    classes = any_model.class_names(loaded)  # ImageNet's stay English
    best = int(np.argmax(probs))
    st.markdown(T["predicted"].format(cls=classes[best],
                                      p=i18n.percent(float(probs[best]), lang=lang)))
    if picked.label is not None and split is not None:
        if any_model.same_classes(loaded.card, split):
            st.markdown(T["true_class"].format(cls=classes[picked.label]))
        else:  # the dataset's label names no class of this model (the digits for ImageNet)
            name = texts.class_names([split.classes[picked.label]], lang)[0]
            st.markdown(T["dataset_label"].format(cls=name))
    shown = np.argsort(-probs, kind="stable")[:TOP_CLASSES] if len(probs) > TOP_CLASSES \
        else np.arange(len(probs))
    title = T["probabilities"] if len(shown) == len(probs) else T["top_probabilities"].format(
        k=len(shown), n=i18n.integer(len(probs), lang))
    st.plotly_chart(charts.bars(probs[shown], [classes[i] for i in shown],
                                highlight=int(np.flatnonzero(shown == best)[0]), height=240,
                                title=title), key=f"{KEY}_probs")


def _weights(T: dict, loaded: cache.LoadedModel) -> None:
    convs = layers.conv_layer_names(loaded.model)
    if not convs:
        return
    st.markdown(f"**{T['weights']}**")
    c1, c2 = st.columns(2)
    layer = c1.selectbox(T["weights_layer"], convs, key=f"{KEY}_weights_layer", bind="query-params")
    w = layers.filter_weights(loaded.model, layer)  # (out, in, kh, kw)
    out, cin, kh, kw = w.shape
    if cin == 3:  # a first layer on colour images: each filter is a small colour picture
        tiles = layers.filter_images(loaded.model, layer)[:MAX_FILTERS].numpy()  # (N, kh, kw, 3)
        st.caption(T["filters_colour"].format(n=len(tiles), total=out, layer=layer,
                                              k=f"{kh}×{kw}"))
        st.plotly_chart(charts.filter_mosaic(tiles, hover=T["filter_hover"], cols=16 if
                                             len(tiles) > 32 else 8),
                        key=f"{KEY}_weights")
        return
    w = w.numpy()
    if cin == 1:  # first layer of a grayscale model: one image per filter
        maps, names = w[:, 0], [T["filter_name"].format(i=i) for i in range(out)]
    else:
        pick = int(c2.number_input(T["weights_out"], 0, out - 1, 0, key=f"{KEY}_weights_out",
                                   bind="query-params"))
        maps, names = w[pick], [T["in_channel_name"].format(i=i) for i in range(cin)]
    st.plotly_chart(charts.feature_maps(maps[:64], names[:64], cols=8, signed=True,
                                        height_per_row=110), key=f"{KEY}_weights")


def _table_frame(T: dict, table: list[layers.LayerInfo]) -> pd.DataFrame:
    """The layer table with the page's column names; numeric columns stay numeric."""
    return pd.DataFrame([{
        T["col_layer"]: T["input_name"] if i == 0 and r.name == "input" else r.name,
        T["col_type"]: r.type, T["col_shape"]: " × ".join(map(str, r.output_shape)),
        T["col_params"]: r.params, T["col_rf"]: r.receptive_field, T["col_jump"]: r.jump,
        T["col_details"]: widgets.layer_detail(r),
    } for i, r in enumerate(table)])
