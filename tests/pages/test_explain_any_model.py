"""AppTest: Occlusion, Saliency (with its sanity check) and Embeddings render and compute with
any active model on the digits dataset: an ImageNet ResNet-18 (random weights in a temporary
hub cache), an imported .pth-style library model (MobileNet-V3-Small, 3 classes, 64 px) and an
imported ONNX network (an onnx2torch GraphModule, 32 px). Each says how the 1x28x28 digits are
converted, offers the "true class" only when the model's classes are the dataset's, and leaves
the shared model untouched."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from core.interpret import occlusion
from tests.pages.conftest import chart_spec as _chart
from tests.pages.conftest import plotly_array

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

KINDS = ["resnet18", "pth", "onnx"]


class _Tiny(nn.Module):
    """Conv + BatchNorm + in-place ReLU, a residual add, pooling and a linear head."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(32, 4)

    def forward(self, x):
        h = self.relu(self.bn1(self.conv1(x)))
        h = self.relu(self.conv2(h) + h)
        return self.fc(torch.flatten(self.pool(h), 1))


def _pth_model():
    """A torchvision MobileNet-V3-Small (in-place Hardswish, squeeze-excite) with the user's
    3 classes, as the Model library keeps an imported .pth (dataset "imported")."""
    from core.models import cards, checkpoints, imagenet

    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v3_small(weights=None, num_classes=3).eval()
    card = cards.ModelCard(arch="mobilenet_v3_small", options={}, dataset="imported",
                           classes=["cat", "dog", "eel"], input_shape=[3, 64, 64],
                           mean=list(imagenet.IMAGENET_MEAN), std=list(imagenet.IMAGENET_STD),
                           metrics={}, created=cards.utc_now(), name="My MobileNet")
    return checkpoints.save_to_library(model, card)


def _onnx_model():
    """An ONNX export of _Tiny (3x32x32, 4 classes) imported as the Model library does."""
    pytest.importorskip("core.models.onnx_graph", reason="ONNX imports are not built yet")
    from core.models import checkpoints, imports

    torch.manual_seed(0)
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation notice
        torch.onnx.export(_Tiny().eval(), (torch.zeros(1, 3, 32, 32),), buf, dynamo=False,
                          opset_version=17, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "n"}})
    done = imports.import_onnx(buf.getvalue(), name="Tiny ONNX", filename="tiny.onnx")
    return checkpoints.save_to_library(done.model, done.card, graph=done.graph)


@pytest.fixture
def active(request):
    """active(kind) -> (sidebar ref, card input size); ResNet-18 takes the resnet18_weights
    fixture, the others are saved to the test's model library."""
    def make(kind: str) -> tuple[str, int]:
        if kind == "resnet18":
            request.getfixturevalue("resnet18_weights")
            return "imagenet:resnet18", 224
        path = _pth_model() if kind == "pth" else _onnx_model()
        return f"library:{path.name}", 64 if kind == "pth" else 32
    return make


def _shared(ref: str):
    """The shared model the pages get from dashboard.cache for this sidebar ref."""
    from core import paths
    from dashboard import cache

    if ref.startswith("imagenet:"):
        return cache._imagenet_model(ref.removeprefix("imagenet:"), False).model
    return cache.load_model(paths.models_dir() / ref.removeprefix("library:")).model


def _open(app, page: str, ref: str, lang: str | None = None):
    """The app with ``ref`` active in the sidebar, on ``page``."""
    at = app("home", lang=lang)
    at.session_state["active_model"] = ref
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _name(kind: str) -> str:
    return {"resnet18": "ResNet-18 (ImageNet)", "pth": "My MobileNet", "onnx": "Tiny ONNX"}[kind]


def _captions(at) -> str:
    return " · ".join(c.value for c in at.caption)


