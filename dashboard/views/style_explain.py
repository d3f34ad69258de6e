"""Style Transfer page, "Look inside": Gram matrices of both images, and the paper's Figure 1
reconstructions (content from single layers, style from growing layer sets), on request."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.checks import InputError
from dashboard import cache, charts, errors, i18n
from dashboard.views.style_transfer import KEY, Network, StyleImages
from dashboard.widgets import image_id

GRAM_SIZE = 192  # px, longer side, for the Gram explainer
RECON = f"{KEY}_recon"


def render(T: dict, network: Network, picked: StyleImages) -> None:
    st.subheader(T["explain_header"])
    tab_gram, tab_recon = st.tabs([T["gram_tab"], T["recon_tab"]])
    with tab_gram:
        grams(T, network, picked)
    with tab_recon:
        reconstructions(T, network, picked)


def grams(T: dict, network: Network, picked: StyleImages) -> None:
    from core.style import vgg

    weights, pooling = network.weights, network.pooling
    content, style = picked.content, picked.style

    c1, c2 = st.columns(2)
    layer = c1.selectbox(T["gram_layer"], vgg.CONV_LAYERS,
                         index=vgg.CONV_LAYERS.index("conv2_1"), key=f"{KEY}_gram_layer")
    n = int(c2.select_slider(T["gram_channels"], [8, 16, 32, 64, 128], 32,
                             key=f"{KEY}_gram_channels"))
    try:
        gc = cache.style_gram(weights, pooling, content, image_id(content), layer, GRAM_SIZE)
        gs = cache.style_gram(weights, pooling, style, image_id(style), layer, GRAM_SIZE)
    except InputError as err:
        st.error(T["error"].format(error=errors.message(err)))
        return
    c = gc.shape[0]
    n = min(n, c)
    st.caption(T["gram_note"].format(size=GRAM_SIZE))
    titles = [T["gram_content"].format(layer=layer, n=n, c=c),
              T["gram_style"].format(layer=layer, n=n, c=c)]
    st.plotly_chart(charts.feature_maps(np.stack([gc[:n, :n], gs[:n, :n]]), titles, cols=2,
                                        height_per_row=420), key=f"{KEY}_grams")
    st.caption(T["gram_diff"].format(c=c, mse=i18n.general(float(np.mean((gc - gs) ** 2)))))


def reconstructions(T: dict, network: Network, picked: StyleImages) -> None:
    from core.style import explain, transfer

    weights, pooling, features = network.weights, network.pooling, network.features
    content, style = picked.content, picked.style

    st.caption(T["recon_intro"])
    c1, c2 = st.columns(2)
    size = int(c1.select_slider(T["recon_size"], [48, 64, 96, 128], 96, key=f"{KEY}_recon_size"))
    steps = int(c2.select_slider(T["recon_steps"], [10, 20, 40, 60, 100], 40,
                                 key=f"{KEY}_recon_steps"))
    jobs = [("content", (layer,)) for layer in transfer.CONTENT_LAYERS] + \
        [("style", layers) for layers in explain.figure1_style_sets()]
    st.caption(T["recon_cost"].format(n=len(jobs), steps=steps, size=size))
    wanted = (weights, pooling, image_id(content), image_id(style), size, steps)
    stored = st.session_state.get(RECON)
    if st.button(T["recon_run"], key=f"{KEY}_recon_run"):
        bar = st.progress(0.0)
        results = []
        try:
            for i, (kind, layers) in enumerate(jobs):
                bar.progress(i / len(jobs), T["recon_progress"].format(done=i + 1,
                                                                       total=len(jobs)))
                if kind == "content":
                    results.append(explain.reconstruct(features, content, content_layer=layers[0],
                                                       size=size, steps=steps, pooling=pooling))
                else:
                    results.append(explain.reconstruct(features, style, style_layers=layers,
                                                       size=size, steps=steps, pooling=pooling))
        except InputError as err:
            st.error(T["error"].format(error=errors.message(err)))
            return
        finally:
            bar.empty()
        stored = (wanted, results)
        st.session_state[RECON] = stored
    if stored is None or stored[0] != wanted:
        return
    results = stored[1]
    half = len(transfer.CONTENT_LAYERS)
    for title, row in ((T["recon_content_row"], results[:half]),
                       (T["recon_style_row"], results[half:])):
        st.markdown(f"**{title}**")
        cols = st.columns(len(row))
        for col, r in zip(cols, row, strict=True):
            col.image(r.image, width="stretch", caption=T["recon_caption"].format(
                layers=" + ".join(r.layers), loss=i18n.general(r.loss, spec=".3g")))
