"""User-facing text, one module per page, so that a translation can be added beside it.

Each page module defines ``EN`` (a dict of strings); ``texts.get("pooling")`` returns the
strings in the session's language (English for now).
"""

from __future__ import annotations

import importlib


def _strings(name: str, lang: str) -> dict[str, str]:
    module = importlib.import_module(f"dashboard.texts.{name}")
    return getattr(module, lang.upper(), module.EN)


def get(page: str, lang: str = "en") -> dict[str, str]:
    """The strings of one page in a language (falls back to English), over the shared ones
    of ``common.py`` (the image picker's)."""
    return _strings("common", lang) | _strings(page, lang)
