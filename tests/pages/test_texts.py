"""dashboard/texts: English and Spanish side by side, every key read somewhere.

The rule for every page, now and later: each text module defines ``EN`` and ``ES`` (and any
other ``<NAME>_EN`` table beside its ``<NAME>_ES``) with the same keys and the same
``{placeholders}``, and a Spanish value identical to its English one only for a key the module
lists in ``SAME_IN_ES`` (a name such as "ReLU").
"""

from __future__ import annotations

import importlib
import re
import string
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "dashboard" / "texts").glob("*.py")
                 if p.stem != "__init__")
# tables read by a key built elsewhere: error keys come from core (tests/core/test_error_keys),
# dataset keys are "<dataset>_title"/"<dataset>_description", classes are the datasets' names
LOOKUP_TABLES = {"errors", "errors_imports", "errors_finetune", "errors_trust", "errors_inputs",
                 "errors_featvis",
                 "datasets",
                 "navigation"}


def _code() -> str:
    files = [p for d in ("dashboard", "pages") for p in (ROOT / d).rglob("*.py")
             if "texts" not in p.parts]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


CODE = _code()
LITERALS = set(re.findall(r"[\"']([A-Za-z0-9_]+)[\"']", CODE))
# keys built at run time, e.g. T[f"weights_{w}"]: the literal part before the first field
PREFIXES = {p for p in re.findall(r"f[\"']([A-Za-z0-9_]+)\{", CODE)}


def _tables(module) -> list[tuple[str, dict, dict]]:
    """(name, English, Spanish) for every EN / <NAME>_EN table of a module."""
    pairs = []
    for attr in dir(module):
        if attr == "EN" or attr.endswith("_EN"):
            es = attr[:-2] + "ES"
            pairs.append((attr, getattr(module, attr), getattr(module, es, None)))
    return pairs


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}


@pytest.mark.parametrize("name", sorted(set(MODULES) - LOOKUP_TABLES))
def test_every_text_key_is_used(name):
    module = importlib.import_module(f"dashboard.texts.{name}")
    dead = [k for k in module.EN
            if k not in LITERALS and not any(k.startswith(p) for p in PREFIXES)]
    assert not dead, f"dashboard/texts/{name}.py defines keys nothing reads: {dead}"


def test_the_check_sees_a_dead_key():
    assert "no_such_key_anywhere" not in LITERALS
    assert not any("no_such_key_anywhere".startswith(p) for p in PREFIXES)


@pytest.mark.parametrize("name", MODULES)
def test_english_and_spanish_have_the_same_keys_and_placeholders(name):
    module = importlib.import_module(f"dashboard.texts.{name}")
    for table, en, es in _tables(module):
        assert es is not None, f"dashboard/texts/{name}.py has {table} but no Spanish beside it"
        assert set(en) == set(es), (
            f"{name}.{table}: only in English {sorted(set(en) - set(es))}, "
            f"only in Spanish {sorted(set(es) - set(en))}")
        for key in en:
            assert _fields(en[key]) == _fields(es[key]), (
                f"{name}.{table}[{key!r}]: placeholders {sorted(_fields(en[key]))} in English, "
                f"{sorted(_fields(es[key]))} in Spanish")


@pytest.mark.parametrize("name", MODULES)
def test_spanish_is_not_left_in_english(name):
    module = importlib.import_module(f"dashboard.texts.{name}")
    same = getattr(module, "SAME_IN_ES", frozenset())
    for table, en, es in _tables(module):
        if es is None:
            continue
        untranslated = [k for k in en if es.get(k) == en[k] and k not in same]
        assert not untranslated, (
            f"{name}.{table}: Spanish identical to English for {untranslated}; translate them "
            f"or list them in SAME_IN_ES if the word is the same in Spanish")
    stale = [k for k in same if not any(k in en and es and es.get(k) == en[k]
                                        for _, en, es in _tables(module))]
    assert not stale, f"{name}.SAME_IN_ES lists keys that are translated or gone: {stale}"


def test_the_parity_checks_catch_a_mistake():
    class Broken:
        EN = {"a": "Stride {n}", "b": "ReLU", "c": "Hello"}
        ES = {"a": "Paso {m}", "b": "ReLU", "c": "Hello"}
        SAME_IN_ES = frozenset({"b"})

    (_, en, es), = _tables(Broken)
    assert _fields(en["a"]) != _fields(es["a"])
    assert [k for k in en if es[k] == en[k] and k not in Broken.SAME_IN_ES] == ["c"]
