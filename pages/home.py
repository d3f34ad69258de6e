"""Home: what CNN Lab is and a link to every page. Renders without importing torch."""

from __future__ import annotations

import streamlit as st

from core.models import archs
from dashboard import i18n, navigation, state, texts

T = texts.get("home")

st.title(T["title"])
st.markdown(f"#### {T['tagline']}")
st.markdown(T["intro"])

st.subheader(T["pages_header"])
for info in navigation.PAGES:
    if info.key == "home":
        continue
    with st.container(border=True):
        st.page_link(navigation.page(info.key), label=f"**{info.title}** · {info.section}",
                     icon=info.icon)
        st.caption(info.blurb)

left, right = st.columns(2)
with left:
    st.subheader(T["start_header"])
    st.markdown(T["start"])
with right:
    st.subheader(T["offline_header"])
    st.markdown(T["offline"])

st.subheader(T["model_header"])
choice = state.active_model()
if choice is None:
    st.info(T["model_none"].format(dataset=state.dataset_title(state.active_dataset())))
elif choice.imagenet_key is not None:
    st.markdown(T["model_imagenet"].format(
        name=choice.label, arch=choice.arch,
        side=archs.TORCHVISION_ARCHS[choice.arch].input_size,
        weights=T["weights_random"] if state.random_weights() else T["weights_imagenet"]))
elif choice.card is None:
    st.info(T["model_pending"])
    if st.button(T["model_train"], key="home_train_default"):
        from core.checks import InputError
        from core.train.training import DivergedError
        from dashboard import cache, errors  # cache imports torch: only when asked

        try:
            cache.ensure_default_model()
        except (OSError, DivergedError, InputError) as err:
            st.error(T["model_error"].format(error=errors.message(err)))
        else:
            st.rerun()
else:
    card = choice.card
    acc = card.metrics.get("test_accuracy")
    # the default model's name in the language; a trained model keeps the name it was given
    name = T["default_name"] if choice.ref == state.DEFAULT_REF else card.name
    st.markdown(T["model_ready"].format(
        name=name, arch=card.arch, shape="×".join(map(str, card.input_shape)),
        classes=len(card.classes), path=choice.path,
        accuracy=T["model_accuracy"].format(accuracy=i18n.percent(acc))
        if isinstance(acc, (int, float)) else "",
    ))
