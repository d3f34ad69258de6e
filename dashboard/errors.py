"""The one error boundary: a user's mistake shows its message, anything else is a bug.

``core`` raises ``core.checks.InputError`` (a ``ValueError``) for a bad input; pages and views
catch it where they can say what to fix. Any other exception that reaches :func:`boundary` is
a bug in CNN Lab: its traceback goes to the server log and the user sees a short "internal
error" message naming the exception's type — never the traceback, never a "bad input" message.

``st.stop()``, ``st.rerun()`` and ``st.switch_page()`` raise ``BaseException`` subclasses, which
``except Exception`` lets through, as Streamlit needs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.checks import InputError
from dashboard import texts

LOG = logging.getLogger(__name__)


@contextmanager
def boundary(where: str) -> Iterator[None]:
    """Run a page (or a section that must not take the rest down) and contain its failures.

    Args:
        where: what is running ("page occlusion", "train fragment"), for the server log.
    """
    try:
        yield
    except InputError as err:  # a user mistake the page did not catch: still not a bug
        LOG.info("Input error in %s: %s", where, err)
        st.error(str(err))
    except Exception as err:
        LOG.exception("Internal error in %s", where)
        st.error(internal_error_message(err))


def internal_error_message(err: BaseException) -> str:
    """What the user sees for a bug: the exception's type, not its traceback."""
    return texts.get("common")["internal_error"].format(kind=type(err).__name__)
