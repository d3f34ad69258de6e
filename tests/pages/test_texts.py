"""dashboard/texts: every key a page module defines is read somewhere (no dead text)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "dashboard" / "texts").glob("*.py")
                 if p.stem != "__init__")


def _code() -> str:
    files = [p for d in ("dashboard", "pages") for p in (ROOT / d).rglob("*.py")
             if "texts" not in p.parts]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


CODE = _code()
LITERALS = set(re.findall(r"[\"']([A-Za-z0-9_]+)[\"']", CODE))
# keys built at run time, e.g. T[f"weights_{w}"]: the literal part before the first field
PREFIXES = {p for p in re.findall(r"f[\"']([A-Za-z0-9_]+)\{", CODE)}


@pytest.mark.parametrize("name", MODULES)
def test_every_text_key_is_used(name):
    module = importlib.import_module(f"dashboard.texts.{name}")
    dead = [k for k in module.EN
            if k not in LITERALS and not any(k.startswith(p) for p in PREFIXES)]
    assert not dead, f"dashboard/texts/{name}.py defines keys nothing reads: {dead}"


def test_the_check_sees_a_dead_key():
    assert "no_such_key_anywhere" not in LITERALS
    assert not any("no_such_key_anywhere".startswith(p) for p in PREFIXES)
