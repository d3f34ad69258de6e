"""Embeddings page body: settings form (with the conversion and, for a large model, the cost
stated), the two maps (features and raw pixels), the selected point with its nearest
neighbours, and the CSV export.

Any model works on any dataset: the images reach the model through `cache.model_input` (its
channels, size and normalisation), points are coloured by the DATASET's classes, and the
model's predictions are shown only when its classes are the dataset's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from dashboard import cache, charts, i18n, state, texts, widgets
from dashboard.cache import LoadedModel
from dashboard.views import any_model

if TYPE_CHECKING:
    from core.data.datasets import Dataset
    from core.interpret.embeddings import Features, Projection

KEY = "emb"
TSNE_CAP = 10_000
RESULTS = f"{KEY}_results"  # {params: Result}, this session's cache of computed maps
MAX_RESULTS = 4
COUNT, LARGE_COUNT = 2000, 300  # default images: ~9 s through ResNet-18 at 224 px on 2 cores
# images per cached chunk of features, a progress step (~1 s of ResNet-18 at 224 px on 2 idle
# cores); each chunk's extraction checks its shapes on one image first (1/32 more work)
CHUNK, LARGE_CHUNK = 512, 32
TIMED = 4  # images of the forward pass timed for a large model's cost


@dataclass(frozen=True)
class Settings:
    layer: str
    mode: str
    split: str
    count: int
    method: str
    dims: int
    perplexity: float
    iterations: int
    seed: int
    raw: bool


@dataclass(frozen=True)
class Result:
    features: Features
    maps: dict[str, Projection]  # {"features": ..., "pixels": ...}
    quality: dict[str, tuple[float, float]]  # {"features": (trustworthiness, k-NN accuracy)}


def settings_form(T: dict, loaded: LoadedModel, splits: dict[str, Dataset]) -> Settings | None:
    """The form's settings once there is something to compute: at once for PCA of a small
    model, after the Compute button for t-SNE and for a large model (any_model.is_large)."""
    from core.interpret import embeddings

    large = any_model.is_large(loaded)
    if widgets.was_stopped(f"{KEY}_stop"):
        st.session_state.pop(f"{KEY}_wanted", None)
        st.info(T["stopped"])
    layers = embeddings.feature_layers(loaded.model)
    default = embeddings.default_feature_layer(loaded.model, loaded.card.arch)
    with st.form(f"{KEY}_form"):
        c1, c2, c3, c4 = st.columns(4)
        layer = c1.selectbox(T["layer"], layers, index=layers.index(default), key=f"{KEY}_layer",
                             bind="query-params")
        mode = c1.radio(T["mode"], ["gap", "flatten"], key=f"{KEY}_mode", bind="query-params",
                        format_func=lambda m: T[f"mode_{m}"])
        split = c2.radio(T["split"], ["test", "train"], horizontal=True, key=f"{KEY}_split",
                         bind="query-params",
                         format_func=lambda s: T[f"split_{s}"])
        total = len(splits[split])
        # its own widget on a large model, so that its default (fewer images) applies
        count = c2.slider(T["count"], min(100, total), total,
                          min(total, LARGE_COUNT if large else COUNT), step=1,
                          key=f"{KEY}_count_{split}" + ("_large" if large else ""),
                          bind="query-params")
        method = c3.radio(T["method"], ["pca", "tsne"], horizontal=True, key=f"{KEY}_method",
                          bind="query-params",
                          format_func=lambda m: T[f"method_{m}"])
        dims = c3.radio(T["dims"], [2, 3], horizontal=True, key=f"{KEY}_dims", bind="query-params")
        raw = c3.toggle(T["raw"], True, key=f"{KEY}_raw", bind="query-params")
        perplexity = c4.slider(T["perplexity"], 5.0, 100.0, 30.0, 1.0, key=f"{KEY}_perplexity",
                               bind="query-params")
        # 400: the schedule benchmarks/tsne.py measures (>= 5x scikit-learn, same quality)
        iterations = int(c4.number_input(T["iterations"], 250, 5000, 400, 50,
                                         key=f"{KEY}_iterations", bind="query-params"))
        seed = int(c4.number_input(T["seed"], 0, 10_000, 0, key=f"{KEY}_seed", bind="query-params"))
        submitted = st.form_submit_button(T["compute"], type="primary")
    lang = i18n.current()
    if method == "tsne" and count > TSNE_CAP:
        st.caption(T["cap_note"].format(cap=i18n.integer(TSNE_CAP, lang)))
        count = TSNE_CAP
    st.caption(T["count_note"].format(n=i18n.integer(count, lang),
                                      total=i18n.integer(total, lang), split=T[f"split_{split}"]))
    if method == "tsne" and dims == 3 and count > 3000:
        st.caption(T["slow_3d"])
    fit = cache.model_input(loaded.card, splits[split])
    if fit is not None:
        note = widgets.fit_note(fit, images=T["fit_images"].format(
            dataset=state.dataset_title(splits[split].name), split=T[f"split_{split}"]),
            model=loaded.card.name)
        if note:
            st.caption(note)
    if large:
        per_image = _per_image(loaded, splits[split])
        st.caption(T["cost"].format(n=i18n.integer(count, lang), model=loaded.card.name,
                                    seconds=i18n.number(per_image * count, 0, lang),
                                    ms=i18n.number(per_image * 1000, 0, lang)))
    s = Settings(layer, mode, split, int(count), method, int(dims), float(perplexity), iterations,
                 seed, bool(raw))
    if submitted:
        st.session_state[f"{KEY}_wanted"] = (loaded.model_id, s)
    wanted = st.session_state.get(f"{KEY}_wanted")
    if wanted is not None and wanted[0] == loaded.model_id:  # not another model's settings
        return wanted[1]
    # PCA of a small model is instant: shown on arrival; t-SNE and large models wait for Compute
    return s if s.method == "pca" and not large else None


def _per_image(loaded: LoadedModel, split: Dataset) -> float:
    """Seconds per image of a forward pass (TIMED images, converted; kept per model and image
    shape in the session)."""
    from core.interpret import layers

    key = (loaded.model_id, tuple(split.image_shape))
    timings = st.session_state.setdefault(f"{KEY}_per_image", {})
    if key not in timings:
        fit = cache.model_input(loaded.card, split)
        batch = split.images[:TIMED]  # (B, C, H, W) uint8
        x = split.normalize(batch) if fit is None else fit(batch)
        start = time.perf_counter()
        layers.predict(loaded.model, x)
        timings[key] = (time.perf_counter() - start) / len(batch)
    return timings[key]


def compute(T: dict, loaded: LoadedModel, split: Dataset, s: Settings) -> Result:
    """The maps for these settings, from this session's cache or computed with progress (and a
    Stop button when it may take long: a large model, t-SNE)."""
    from core.interpret import embeddings

    key = (loaded.model_id, split.name, s)
    results = st.session_state.setdefault(RESULTS, {})
    if key in results:
        return results[key]
    lang = i18n.current()
    large = any_model.is_large(loaded)
    stop = (widgets.stop_button(f"{KEY}_stop", T["stop"])
            if large or s.method == "tsne" else None)
    bar = st.progress(0.0)

    def report(what: str):
        text = T["progress"]
        return lambda done, total: bar.progress(
            min(done / max(total, 1), 1.0),
            text.format(what=what, done=i18n.integer(done, lang),
                        total=i18n.integer(total, lang)))

    feats = cache.embedding_features(loaded, split, f"{split.name}/{split.split}", s.layer,
                                     s.mode, s.count, chunk=LARGE_CHUNK if large else CHUNK,
                                     progress=report(T["features_progress"]))
    inputs = {"features": feats.vectors}
    if s.raw:
        inputs["pixels"] = embeddings.raw_pixels(split, feats.indices)
    maps, quality = {}, {}
    for name, x in inputs.items():
        if s.method == "pca":
            proj = embeddings.pca(x, s.dims)
        else:
            proj = embeddings.tsne(x, s.dims, perplexity=s.perplexity, iterations=s.iterations,
                                   seed=s.seed, progress=report(T[f"tsne_of_{name}"]))
        maps[name] = proj
        quality[name] = (embeddings.trustworthiness(x, proj.coords, seed=s.seed),
                         embeddings.knn_accuracy(proj.coords, feats.labels))
    bar.empty()
    if stop is not None:
        stop.empty()
    result = Result(feats, maps, quality)
    if len(results) >= MAX_RESULTS:
        results.pop(next(iter(results)))
    results[key] = result
    return result


def show(T: dict, loaded: LoadedModel, split: Dataset, s: Settings, result: Result) -> None:
    from core.interpret import embeddings

    lang = i18n.current()
    classes = texts.class_names(split.classes, lang)  # the dataset's, as the user reads them
    same = any_model.same_classes(loaded.card, split)  # else a prediction is no dataset class
    f = result.features
    if same:
        colour = st.radio(T["colour"], ["label", "pred", "correct"], horizontal=True,
                          key=f"{KEY}_colour",
                          bind="query-params", format_func=lambda c: T[f"colour_{c}"])
    else:
        colour = "label"
        st.caption(T["other_classes"].format(model=loaded.card.name,
                                             classes=i18n.integer(len(loaded.card.classes),
                                                                  lang)))
    pairs = list(zip(f.labels, f.preds, strict=True))  # (true, predicted) per point
    right, wrong = T["group_correct"], T["group_incorrect"]
    groups = [classes[a] for a, _ in pairs] if colour == "label" else (
        [classes[b] for _, b in pairs] if colour == "pred"
        else [right if a == b else wrong for a, b in pairs])
    hover = [T["hover"].format(index=i, label=classes[a], pred=classes[b]) if same
             else T["point_label"].format(index=i, label=classes[a])
             for i, (a, b) in zip(f.indices, pairs, strict=True)]
    selected = st.session_state.get(f"{KEY}_selected", 0)
    cols = st.columns(len(result.maps))
    for col, (name, proj) in zip(cols, result.maps.items(), strict=True):
        with col:
            if name == "features":
                title = T["features_of"].format(
                    layer=f.layer, d=i18n.integer(f.vectors.shape[1], lang))
            else:
                title = T["pixels"].format(d=i18n.integer(np.prod(split.image_shape), lang))
            st.markdown(f"**{title}**")
            trust, knn = result.quality[name]
            st.caption(T["quality"].format(trust=i18n.number(trust, 3, lang),
                                           knn=i18n.percent(knn, 1, lang),
                                           seconds=i18n.number(proj.seconds, 1, lang)))
            if proj.explained_variance is not None:
                ev = proj.explained_variance
                parts = T["parts_sep"].join(i18n.percent(float(v), 1, lang) for v in ev)
                st.caption(T["variance"].format(parts=parts,
                                                total=i18n.percent(float(ev.sum()), 1, lang)))
            event = st.plotly_chart(charts.embedding_scatter(proj.coords, groups, hover,
                                                             selected=selected),
                                    key=f"{KEY}_map_{name}", on_select="rerun",
                                    selection_mode="points")
            _take_click(event)
    # the CSV is data for other tools: the dataset's own class names, whatever the language
    csv = embeddings.to_csv(f, result.maps["features"], list(split.classes),
                            model_classes=list(loaded.card.classes))
    st.download_button(T["download"], csv, file_name="embedding.csv", mime="text/csv",
                       key=f"{KEY}_csv")
    _selected_point(T, loaded, split, f, classes, same, lang)


def _take_click(event) -> None:
    point = widgets.selected_point(event)
    if point is None or point.get("customdata") is None:
        return
    row = int(point["customdata"][0])
    if row != st.session_state.get(f"{KEY}_last_click"):
        st.session_state[f"{KEY}_last_click"] = row
        st.session_state[f"{KEY}_selected"] = row
        st.session_state[f"{KEY}_row"] = row
        st.rerun()


def _selected_point(T: dict, loaded: LoadedModel, split: Dataset, f: Features,
                    classes: list[str], same: bool, lang: str) -> None:
    """The selected image with its class probabilities (when the model's classes are the
    dataset's ``classes``, ``same``) and its nearest neighbours in feature space."""
    from core.data import images
    from core.interpret import embeddings

    st.markdown(f"**{T['point']}**")
    n = len(f.indices)
    if st.session_state.get(f"{KEY}_row", 0) > n - 1:
        st.session_state[f"{KEY}_row"] = 0  # fewer points than before
    row = int(st.number_input(T["row"], 0, n - 1, key=f"{KEY}_row", bind="query-params",
                              label_visibility="collapsed"))
    st.session_state[f"{KEY}_selected"] = row
    left, right = st.columns([1, 2])
    index = int(f.indices[row])
    image = images.to_display(split.images[index])
    pred = int(f.preds[row])
    label = classes[int(f.labels[row])]
    with left:
        if same:
            st.image(image, width=140, caption=T["point_caption"].format(
                index=index, label=label, pred=classes[pred],
                p=i18n.percent(float(f.probs[row, pred]), 1, lang)))
            st.plotly_chart(charts.bars(f.probs[row], classes, highlight=pred, height=220,
                                        value_format=".2f"), key=f"{KEY}_probs")
        else:
            st.image(image, width=140,
                     caption=T["point_label"].format(index=index, label=label))
        if split.split == "test" and st.button(T["open_occlusion"], key=f"{KEY}_to_occlusion"):
            _open_on("occlusion", index)
        if split.split == "test" and st.button(T["open_saliency"], key=f"{KEY}_to_saliency"):
            _open_on("saliency", index)
    with right:
        nn_rows, dist = embeddings.nearest_neighbours(f.vectors, row, k=8)
        st.caption(T["neighbours"].format(k=len(nn_rows)))
        imgs = [images.to_display(split.images[int(f.indices[r])]) for r in nn_rows]
        st.image(imgs, width=84, caption=[
            T["neighbour_caption"].format(index=int(f.indices[r]),
                                          label=classes[int(f.labels[r])],
                                          d=i18n.number(float(d), 2, lang))
            for r, d in zip(nn_rows, dist, strict=True)])


def _open_on(page: str, index: int) -> None:
    """Make a test image the session's chosen image (``dashboard.picker``) and open a page
    that takes it."""
    from dashboard import navigation, picker, state

    picker.choose("dataset", index, owner=KEY, dataset=state.active_dataset(), page="embeddings")
    st.switch_page(navigation.page(page))
