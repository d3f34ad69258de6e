"""User-facing text, one module per page, so that a translation can be added beside it.

Each page module defines ``EN`` (a dict of strings); ``texts.get("pooling")`` returns the
strings in the session's language (English for now).
"""

from __future__ import annotations

import importlib


def get(page: str, lang: str = "en") -> dict[str, str]:
    """The strings of one page in a language (falls back to English)."""
    module = importlib.import_module(f"dashboard.texts.{page}")
    return getattr(module, lang.upper(), module.EN)
