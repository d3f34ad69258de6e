"""Trust page body: the faithfulness scoreboard. Its settings and cost, the run (progress, Stop,
kept per settings), the sorted table, the mean curves, one image's maps, curves and deleted
copies, the same maps under a second baseline, and the per-image scores as CSV."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import cache, charts, i18n, navigation, state, texts, widgets
from dashboard.cache import LoadedModel
from dashboard.views import any_model

if TYPE_CHECKING:
    import torch

    from core.data.datasets import Dataset
    from core.interpret.faithfulness import Score
    from core.interpret.trust import Scoreboard

KEY = "trust"
IMAGE_SETS = ("test", "own")  # the scoreboard's images: the first test images, or one of yours
OWN = "own"  # the name of the one-image split of a picked image
MAX_STORED = 8  # finished scoreboards kept in the session (going back shows them at once)
CAM_METHODS = ("gradcam", "guided_gradcam")  # the methods that need a conv layer's maps
FRACTIONS = (0.1, 0.3, 0.5)  # the per-image view's deleted copies
PROGRESS_EVERY = 0.5  # seconds between progress bar updates (each one is a message to the browser)


@dataclass(frozen=True)
class TrustSettings:
    """What the widgets chose; ``params`` has the chosen methods' keyword arguments only."""

    count: int
    step: float  # fraction of the pixels per step of a curve
    baseline: str  # one of core.interpret.faithfulness.BASELINES
    methods: tuple[str, ...]  # keys of core.interpret.trust.MAP_METHODS, in the chosen order
    params: Mapping[str, dict[str, Any]]
    batch_size: int  # deletion/insertion copies per forward pass
    map_batch: int
    large: bool


@dataclass
class Stored:
    """A finished scoreboard and what the page says about its run."""

    board: Scoreboard  # its curves gain a baseline when the comparison runs
    seconds: float  # wall time of the run
    passes: int  # forward (and backward) passes run: predictions, maps and curves
    images: int  # test images in the split it came from
    compared: dict[str, float] = field(default_factory=dict)  # baseline -> seconds


def method_title(T: dict, key: str, *, mark: bool = False) -> str:
    """A map method's title in the page's language; ``mark``: the references say so."""
    from core.interpret import trust

    title = T[f"method_{key}"]
    return T["reference"].format(title=title) if mark and key in trust.REFERENCES else title


def _offered(loaded: LoadedModel) -> tuple[str, ...]:
    """Every map method, but Grad-CAM's two for a model without a convolution (an MLP)."""
    from core.checks import InputError
    from core.interpret import saliency, trust

    try:
        saliency.default_gradcam_layer(loaded.model)
    except InputError:  # no Conv2d: Grad-CAM has no feature maps to weigh
        return tuple(m for m in trust.MAP_METHODS if m not in CAM_METHODS)
    return tuple(trust.MAP_METHODS)


