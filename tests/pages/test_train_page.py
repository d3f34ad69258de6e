"""AppTest: the Train page — a tiny live run, stop/resume, evaluation, library, playground."""

from __future__ import annotations

import re

from core.models import builder, cards, checkpoints
from dashboard import i18n, texts
from tests.pages.conftest import advance as _advance
from tests.pages.conftest import chart_ids, open_tab, plotly_array
from tests.pages.conftest import chart_spec as _chart


def test_page_shows_data_architecture_and_parameter_count(app):
    at = app("train")
    assert not at.error
    text = " ".join(m.value for m in at.markdown)
    assert ("Training on **Digits (scikit-learn)** (1437 training and 360 test images, 1×28×28)"
            in text)
    n = builder.count_parameters(builder.build_model("small_cnn", in_channels=1, num_classes=10,
                                                   image_size=28))
    assert f"**{n:,}** trainable parameters" in text
    at.selectbox(key="train_arch").set_value("seed_net").run()
    assert "**46,922** trainable parameters" in " ".join(m.value for m in at.markdown)
    at.text_input(key="train_channels_seed_net").input("0").run()
    assert any("channels" in e.value for e in at.error)


def test_tiny_run_trains_live_and_becomes_the_active_model(app, _cnnlab_home):
    at = app("train")
    at.selectbox(key="train_arch").set_value("seed_net").run()
    at.number_input(key="train_epochs").set_value(2).run()
    at.text_input(key="train_name").input("tiny test run").run()
    at.button(key="train_start").click().run()
    assert not at.exception
    _advance(at, lambda a: any("Finished" in s.value for s in a.success))
    curves = _chart(at, "train_curves")
    named = {t["name"] for t in curves["data"]}
    assert {"train (per step)", "train", "validation"} <= named
    val = next(t for t in curves["data"] if t["name"] == "validation" and t["xaxis"] == "x2")
    assert len(plotly_array(val["y"])) == 2
    # the model is saved with its card and is now the sidebar's active model
    entries = cards.list_library(_cnnlab_home / "models")
    card = next(c for _, c in entries if c.name == "tiny test run")
    assert card.arch == "seed_net" and card.metrics["epochs"] == 2
    assert card.metrics["test_accuracy"] > 0.5
    model = at.sidebar.selectbox(key="active_model")
    assert model.value.startswith("library:tiny-test-run-")
    # settings are locked while the run exists; "New run" unlocks them
    assert at.number_input(key="train_epochs").disabled
    at.button(key="train_discard").click().run()
    assert not at.number_input(key="train_epochs").disabled


def test_stop_saves_and_resume_continues(app, _cnnlab_home):
    at = app("train")
    at.selectbox(key="train_arch").set_value("seed_net").run()
    at.number_input(key="train_epochs").set_value(20).run()
    at.button(key="train_start").click().run()
    at.run()
    at.button(key="train_stop").click().run()
    assert any("Stopped after" in i.value for i in at.info)
    assert cards.list_library(_cnnlab_home / "models")  # saved when stopped
    steps_before = int(at.info[-1].value.split("Stopped after ")[1].split(" ")[0])
    at.button(key="train_resume").click().run()
    at.run()
    at.button(key="train_stop").click().run()
    steps_after = int(next(i.value for i in at.info if "Stopped after" in i.value)
                      .split("Stopped after ")[1].split(" ")[0])
    assert steps_after > steps_before


def test_bad_zip_of_images_shows_an_error(app):
    at = app("train")
    at.file_uploader(key="train_folder_zip").set_value(
        ("cats.zip", b"not a zip", "application/zip")).run()
    at.button(key="train_folder_load").click().run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)


def test_bad_model_upload_shows_an_error(app):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    at.file_uploader(key="train_library_upload").set_value(
        ("model.zip", b"PK\x03\x04 broken", "application/zip")).run()
    assert not at.exception
    assert any("cannot be loaded" in e.value for e in at.error)


def test_model_upload_round_trip(app, trained_default):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    data = checkpoints.export_zip(trained_default)
    at.file_uploader(key="train_library_upload").set_value(
        ("default.zip", data, "application/zip")).run()
    assert not at.exception and not at.error
    assert any("Uploaded" in s.value for s in at.success)


def test_evaluation_of_the_default_model(app, trained_default):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_eval"])
    card = cards.read_card(trained_default)
    metric = next(m for m in at.metric if m.label == "Test accuracy")
    assert metric.value == f"{card.metrics['test_accuracy']:.1%}"
    cm = _chart(at, "train_eval_confusion")["data"][0]
    counts = plotly_array(cm["customdata"]).reshape(-1, 3)[:, 2]
    assert counts.sum() == 360
    at.selectbox(key="train_eval_true").set_value(3).run()
    at.selectbox(key="train_eval_pred").set_value(3).run()
    assert any("of class 3 predicted as 3" in c.value for c in at.caption)


def test_playground_tells_the_momentum_story(app):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_playground"])
    lines = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(lines) == 3
    assert "local minimum" in lines[0] and "global minimum" in lines[1]
    spec = _chart(at, "train_pg_chart")
    assert len(spec["frames"]) > 5


# --------------------------------------------------------------------------- in Spanish

