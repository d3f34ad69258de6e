"""User-facing text, one module per page, English and Spanish side by side.

Each module defines ``EN`` and ``ES``, dicts with the same keys and the same ``{placeholders}``
(``tests/pages/test_texts.py`` enforces it), and may list in ``SAME_IN_ES`` the keys whose
Spanish is rightly the English (a name like "ReLU", a formula). ``texts.get("pooling")``
returns one page's strings in the session's language, over the shared ones of ``common.py``.
"""

from __future__ import annotations

import importlib

from dashboard import i18n


def _strings(name: str, lang: str) -> dict[str, str]:
    module = importlib.import_module(f"dashboard.texts.{name}")
    return getattr(module, lang.upper(), module.EN)


def get(page: str, lang: str | None = None) -> dict[str, str]:
    """The strings of one page in ``lang`` (default: the session's language), over the shared
    ones of ``common.py`` (the image picker's, Stop, the error messages' frame)."""
    lang = lang or i18n.current()
    return _strings("common", lang) | _strings(page, lang)


def class_names(names, lang: str | None = None) -> list[str]:
    """A dataset's class names as the user reads them: Fashion-MNIST's and CIFAR-10's in the
    session's language; any other name (digits, an uploaded folder's classes) as it is."""
    from dashboard.texts import datasets

    table = getattr(datasets, f"CLASSES_{(lang or i18n.current()).upper()}", datasets.CLASSES_EN)
    return [table.get(str(n), str(n)) for n in names]


def dataset_title(key: str, lang: str | None = None) -> str:
    """A registered dataset's name in the language (the key itself if it is unknown)."""
    return get("datasets", lang).get(f"{key}_title", key)


def dataset_description(key: str, lang: str | None = None) -> str:
    return get("datasets", lang).get(f"{key}_description", "")