# --------------------------------------------------------------------------- settings
def settings(T: dict, loaded: LoadedModel, split: Dataset) -> TrustSettings:
    """The scoreboard's widgets. Raises InputError for an image count outside the test split
    (a bad step size is core's to refuse, in `cost`)."""
    from core.checks import check_int
    from core.interpret import faithfulness, occlusion, trust

    card = loaded.card
    large = any_model.is_large(loaded)
    # the defaults (core's, also what benchmarks/faithfulness.py times) for a small or large model
    d = trust.default_settings(card.input_shape, large=large, mean=card.mean, std=card.std)
    kind = "_large" if large else ""  # one widget per kind of model: its defaults apply
    _, h, w = card.input_shape
    c1, c2, c3 = st.columns(3)
    if split.name == OWN:  # one image of the user's
        count = 1
        c1.metric(T["count"], 1)
    else:
        count = c1.number_input(T["count"], min_value=1, value=min(d.count, len(split)),
                                step=1, key=f"{KEY}_count{kind}", bind="query-params",
                                help=T["count_help"].format(total=i18n.integer(len(split))))
    step = c2.number_input(T["step"], value=d.step, step=0.05, format="%.3f", key=f"{KEY}_step",
                           bind="query-params",
                           help=T["step_help"])
    baseline = c3.selectbox(T["baseline"], faithfulness.BASELINES,
                            index=faithfulness.BASELINES.index(d.baseline), key=f"{KEY}_baseline",
                            bind="query-params",
                            format_func=lambda b: T[f"baseline_{b}"], help=T["baseline_help"])
    offered = _offered(loaded)
    methods = st.multiselect(T["methods"], offered, default=offered, key=f"{KEY}_methods",
                             bind="query-params",
                             format_func=lambda k: method_title(T, k, mark=True))
    if "gradcam" not in offered:
        st.caption(T["no_conv"])
    params = copy.deepcopy(d.params)
    sg, ig, occ = params["smoothgrad"], params["ig"], params["occlusion"]
    with st.expander(T["map_settings"]):
        m1, m2, m3 = st.columns(3)
        sg["samples"] = int(m1.slider(T["sg_samples"], 1, 100, sg["samples"],
                                      key=f"{KEY}_sg_samples{kind}"))
        ig["steps"] = int(m1.slider(T["ig_steps"], 2, 300, ig["steps"],
                                    key=f"{KEY}_ig_steps{kind}"))
        size = f"_{h}x{w}"  # the occluder's range follows the input size
        occ["window"] = int(m2.slider(T["occ_window"], 1, min(h, w), occ["window"],
                                      key=f"{KEY}_occ_window{size}"))
        occ["stride"] = int(m2.slider(T["occ_stride"], 1, occ["window"], occ["window"],
                                      key=f"{KEY}_occ_stride{size}"))
        occ["baseline"] = m3.selectbox(T["occ_baseline"], occlusion.BASELINES,
                                       index=occlusion.BASELINES.index(occ["baseline"]),
                                       key=f"{KEY}_occ_baseline",
                                       format_func=lambda b: T[f"occ_{b}"])
        st.caption(T["map_settings_note"])
    count = check_int("images", int(count), 1, len(split))
    return TrustSettings(count, float(step), baseline, tuple(methods),
                         {m: params[m] for m in methods if m in params}, d.batch_size,
                         d.map_batch, large)


# --------------------------------------------------------------------------- inputs
def _inputs(card, split: Dataset, first: int, last: int) -> torch.Tensor:
    """Test images first..last-1 as the model's input (its channels, size, normalisation)."""
    fit = cache.model_input(card, split)
    batch = split.images[first:last]
    return split.normalize(batch) if fit is None else fit(batch)


def _dataset_name(split: Dataset) -> str:
    return (texts.get("common")["folder_dataset"] if split.name == "folder"
            else texts.dataset_title(split.name))


def own_split(loaded: LoadedModel, picked) -> Dataset:
    """A picked image of the user's (a drawing, a photo, an upload, or one test image) as a
    one-image test split in the model's input shape, normalised as its card says; it has no
    true class (the scoreboard explains the predicted one)."""
    import torch

    from core.data import images
    from core.data.datasets import Dataset

    card = loaded.card
    pixels, _ = images.prepare_input(picked.image, input_shape=card.input_shape,
                                     mean=card.mean, std=card.std)
    return Dataset(OWN, "test", pixels.unsqueeze(0).contiguous(),
                   torch.zeros(1, dtype=torch.int64), ("?",), tuple(card.mean), tuple(card.std))


def _wanted(loaded: LoadedModel, split: Dataset, s: TrustSettings) -> tuple:
    """The identity of a scoreboard: model, images (their content), every setting."""
    params = tuple((m, tuple(sorted(s.params.get(m, {}).items()))) for m in s.methods)
    return (loaded.model_id, state.active_dataset(), widgets.image_id(split.images[:s.count]),
            s.count, s.step, s.baseline, s.methods, params, s.batch_size, s.map_batch)


