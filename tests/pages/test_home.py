"""The entry point renders the home page, the navigation and the shared sidebar."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from dashboard import navigation, texts
from dashboard.texts import home as home_texts
from dashboard.texts import navigation as navigation_texts
from tests.pages.conftest import ROOT


def test_home_renders_with_links_to_every_page(app):
    at = app("home")
    assert at.title[0].value == "CNN Lab"
    body = " ".join(m.value for m in at.markdown)
    assert "active dataset and model" in body
    registered = {p.title for p in navigation.PAGES if p.key != "home"}
    assert registered <= {p.proto.label.split("**")[1] for p in at.get("page_link")}


def test_sidebar_offers_datasets_and_the_default_model(app):
    at = app("home")
    dataset = at.sidebar.selectbox(key="active_dataset")
    assert dataset.value == "digits"
    assert set(dataset.options) >= {"Digits (scikit-learn)", "MNIST", "Fashion-MNIST", "CIFAR-10"}
    model = at.sidebar.selectbox(key="active_model")
    assert "default" in model.value
    assert "ResNet-18 · ImageNet" in model.options  # the ImageNet classifiers, with any dataset
    dataset.set_value("mnist").run()
    assert not at.exception
    assert any("No model trained on MNIST yet" in c.value for c in at.sidebar.caption)
    model = at.sidebar.selectbox(key="active_model")
    assert model.value == "imagenet:resnet18" and model.options[0] == "ResNet-18 · ImageNet"
    assert not at.sidebar.toggle(key="imagenet_random_weights").value


def test_home_page_does_not_import_torch():
    """The home page and sidebar must paint before torch is imported (fast first paint)."""
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'dashboard' / 'app.py')!r}, default_timeout=60)\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.untrained
def test_train_default_model_from_home(app, _cnnlab_home):
    at = app("home")
    at.button(key="home_train_default").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error
    ready = " ".join(m.value for m in at.markdown)
    assert "Small CNN on digits (default)" in ready and "test accuracy" in ready
    assert (_cnnlab_home / "models" / "default-digits-small-cnn" / "model.safetensors").is_file()
    assert any("test accuracy" in c.value for c in at.sidebar.caption)


def test_home_in_spanish(app):
    at = app("home", lang="es")
    assert at.title[0].value == "CNN Lab"
    headers = [h.value for h in at.subheader]
    assert home_texts.ES["pages_header"] in headers and home_texts.ES["model_header"] in headers
    body = " ".join(m.value for m in at.markdown)
    assert "conjunto de datos y el modelo activos" in body
    links = {p.proto.label.split("**")[1] for p in at.get("page_link")}
    assert navigation_texts.ES["pooling_title"] in links
    # the ready default model: its Spanish name, and its accuracy with a decimal comma
    ready = next(m.value for m in at.markdown if home_texts.ES["default_name"] in m.value)
    assert re.search(r"exactitud en test \d{1,3},\d\u00a0%", ready), ready


@pytest.mark.untrained
def test_default_model_trained_by_another_process_waits_then_is_ready(app, monkeypatch,
                                                                      _cnnlab_home,
                                                                      _default_checkpoint):
    """Another server process holds the lock file: the session says it waits, then uses the
    checkpoint that process saved (it trains nothing itself)."""
    import shutil

    from core.train import training

    def other_process_trains(directory, *, on_wait=None, on_report=None, **_):
        on_wait()
        shutil.copytree(_default_checkpoint, directory)
        return directory, False

    monkeypatch.setattr(training, "ensure_default_model", other_process_trains)
    monkeypatch.setattr(training, "train_default_model", None)  # never called here
    at = app("home")
    at.button(key="home_train_default").click().run()
    assert not at.exception and not at.error
    assert any("test accuracy" in c.value for c in at.sidebar.caption)


@pytest.mark.untrained
@pytest.mark.parametrize("lang", ["en", "es"])
def test_default_model_locked_too_long_says_so(app, monkeypatch, lang):
    from core.train import training

    def locked(directory, **_):
        raise training.DefaultModelBusy("lock held")

    monkeypatch.setattr(training, "ensure_default_model", locked)
    at = app("home", lang=lang)
    at.button(key="home_train_default").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [texts.get("common", lang)["default_busy"]]
