"""dashboard.heap: the heap is frozen once per new import, and garbage is still collected."""

from __future__ import annotations

import gc
import sys
import types
import weakref

import pytest

from dashboard import heap


class _Node:
    def __init__(self):
        self.other = None


@pytest.fixture
def thawed(monkeypatch):
    """Start with nothing frozen and no freeze remembered; thaw again afterwards."""
    gc.unfreeze()
    monkeypatch.setattr(heap, "_modules_at_freeze", 0)
    yield
    gc.unfreeze()


def test_it_freezes_once_and_again_only_after_an_import(thawed, monkeypatch):
    tracked = len(gc.get_objects())
    assert heap.freeze_imports() is True
    # the collector now scans only what was made since: torch, Plotly, Streamlit are out of it
    assert gc.get_freeze_count() > 0.5 * tracked  # (what was garbage is collected first)
    assert len(gc.get_objects()) < 0.1 * tracked
    assert heap.freeze_imports() is False  # nothing imported since: no collection, no freeze
    monkeypatch.setitem(sys.modules, "_cnnlab_heap_probe", types.ModuleType("_cnnlab_heap_probe"))
    assert heap.freeze_imports() is True


def test_a_cycle_made_after_the_freeze_is_still_collected(thawed):
    heap.freeze_imports()
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b
    assert alive() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert alive() is None


def test_a_frozen_object_is_still_freed_when_its_last_reference_goes(thawed):
    node = _Node()
    alive = weakref.ref(node)
    heap.freeze_imports()
    del node
    assert alive() is None


def test_the_app_freezes_the_heap_after_a_run(app, thawed):
    app("home")
    assert gc.get_freeze_count() > 0
