"""Layers page, section 2: the active model's layer table, feature maps, prediction, weights."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st
import torch

from core.data import images
from core.interpret import layers
from dashboard import cache, charts, i18n, texts, widgets

if TYPE_CHECKING:
    from core.data.datasets import Dataset

KEY = "layers_net"
SORTS = ("mean", "max", "index")


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
    classes = texts.class_names(card.classes, lang)
    table = cache.layer_table(loaded)
    with st.expander(T["layer_table"], expanded=False):
        st.dataframe(_table_frame(T, table), hide_index=True, key=f"{KEY}_table")

    left, right = st.columns([1, 2])
    with left:
        picked = widgets.image_picker(f"{KEY}_img", labels=T, default="dataset",
                                      dataset=test_split)
    if picked is None:
        st.info(T["no_image"])
        return None
    pixels, x = images.prepare_input(picked.image, input_shape=card.input_shape,
                                     mean=card.mean, std=card.std)
    probs = layers.predict(model, x)[0].numpy()  # (K,)
    with left:
        st.plotly_chart(
            charts.image(images.to_display(pixels), height=220, title=T["model_input"].format(
                shape=" × ".join(map(str, card.input_shape)))),
            key=f"{KEY}_input")
        best = int(np.argmax(probs))
        st.markdown(T["predicted"].format(cls=classes[best],
                                          p=i18n.percent(float(probs[best]), lang=lang)))
        if picked.label is not None:
            st.markdown(T["true_class"].format(cls=classes[picked.label]))
        st.plotly_chart(charts.bars(probs, classes, highlight=best, height=240,
                                    title=T["probabilities"]), key=f"{KEY}_probs")

    names = [row.name for row in table[1:]]
    with right:
        c1, c2, c3 = st.columns([2, 2, 1])
        default = next((n for n in names if n.startswith("relu")), names[0])
        layer = c1.selectbox(T["layer"], names, index=names.index(default), key=f"{KEY}_layer")
        sort = c2.radio(T["sort"], SORTS, horizontal=True, key=f"{KEY}_sort",
                        format_func=lambda s: T[f"sort_{s}"])
        limit = int(c3.number_input(T["max_maps"], 1, 256, 32, key=f"{KEY}_limit"))
        acts = layers.activations(model, x, [layer, _feature_layer(loaded, names)])
        act = acts[layer][0]  # (C, H, W) or (N,)
        if act.dim() == 3:
            order = layers.channel_order(act, by=sort)[:limit]
            st.caption(T["maps_of"].format(n=len(order), total=act.shape[0], layer=layer,
                                           shape=" × ".join(map(str, act.shape))))
            st.plotly_chart(
                charts.feature_maps(act[order].numpy(),
                                    [T["channel_name"].format(c=c) for c in order], cols=8,
                                    signed=bool((act < 0).any()), height_per_row=130),
                key=f"{KEY}_maps")
        else:
            st.caption(T["vector_of"].format(layer=layer, n=i18n.integer(act.numel(), lang)))
            values = act.numpy()
            st.plotly_chart(charts.bars(values, [str(i) for i in range(len(values))],
                                        value_format=".2f", height=260), key=f"{KEY}_vector")
    _weights(T, loaded)
    feature = acts[_feature_layer(loaded, names)][0].flatten().numpy()
    return Inspected(loaded, x, feature)


def _feature_layer(loaded: cache.LoadedModel, names: list[str]) -> str:
    from core.models import archs

    spec = archs.ARCHS.get(loaded.card.arch)
    return spec.feature_layer if spec and spec.feature_layer in names else names[-2]


def _weights(T: dict, loaded: cache.LoadedModel) -> None:
    convs = layers.conv_layer_names(loaded.model)
    if not convs:
        return
    st.markdown(f"**{T['weights']}**")
    c1, c2 = st.columns(2)
    layer = c1.selectbox(T["weights_layer"], convs, key=f"{KEY}_weights_layer")
    w = layers.filter_weights(loaded.model, layer).numpy()  # (out, in, kh, kw)
    if w.shape[1] == 1:  # first layer of a grayscale model: one image per filter
        maps, names = w[:, 0], [T["filter_name"].format(i=i) for i in range(w.shape[0])]
    else:
        out = int(c2.number_input(T["weights_out"], 0, w.shape[0] - 1, 0, key=f"{KEY}_weights_out"))
        maps, names = w[out], [T["in_channel_name"].format(i=i) for i in range(w.shape[1])]
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
