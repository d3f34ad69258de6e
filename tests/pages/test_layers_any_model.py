"""AppTest: the Layers page with any active model (issue 14): a torchvision ImageNet classifier
(ResNet-18 from a random-weights file in a temporary hub cache, AlexNet with the sidebar's
random weights), an imported .pth-style library model and an imported ONNX network.

References are torch itself (a private copy of the model, torchvision's
``create_feature_extractor``), onnxruntime, and direct loops; never the page's own numbers.
"""

from __future__ import annotations

import copy
import io
import re
import warnings

import numpy as np
import pytest
import torch
import torchvision
from streamlit.testing.v1 import AppTest
from torchvision.models.feature_extraction import create_feature_extractor

from core.data import datasets, images, samples
from core.data.fit import fit_input
from core.models import cards, checkpoints, imagenet
from dashboard import texts
from tests.pages.conftest import APP, TIMEOUT, chart_spec, open_tab, plotly_array

MEAN, STD = list(imagenet.IMAGENET_MEAN), list(imagenet.IMAGENET_STD)


def _open(ref: str, lang: str | None = None, tab: str | None = "tab_network",
          **session) -> AppTest:
    """The Layers page with ``ref`` active from its first run (the sidebar's choice), its tab
    ``tab`` open (only the open tab runs)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if lang is not None:
        at.query_params["lang"] = lang
    at.session_state["active_model"] = ref
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("../pages/layers.py")
    at.run()
    _ok(at)
    if tab is not None:
        _tab(at, tab, lang)
    return at


def _tab(at: AppTest, tab: str, lang: str | None = None) -> AppTest:
    """Open the Layers tab ``tab`` (its text key: "tab_filter", ...) and rerun."""
    open_tab(at, "layers_tab", texts.get("layers", lang or "en")[tab])
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    for text in [e.value for e in at.warning] + [m.value for m in at.markdown]:
        assert "does not fit" not in text and "no encaja" not in text


def _heatmaps(spec: dict) -> list[np.ndarray]:
    return [plotly_array(t["z"]) for t in spec["data"] if t["type"] == "heatmap"]


def _private(model: torch.nn.Module) -> torch.nn.Module:
    """A private copy for the reference: out-of-place ReLUs (create_feature_extractor returns
    values a later in-place ReLU would overwrite), eval mode."""
    own = copy.deepcopy(model).eval()
    for m in own.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    return own


def _table(at: AppTest, column: str = "receptive field"):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _shapes_match_torch(at: AppTest, model: torch.nn.Module, input_shape) -> None:
    """Every row's output shape is what torchvision's feature extractor gives for that node."""
    table = _table(at)
    names = [n for n in table["layer"][1:]]
    out = create_feature_extractor(_private(model), return_nodes=names)(
        torch.zeros(1, *input_shape))
    assert list(table["output shape"][1:]) == [" × ".join(map(str, out[n].shape[1:]))
                                               for n in names]


def _sample_input(key: str, card) -> torch.Tensor:
    return images.prepare_input(samples.sample_image(key), input_shape=card.input_shape,
                                mean=card.mean, std=card.std)[1]


def _reference_resnet(path) -> torch.nn.Module:
    model = torchvision.models.resnet18()
    model.load_state_dict(torch.load(path, weights_only=True, map_location="cpu"))
    return model.eval()


def _shared_imagenet(key: str, random: bool = False) -> torch.nn.Module:
    """The very model object the page uses (st.cache_resource is process-wide)."""
    from dashboard import cache

    return cache._imagenet_model(key, random).model


# --------------------------------------------------------------------------- ResNet-18
@pytest.fixture
def resnet(app, resnet18_weights):
    """The Layers page with ResNet-18 (random weights in the real ImageNet file's place)."""
    return _open("imagenet:resnet18")


def test_resnet18_layer_table_feature_maps_and_prediction(resnet, resnet18_weights):
    at = resnet
    model = _reference_resnet(resnet18_weights)
    card = imagenet.imagenet_card("resnet18")
    # the layer table: every row's shape from torch's own extractor; conv1 is 64 × 112 × 112
    _shapes_match_torch(at, model, (3, 224, 224))
    table = _table(at).set_index("layer")
    assert table.loc["conv1", "output shape"] == "64 × 112 × 112"
    assert table.loc["conv1", "receptive field"] == 7 and table.loc["maxpool", "jump"] == 4
    assert table["parameters"].sum() == sum(p.numel() for p in model.parameters())
    # the image: a sample photo by default (the digits are a poor input for ImageNet)
    assert at.radio(key="layers_net_img_source").value == "sample"
    assert at.selectbox(key="layers_net_img_sample").value == "flower"
    shown = plotly_array(chart_spec(at, "layers_net_input")["data"][0]["z"])
    assert shown.shape == (224, 224, 3)
    assert any(c.value.startswith("The image is 3×427×640; ResNet-18") and "resized from "
               "427×640 to 224×224 px" in c.value for c in at.caption)
    # the prediction is the model's own, with ImageNet's class names; no "true class"
    x = _sample_input("flower", card)
    with torch.no_grad():
        probs = model(x).softmax(1)[0]
    best = int(probs.argmax())
    predicted = next(m.value for m in at.markdown if m.value.startswith("Predicted"))
    assert f"**{card.classes[best]}**" in predicted
    assert not any(m.value.startswith("True class") for m in at.markdown)
    bars = chart_spec(at, "layers_net_probs")
    top = torch.sort(probs, descending=True, stable=True).indices[:10].tolist()
    assert list(bars["data"][0]["x"]) == [card.classes[i] for i in top]
    assert bars["layout"]["title"]["text"] == "The 10 most probable of 1,000 classes"
    # the feature maps of the first ReLU: 8 of 64 maps (112 px: fewer heatmaps by default)
    assert at.selectbox(key="layers_net_layer").value == "relu"
    maps = _heatmaps(chart_spec(at, "layers_net_maps"))
    private = _private(model)
    with torch.no_grad():
        act = private.relu(private.bn1(private.conv1(x)))[0]  # (64, 112, 112)
    order = torch.sort(act.mean((1, 2)), descending=True, stable=True).indices[:8].tolist()
    assert len(maps) == 8
    for got, c in zip(maps, order, strict=True):
        np.testing.assert_allclose(got, act[c].numpy(), rtol=1e-4, atol=1e-5)
    # the filters of conv1 (64 × 3 × 7 × 7) as one colour picture
    assert chart_spec(at, "layers_net_weights")["data"][0]["type"] == "image"
    # what a filter looks for: over 360 digits at 224 px it waits for a button, cost stated
    # (torch's count: 2 FLOPs a multiply-add; every conv, not the final fc, is up to layer4)
    from torch.utils.flop_counter import FlopCounterMode

    _tab(at, "tab_filter")

    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(x)
    macs = counter.get_total_flops() / 2 - 512 * 1000
    assert any(b.label == "Find the top images" for b in at.button)
    cost = f"Cost: 360 images × 1 forward pass up to layer4.1.relu_1 ({macs / 1e9:.2f} G"
    assert any(c.value.startswith(cost) for c in at.caption), [c.value for c in at.caption]


def test_resnet18_with_a_digit_converts_it_visibly_and_leaves_the_model_untouched(
        resnet, resnet18_weights, untouched):
    at = resnet
    model = _shared_imagenet("resnet18")
    with untouched(model):
        at.radio(key="layers_net_img_source").set_value("dataset").run()
        at.number_input(key="layers_net_img_index").set_value(3).run()
        _ok(at)
        note = ("The Digits (scikit-learn) images are 1×28×28; ResNet-18 (ImageNet) takes "
                "3×224×224: each image is copied from grey to 3 colour channels, resized from "
                "28×28 to 224×224 px.")
        assert note in [c.value for c in at.caption]
        _, test = datasets.load_digits()
        label = test.classes[int(test.labels[3])]
        assert f"Label in the dataset: **{label}**, which is not one of this model's classes." in [
            m.value for m in at.markdown]
        assert not any(m.value.startswith("True class") for m in at.markdown)
        # the model input is the digit, grey copied to R, G, B and resized (core.data.fit)
        fit = fit_input((1, 28, 28), (3, 224, 224), mean=MEAN, std=STD)
        shown = plotly_array(chart_spec(at, "layers_net_input")["data"][0]["z"])
        expected = torch.nn.functional.interpolate(
            test.images[3:4].float().expand(-1, 3, -1, -1), size=(224, 224), mode="bilinear",
            align_corners=False, antialias=True)[0].permute(1, 2, 0).numpy()
        np.testing.assert_allclose(shown, expected, atol=1.01)  # PIL vs torch resize, uint8
        assert fit.steps == ("grey_to_rgb", "resize")
        # a deep layer's maps, then activation maximisation at 224 px: 2 steps, then untouched
        at.selectbox(key="layers_net_layer").set_value("layer4.1.relu_1").run()
        _ok(at)
        assert _heatmaps(chart_spec(at, "layers_net_maps"))[0].shape == (7, 7)
        _tab(at, "tab_filter")
        at.number_input(key="layers_channel_steps").set_value(2)
        at.button(key="layers_channel_run").click().run()
        _ok(at)
        curve = plotly_array(chart_spec(at, "layers_channel_actmax_curve")["data"][0]["y"])
        assert len(curve) == 2
        image = plotly_array(chart_spec(at, "layers_channel_actmax_image")["data"][0]["z"])
        assert image.shape == (224, 224, 3)


def test_resnet18_in_spanish(app, resnet18_weights):
    at = _open("imagenet:resnet18", lang="es")
    at.radio(key="layers_net_img_source").set_value("dataset").run()
    _ok(at)
    captions = [c.value for c in at.caption]
    assert ("Las imágenes de Dígitos (scikit-learn) son de 1×28×28; ResNet-18 (ImageNet) recibe "
            "3×224×224: cada imagen se copia del gris a 3 canales de color, se redimensiona de "
            "28×28 a 224×224 px." in captions), captions
    assert any(m.value.startswith("Etiqueta en el conjunto de datos: **") for m in at.markdown)
    predicted = next(m.value for m in at.markdown if m.value.startswith("Clase predicha"))
    assert re.search(r"\d,\d\u00a0%", predicted)
    title = chart_spec(at, "layers_net_probs")["layout"]["title"]["text"]
    assert title == "Las 10 clases más probables de 1.000"
    _tab(at, "tab_filter", "es")
    captions = [c.value for c in at.caption]
    assert any(b.label == "Buscar las imágenes que más lo activan" for b in at.button)
    assert any(re.match(r"Coste: 360 imágenes × 1 pasada hacia delante hasta layer4\.1\.relu_1 "
                        r"\(1,\d\d G multiplicaciones", c) for c in captions), captions
    assert any(c.startswith("Coste: 64 iteraciones × 1 imagen, cada una") for c in captions)


def test_resnet18_offline_names_the_file_and_offers_random_weights(app, hub_dir, no_network):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["active_model"] = "imagenet:resnet18"
    at.run()
    at.switch_page("../pages/layers.py")
    at.run()
    assert not at.exception and not at.error
    assert _heatmaps(chart_spec(at, "layers_conv_maps_conv"))  # convolution by hand works
    for tab in ("tab_filter", "tab_network"):  # each tab that needs the model says why
        open_tab(at, "layers_tab", texts.get("layers")[tab])
        message = " ".join(e.value for e in at.error)
        assert "resnet18-f37072fd.pth" in message and str(hub_dir / "checkpoints") in message
    at.button(key="layers_random").click().run()
    _ok(at)
    assert any("random weights" in w.value for w in at.warning)
    assert _table(at).set_index("layer").loc["conv1", "output shape"] == "64 × 112 × 112"


# --------------------------------------------------------------------------- AlexNet
def test_alexnet_first_filters_are_drawn_in_colour(app, hub_dir):
    at = _open("imagenet:alexnet", imagenet_random_weights=True)
    assert any("random weights" in w.value for w in at.warning)
    model = imagenet.random_imagenet("alexnet")  # seeded: the same weights as the page's
    w = model.features[0].weight.detach().double().numpy()  # (64, 3, 11, 11)
    spec = chart_spec(at, "layers_net_weights")
    assert [t["type"] for t in spec["data"]] == ["image"]
    z = plotly_array(spec["data"][0]["z"]) / 255  # (rows·12 − 1, 16·12 − 1, 3)
    assert z.shape == (4 * 12 - 1, 16 * 12 - 1, 3)
    for i in range(64):
        r, c = divmod(i, 16)
        lo, hi = w[i].min(), w[i].max()
        expected = ((w[i] - lo) / (hi - lo)).transpose(1, 2, 0)  # (11, 11, RGB)
        np.testing.assert_allclose(z[r * 12:r * 12 + 11, c * 12:c * 12 + 11], expected,
                                   atol=1e-6)
    assert (z[11, :] == 1).all() and (z[:, 11] == 1).all()  # white gaps between the filters
    assert any(c.value.startswith("64 of the 64 filters of features.0 (11×11 on R, G, B)")
               for c in at.caption)
    assert at.selectbox(key="layers_net_layer").value == "features.1"  # its first ReLU


# --------------------------------------------------------------------------- imported models
CLASSES = ["cat", "dog", "bird"]


def _library_ref(path) -> str:
    return f"library:{path.name}"


@pytest.fixture
def imported_pth(app, _cnnlab_home):
    """A SqueezeNet 1.1 with 3 classes at 64 px in the library, as an imported .pth is."""
    torch.manual_seed(0)
    model = torchvision.models.squeezenet1_1(weights=None, num_classes=len(CLASSES)).eval()
    card = cards.ModelCard(arch="squeezenet1_1", options={}, dataset="imported", classes=CLASSES,
                           input_shape=[3, 64, 64], mean=MEAN, std=STD, metrics={},
                           created=cards.utc_now(), name="My SqueezeNet")
    path = checkpoints.save_to_library(model, card, _cnnlab_home / "models")
    return model, card, path


def test_an_imported_pth_model(imported_pth):
    model, card, path = imported_pth
    at = _open(_library_ref(path))
    _shapes_match_torch(at, model, (3, 64, 64))
    # the prediction over the model's own 3 classes, for the default sample photo (a flower)
    x = _sample_input("flower", card)
    with torch.no_grad():
        probs = model(x).softmax(1)[0]
    predicted = next(m.value for m in at.markdown if m.value.startswith("Predicted"))
    assert f"**{CLASSES[int(probs.argmax())]}**" in predicted
    assert list(chart_spec(at, "layers_net_probs")["data"][0]["x"]) == CLASSES
    # its first filters (64 × 3 × 3 × 3) in colour
    assert chart_spec(at, "layers_net_weights")["data"][0]["type"] == "image"
    # what a filter looks for: cheap at 64 px, so the top digits come at once, each digit
    # converted as the fit says; the same images a direct loop over torch finds
    layer = "features.12.expand3x3_activation"
    _tab(at, "tab_filter")
    at.selectbox(key="layers_channel_layer").set_value(layer).run()
    at.number_input(key="layers_channel_channel").set_value(5).run()
    _ok(at)
    _, test = datasets.load_digits()
    converted = torch.nn.functional.interpolate(
        test.images.float().expand(-1, 3, -1, -1), size=(64, 64), mode="bilinear",
        align_corners=False, antialias=True) / 255
    m, s = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    out = create_feature_extractor(_private(model), return_nodes=[layer])((converted - m) / s)
    best = out[layer][:, 5].flatten(1).amax(1)
    order = torch.sort(best, descending=True, stable=True).indices[:8].tolist()
    titles = [a["text"] for a in chart_spec(at, "layers_channel_examples")["layout"]
              ["annotations"]]
    assert [t.split(" · ")[0] for t in titles] == [f"#{i}" for i in order]
    assert [t.split(" · ")[1] for t in titles] == [test.classes[int(test.labels[i])]
                                                 for i in order]  # the dataset's labels
    assert ("The Digits (scikit-learn) images are 1×28×28; My SqueezeNet takes 3×64×64: each "
            "image is copied from grey to 3 colour channels, resized from 28×28 to 64×64 px."
            in [c.value for c in at.caption])


@pytest.fixture
def imported_onnx(app, _cnnlab_home):
    pytest.importorskip("core.models.onnx_graph", reason="the ONNX import is not there yet")
    from core.models import imports

    torch.manual_seed(0)
    net = torchvision.models.mobilenet_v3_small(weights=None, num_classes=len(CLASSES)).eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(net, (torch.zeros(1, 3, 64, 64),), buf, dynamo=False, opset_version=17)
    data = buf.getvalue()
    imported = imports.import_onnx(data, classes=CLASSES, name="My ONNX net")
    path = checkpoints.save_to_library(imported.model, imported.card, _cnnlab_home / "models",
                                       graph=imported.graph)
    return data, imported.card, path


def test_an_imported_onnx_model(imported_onnx):
    import onnxruntime

    data, card, path = imported_onnx
    at = _open(_library_ref(path))
    # onnx2torch's layer names; squeeze-excitation (Mul of a 1×1 gate) and hardswish inside
    table = _table(at)
    assert any("/Conv" in n for n in table["layer"]) and "Hardswish" in set(table["type"])
    convs = table[table["type"] == "Conv2d"]
    assert convs["receptive field"].notna().all()  # element-wise ONNX modules keep the field
    # the prediction: onnxruntime on the same input
    x = _sample_input("flower", card)
    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    logits = session.run(None, {session.get_inputs()[0].name: x.numpy()})[0][0]
    predicted = next(m.value for m in at.markdown if m.value.startswith("Predicted"))
    assert f"**{CLASSES[int(np.argmax(logits))]}**" in predicted
    shown = plotly_array(chart_spec(at, "layers_net_probs")["data"][0]["y"])
    probs = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(shown, probs, rtol=1e-4, atol=1e-5)
    assert chart_spec(at, "layers_net_weights")["data"][0]["type"] == "image"
    assert _heatmaps(chart_spec(at, "layers_net_maps"))  # the first activation's maps