# --------------------------------------------------------------------------- cost and run
def run(T: dict, loaded: LoadedModel, split: Dataset, s: TrustSettings) -> Stored | None:
    """States the cost, then the stored scoreboard for these settings, or — once Run is
    pressed — a new one computed under a progress bar with Stop. None: not run yet."""
    from core.interpret import faithfulness, trust

    card = loaded.card
    _, h, w = card.input_shape
    points = len(faithfulness.pixel_counts(h * w, s.step))  # S + 1; a bad step fails here
    per_map = {m: trust.estimate_passes(m, s.params.get(m, {}), (h, w)) for m in s.methods}
    map_passes = s.count * sum(per_map.values())
    curve_passes = faithfulness.curve_passes(s.count, len(s.methods), h * w, s.step)
    detail = ", ".join(f"{method_title(T, m)} {i18n.integer(n)}" for m, n in per_map.items()
                       if n)  # the references cost nothing
    st.markdown(T["cost_own" if split.name == OWN else "cost"].format(
        count=i18n.integer(s.count), total=i18n.integer(len(split)),
        dataset=_dataset_name(split), maps=i18n.integer(map_passes), detail=detail or "—",
        curves=i18n.integer(curve_passes), points=i18n.integer(points),
        methods=i18n.integer(len(s.methods))))
    fit = cache.model_input(card, split)
    if fit is not None:
        note = widgets.fit_note(fit, images=T["fit_images"].format(dataset=_dataset_name(split)),
                                model=card.name)
        if note:
            st.caption(note)
    store = st.session_state.setdefault(f"{KEY}_boards", {})
    wanted = _wanted(loaded, split, s)
    if wanted in store:
        return store[wanted]
    slot = st.empty()  # the button (then Stop) goes once the scoreboard is there
    with slot.container():
        stop = widgets.run_button(KEY, label=T["run"], stop_label=T["stop"],
                                  stopped=T["stopped"],
                                  notes=(T["run_note_large"] if s.large else T["run_note"],))
    if stop is None:
        return None
    x = _inputs(card, split, 0, s.count)
    share = map_passes / max(1, map_passes + curve_passes)  # the bar's part for the maps
    bar = st.progress(0.0, T["progress_start"])
    last = [0.0]

    def report(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] < PROGRESS_EVERY and done < total:
            return
        last[0] = now
        if stage == "maps":
            bar.progress(share * done / total, T["progress_maps"].format(
                done=i18n.integer(done), total=i18n.integer(total)))
        else:
            bar.progress(share + (1 - share) * done / total, T["progress_curves"].format(
                baseline=T[f"baseline_{stage}"], done=i18n.integer(done),
                total=i18n.integer(total)))

    start = time.perf_counter()
    board = trust.scoreboard(loaded.model, x, methods=s.methods, params=s.params,
                             baselines=(s.baseline,), step=s.step, mean=card.mean, std=card.std,
                             batch_size=s.batch_size, map_batch=s.map_batch, progress=report)
    seconds = time.perf_counter() - start
    bar.empty()
    slot.empty()
    passes = s.count + map_passes + board.curves[s.baseline].passes
    stored = Stored(board, seconds, passes, len(split))
    store[wanted] = stored
    for old in list(store)[:-MAX_STORED]:
        del store[old]
    return stored


# --------------------------------------------------------------------------- results
def summary(T: dict, s: TrustSettings, stored: Stored) -> None:
    curves = stored.board.curves[s.baseline]
    st.markdown(T["summary"].format(
        count=i18n.integer(curves.done), total=i18n.integer(stored.images),
        baseline=T[f"baseline_{s.baseline}"], step=i18n.percent(s.step, 1),
        seconds=i18n.number(stored.seconds, 1), passes=i18n.integer(stored.passes)))


