"""The session's language (English or Spanish) and numbers written the way that language writes
them.

The choice is the sidebar's language switch (``LANG_KEY`` in the session state), kept in the
URL's ``?lang=`` on every page, so a Spanish link (``/?lang=es``) opens the lab in Spanish.
With no choice made, the browser's language decides (``st.context.locale``), English
otherwise. Outside a Streamlit run (charts built in a test, a script) the language is English.

Numbers the lab formats itself follow the language: ``percent(0.983)`` is "98.3%" in English and
"98,3 %" in Spanish (decimal comma, a non-breaking space before the sign, as the RAE writes it).
Plotly's own tick labels get the same decimal comma through ``plotly_separators()``.
"""

from __future__ import annotations

import math
from numbers import Real

LANGS = ("en", "es")
LANG_NAMES = {"en": "English", "es": "Español"}
LANG_KEY = "lang"  # the switch's widget key, and the URL parameter's name
# The language again, under a key no widget owns: Streamlit drops a widget's state when a page
# switch interrupts a run before the widget was drawn (a click on the navigation during the
# first run), and the language must survive that.
KEPT_KEY = "lang_kept"
DEFAULT = "en"
_NBSP = "\u00a0"


def _running() -> bool:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit is a dependency of the dashboard
        return False
    return get_script_run_ctx(suppress_warning=True) is not None


def _locale() -> str | None:
    """The browser's language tag ("es-MX", "en-US"), None where there is no browser."""
    import streamlit as st

    try:
        return st.context.locale
    except (AttributeError, RuntimeError):  # AppTest, bare mode
        return None


def browser_lang(locale: str | None) -> str:
    """The lab's language for a browser language tag: Spanish for any "es" tag, else English."""
    primary = (locale or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGS else DEFAULT


def resolve() -> str:
    """Decide the language at the start of a run, before any text is drawn.

    The switch's value wins; then the URL (``?lang=es``, for a link handed out); then the
    browser's language. A choice that comes from the URL or the browser is written into the
    session, so the switch shows it and the URL keeps it on every page; a switch whose state
    Streamlit dropped on a page switch takes the session's language back from ``KEPT_KEY``.
    """
    import streamlit as st

    chosen = st.session_state.get(LANG_KEY)
    if chosen not in LANGS:
        chosen = st.session_state.get(KEPT_KEY)
        if chosen not in LANGS:
            wanted = st.query_params.get(LANG_KEY)
            chosen = wanted if wanted in LANGS else browser_lang(_locale())
        st.session_state[LANG_KEY] = chosen
    st.session_state[KEPT_KEY] = chosen
    return chosen


def keep_in_url(lang: str) -> None:
    """Write the language into the URL (``?lang=es``), so the address a user copies opens the
    lab in the same language; done on every run, as a page switch builds a new URL."""
    import streamlit as st

    if st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang


def current() -> str:
    """The session's language ("en" or "es"); English outside a Streamlit run."""
    if not _running():
        return DEFAULT
    import streamlit as st

    chosen = st.session_state.get(LANG_KEY)
    return chosen if chosen in LANGS else DEFAULT


def _swap(text: str, lang: str) -> str:
    """English digits grouping ("1,234.5") in the language's way ("1.234,5")."""
    if lang != "es":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number(value: float, digits: int = 2, lang: str | None = None, *, group: bool = True) -> str:
    """A number with ``digits`` decimals: "1,234.50" / "1.234,50". NaN and ±inf as words
    ("NaN", "∞") in both languages."""
    lang = lang or current()
    if not isinstance(value, Real) or not math.isfinite(value):
        return "NaN" if value != value else ("∞" if value > 0 else "−∞")
    return _swap(f"{value:{',' if group else ''}.{digits}f}", lang)


def integer(value: int, lang: str | None = None) -> str:
    """An integer with thousands grouped: "60,000" / "60.000"."""
    return _swap(f"{int(value):,}", lang or current())


def general(value: float, lang: str | None = None, spec: str = ".4g") -> str:
    """A number in a general format (``spec`` as for ``format``), with the decimal comma in
    Spanish: "0.0123" / "0,0123"."""
    return _swap(format(value, spec), lang or current())


def percent(fraction: float, digits: int = 1, lang: str | None = None) -> str:
    """A fraction as a percentage: 0.983 -> "98.3%" / "98,3 %"."""
    lang = lang or current()
    if not isinstance(fraction, Real) or not math.isfinite(fraction):
        return number(fraction, lang=lang)
    text = _swap(f"{100 * fraction:.{digits}f}", lang)
    return f"{text}{_NBSP}%" if lang == "es" else f"{text}%"


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's ``layout.separators`` (decimal mark, then thousands mark) for the language."""
    return ",." if (lang or current()) == "es" else ".,"
