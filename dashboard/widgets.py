"""Reusable inputs and page parts: the page header, the model and target pickers, the
run / Stop / progress block of long work, and the one image identity. Each returns plain
values; widget keys are prefixed by the caller's page key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import errors, i18n, jobs, texts

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from dashboard.cache import LoadedModel

R = TypeVar("R")
# Widgets with ``bind=URL`` keep their value in the address (their key is the parameter's
# name), so a copied link opens the same view; Streamlit ignores a value they cannot take.
URL = "query-params"
# Widgets with ``persist_state=SESSION`` keep their value while they are not drawn: those of a
# tab or section that is closed (only the open one runs) are there again when it reopens.
SESSION = "session"
Progress = Callable[[float, str], Any]  # st.progress(...).progress: (fraction, text)


_COPY = st.components.v2.component(
    "cnnlab.copy",
    html='<div class="cnnlab-copy"><pre hidden></pre><div class="row"><button type="button">'
         '</button><span></span></div></div>',
    css="""
.cnnlab-copy pre { margin: 0 0 0.5rem; padding: 0.75rem 1rem; border-radius: 0.5rem;
  background: rgba(240, 242, 246, 1); font-size: 0.875rem; line-height: 1.4; overflow-x: auto; }
.cnnlab-copy .row { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
.cnnlab-copy button { font: inherit; font-size: 0.875rem; padding: 0.25rem 0.75rem;
  border-radius: 0.5rem; border: 1px solid rgba(49, 51, 63, 0.2); background: white;
  cursor: pointer; }
.cnnlab-copy button:hover { border-color: #1f6feb; color: #1f6feb; }
.cnnlab-copy span { font-size: 0.8rem; color: rgba(49, 51, 63, 0.6); word-break: break-all; }
""",
    js="""
export default function ({ parentElement, data }) {
  const pre = parentElement.querySelector("pre");
  const button = parentElement.querySelector("button");
  const note = parentElement.querySelector("span");
  const shown = data.text !== null && data.text !== undefined;
  pre.hidden = !shown;
  pre.textContent = shown ? data.text : "";
  button.textContent = data.label;
  note.textContent = "";
  button.onclick = async () => {
    const text = shown ? data.text : window.location.href;  // no text: the view's address
    button.dataset.copied = text;
    try {
      await navigator.clipboard.writeText(text);
      note.textContent = data.copied;
    } catch (err) {  // no clipboard here (a page not served over https): copy by hand
      if (shown) {
        window.getSelection().selectAllChildren(pre);
        note.textContent = data.select;
      } else {
        note.textContent = text;
      }
    }
  };
}
""",
)


def copy_block(text: str | None, *, key: str, label: str | None = None,
               copied: str | None = None) -> None:
    """``text`` in a monospace block with a button that copies it; with ``text`` None, only
    the button, copying the address of the view (the browser's, as it is now).

    A light stand-in for ``st.code``: the browser draws it with code it already has (the
    sidebar's copy-link button is one), where the first code block of a page loads and
    compiles Streamlit's syntax highlighter, 1.5 MB of script.
    """
    words = texts.get("common")
    _COPY(data={"text": text, "label": label or words["copy"], "copied": copied or words["copied"],
                "select": words["copy_select"]},
          key=key, width="stretch", height="content")


def page_header(T: dict[str, str]) -> None:
    """The page's title and caption, then its theory panel (an expander) when it has one."""
    st.title(T["title"])
    st.caption(T["intro"])
    if "theory" in T:
        with st.expander(T["theory_title"]):
            st.markdown(T["theory"])


def image_id(image: Any) -> str:
    """The identity of an image's content: sha1 of its dtype, shape and bytes.

    Args:
        image: a numpy array, a torch tensor or a PIL image.
    Returns:
        40 hex digits, equal for equal content, for caches and stored results.
    """
    if hasattr(image, "detach"):  # a torch.Tensor (torch is not imported here)
        image = image.detach().cpu().numpy()
    array = np.ascontiguousarray(np.asarray(image))
    digest = hashlib.sha1(f"{array.dtype.str}{array.shape}".encode(), usedforsecurity=False)
    digest.update(array.tobytes())
    return digest.hexdigest()


def pair_input(
    label: str,
    key: str,
    *,
    default: int,
    min_value: int,
    max_value: int,
    square: bool,
    help: str | None = None,
) -> tuple[int, int]:
    """An integer (height, width) pair: one input when ``square``, else two side by side
    (labelled "<label> (height)" and "<label> (width)" in the session's language)."""
    if square:
        value = st.number_input(
            label, min_value=min_value, max_value=max_value, value=default, step=1, key=key,
            help=help, bind=URL,
        )
        return int(value), int(value)
    words = texts.get("common")
    start = int(st.session_state.get(key, default))
    left, right = st.columns(2)
    h = left.number_input(words["pair_height"].format(label=label), min_value=min_value,
                          max_value=max_value, value=start, step=1, key=f"{key}_h", help=help,
                          bind=URL)
    w = right.number_input(words["pair_width"].format(label=label), min_value=min_value,
                           max_value=max_value, value=start, step=1, key=f"{key}_w", help=help,
                           bind=URL)
    return int(h), int(w)


def set_matrix(key: str, matrix: np.ndarray, formatter: Callable[[np.ndarray], str]) -> None:
    """Replace the matrix shown by :func:`matrix_input` (call from a callback or before it)."""
    st.session_state[f"{key}_base"] = matrix
    st.session_state[f"{key}_version"] = st.session_state.get(f"{key}_version", 0) + 1
    st.session_state[f"{key}_text"] = formatter(matrix)


def matrix_input(
    key: str,
    *,
    initial: np.ndarray,
    formatter: Callable[[np.ndarray], str],
    parse_text: Callable[[str], np.ndarray],
    check_grid: Callable[[np.ndarray], np.ndarray],
    labels: dict[str, str],
) -> np.ndarray:
    """A matrix edited as a grid or as text; both views stay in step.

    Args:
        labels: the page's text: ``text_help`` and ``grid_help``, and (shared ones in
            ``texts/common.py``, which a page may override) ``input_mode``, ``mode_grid``,
            ``mode_text``.
    Raises:
        InputError: the edited matrix is not usable (the parser's message names the cell).
    """
    labels = texts.get("common") | dict(labels)
    if f"{key}_base" not in st.session_state:
        set_matrix(key, initial, formatter)

    def _switch_mode() -> None:
        # Carry the last good matrix over to the other editor.
        last = st.session_state.get(f"{key}_last", st.session_state[f"{key}_base"])
        set_matrix(key, last, formatter)

    mode = st.radio(
        labels["input_mode"],
        ["grid", "text"],
        format_func=lambda m: labels[f"mode_{m}"],
        horizontal=True,
        key=f"{key}_mode",
        on_change=_switch_mode,
    )
    base = st.session_state[f"{key}_base"]
    if mode == "text":
        text = st.text_area(labels["input_mode"], key=f"{key}_text", help=labels["text_help"],
                            height=160, label_visibility="collapsed")
        matrix = parse_text(text)
    else:
        st.caption(labels["grid_help"])
        frame = pd.DataFrame(base, columns=[str(j) for j in range(base.shape[1])])
        version = st.session_state[f"{key}_version"]
        edited = st.data_editor(frame, key=f"{key}_grid_{version}", num_rows="fixed")
        matrix = check_grid(edited.to_numpy(dtype=object))
    st.session_state[f"{key}_last"] = matrix
    return matrix


def selected_point(event) -> dict | None:
    """The first point of a ``st.plotly_chart(on_select="rerun")`` selection, or None.

    Its ``customdata`` is normalised to a list (the browser may send an array as {"0": v}).
    """
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return None
    point = dict(points[0])
    data = point.get("customdata")
    if isinstance(data, dict):
        point["customdata"] = list(data.values())
    elif data is not None and not isinstance(data, list):
        point["customdata"] = [data]
    return point


def stop_button(key: str, label: str):
    """A Stop button to show while long work runs in this script run; returns its placeholder
    (``.empty()`` it when the work is done).

    Clicking it makes Streamlit rerun the page, which ends the running script at its next
    ``st.*`` call (the work's progress bar update); the rerun then sees `was_stopped`.
    """
    slot = st.empty()
    slot.button(label, key=key, icon=":material/stop_circle:", on_click=_mark_stopped,
                args=(key,))
    return slot


def _mark_stopped(key: str) -> None:
    st.session_state[f"{key}_pressed"] = True


def was_stopped(key: str) -> bool:
    """True once, on the rerun after `stop_button` ``key`` was clicked."""
    return bool(st.session_state.pop(f"{key}_pressed", False))


def run_button(key: str, *, label: str, stop_label: str, stopped: str,
               notes: Sequence[str] = ()) -> DeltaGenerator | None:
    """The Run button of long work, with the Stop button it turns into.

    Draws, in order: ``stopped`` (on the rerun after a Stop), the ``notes`` (captions: cost,
    why it waits), the Run button (key ``<key>_run``). Returns None until it is clicked, then
    the placeholder of the Stop button (key ``<key>_stop``; ``.empty()`` it when done).
    """
    if was_stopped(f"{key}_stop"):
        st.info(stopped)
    for note in notes:
        st.caption(note)
    if not st.button(label, key=f"{key}_run", type="primary"):
        return None
    return stop_button(f"{key}_stop", stop_label)


def cached_run(key: str, wanted: Hashable, work: Callable[[Progress], R], *, ask: bool,
               label: str, stop_label: str, stopped: str, notes: Sequence[str] = (),
               heavy: str | None = None) -> R | None:
    """The result of long work, kept in the session (``<key>_result``) while ``wanted`` holds.

    A stored result for ``wanted`` comes back at once. Otherwise, when ``ask``, the work waits
    for :func:`run_button` (and can be stopped); then ``work(progress)`` runs under a progress
    bar (``progress(fraction, text)``) and its result is stored. None: not run (yet).

    Args:
        heavy: the job kind (``dashboard.jobs``) of work that waits for its button: it runs
            holding one of the process's heavy-job slots, or, when none is free, not at all
            (the busy warning instead; a new click tries again).
    """
    stored = st.session_state.get(f"{key}_result")
    if stored is not None and stored[0] == wanted:
        return stored[1]
    stop = None
    if ask:
        stop = run_button(key, label=label, stop_label=stop_label, stopped=stopped, notes=notes)
        if stop is None:
            return None
    with jobs.hold(heavy) if ask and heavy else nullcontext(True) as free:
        if not free:
            stop.empty()
            return None
        bar = st.progress(0.0)
        result = work(bar.progress)
        bar.empty()
    if stop is not None:
        stop.empty()
    st.session_state[f"{key}_result"] = (wanted, result)
    return result


TARGETS = ("pred", "true", "chosen")


def target_picker(T: dict[str, str], key: str, classes: Sequence[str], *, label: int | None,
                  pred: int | None = None) -> int | None:
    """Which class to explain: the predicted one, the true one (when known) or a chosen one.

    Draws a radio (key ``<key>_target``, labels ``T["target_<kind>"]``) and, for "chosen", a
    select box of the classes (key ``<key>_chosen``, starting at ``pred`` or the first class).
    Returns the class index; for "predicted", ``pred`` (None: let the algorithm take it).
    """
    kinds = [k for k in TARGETS if k != "true" or label is not None]
    kind = st.radio(T["target"], kinds, horizontal=True, key=f"{key}_target", bind=URL,
                    format_func=lambda k: T[f"target_{k}"])
    if kind == "true":
        return int(label)
    if kind == "chosen":
        return int(st.selectbox(T["chosen"], range(len(classes)), index=pred or 0,
                                key=f"{key}_chosen", format_func=lambda i: classes[i],
                                bind=URL))
    return pred


def active_model(key: str, *, stop: bool = True) -> LoadedModel | None:
    """The sidebar's model, loaded, or — after saying why — None (``stop``: the page stops).

    Shows the reason when there is no model: none trained for this dataset, a library entry
    that cannot be loaded, or ImageNet weights missing offline (then it names the file and the
    folder, and offers a button, key ``<key>_random``, that turns the sidebar's random-weights
    switch on). A model with random weights gets a warning that says so.
    """
    from core.models.checkpoints import CheckpointError
    from core.models.imagenet import WeightsUnavailableError
    from dashboard import cache, state

    words = texts.get("common")
    loaded = None
    try:
        loaded = cache.active_model()
    except WeightsUnavailableError as err:
        st.error(words["model_weights_missing"].format(error=errors.message(err)))
        st.button(words["model_use_random"], key=f"{key}_random", on_click=state.use_random_weights,
                  icon=":material/shuffle:")
    except CheckpointError as err:
        st.error(words["model_load_error"].format(error=errors.message(err)))
    else:
        if loaded is None:
            st.info(words["model_none"])
        elif loaded.random_weights:
            st.warning(words["model_random_banner"].format(model=loaded.card.name))
    if loaded is None and stop:
        st.stop()
    return loaded


def fit_note(fit, *, images: str, model: str) -> str | None:
    """What a `core.data.fit.InputFit` does, as a sentence (None when the images already fit).

    Args:
        images: what the images are ("The Digits images"); model: the model's name.
    """
    if not fit.steps:
        return None
    words = texts.get("common")
    (c, h, w), (tc, th, tw) = fit.source, fit.target
    done = [words[f"fit_{step}"].format(h=h, w=w, th=th, tw=tw) for step in fit.steps]
    return words["fit_note"].format(images=images, source=f"{c}×{h}×{w}", model=model,
                                    target=f"{tc}×{th}×{tw}", steps=", ".join(done))


def layer_detail(row) -> str:
    """A layer table row's details (``core.interpret.layers.LayerInfo``) in the session's
    language, from the row's data; core's text where it is language-neutral ("max(0, x)",
    "3136 → 128") or of a kind this does not word."""
    words, values = texts.get("common"), dict(row.detail_values)
    key = row.detail_key
    if key == "conv":
        text = words["layer_conv"].format(n=values["n"], k=values["k"], s=values["s"],
                                          p=values["p"])
        extras = [words["layer_dilation"].format(value=values["dilation"])] \
            if values["dilation"] else []
        extras += [words["layer_groups"].format(value=values["groups"])] \
            if values["groups"] else []
        return ", ".join([text, *extras])
    if key == "pool":
        text = words[f"layer_pool_{values['kind']}"].format(k=values["k"], s=values["s"])
        return text + (", " + words["layer_pad"].format(value=values["p"]) if values["p"] else "")
    if key == "adaptive":
        return words[f"layer_adaptive_{values['kind']}"].format(size=values["size"])
    if key == "batchnorm":
        return words["layer_batchnorm"].format(n=values["n"])
    if key == "dropout":
        return words["layer_dropout"].format(p=i18n.general(values["p"]))
    if key == "input":
        return words["layer_input"].format(shape=values["shape"])
    return row.detail
