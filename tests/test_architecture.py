"""Structural rules: core never imports streamlit/plotly (nor dashboard/pages); arrows point
pages -> dashboard -> core; the Streamlit Cloud requirements track the root ones."""

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
    modules = sorted(p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
    code = (
        "import sys\n"
        "sys.modules['streamlit'] = None\nsys.modules['plotly'] = None\n"  # import -> ImportError
        + "".join(f"import core.{m}\n" for m in modules)
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


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