# --------------------------------------------------------------------------- Occlusion
@pytest.mark.parametrize("kind", KINDS)
def test_occlusion_with_any_model(app, active, untouched, kind):
    ref, size = active(kind)
    at = app("home")
    with untouched(_shared(ref)):
        at.session_state["active_model"] = ref
        at.switch_page("../pages/occlusion.py").run()
        assert not at.exception, [e.message for e in at.exception]
        # a photo-size or colour model with the digits: a sample image by default, converted
        assert at.radio(key="occ_img_source").value == "sample"
        assert at.selectbox(key="occ_img_sample").value == "flower"
        assert f"The image is 3×427×640; {_name(kind)} takes 3×{size}×{size}: it is resized " \
            f"from 427×640 to {size}×{size} px." in _captions(at)
        at.radio(key="occ_img_source").set_value("dataset").run()
        assert "The image is 1×28×28" in _captions(at)
        assert "copied from grey to 3 colour channels" in _captions(at)
        assert "true" not in at.radio(key="occ_target").options  # no dataset label as a class
        window, stride = (112, 56) if size == 224 else (size // 4, size // 4)
        at.slider(key="occ_window").set_value(window).run()
        at.slider(key="occ_stride").set_value(stride).run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        if not any(m.value.startswith("Unoccluded") for m in at.markdown):
            at.button(key="occ_run").click().run()
        plan = occlusion.plan((size, size), window, stride)
        prob = plotly_array(_chart(at, "occ_prob")["data"][0]["z"])
        assert prob.shape == (plan.rows, plan.cols)
        assert np.isfinite(prob).all() and ((prob >= 0) & (prob <= 1)).all()
        assert _chart(at, "occ_walk_scores")


# --------------------------------------------------------------------------- Saliency
@pytest.mark.parametrize("kind", KINDS)
def test_saliency_with_any_model(app, active, untouched, kind):
    ref, size = active(kind)
    at = app("home")
    with untouched(_shared(ref)):
        at.session_state["active_model"] = ref
        at.switch_page("../pages/saliency.py").run()
        assert not at.exception, [e.message for e in at.exception]
        assert at.radio(key="sal_img_source").value == "sample"
        at.radio(key="sal_img_source").set_value("dataset").run()
        assert "The image is 1×28×28" in _captions(at)
        assert at.radio(key="sal_target").options == ["predicted", "choose"]
        at.multiselect(key="sal_methods").set_value(["vanilla", "guided", "gradcam"]).run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        if kind == "resnet18":  # a large model waits for the button, its cost stated
            assert not any(c.proto.id and "sal_map_" in c.proto.id
                           for c in at.get("plotly_chart"))
            assert "large model" in _captions(at)
            at.button(key="sal_run").click().run()
            assert not at.exception and not at.error
        at.session_state["sal_raw_maps"] = True  # open "each map alone": the raw maps
        at.run()
        for key in ("vanilla", "guided", "gradcam"):
            heat = plotly_array(_chart(at, f"sal_map_{key}")["data"][0]["z"])
            assert heat.shape == (size, size), key
            assert np.isfinite(heat).all() and np.abs(heat).max() > 0, key
        if kind == "pth":  # guided backprop says what it guides in MobileNet
            assert "its other activations (Hardswish, Hardsigmoid) pass gradients back " \
                "unchanged" in _captions(at)
        if kind != "resnet18":  # the sanity check on a small model: cheap enough here
            at.multiselect(key="sal_sanity_methods").set_value(["vanilla"]).run()
            at.slider(key="sal_sanity_steps").set_value(1).run()
            at.button(key="sal_sanity_run").click().run()
            assert not at.exception and not at.error, [e.value for e in at.error]
            corr = _chart(at, "sal_sanity_corr")["data"][0]
            assert plotly_array(corr["y"])[0] == pytest.approx(1.0)  # the original itself
            assert len(corr["x"]) == 2  # the original and one randomised group


# --------------------------------------------------------------------------- Embeddings
@pytest.mark.parametrize("kind", KINDS)
def test_embeddings_with_any_model(app, active, untouched, kind):
    ref, size = active(kind)
    at = app("home")
    with untouched(_shared(ref)):
        at.session_state["active_model"] = ref
        at.switch_page("../pages/embeddings.py").run()
        assert not at.exception, [e.message for e in at.exception]
        captions = _captions(at)
        assert ("Digits (scikit-learn) test images are 1×28×28" in captions
                and f"takes 3×{size}×{size}" in captions), captions
        count = 120
        if kind == "resnet18":  # a large model: fewer images by default, its cost up front
            assert at.slider(key="emb_count_test_large").value == 300
            assert "Features of 300 images through ResNet-18 (ImageNet): about" in captions
            assert any("press Compute" in i.value for i in at.info)  # nothing computed yet
            at.slider(key="emb_count_test_large").set_value(count)
        else:
            at.slider(key="emb_count_test").set_value(count)
        next(b for b in at.button if b.label == "Compute").click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        spec = _chart(at, "emb_map_features")
        points = [t for t in spec["data"] if t["name"] != "selected"]
        assert sum(len(plotly_array(t["x"])) for t in points) == count
        # coloured by the dataset's ten digits; the model's own classes are not predictions
        assert {t["name"] for t in points} <= {str(d) for d in range(10)}
        assert at.get("radio") and not [r for r in at.radio if r.key == "emb_colour"]
        assert "its predictions are not shown" in _captions(at)
        assert not any("predicted" in str(t.get("text")) for t in points)


# --------------------------------------------------------------------------- in Spanish
def test_in_spanish_the_conversions_and_costs_speak_spanish(app, active):
    ref, _ = active("resnet18")
    at = _open(app, "saliency", ref, lang="es")
    assert at.selectbox(key="sal_img_sample").value == "flower"  # a photo for a colour model
    assert "La imagen es de 3×427×640; ResNet-18 (ImageNet) recibe 3×224×224: la imagen se " \
        "redimensiona de 427×640 a 224×224 px." in _captions(at)
    assert "modelo grande" in _captions(at)
    at.switch_page("../pages/embeddings.py").run()
    assert not at.exception, [e.message for e in at.exception]
    captions = _captions(at)
    assert "Las imágenes de test de Dígitos (scikit-learn) son de 1×28×28" in captions, captions
    assert "Características de 300 imágenes con ResNet-18 (ImageNet): unos" in captions
    at.slider(key="emb_count_test_large").set_value(100)
    next(b for b in at.button if b.label == "Calcular").click().run()
    assert not at.exception and not at.error
    assert "no se muestran sus predicciones" in _captions(at)
    at.switch_page("../pages/occlusion.py").run()
    assert not at.exception and not at.error
    assert "ResNet-18 (ImageNet) recibe 3×224×224" in _captions(at)
    assert at.radio(key="occ_target").options == ["predicha", "elegir"]


def test_saliency_with_an_imported_mlp_of_the_datasets_classes(app, untouched):
    """An ONNX MLP on 1x28x28 with the digits' own classes: the dataset image is the default,
    "true" is a target, and Grad-CAM (which needs a convolution) is not offered."""
    pytest.importorskip("core.models.onnx_graph", reason="ONNX imports are not built yet")
    from core.models import checkpoints, imports

    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10)).eval()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(mlp, (torch.zeros(1, 1, 28, 28),), buf, dynamo=False, opset_version=17,
                          input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "n"}})
    done = imports.import_onnx(buf.getvalue(), classes=[str(d) for d in range(10)], name="MLP")
    ref = f"library:{checkpoints.save_to_library(done.model, done.card, graph=done.graph).name}"
    at = app("home")
    with untouched(_shared(ref)):
        at.session_state["active_model"] = ref
        at.switch_page("../pages/saliency.py").run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert at.radio(key="sal_img_source").value == "dataset"  # it fits the digits as they are
        assert at.radio(key="sal_target").options == ["predicted", "true", "choose"]
        offered = at.multiselect(key="sal_methods").options
        assert "Grad-CAM" not in offered and "Vanilla gradient" in offered
        assert "Grad-CAM" not in at.multiselect(key="sal_sanity_methods").options
        assert "this model has no convolution" in _captions(at)
        at.session_state["sal_raw_maps"] = True  # open "each map alone": the raw maps
        at.run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        heat = plotly_array(_chart(at, "sal_map_vanilla")["data"][0]["z"])
        assert heat.shape == (28, 28) and np.abs(heat).max() > 0
