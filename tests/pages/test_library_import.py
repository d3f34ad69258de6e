"""AppTest: the Model library tab imports your own weights — a .pth state_dict with its form, an
ONNX file — saves them in the library and makes them active; bad files show a message and
change nothing."""

from __future__ import annotations

import io
import warnings

import torch
import torchvision
from torch import nn

from core.models import cards
from dashboard import texts
from tests.pages.conftest import open_tab

KEY = "train_library"


def _pth(arch: str = "squeezenet1_1", num_classes: int = 3, obj=None) -> bytes:
    torch.manual_seed(0)
    model = torchvision.models.get_model(arch, weights=None, num_classes=num_classes).eval()
    buf = io.BytesIO()
    torch.save(model.state_dict() if obj is None else obj, buf)
    return buf.getvalue()


def _onnx_bytes() -> bytes:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                        nn.Linear(4, 3)).eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (torch.zeros(1, 3, 32, 32),), buf, dynamo=False, opset_version=17)
    return buf.getvalue()


def _library(home) -> dict[str, cards.ModelCard]:
    return {path.name: card for path, card in cards.list_library(home / "models")}


def _upload(at, name: str, data: bytes):
    return at.file_uploader(key=f"{KEY}_upload").set_value(
        (name, data, "application/octet-stream")).run()


def test_a_pth_with_its_form_joins_the_library_and_becomes_active(app, _cnnlab_home):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    before = _library(_cnnlab_home)
    _upload(at, "leaves.pth", _pth())
    assert not at.exception and not at.error
    at.selectbox(key=f"{KEY}_arch").set_value("squeezenet1_1")
    at.text_area(key=f"{KEY}_classes").input("oak\nelm\nash")
    at.number_input(key=f"{KEY}_size").set_value(64)
    at.text_input(key=f"{KEY}_name").input("Leaves")
    at.button(key=f"{KEY}_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(s.value.startswith("Uploaded **Leaves** (SqueezeNet 1.1") for s in at.success)
    added = {k: c for k, c in _library(_cnnlab_home).items() if k not in before}
    (folder, card), = added.items()
    assert (card.arch, card.classes, card.input_shape) == ("squeezenet1_1", ["oak", "elm", "ash"],
                                                           [3, 64, 64])
    assert card.metrics == {"imported_from": "leaves.pth"}
    assert at.session_state["active_model"] == f"library:{folder}"
    table = next(d.value for d in at.dataframe if "folder" in d.value.columns)
    row = table[table["folder"] == folder].iloc[0]
    assert row["name"] == "Leaves" and row["architecture"] == "SqueezeNet 1.1"


def test_an_onnx_file_is_converted_and_saved_with_its_graph(app, _cnnlab_home):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    graph = _onnx_bytes()
    _upload(at, "tiny.onnx", graph)
    assert f"{KEY}_arch" not in [s.key for s in at.selectbox]  # no architecture to choose
    at.button(key=f"{KEY}_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    (path, card), = [(p, c) for p, c in cards.list_library(_cnnlab_home / "models")
                     if c.arch == "onnx"]
    assert (path / "graph.onnx").read_bytes() == graph
    assert card.input_shape == [3, 32, 32] and len(card.classes) == 3
    assert any("ONNX model" in s.value for s in at.success)


def test_bad_files_show_a_message_and_change_nothing(app, _cnnlab_home, tmp_path):
    class CreatesAFile:
        def __reduce__(self):
            return (open, (str(tmp_path / "pwned"), "w"))

    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    before = _library(_cnnlab_home)
    cases = [
        ("evil.pth", _pth(obj={"w": torch.zeros(1), "x": CreatesAFile()}), "Python objects"),
        ("whole.pth", _pth(obj=nn.Linear(2, 2)), "Python objects"),
        ("wrong.pth", _pth("resnet18"), "final layer's weight"),
        ("empty.pth", b"", "empty"),
    ]  # (truncated files, bad ONNX files: tests/core/test_imports.py)
    for name, data, words in cases:
        _upload(at, name, data)
        if name.endswith(".pth"):  # ResNet-18's weights offered as a SqueezeNet
            at.selectbox(key=f"{KEY}_arch").set_value("squeezenet1_1")
        at.button(key=f"{KEY}_import").click().run()
        assert not at.exception, (name, [e.message for e in at.exception])
        errors = [e.value for e in at.error]
        assert any(e.startswith("This file cannot be loaded:") and words in e for e in errors), \
            (name, errors)
    assert not (tmp_path / "pwned").exists()
    assert _library(_cnnlab_home) == before
    assert not at.success


def test_the_import_form_and_its_errors_in_spanish(app, _cnnlab_home):
    at = app("train", lang="es")
    open_tab(at, "train_tab", texts.get("train", "es")["tab_library"])
    torch.manual_seed(0)
    state = torchvision.models.get_model("resnet18", weights=None, num_classes=3).state_dict()
    state["layer1.0.conv1.weight"] = torch.zeros(64, 64, 5, 5)
    _upload(at, "mal.pth", _pth(obj=state))
    assert at.selectbox(key=f"{KEY}_arch").label == "Arquitectura"
    assert "ResNet-18" in at.selectbox(key=f"{KEY}_arch").options
    at.selectbox(key=f"{KEY}_arch").set_value("resnet18")
    at.text_input(key=f"{KEY}_mean").input("0,5; 0,5; 0,5")
    at.button(key=f"{KEY}_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(e.value == "Este archivo no se puede cargar: Estos pesos no encajan en "
               "`ResNet-18`: el tensor `layer1.0.conv1.weight` tiene la forma 64×64×5×5, pero "
               "`ResNet-18` necesita 64×64×3×3." for e in at.error), [e.value for e in at.error]
    at.text_input(key=f"{KEY}_std").input("mucho").run()
    assert any(e.value.startswith("Desviación típica por canal: deben ser números")
               for e in at.error)