def score_table(T: dict, scores: list[Score]) -> pd.DataFrame:
    """The sorted scores (best first) as numbers rounded to 4 decimals, ranked from 1."""
    columns = [T["col_method"], T["col_deletion"], T["col_deletion_ci"], T["col_insertion"],
               T["col_insertion_ci"], T["col_difference"]]
    rows = [[method_title(T, sc.method, mark=True), *(round(v, 4) for v in (
        sc.deletion, sc.deletion_ci, sc.insertion, sc.insertion_ci, sc.difference))]
        for sc in scores]
    table = pd.DataFrame(rows, columns=columns, index=range(1, len(rows) + 1))
    table.index.name = T["col_rank"]
    return table


def _show_table(T: dict, table: pd.DataFrame, key: str) -> None:
    numbers = {c: st.column_config.NumberColumn(c, format="%.4f") for c in table.columns[1:]}
    st.dataframe(table, key=key, column_config=numbers)


def results(T: dict, loaded: LoadedModel, split: Dataset, s: TrustSettings,
            stored: Stored) -> None:
    """Everything a finished scoreboard shows, top to bottom."""
    from core.interpret import trust

    summary(T, s, stored)
    board = stored.board
    scores = board.scores(s.baseline)
    _show_table(T, score_table(T, scores), f"{KEY}_table")
    st.caption(T["table_caption"])
    curves = board.curves[s.baseline]
    titles = [method_title(T, m) for m in curves.methods]
    st.plotly_chart(charts.deletion_insertion(
        curves.fractions,
        dict(zip(titles, np.nanmean(curves.deletion[:curves.done], axis=0), strict=True)),
        dict(zip(titles, np.nanmean(curves.insertion[:curves.done], axis=0), strict=True)),
        panel_titles=(T["curves_deletion"], T["curves_insertion"]), x_title=T["curves_x"],
        y_title=T["curves_y_mean"],
        dashed=[method_title(T, m) for m in curves.methods if m in trust.REFERENCES]),
        key=f"{KEY}_mean_curves")
    image_view(T, loaded, split, s, stored, [sc.method for sc in scores])
    compare(T, loaded, split, s, stored)
    csv_download(T, loaded, split, stored)
    st.divider()
    st.page_link(navigation.page("saliency"), label=T["sanity_link"], icon=":material/gradient:")
    st.caption(T["sanity_note"])


# --------------------------------------------------------------------------- one image
def _image_labels(T: dict, loaded: LoadedModel, split: Dataset, board: Scoreboard,
                  n: int) -> list[str]:
    """How the image picker names images 0..n-1: index, true class (when the model's classes
    are the dataset's), predicted class and its probability."""
    classes = any_model.class_names(loaded)
    same = any_model.same_classes(loaded.card, split)
    labels = []
    for i in range(n):
        pred = classes[int(board.maps.targets[i])]
        p = i18n.percent(float(board.probs[i]), 1)
        if same:
            true = texts.class_names([split.classes[int(split.labels[i])]])[0]
            labels.append(T["image_option"].format(index=i, true=true, pred=pred, p=p))
        else:
            labels.append(T["image_option_no_true"].format(index=i, pred=pred, p=p))
    return labels


