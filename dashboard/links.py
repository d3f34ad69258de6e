"""Links that restore a view: what the address holds, what a link's unusable values become, and
the "Copy link" button.

The page is the address's path; the language is ``?lang=`` (``dashboard.i18n``); the sidebar's
dataset and model are ``?dataset=`` and ``?model=`` (their keys: ``digits``,
``imagenet:resnet18``, ``library:<folder>``), written here. Every other parameter is a widget
bound to the URL (``bind=widgets.URL``: its key is the parameter's name): the image picker's
source, index and sample, and each page's main settings. Streamlit writes a bound widget's
value into the address as it changes (a choice as its label reads, in the link's language)
and seeds the widget from a link; a value the widget cannot take is dropped.

This module checks a link once, at the end of a session's first complete run (every widget of
the view is drawn by then): a parameter no widget of the page has, or a value a widget did not
take as it is, is named in a one-line notice above the page. An unknown parameter is removed
from the address, so the link the user copies next is a clean one. A page whose tabs run only
when open says which sections a run drew (:func:`sections`): a link's parameters of a closed tab
wait in the address and are checked in the first run that opens it.
"""

from __future__ import annotations

import math

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from dashboard import i18n, navigation, texts, widgets

PENDING_KEY = "link_parameters"  # the first run's parameters, until a run completes
NOTICE_KEY = "link_notice"  # (page, names) of the parameters a link could not use
CLAIMED_KEY = "link_claimed"  # {name: used} of parameters a page reads itself (take / claim)
LATER_KEY = "link_sections"  # this run: {key prefix: drawn} of the page's sections
DEFERRED_KEY = "link_deferred"  # (page, {name: values}) of a link's parameters of such sections
DATASET, MODEL = "dataset", "model"
OURS = frozenset({i18n.LANG_KEY, DATASET, MODEL})  # parameters the lab reads and writes itself


def start() -> None:
    """At the start of every run: keep the address's parameters of the session's first run."""
    st.session_state.pop(LATER_KEY, None)
    if "link_started" in st.session_state:
        return
    st.session_state["link_started"] = True
    st.session_state[PENDING_KEY] = {k: st.query_params.get_all(k) for k in st.query_params}


def run_page(page, slot) -> None:
    """Run the page, then check the link (``slot``: where the notice goes, above the page).

    The check waits for a run that draws the whole view: one that ends normally or by
    ``st.stop()``, not one cut short by a rerun or a page switch.
    """
    try:
        page.run()
    except StopException:
        finish(slot)
        raise
    finish(slot)


def sections(drawn: dict[str, bool]) -> None:
    """Say which sections of the page this run draws: ``{key prefix: drawn}`` (a closed tab
    is not drawn: only the open one runs). A link's parameter belongs to the section with the
    longest prefix it starts with; one of a section not drawn is checked in the first run that
    draws it, and stays in the address until then."""
    st.session_state[LATER_KEY] = dict(st.session_state.get(LATER_KEY, {})) | drawn


def _waits(name: str, drawn: dict[str, bool]) -> bool:
    """Whether parameter ``name`` belongs to a section this run did not draw."""
    owners = [p for p in drawn if name.startswith(p)]
    return bool(owners) and not drawn[max(owners, key=len)]


def finish(slot) -> None:
    """Name the parameters of the session's first link that were not used, above the page."""
    initial = st.session_state.pop(PENDING_KEY, None)
    here = st.session_state.get(navigation.PAGE_KEY, "home")
    deferred = st.session_state.pop(DEFERRED_KEY, None)
    pending = dict(initial or {})
    if deferred and deferred[0] == here:  # still on the linked page: check what it drew now
        pending |= deferred[1]
    drawn = st.session_state.get(LATER_KEY, {})
    waiting = {n: v for n, v in pending.items() if _waits(n, drawn)}
    if waiting:
        st.session_state[DEFERRED_KEY] = (here, waiting)
    pending = {n: v for n, v in pending.items() if n not in waiting}
    if pending:
        unused = unused_parameters(pending)
        for name in unused:
            if (name not in OURS and name in st.query_params and name not in st.session_state
                    and name not in st.session_state.get(CLAIMED_KEY, {})):
                del st.query_params[name]  # no widget has it: not in the next copied link
        if unused:
            before = st.session_state.get(NOTICE_KEY)
            earlier = before[1] if before and before[0] == here and not initial else []
            st.session_state[NOTICE_KEY] = (here, earlier + unused)
    notice = st.session_state.get(NOTICE_KEY)
    if notice and notice[0] == here:  # shown while the user stays on the linked page
        words = texts.get("common")
        slot.warning(words["link_unused"].format(names=", ".join(f"`{n}`" for n in notice[1])),
                     icon=":material/link_off:")
    elif notice:
        del st.session_state[NOTICE_KEY]


