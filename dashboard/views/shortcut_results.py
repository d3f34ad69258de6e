"""Trust page, part 2: the shortcut lab's results (``dashboard.views.shortcut_run.Result``): what
ran and the two saved models, the catch (a table, a sentence, both cue-swapped confusion
matrices), the method x model score table against the cue's mask, and one image's maps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, i18n, state, texts
from dashboard.views import train_setup
from dashboard.views import trust as trust_view

if TYPE_CHECKING:
    from core.interpret.shortcut import Explained
    from core.train.shortcut import Catch
    from dashboard.views.shortcut_run import Result

KEY = "shortcut"


# --------------------------------------------------------------------------- results
def render(T: dict, r: Result) -> None:
    """Everything a finished run shows: what ran, the saved models, the catch, the scores, one
    image's maps."""
    from core.models import archs

    choice, plan = r.choice, r.choice.plan
    train = choice.train
    target = texts.class_names([train.classes[plan.target]])[0]
    arch = train_setup.arch_title(texts.get("train"), plan.arch) if plan.arch in archs.ARCHS \
        else plan.arch
    st.divider()
    st.markdown(T["result_of"].format(
        cue=T[f"cue_short_{plan.cue.kind}"], target=target,
        share_target=i18n.percent(plan.share_target, 0),
        share_other=i18n.percent(plan.share_other, 0), dataset=state.dataset_title(choice.dataset),
        arch=arch, epochs=i18n.integer(plan.config.epochs), seed=plan.config.seed,
        seconds=i18n.number(r.seconds, 1)))
    if r.diverged:
        st.error(T["diverged"].format(message=r.diverged))
    elif r.stopped:
        st.info(T["stopped_training"].format(done=i18n.integer(r.steps[0]),
                                             total=i18n.integer(r.steps[1])))
    _saved(T, r)
    st.subheader(T["catch_header"])
    st.dataframe(catch_table(T, r.catch), key=f"{KEY}_catch_table",
                 column_config={c: st.column_config.NumberColumn(c, format="percent")
                                for c in catch_columns(T)})
    st.caption(T["catch_caption"].format(target=target))
    cued, clean = r.catch["cued"], r.catch["clean"]
    st.markdown(T["catch_reads"].format(
        cued=i18n.percent(cued.swapped_share, 0), clean=i18n.percent(clean.swapped_share, 0),
        target=target, reverse_cued=i18n.percent(cued.reverse_share, 0),
        reverse_clean=i18n.percent(clean.reverse_share, 0)))
    names = texts.class_names(train.classes)
    st.plotly_chart(charts.confusion_pair({T["row_cued"]: cued.swapped.confusion,
                                           T["row_clean"]: clean.swapped.confusion}, names),
                    key=f"{KEY}_confusion")
    st.caption(T["confusion_caption"].format(target=target))
    st.subheader(T["scores_header"])
    if r.explained is None:
        st.info(T["no_maps"])
        return
    ex = r.explained
    if ex.done < r.total:
        st.info(T["stopped_maps"].format(done=i18n.integer(ex.done),
                                         total=i18n.integer(r.total)))
    table = score_table(T, ex)
    numbers = {c: st.column_config.NumberColumn(c, format="%.3f") for c in table.columns[1:-1]}
    st.dataframe(table, key=f"{KEY}_scores_table", column_config=numbers, hide_index=True)
    st.caption(T["scores_caption"].format(count=i18n.integer(ex.done),
                                          share=i18n.percent(ex.mask_share(), 1)))
    trust_words = texts.get("trust")
    seeing = [trust_view.method_title(trust_words, s.method) for s in ex.scores()
              if sees(s)]
    st.markdown(T["scores_reads"].format(methods=", ".join(seeing)) if seeing
                else T["scores_reads_none"])
    image_view(T, r)


def _saved(T: dict, r: Result) -> None:
    if set(r.saved) != {"cued", "clean"}:
        return
    st.caption(T["saved"].format(cued=r.saved["cued"][1], clean=r.saved["clean"][1]))
    c1, c2, _ = st.columns(3)
    for col, m in ((c1, "cued"), (c2, "clean")):
        col.button(T[f"open_{m}"], key=f"{KEY}_open_{m}", on_click=state.request_select,
                   args=(f"library:{r.saved[m][0]}", r.choice.dataset),
                   icon=":material/open_in_new:")


def catch_columns(T: dict) -> list[str]:
    return [T["col_accuracy"], T["col_swapped"], T["col_reverse"], T["col_cued"]]


def catch_table(T: dict, catch: dict[str, Catch]) -> pd.DataFrame:
    """One row per model: clean accuracy, the cue-swapped share called the target, the target
    without and with its cue still called the target (fractions)."""
    rows = [[c.accuracy, c.swapped_share, c.reverse_share, c.cued_share]
            for c in (catch["cued"], catch["clean"])]
    table = pd.DataFrame(rows, columns=catch_columns(T), index=[T["row_cued"], T["row_clean"]])
    table.index.name = T["col_model"]
    return table


def sees(score) -> bool:
    """The cued model's mass interval lies above the clean model's (NaN: no verdict)."""
    low = score.mass["cued"] - np.nan_to_num(score.mass_ci["cued"])
    high = score.mass["clean"] + np.nan_to_num(score.mass_ci["clean"])
    return bool(np.isfinite(low) and np.isfinite(high) and low > high)


def score_table(T: dict, ex: Explained) -> pd.DataFrame:
    """Method x model: mean relevance mass (± 95 %) and pointing-game hit rate, in method
    order, with the verdict."""
    trust_words = texts.get("trust")
    rows = [[trust_view.method_title(trust_words, s.method, mark=True), s.mass["cued"],
             s.mass_ci["cued"], s.mass["clean"], s.mass_ci["clean"], s.pointing["cued"],
             s.pointing["clean"], T["sees"] if sees(s) else ""] for s in ex.scores()]
    return pd.DataFrame(rows, columns=[T[c] for c in (
        "col_method", "col_mass_cued", "col_mass_cued_ci", "col_mass_clean", "col_mass_clean_ci",
        "col_point_cued", "col_point_clean", "col_sees")])


def image_view(T: dict, r: Result) -> None:
    """One explained image: the image, the cue's mask and every map of both models."""
    ex = r.explained
    names = texts.class_names(r.choice.train.classes)
    st.subheader(T["image_header"])
    options = list(range(ex.done))
    key = f"{KEY}_image"
    if st.session_state.get(key) not in options:
        st.session_state[key] = 0
    labels = [T["image_option"].format(index=i, true=names[int(r.labels[i])],
                                       cued=names[int(r.preds["cued"][i])],
                                       clean=names[int(r.preds["clean"][i])]) for i in options]
    i = st.selectbox(T["image_pick"], options, key=key, format_func=lambda k: labels[k])
    picture = r.images[i].permute(1, 2, 0).squeeze(-1).numpy()  # (H, W) or (H, W, 3) uint8
    trust_words = texts.get("trust")
    rows = {T[f"short_{m}"]: {trust_view.method_title(trust_words, k): ex.maps[m].maps[k][i]
                            for k in ex.methods} for m in ("cued", "clean")}
    st.plotly_chart(charts.cue_maps(picture, ex.masks[i], rows, image_title=T["image_title"],
                                    mask_title=T["mask_title"]), key=f"{KEY}_image_maps")
    st.caption(T["image_caption"])