def test_spanish_setup_theory_and_errors(app):
    at = app("train", lang="es")
    assert at.title[0].value == "Entrenar"
    assert not at.error
    text = " ".join(m.value for m in at.markdown)
    assert "Entrenamiento con **Dígitos (scikit-learn)**" in text
    assert "v ← μ·v + g" in text and "mínimo más bajo" in text  # the momentum paragraph
    n = builder.count_parameters(builder.build_model("small_cnn", in_channels=1, num_classes=10,
                                                   image_size=28))
    assert f"**{n:,}** parámetros entrenables".replace(",", ".") in text
    assert "CNN pequeña" in at.selectbox(key="train_arch").options
    at.selectbox(key="train_arch").set_value("seed_net").run()
    assert "Red semilla (apuntes del curso)" in at.selectbox(key="train_arch").options
    at.text_input(key="train_channels_seed_net").input("32, abc").run()
    assert any("Los canales por bloque deben ser números enteros" in e.value
               and "`32, abc`" in e.value for e in at.error)
    at.text_input(key="train_channels_seed_net").input("0").run()
    assert any(e.value.startswith("No se puede construir esta arquitectura") for e in at.error)
    at.file_uploader(key="train_folder_zip").set_value(
        ("gatos.zip", b"not a zip", "application/zip")).run()
    at.button(key="train_folder_load").click().run()
    assert any(e.value.startswith("Este zip no se puede usar") for e in at.error)


def test_spanish_stop_says_where_the_run_stopped(app, _cnnlab_home):
    at = app("train", lang="es")
    at.selectbox(key="train_arch").set_value("seed_net").run()
    at.number_input(key="train_epochs").set_value(20).run()
    at.button(key="train_start").click().run()
    at.run()
    at.button(key="train_stop").click().run()
    assert not at.exception
    stopped = next(i.value for i in at.info if i.value.startswith("Detenido tras "))
    assert re.fullmatch(r"Detenido tras \d+ de \d+ pasos\. .*pulsa \*Reanudar\* para continuar\.",
                        stopped)
    curves = _chart(at, "train_curves")
    assert "entrenamiento (por paso)" in {t["name"] for t in curves["data"]}


def test_spanish_evaluation_uses_the_decimal_comma(app, trained_default):
    at = app("train", lang="es")
    open_tab(at, "train_tab", texts.get("train", "es")["tab_eval"])
    card = cards.read_card(trained_default)
    metric = next(m for m in at.metric if m.label == "Exactitud en test")
    assert metric.value == i18n.percent(card.metrics["test_accuracy"], lang="es")
    assert re.fullmatch(r"\d+,\d\u00a0%", metric.value)
    at.selectbox(key="train_eval_true").set_value(3).run()
    at.selectbox(key="train_eval_pred").set_value(5).run()
    assert any(re.fullmatch(r"\d+ imágenes de test de la clase 3 predichas como 5", c.value)
               or c.value == "Ninguna imagen de test de la clase 3 se predijo como 5."
               for c in at.caption)
    cm = _chart(at, "train_eval_confusion")["data"][0]
    assert "real 3 → predicha 5: " in " ".join(cm["hovertext"])


def test_spanish_playground_names_the_minima_with_decimal_commas(app):
    at = app("train", lang="es")
    open_tab(at, "train_tab", texts.get("train", "es")["tab_playground"])
    at.slider(key="train_pg_momentum").set_value(0.5).run()
    lines = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(lines) == 3
    assert lines[0].startswith("- SGD termina en ")
    assert lines[1].startswith("- SGD + momento 0,5 termina en ")
    point = re.compile(r"\(-?\d+,\d\d; -?\d+,\d\d\), con pérdida -?\d+,\d{3}: ")
    assert all(point.search(line) for line in lines)
    assert all(line.endswith(("el mínimo global.", "un mínimo local.", "lejos de los mínimos.",
                              "ha divergido.")) for line in lines)


# --------------------------------------------------------------------------- lazy tabs

def test_only_the_open_tab_does_its_work_and_each_keeps_its_settings(app, monkeypatch):
    """A closed tab computes nothing (no optimiser runs, no evaluation) until it is opened,
    and its widgets have their values again when the user comes back to it."""
    from core.train import playground

    runs = []
    real = playground.compare
    monkeypatch.setattr(playground, "compare", lambda *a, **k: runs.append(1) or real(*a, **k))
    words = texts.get("train", "en")
    at = app("train")
    assert not runs and chart_ids(at) == []  # the Train tab: settings, no chart yet
    at.number_input(key="train_seed").set_value(5).run()  # bound to the address
    open_tab(at, "train_tab", words["tab_playground"])
    assert runs and chart_ids(at) == ["train_pg_chart"]
    at.slider(key="train_pg_momentum").set_value(0.5).run()  # kept in the session
    at.number_input(key="train_pg_steps").set_value(40).run()
    open_tab(at, "train_tab", words["tab_eval"])
    assert "train_pg_chart" not in chart_ids(at) and "train_eval_confusion" in chart_ids(at)
    n = len(runs)
    open_tab(at, "train_tab", words["tab_train"])
    assert len(runs) == n and not any(k.startswith("train_eval") for k in chart_ids(at))
    assert at.number_input(key="train_seed").value == 5
    open_tab(at, "train_tab", words["tab_playground"])
    assert at.slider(key="train_pg_momentum").value == 0.5
    assert at.number_input(key="train_pg_steps").value == 40


def test_a_run_goes_on_while_another_tab_is_open(app, _cnnlab_home):
    at = app("train")
    at.selectbox(key="train_arch").set_value("seed_net").run()
    at.number_input(key="train_epochs").set_value(2).run()
    at.button(key="train_start").click().run()
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    assert any(b.key.startswith("train_library") for b in at.button)
    _advance(at, lambda a: a.session_state["train_run"].trainer.finished)  # still training
    assert not at.session_state["train_run"].running  # finished and saved: its tab rests
    entries = cards.list_library(_cnnlab_home / "models")
    assert any(c.arch == "seed_net" and c.metrics["epochs"] == 2 for _, c in entries)
