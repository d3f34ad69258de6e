"""AppTest: the error boundary. A user's mistake (InputError) shows its message; any other
exception is a bug: a short internal-error message naming its type, the traceback in the log."""

from __future__ import annotations

import logging

import pytest

from core.checks import InputError
from dashboard import errors, texts
from tests.pages.conftest import chart_ids, open_tab

INTERNAL = texts.get("common")["internal_error"]


def _fail_with(error: BaseException):
    def fail(*args, **kwargs):
        raise error

    return fail


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def test_an_input_error_from_core_shows_its_message(app, monkeypatch, caplog):
    monkeypatch.setattr("core.interpret.occlusion.occlusion",
                        _fail_with(InputError("window must be <= 28, got 99")))
    with caplog.at_level(logging.INFO, logger=errors.LOG.name):
        at = app("occlusion")
    assert not at.exception
    assert _errors(at) == ["This cannot be computed: window must be <= 28, got 99"]
    assert not any(r.exc_info for r in caplog.records)  # a user mistake: no traceback logged


def test_a_bug_inside_a_model_is_an_internal_error_with_the_traceback_in_the_log(
        app, monkeypatch, caplog):
    monkeypatch.setattr("core.interpret.occlusion.occlusion", _fail_with(RuntimeError("boom")))
    with caplog.at_level(logging.ERROR, logger=errors.LOG.name):
        at = app("occlusion")
    assert not at.exception  # no st.exception element: no traceback on the page
    assert _errors(at) == [INTERNAL.format(kind="RuntimeError")]
    assert "Internal error (RuntimeError)" in _errors(at)[0]
    assert "boom" not in _errors(at)[0] and "Traceback" not in _errors(at)[0]
    logged = [r for r in caplog.records if r.name == errors.LOG.name]
    assert len(logged) == 1 and logged[0].exc_info[0] is RuntimeError
    assert "Traceback" in caplog.text and "RuntimeError: boom" in caplog.text


def test_a_bug_in_one_tab_leaves_the_other_tabs_working(app, monkeypatch, caplog):
    monkeypatch.setattr("core.teach.explainers.softmax", _fail_with(KeyError("z")))
    words = texts.get("layers")
    with caplog.at_level(logging.ERROR, logger=errors.LOG.name):
        at = app("layers")
        assert not _errors(at) and "layers_conv_maps_conv" in chart_ids(at)  # not open yet
        open_tab(at, "layers_tab", words["tab_explainers"])
    assert not at.exception
    assert _errors(at) == [INTERNAL.format(kind="KeyError")]
    assert "layers_explain_dropout_chart" not in chart_ids(at)  # its own tab stopped
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
    open_tab(at, "layers_tab", words["tab_network"])  # the other tabs still work
    assert not _errors(at) and "layers_net_maps" in chart_ids(at)


def test_st_stop_and_rerun_pass_through_the_boundary():
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    for control in (StopException(), RerunException(None)):
        with pytest.raises(type(control)), errors.boundary("test"):
            raise control
