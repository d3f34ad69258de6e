"""This session's heavy jobs under the process's cap (``core.runtime.jobs``): their owner id
("<session id>:<kind>"), a claim that remembers a refusal for the next run to show, a slot
held around one-shot work, and the "server busy" warning.

Kinds: "style" (style transfer), "train" (training, fine-tuning), "occlusion", "featvis"
(feature visualisation), "shortcut" (the Trust page's shortcut lab).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import streamlit as st

from core.runtime import jobs
from dashboard import i18n, texts

OUTSIDE = "no-session"  # the owner's session part outside a script run (a test, a script)


def owner(kind: str) -> str:
    """The owner id of this session's job ``kind``."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return f"{ctx.session_id if ctx is not None else OUTSIDE}:{kind}"


def _busy_key(kind: str) -> str:
    return f"jobs_busy_{kind}"


def claim(kind: str) -> bool:
    """Take or refresh this session's lease for chunked job ``kind`` (call at the start and at
    every chunk). False: no slot is free; the next `show_busy` of ``kind`` says so (a callback
    cannot draw)."""
    if jobs.claim(owner(kind)):
        return True
    st.session_state[_busy_key(kind)] = (jobs.running(), jobs.limit())
    return False


def release(kind: str) -> None:
    """End this session's lease for ``kind`` (stopped, discarded, finished)."""
    jobs.release(owner(kind))


def show_busy(kind: str) -> None:
    """The busy warning, once, after a `claim` of ``kind`` was refused."""
    refused = st.session_state.pop(_busy_key(kind), None)
    if refused is not None:
        warn(*refused)


def warn(running: int, limit: int | None) -> None:
    """The "server busy" warning: ``running`` of ``limit`` heavy jobs are running."""
    T = texts.get("jobs")
    st.warning(T["busy"].format(running=i18n.integer(running), limit=i18n.integer(limit or 0)),
               icon=":material/hourglass_top:")


@contextmanager
def hold(kind: str) -> Iterator[bool]:
    """A slot for one-shot work in this script run: yields True while it is held (released
    however the block ends), or False after the busy warning when none is free."""
    with ExitStack() as stack:
        try:
            stack.enter_context(jobs.hold(owner(kind)))
        except jobs.Busy as busy:
            warn(busy.running, busy.limit)
            yield False
            return
        yield True