def _keep_option(key: str, options: list, default: Any) -> None:
    """A select box's stored value that is not among this run's options goes back to
    ``default`` (another scoreboard has fewer images or other methods)."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default


def image_view(T: dict, loaded: LoadedModel, split: Dataset, s: TrustSettings, stored: Stored,
               order: list[str]) -> None:
    """One image: its maps (one figure), its two curves, and copies after 10/30/50% deletion
    under a chosen method's map."""
    from core.data import images
    from core.interpret import faithfulness, trust

    board, card = stored.board, loaded.card
    curves = board.curves[s.baseline]
    st.subheader(T["image_header"])
    options = list(range(curves.done))
    _keep_option(f"{KEY}_image", options, 0)
    labels = _image_labels(T, loaded, split, board, curves.done)
    i = st.selectbox(T["image_pick"], options, key=f"{KEY}_image",
                     format_func=lambda k: labels[k])
    left, right = st.columns([2, 3])
    methods = list(curves.methods)
    with left:
        st.plotly_chart(charts.ranked_maps({method_title(T, m): board.maps.maps[m][i]
                                            for m in methods}, cols=3, cell=130),
                        key=f"{KEY}_image_maps")
        st.caption(T["image_maps_caption"])
    titles = [method_title(T, m) for m in methods]
    with right:
        st.plotly_chart(charts.deletion_insertion(
            curves.fractions, dict(zip(titles, curves.deletion[i], strict=True)),
            dict(zip(titles, curves.insertion[i], strict=True)),
            panel_titles=(T["curves_deletion_short"], T["curves_insertion_short"]),
            x_title=T["curves_x"], y_title=T["curves_y"],
            dashed=[method_title(T, m) for m in methods if m in trust.REFERENCES]),
            key=f"{KEY}_image_curves")
        dele, ins = curves.auc("deletion")[i], curves.auc("insertion")[i]
        best = int(np.argmax(ins - dele))
        st.caption(T["image_best"].format(method=titles[best],
                                          deletion=i18n.number(float(dele[best]), 3),
                                          insertion=i18n.number(float(ins[best]), 3)))
    _keep_option(f"{KEY}_perturb_method", order, order[0])
    m = st.selectbox(T["perturb_method"], order, key=f"{KEY}_perturb_method",
                     format_func=lambda k: method_title(T, k, mark=True))
    x = _inputs(card, split, i, i + 1)  # (1, C, H, W)
    shown, captions = [_display(images, x, card)], [T["perturb_original"]]
    for f in FRACTIONS:
        t = faithfulness.perturbed(x, board.maps.maps[m][i], f, kind="deletion",
                                   baseline=s.baseline, mean=card.mean, std=card.std, seed=i)
        shown.append(_display(images, t, card))
        captions.append(T["perturb_caption"].format(percent=i18n.percent(f, 0)))
    st.image(shown, caption=captions, width=150)
    st.caption(T["perturb_note"].format(baseline=T[f"baseline_{s.baseline}"]))


def _display(images, t, card) -> np.ndarray:
    """(1, C, H, W) normalised -> (H, W[, 3]) uint8 for st.image."""
    a = images.to_display(images.denormalize(t, card.mean, card.std))  # floats in [0, 1]
    return (np.clip(a, 0, 1) * 255).round().astype(np.uint8)


# --------------------------------------------------------------------------- second baseline
def _default_second(others: list[str], large: bool) -> int:
    """ROAD for a small model (it is the point of the comparison); blur for a large one (ROAD's
    imputation on 224 px copies is slow)."""
    prefer = "blur" if large else "road"
    return others.index(prefer) if prefer in others else 0