def unused_parameters(initial: dict[str, list[str]]) -> list[str]:
    """The names in a link's parameters (``{name: values}``) that this run did not use: no
    widget of that name was drawn, or the widget did not take the link's value.

    A widget that took a value keeps it in the address as it came (a choice as its label
    reads); one that could not take it drops it. A value equal to the widget's default is
    dropped too (a copied link never holds one): it counts as used when the widget's value
    reads the same.
    """
    unused = []
    claimed = st.session_state.get(CLAIMED_KEY, {})
    for name, values in initial.items():
        if name in claimed:
            if not claimed[name]:
                unused.append(name)
            continue
        if name in OURS:
            if values[-1:] != [_ours()[name]]:
                unused.append(name)
            continue
        if name not in st.session_state:
            unused.append(name)
        elif st.query_params.get_all(name) != values and not _same(_wire(name), values):
            unused.append(name)
    return unused


def take(name: str) -> str | None:
    """A parameter a page reads itself (not a bound widget: the Pooling Calculator's matrix)
    from the session's first link, before that link is checked; None when it has none. The
    page then says with :func:`claim` whether it could use it, and keeps it with :func:`keep`.
    """
    values = (st.session_state.get(PENDING_KEY) or {}).get(name)
    return values[-1] if values else None


def claim(name: str, used: bool) -> None:
    """Whether the page could use the link's parameter ``name`` (:func:`take`)."""
    st.session_state.setdefault(CLAIMED_KEY, {})[name] = used


def keep(name: str, value: str | None) -> None:
    """Write a parameter the page keeps itself into the address (None: remove it)."""
    if value is None:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def _ours() -> dict[str, str]:
    from dashboard import state

    return {i18n.LANG_KEY: i18n.current(), DATASET: state.active_dataset(),
            MODEL: st.session_state.get(state.MODEL_KEY, state.DEFAULT_REF)}


def restore_choices() -> None:
    """Before the sidebar draws, on the session's first run: the link's dataset and model
    (unknown ones are left to the notice)."""
    from dashboard import state

    initial = st.session_state.get(PENDING_KEY)
    if not initial or "link_choices_done" in st.session_state:
        return
    st.session_state["link_choices_done"] = True
    dataset = (initial.get(DATASET) or [None])[-1]
    if dataset in state.dataset_choices():
        st.session_state[state.DATASET_KEY] = dataset
    model = (initial.get(MODEL) or [None])[-1]
    if model in {c.ref for c in state.model_choices(state.active_dataset())}:
        st.session_state[state.MODEL_KEY] = model


def keep_choices() -> None:
    """Write the sidebar's dataset and model into the address (every run: a page switch makes
    a new one). An image folder uploaded in this session is not in a link."""
    from dashboard import state

    wanted = {DATASET: state.active_dataset(),
              MODEL: st.session_state.get(state.MODEL_KEY, state.DEFAULT_REF)}
    if wanted[DATASET].startswith(state.FOLDER_PREFIX):
        wanted = {}
    for name in (DATASET, MODEL):
        if name not in wanted:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != wanted[name]:
            st.query_params[name] = wanted[name]


def _wire(name: str):
    """A widget's value as Streamlit writes it into the address (a choice's label), from the
    widget's own serializer; its plain value where Streamlit's session internals (checked by
    ``tests/pages/test_links.py`` on the pinned release) are not as they were."""
    value = st.session_state[name]
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        inner = get_session_state()._state
        widget = inner._key_id_mapper.get_id_from_key(name, None)
        return inner._new_widget_state.widget_metadata[widget].serializer(value)
    except (AttributeError, KeyError, TypeError):
        return value


def relabel() -> None:
    """The language switch's callback: a bound choice is in the address as its label, so set
    every bound widget's value again; Streamlit then writes it under its new-language label
    (else a link copied after the switch would hold the old language's labels)."""
    try:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        inner = get_session_state()._state
        metadata = inner._new_widget_state.widget_metadata
        names = inner._key_id_mapper.id_key_mapping
        keys = [names.get(wid) for wid, meta in metadata.items()
                if getattr(meta, "bind", None) == "query-params"]
    except (AttributeError, KeyError, TypeError):
        return
    for key in keys:
        if key and key in st.session_state and key not in OURS:
            st.session_state[key] = st.session_state[key]


def _same(value, values: list[str]) -> bool:
    """Whether a widget's value is what the link's values (strings) say."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(items) != len(values):
        return False
    return all(_equal(item, text) for item, text in zip(items, values, strict=True))


def _equal(item, text: str) -> bool:
    if isinstance(item, bool):
        return text.strip().lower() in (("true", "1") if item else ("false", "0"))
    if isinstance(item, (int, float)):
        try:
            return math.isclose(float(text), float(item), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return str(item) == text


def copy_button() -> None:
    """A button that copies the address of the view (the browser's, as it is now)."""
    words = texts.get("common")
    widgets.copy_block(None, label=words["copy_link"], copied=words["link_copied"],
                       key="copy_link")
