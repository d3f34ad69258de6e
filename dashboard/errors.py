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
from dashboard import i18n, texts

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
        st.error(message(err))
    except Exception as err:
        LOG.exception("Internal error in %s", where)
        st.error(internal_error_message(err))


def internal_error_message(err: BaseException) -> str:
    """What the user sees for a bug: the exception's type, not its traceback."""
    return texts.get("common")["internal_error"].format(kind=type(err).__name__)


def message(err: BaseException, lang: str | None = None) -> str:
    """What the user reads for an error core raised on their input, in their language.

    A keyed error (``core.checks.Keyed``) is looked up in ``dashboard/texts/errors.py`` and
    filled with its values (numbers in the language's way, parameter names as a sentence says
    them). An unkeyed ``InputError`` shows its English message framed in the user's language;
    any other unkeyed error (a download's instructions) its message as it is, not framed as a
    bad input.
    """
    from dashboard.texts import errors as catalogue

    lang = lang or i18n.current()
    table = getattr(catalogue, lang.upper(), catalogue.EN)
    key, values = getattr(err, "key", None), getattr(err, "values", None) or {}
    if key in table:
        names = getattr(catalogue, f"NAMES_{lang.upper()}", catalogue.NAMES_EN)
        shown = {k: _value(v, lang) for k, v in values.items()}
        if isinstance(values.get("name"), str):
            shown["name"] = names.get(values["name"], f"`{values['name']}`")
        try:
            text = table[key].format(**shown)
        except (KeyError, IndexError):  # a template asks for a value this site does not give
            LOG.exception("Error template %r does not fit the values %s", key, sorted(values))
        else:
            return text[:1].upper() + text[1:]
    if isinstance(err, InputError):
        return table["unkeyed"].format(detail=str(err))
    return str(err)


def _value(v: object, lang: str) -> str:
    """One value of an error as the message shows it."""
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return i18n.general(v, lang, ".6g")
    if isinstance(v, (tuple, list)):
        if v and all(isinstance(x, str) for x in v):  # choices
            return ", ".join(f"`{x}`" for x in v)
        if all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            return "×".join(map(str, v)) if len(v) > 1 else str(v[0]) if v else "()"
        sep = "; " if lang == "es" else ", "
        return "(" + sep.join(_value(x, lang) for x in v) + ")"
    if isinstance(v, str):
        return f"`{v}`"
    return f"`{v!r}`"
