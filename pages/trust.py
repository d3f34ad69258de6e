"""Trust: which saliency map should I believe? Two sections: deletion and insertion scores of
every map the lab draws, on the active model's test images, against a random map and a centre
prior; and the shortcut lab (a planted cue, a cued and a clean model, which maps see it)."""

from __future__ import annotations

import streamlit as st

from core.checks import InputError
from dashboard import errors, texts, widgets
from dashboard.views import any_model, shortcut, trust

T = texts.get("trust")

widgets.page_header(T)

section = st.segmented_control(T["section"], shortcut.SECTIONS, default="scores", required=True,
                               key="trust_section", bind="query-params",
                               format_func=lambda s: T[f"section_{s}"])
if section == "shortcut":
    words = texts.get("shortcut")
    try:
        shortcut.render(words)
    except InputError as err:
        st.error(words["error"].format(error=errors.message(err)))
    st.stop()

loaded = widgets.active_model("trust")
test = any_model.dataset_test_split(T)
images_from = st.segmented_control(T["images_from"], trust.IMAGE_SETS, default="test",
                                   required=True, key="trust_images", bind="query-params",
                                   format_func=lambda k: T[f"images_{k}"])
if images_from == "own":
    picked = any_model.pick_image(T, loaded, "trust_img", test, st.columns([1, 2])[0])
    split = trust.own_split(loaded, picked)
elif test is None:
    st.info(T["no_test_split"])
    st.stop()
else:
    split = test
try:
    chosen = trust.settings(T, loaded, split)
    if not chosen.methods:
        st.info(T["no_methods"])
        st.stop()
    stored = trust.run(T, loaded, split, chosen)
    if stored is not None:
        trust.results(T, loaded, split, chosen, stored)
except InputError as err:
    st.error(T["error"].format(error=errors.message(err)))
