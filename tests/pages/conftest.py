"""AppTest helpers: run the real entry point (dashboard/app.py) and switch to a page."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
TIMEOUT = 120  # importing torch alone can take several seconds on a cold machine


@pytest.fixture
def trained_default(_default_checkpoint, _cnnlab_home) -> Path:
    """Where the pre-trained default model is (the ``app`` fixture puts it there)."""
    from core.models import cards

    target = _cnnlab_home / "models" / cards.DEFAULT_MODEL_DIR
    if not target.exists():
        shutil.copytree(_default_checkpoint, target)
    return target


@pytest.fixture
def app(request, _default_checkpoint, _cnnlab_home):
    """A function opening the app on a page ("home", "pooling", ...) with fresh caches.

    The default model is already trained (copied from one session-wide training) unless the
    test is marked ``@pytest.mark.untrained`` (to test its first-use training).
    """
    from core.models import cards
    from core.runtime import jobs

    target = _cnnlab_home / "models" / cards.DEFAULT_MODEL_DIR
    if request.node.get_closest_marker("untrained") is None and not target.exists():
        shutil.copytree(_default_checkpoint, target)
    st.cache_data.clear()
    st.cache_resource.clear()
    jobs.SLOTS.reset()  # a run an earlier test left going holds a slot for LEASE_S

    def open_page(key: str = "home", lang: str | None = None,
                  link: dict | None = None) -> AppTest:
        """The app on page ``key``, opened from a link with ``?lang=<lang>`` if given; with
        ``link`` (its other parameters), the session's first run is on that page, as when a
        copied link is opened."""
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        if lang is not None:
            at.query_params["lang"] = lang
        if link is not None:
            for name, value in link.items():
                at.query_params[name] = value
            if key != "home":
                at.switch_page(f"../pages/{key}.py")
            at.run()
            assert not at.exception, [e.message for e in at.exception]
            return at
        at.run()
        if key != "home":
            at.switch_page(f"../pages/{key}.py")
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    yield open_page
    st.cache_data.clear()
    st.cache_resource.clear()
    jobs.SLOTS.reset()


def plotly_array(value) -> np.ndarray:
    """A data array from a figure's JSON (plotly 6 encodes numpy arrays as base64 "bdata")."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if shape:
            arr = arr.reshape([int(s) for s in str(shape).split(",")])
        return arr
    return np.array(value, dtype=float)


def chart_spec(at, key: str) -> dict:
    """The figure JSON of the Plotly chart whose widget key contains ``key``."""
    import json

    chart = next(c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id)
    return json.loads(chart.proto.spec)


def copy_block(at, key: str) -> dict:
    """The data of the copy block (``widgets.copy_block``) whose widget key contains ``key``:
    ``text`` (None for the view's address), ``label``, ``copied``, ``select``."""
    import json

    block = next(c for c in at.get("bidi_component")
                 if c.proto.component_name == "cnnlab.copy" and key in c.proto.id)
    return json.loads(block.proto.json)


def matrix_table(at, title: str) -> dict[tuple[int, int], dict[str, str]]:
    """The cells of the matrix table (``charts.matrix_table``, drawn by ``st.html``) headed
    ``title`` (see ``table_cells``)."""
    return table_cells(next(h.proto.body for h in at.get("html")
                            if f">{title}</div>" in h.proto.body))


def table_cells(body: str) -> dict[tuple[int, int], dict[str, str]]:
    """The cells of ``charts.matrix_table``'s HTML: (row, col) -> {"text", "mark" ("window",
    "chosen" or ""), "tip", "style"}."""
    from html.parser import HTMLParser

    cells: dict[tuple[int, int], dict[str, str]] = {}

    class Cells(HTMLParser):
        where = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "td":
                self.where = (int(a["data-r"]), int(a["data-c"]))
                cells[self.where] = {"text": "", "mark": a.get("data-mark", ""),
                                     "tip": a["title"], "style": a["style"]}

        def handle_endtag(self, tag):
            if tag == "td":
                self.where = None

        def handle_data(self, data):
            if self.where is not None:
                cells[self.where]["text"] += data

    Cells().feed(body)
    return cells


def advance(at, until, limit: int = 60):
    """Rerun (each run advances a live fragment — training, style transfer — by one chunk)
    until ``until(at)``; fails on an exception or after ``limit`` runs."""
    for _ in range(limit):
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        if until(at):
            return at
    raise AssertionError("the run did not get there")


def open_tab(at, key: str, label: str):
    """Open the tab ``label`` of the tabs with widget key ``key`` (as a click on it does: the
    tabs track which one is open, and only that one runs) and rerun. Tabs bound to the URL
    read it there too (AppTest sends its query parameters with every run, where a browser's
    address changes with the click)."""
    at.session_state[key] = label
    if key in at.query_params:
        at.query_params[key] = label
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chart_ids(at) -> list[str]:
    """The widget keys of the Plotly charts this run drew (the part after Streamlit's id)."""
    return [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")]
