"""AppTest: the cap on heavy jobs (``CNNLAB_HEAVY_JOBS``). With its one slot taken by another
owner (claimed here directly: AppTest runs the app in this process), starting style transfer,
training, a large occlusion map, feature visualisation or the shortcut lab says the server is
busy, starts nothing and keeps the settings; once the slot is free, starting works."""

from __future__ import annotations

import pytest

from core.runtime import jobs
from dashboard import texts

OTHER = "another-session:style"
BUSY_EN = texts.get("jobs", "en")["busy"].format(running="1", limit="1")
BUSY_ES = texts.get("jobs", "es")["busy"].format(running="1", limit="1")


@pytest.fixture
def one_slot_taken(monkeypatch):
    """One heavy-job slot in the process, held by another session."""
    monkeypatch.setenv(jobs.ENV, "1")
    jobs.SLOTS.reset()
    assert jobs.claim(OTHER)
    yield
    jobs.SLOTS.reset()


def _busy(at, message: str = BUSY_EN) -> bool:
    return any(w.value == message for w in at.warning)


def _run(at):
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _click(at, key: str):
    at.button(key=key).click()
    return _run(at)


# --------------------------------------------------------------------------- style transfer
@pytest.fixture
def style(app, hub_dir, no_network, one_slot_taken):
    at = app("style_transfer")
    at.select_slider(key="sty_size").set_value(32).run()
    at.number_input(key="sty_steps").set_value(2000).run()
    assert not at.exception and not at.error
    return at


def test_style_transfer_does_not_start_while_the_server_is_busy(style):
    at = _click(style, "sty_start")
    assert _busy(at)
    assert "sty_stop" not in [b.key for b in at.button]
    assert at.button(key="sty_start")  # not started: Start is still there
    assert at.select_slider(key="sty_size").value == 32  # the settings are kept
    assert at.number_input(key="sty_steps").value == 2000
    assert not at.select_slider(key="sty_size").disabled
    _run(at)
    assert not _busy(at)  # said once, not at every rerun
    jobs.release(OTHER)
    at = _click(at, "sty_start")
    assert not _busy(at) and at.button(key="sty_stop")
    assert jobs.running() == 1
    at = _click(at, "sty_stop")
    assert jobs.running() == 0  # a stopped run gives its slot back


def test_a_paused_style_transfer_stays_paused_while_busy_and_resumes_later(style):
    jobs.release(OTHER)
    at = _click(style, "sty_start")
    at = _click(at, "sty_stop")
    stopped = next(i.value for i in at.info if "Stopped after" in i.value)
    assert jobs.claim(OTHER)
    at = _click(at, "sty_resume")
    assert _busy(at)
    assert at.button(key="sty_resume")  # still paused, nothing lost
    assert next(i.value for i in at.info if "Stopped after" in i.value) == stopped
    jobs.release(OTHER)
    at = _click(at, "sty_resume")
    assert at.button(key="sty_stop") and not _busy(at)
    _click(at, "sty_stop")


def test_a_style_transfer_whose_lease_lapsed_pauses_when_others_took_the_slot(style):
    jobs.release(OTHER)
    at = _click(style, "sty_start")
    assert at.button(key="sty_stop")
    jobs.SLOTS.reset()  # as after LEASE_S without a chunk (the user was on another page)
    assert jobs.claim(OTHER)
    at = _run(at)  # the next chunk finds no slot
    assert _busy(at)
    assert at.button(key="sty_resume")
    assert any("Stopped after" in i.value for i in at.info)


# --------------------------------------------------------------------------- training
def _train(app, lang=None):
    at = app("train", lang=lang)
    at.selectbox(key="train_arch").set_value("seed_net").run()
    at.number_input(key="train_epochs").set_value(20).run()
    at.text_input(key="train_name").input("kept name").run()
    assert not at.exception
    return at


def test_training_does_not_start_while_the_server_is_busy(app, one_slot_taken):
    at = _click(_train(app), "train_start")
    assert _busy(at)
    assert at.button(key="train_start")
    assert "train_stop" not in [b.key for b in at.button]
    assert at.selectbox(key="train_arch").value == "seed_net"
    assert at.number_input(key="train_epochs").value == 20
    assert at.text_input(key="train_name").value == "kept name"
    assert not at.number_input(key="train_epochs").disabled
    jobs.release(OTHER)
    at = _click(at, "train_start")
    assert not _busy(at) and at.button(key="train_stop")
    at = _click(at, "train_stop")
    assert jobs.running() == 0


def test_the_busy_message_in_spanish(app, one_slot_taken):
    at = _click(_train(app, lang="es"), "train_start")
    assert _busy(at, BUSY_ES), [w.value for w in at.warning]
    assert BUSY_ES.startswith("El servidor está ocupado: hay 1 de 1 trabajos pesados")
    assert at.button(key="train_start")


def test_a_paused_training_stays_paused_while_busy(app, one_slot_taken):
    jobs.release(OTHER)
    at = _click(_train(app), "train_start")
    at = _click(at, "train_stop")
    assert jobs.claim(OTHER)
    at = _click(at, "train_resume")
    assert _busy(at) and at.button(key="train_resume")
    assert any("Stopped after" in i.value for i in at.info)


# --------------------------------------------------------------------------- occlusion
def test_a_large_occlusion_map_waits_for_a_free_slot(app, trained_default, one_slot_taken,
                                                     monkeypatch):
    from dashboard.views import occlusion

    monkeypatch.setattr(occlusion, "AUTO_SECONDS", -1.0)  # every map waits for its button
    at = app("occlusion")
    assert not any("occ_prob" in c.proto.id for c in at.get("plotly_chart"))
    at = _click(at, "occ_run")
    assert _busy(at)
    assert not any("occ_prob" in c.proto.id for c in at.get("plotly_chart"))
    assert jobs.running() == 1  # the refused run holds nothing
    jobs.release(OTHER)
    at = _click(at, "occ_run")
    assert not _busy(at)
    assert any("occ_prob" in c.proto.id for c in at.get("plotly_chart"))
    assert jobs.running() == 0  # released when the map was done


# --------------------------------------------------------------------------- feature vis
def test_feature_visualisation_waits_for_a_free_slot(app, trained_default, one_slot_taken):
    from tests.pages.conftest import open_tab

    at = app("layers")
    open_tab(at, "layers_tab", texts.get("layers", "en")["tab_filter"])
    at.number_input(key="layers_channel_steps").set_value(3)  # a form: sent with its button
    at = _click(at, "layers_channel_run")
    assert _busy(at)
    assert not any("actmax_image" in c.proto.id for c in at.get("plotly_chart"))
    assert at.number_input(key="layers_channel_steps").value == 3
    jobs.release(OTHER)
    at = _click(at, "layers_channel_run")
    assert not _busy(at)
    assert any("actmax_image" in c.proto.id for c in at.get("plotly_chart"))
    assert jobs.running() == 0


# --------------------------------------------------------------------------- shortcut lab
def test_the_shortcut_lab_does_not_start_while_the_server_is_busy(app, one_slot_taken):
    at = app("trust")
    at.segmented_control(key="trust_section").set_value("shortcut").run()
    at.number_input(key="shortcut_epochs").set_value(1).run()
    at = _click(at, "shortcut_run")
    assert _busy(at)
    assert at.button(key="shortcut_run") and at.number_input(key="shortcut_epochs").value == 1
    assert "shortcut_stop" not in [b.key for b in at.button]