def compare(T: dict, loaded: LoadedModel, split: Dataset, s: TrustSettings,
            stored: Stored) -> None:
    """The same maps' curves under a second baseline, and the two rankings side by side."""
    from core.interpret import faithfulness

    board, card = stored.board, loaded.card
    first = board.curves[s.baseline]
    st.subheader(T["compare_header"])
    st.markdown(T["compare_why"])
    others = [b for b in faithfulness.BASELINES if b != s.baseline]
    second = st.selectbox(T["compare_baseline"], others,
                          index=_default_second(others, s.large),
                          key=f"{KEY}_second_{s.baseline}",
                          format_func=lambda b: T[f"baseline_{b}"])
    name = T[f"baseline_{second}"]
    if second not in board.curves:
        notes = [T["compare_cost"].format(passes=i18n.integer(first.passes),
                                          seconds=i18n.number(first.seconds, 1),
                                          baseline=T[f"baseline_{s.baseline}"])]
        if second == "road":
            notes.append(T["compare_road"])
        slot = st.empty()  # the cost and the button go once the curves are there
        with slot.container():
            stop = widgets.run_button(f"{KEY}_cmp", label=T["compare_run"].format(baseline=name),
                                      stop_label=T["stop"], stopped=T["stopped"], notes=notes)
        if stop is None:
            return
        k = first.done
        x = _inputs(card, split, 0, k)
        bar = st.progress(0.0, T["progress_start"])
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] >= PROGRESS_EVERY or done >= total:
                last[0] = now
                bar.progress(done / total, T["progress_curves"].format(
                    baseline=name, done=i18n.integer(done), total=i18n.integer(total)))

        start = time.perf_counter()
        result = faithfulness.curves(
            loaded.model, x, {m: v[:k] for m, v in board.maps.maps.items()},
            board.maps.targets[:k], step=s.step, baseline=second, mean=card.mean,
            std=card.std, batch_size=s.batch_size, progress=report)
        bar.empty()
        slot.empty()
        board.curves[second] = result
        stored.compared[second] = time.perf_counter() - start
    a, b = board.scores(s.baseline), board.scores(second)
    st.markdown(T["compare_table"].format(baseline=name))
    _show_table(T, score_table(T, b), f"{KEY}_cmp_table")
    first_name = T[f"baseline_{s.baseline}"]
    st.markdown(T["ranks_header"])
    st.dataframe(rank_table(T, a, b, first_name, name), key=f"{KEY}_cmp_ranks",
                 hide_index=True)
    rank_b = {sc.method: r for r, sc in enumerate(b, 1)}
    moved = sum(rank_b[sc.method] != r for r, sc in enumerate(a, 1))
    seconds = i18n.number(stored.compared.get(second, math.nan), 1)
    st.caption(T["rank_changes"].format(moved=i18n.integer(moved), methods=i18n.integer(len(a)),
                                        seconds=seconds) if moved
               else T["rank_same"].format(seconds=seconds))


def rank_table(T: dict, a: list[Score], b: list[Score], first: str,
               second: str) -> pd.DataFrame:
    """Each method's rank (1 = best) under two baselines, in the order of the first."""
    rank_b = {sc.method: r for r, sc in enumerate(b, 1)}
    rows = [[method_title(T, sc.method, mark=True), r, rank_b[sc.method],
             rank_b[sc.method] - r] for r, sc in enumerate(a, 1)]
    return pd.DataFrame(rows, columns=[T["col_method"], T["rank_under"].format(baseline=first),
                                       T["rank_under"].format(baseline=second),
                                       T["rank_shift"]])


# --------------------------------------------------------------------------- CSV
CSV_COLUMNS = ("image", "true_label", "predicted", "probability", "method", "baseline",
               "deletion_auc", "insertion_auc")  # a file format: the same in every language


def scores_csv(loaded: LoadedModel, split: Dataset, board: Scoreboard) -> pd.DataFrame:
    """One row per image x method x baseline computed: the image's index in the test split,
    its true label (when the model's classes are the dataset's), the predicted class and its
    probability, and the two areas."""
    same = any_model.same_classes(loaded.card, split)
    classes = [str(c) for c in loaded.card.classes]
    rows = []
    for baseline, c in board.curves.items():
        dele, ins = c.auc("deletion"), c.auc("insertion")  # (N, M)
        for i in range(c.done):
            true = str(split.classes[int(split.labels[i])]) if same else ""
            pred = classes[int(board.maps.targets[i])]
            for j, m in enumerate(c.methods):
                rows.append((i, true, pred, float(board.probs[i]), m, baseline,
                             float(dele[i, j]), float(ins[i, j])))
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))


def csv_download(T: dict, loaded: LoadedModel, split: Dataset, stored: Stored) -> None:
    table = scores_csv(loaded, split, stored.board)
    st.download_button(T["csv"], table.to_csv(index=False).encode(), file_name="trust_scores.csv",
                       mime="text/csv", key=f"{KEY}_csv",
                       help=T["csv_help"].format(rows=i18n.integer(len(table))),
                       icon=":material/download:")
