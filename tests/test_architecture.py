"""Structural rules: core never imports streamlit/plotly (nor dashboard/pages); arrows point
pages -> dashboard -> core, and between core's packages as CORE_ARROWS says; teach is
numpy-only; the Streamlit Cloud requirements track the root ones."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "core": {"streamlit", "plotly", "dashboard", "pages"},
    "dashboard": {"pages"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _imports(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_core_imports_without_streamlit_or_plotly():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts)
                     for p in (ROOT / "core").rglob("*.py")
                     if p.stem not in ("__init__", "__main__"))
    code = (
        "import sys\n"
        "sys.modules['streamlit'] = None\nsys.modules['plotly'] = None\n"  # import -> ImportError
        + "".join(f"import {m}\n" for m in modules)
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# Inside core, what each package may import (besides itself and the leaf modules core.checks
# and core.paths). runtime and teach stand on nothing else in core.
CORE_ARROWS = {
    "runtime": set(),
    "teach": set(),
    "models": {"runtime"},
    "data": set(),
    "train": {"runtime", "models", "data"},
    "interpret": {"runtime", "models", "data"},
    "style": {"runtime", "models", "data"},
}
CORE_LEAVES = {"checks", "paths"}


def _core_imports(path: Path) -> set[str]:
    """The core packages/modules a file imports: 'core.models.cards' -> 'models'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for mod in mods:
            parts = mod.split(".")
            if parts[0] == "core" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_core_packages_are_the_only_top_level_modules():
    top = {p.stem for p in (ROOT / "core").glob("*.py")} - {"__init__"}
    assert top == CORE_LEAVES
    assert {p.name for p in (ROOT / "core").iterdir() if p.is_dir() and p.name != "__pycache__"} \
        == set(CORE_ARROWS)


@pytest.mark.parametrize("package", sorted(CORE_ARROWS))
def test_core_arrows(package):
    allowed = CORE_ARROWS[package] | CORE_LEAVES | {package}
    for path in sorted((ROOT / "core" / package).rglob("*.py")):
        bad = _core_imports(path) - allowed
        assert not bad, f"{path.relative_to(ROOT)} imports core.{sorted(bad)}"


def test_core_leaves_import_nothing_from_core():
    for leaf in sorted(CORE_LEAVES):
        assert not _core_imports(ROOT / "core" / f"{leaf}.py"), leaf


def test_teach_imports_no_torch():
    for path in sorted((ROOT / "core" / "teach").rglob("*.py")):
        assert not _imports(path) & {"torch", "torchvision"}, path.relative_to(ROOT)
    leaves = "".join(f"import core.{leaf}\n" for leaf in sorted(CORE_LEAVES))
    teach = "".join(f"import core.teach.{p.stem}\n"
                    for p in sorted((ROOT / "core" / "teach").glob("*.py")))
    code = ("import sys\nsys.modules['torch'] = None\n" + leaves + teach)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_no_module_shadows_the_standard_library():
    names = {p.stem for p in ROOT.joinpath("core").rglob("*.py")}
    assert not names & set(sys.stdlib_module_names)


def test_training_cli_runs_as_a_module():
    out = subprocess.run([sys.executable, "-m", "core.train", "--help"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m core.train")


def _requirements(path: Path) -> dict[str, str]:
    reqs = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, spec = re.match(r"([A-Za-z0-9_.\-]+)(.*)", line).groups()
            reqs[name.lower()] = spec.replace("+cpu", "")
    return reqs


def test_cloud_requirements_match_the_root_ones():
    assert _requirements(ROOT / "dashboard" / "requirements.txt") == _requirements(
        ROOT / "requirements.txt"
    )
