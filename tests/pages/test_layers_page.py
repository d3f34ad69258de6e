"""AppTest: the Layers page with the default model, driven through its widgets."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import torch
from PIL import Image

from core.data import datasets, images, samples
from core.interpret import layers as inspect
from core.models import checkpoints
from core.teach import filters, kernels
from dashboard import texts
from tests.pages.conftest import chart_ids, open_tab, plotly_array
from tests.pages.conftest import chart_spec as _chart

EN, ES = texts.get("layers", "en"), texts.get("layers", "es")


def _heatmaps(spec: dict) -> list[np.ndarray]:
    return [plotly_array(t["z"]) for t in spec["data"] if t["type"] == "heatmap"]


def _tab(at, tab: str, words: dict = EN):
    """Open the Layers tab ``tab`` (its text key) as a click on it does."""
    open_tab(at, "layers_tab", words[tab])
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture
def layers(app, trained_default):
    at = app("layers")
    assert not at.error, [e.value for e in at.error]
    return at


def test_renders_with_the_default_model(layers, trained_default):
    at = _tab(layers, "tab_network")
    model, card = checkpoints.load_checkpoint(trained_default)
    # the layer table lists every layer with shapes from a real forward pass
    table = next(df.value for df in at.dataframe if "receptive field" in df.value.columns)
    assert list(table["layer"]) == ["input"] + [n for n, _ in model.named_children()]
    assert table.set_index("layer").loc["pool2", "output shape"] == "64 × 7 × 7"
    assert table.set_index("layer").loc["conv2", "receptive field"] == 8
    # the prediction for test image 0 is the model's own
    _, test = datasets.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[0]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    probs = inspect.predict(model, x)[0]
    predicted = next(m.value for m in at.markdown if m.value.startswith("Predicted"))
    assert f"**{card.classes[int(probs.argmax())]}**" in predicted
    # relu1 feature maps: 32 channels of 28x28, ordered by mean activation
    maps = _heatmaps(_chart(at, "layers_net_maps"))
    act = inspect.activations(model, x, ["relu1"])["relu1"][0]
    order = inspect.channel_order(act, by="mean")
    assert len(maps) == 32 and maps[0].shape == (28, 28)
    np.testing.assert_allclose(maps[0], act[order[0]].numpy(), rtol=1e-5, atol=1e-6)
    # one figure for all 32 maps, on one pair of axes; hover names the channel and the place
    spec = _chart(at, "layers_net_maps")
    assert {t.get("xaxis", "x") for t in spec["data"]} == {"x"}
    first = spec["data"][0]
    name = EN["channel_name"].format(c=order[0])
    assert first["hovertemplate"].startswith(f"{name}<br>row %{{customdata[0]}}, col %")
    rc = plotly_array(first["customdata"])
    assert rc.shape == (28, 28, 2) and tuple(rc[3, 5]) == (3, 5)
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        EN["channel_name"].format(c=c) for c in order[:32]]
    # the explainers tab: the notes' flatten size and torch's own error
    _tab(at, "tab_explainers")
    assert any("(1x4608 and 128x10)" in c.value for c in at.code)


def test_only_the_open_tab_does_its_work(app, trained_default, monkeypatch):
    """A closed tab computes nothing: no forward pass and no chart until it is opened, and its
    widgets have their values again when the user comes back to it."""
    from core.interpret import layers as core_layers

    calls = []
    real = core_layers.activations_and_probs
    monkeypatch.setattr(core_layers, "activations_and_probs",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    at = app("layers")
    assert not at.error
    assert not calls  # the network tab is closed: no forward pass
    assert chart_ids(at) == ["layers_conv_maps_conv"]  # one stage shown
    [picture] = at.get("image")  # the input, as a picture (the maps carry the hover values)
    assert picture.proto.imgs[0].caption
    _tab(at, "tab_network")
    assert calls and all(k.startswith("layers_net") for k in chart_ids(at))
    at.selectbox(key="layers_net_layer").set_value("conv2").run()  # bound to the address
    _tab(at, "tab_explainers")
    assert all(k.startswith("layers_explain") for k in chart_ids(at))
    at.slider(key="layers_explain_p").set_value(0.25).run()  # kept in the session
    at.number_input(key="layers_explain_seed").set_value(7).run()
    _tab(at, "tab_filter")
    at.number_input(key="layers_channel_steps").set_value(30)  # a form: kept once submitted
    at.button(key="layers_channel_run").click().run()
    n = len(calls)
    _tab(at, "tab_conv")
    assert len(calls) == n
    _tab(at, "tab_explainers")
    assert at.slider(key="layers_explain_p").value == 0.25
    assert at.number_input(key="layers_explain_seed").value == 7
    _tab(at, "tab_network")
    assert at.selectbox(key="layers_net_layer").value == "conv2"
    _tab(at, "tab_filter")
    assert at.number_input(key="layers_channel_steps").value == 30


def test_explainers_use_the_network_vector_when_the_network_tab_is_closed(app, trained_default):
    """The dropout demo starts from the model's embedding vector for the network tab's image,
    whether or not that tab was drawn in this session."""
    from core.models import archs

    model, card = checkpoints.load_checkpoint(trained_default)
    _, test = datasets.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[0]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    layer = archs.ARCHS[card.arch].feature_layer
    vector = inspect.activations(model, x, [layer])[layer][0].flatten().numpy()
    at = app("layers", link={"layers_tab": EN["tab_explainers"]})  # never opened the network
    assert not at.error
    spec = _chart(at, "layers_explain_dropout_chart")
    n = min(64, len(vector))
    np.testing.assert_allclose(_heatmaps(spec)[0].ravel()[:n], vector[:n], rtol=1e-5, atol=1e-6)
    _tab(at, "tab_network")
    at.number_input(key="layers_net_img_index").set_value(4).run()  # another image there
    _, x4 = images.prepare_input(images.tensor_to_image(test.images[4]),
                                 input_shape=card.input_shape, mean=card.mean, std=card.std)
    v4 = inspect.activations(model, x4, [layer])[layer][0].flatten().numpy()
    _tab(at, "tab_explainers")
    spec = _chart(at, "layers_explain_dropout_chart")
    np.testing.assert_allclose(_heatmaps(spec)[0].ravel()[:n], v4[:n], rtol=1e-5, atol=1e-6)


def test_switching_kernel_preset_changes_the_feature_map(layers):
    at = layers
    at.multiselect(key="layers_conv_kernels").set_value(["sobel_x"]).run()
    sobel = _heatmaps(_chart(at, "layers_conv_maps_conv"))
    at.multiselect(key="layers_conv_kernels").set_value(["box_blur"]).run()
    assert not at.error
    blur = _heatmaps(_chart(at, "layers_conv_maps_conv"))
    assert len(sobel) == len(blur) == 1
    assert not np.allclose(sobel[0], blur[0])
    image = images.to_float_array(samples.sample_image("shapes"), max_side=128)
    expected = filters.conv_relu_pool(image, [kernels.KERNELS["box_blur"].weights], ["b"],
                                      stride=1, padding=1)
    np.testing.assert_allclose(blur[0], expected.conv[0], atol=1e-9)


def test_stride_and_padding_change_shapes_and_formula(layers):
    at = layers
    at.number_input(key="layers_conv_stride").set_value(2).run()
    at.number_input(key="layers_conv_padding").set_value(0).run()
    formula = next(m.value for m in at.markdown if "`H1" in m.value)
    assert "⌊(128 + 2·0 − 3) / 2⌋ + 1 = 63" in formula
    open_tab(at, "layers_conv_stage", EN["stage_pool"])  # only the open stage is drawn
    pooled = _heatmaps(_chart(at, "layers_conv_maps_pooled"))
    assert pooled[0].shape == (31, 31)


def test_the_default_view_sends_no_code_block(layers):
    """st.code makes the browser load its syntax highlighter (1.5 MB of script) on the first
    code block after a page load: 8 sessions opening Layers at once spent ~8 CPU s more in
    Chromium for the one-line formula (benchmarks/pages.py). The formula is inline code."""
    assert not layers.code
    assert any("`H1 = W1 = " in m.value for m in layers.markdown)


def test_bad_custom_kernel_and_bad_upload_show_errors(layers):
    at = layers
    at.toggle(key="layers_conv_custom").set_value(True).run()
    at.radio(key="layers_conv_custom_matrix_mode").set_value("text").run()
    at.text_area(key="layers_conv_custom_matrix_text").input("1 2\n3 4").run()
    assert not at.exception
    assert any("odd" in e.value for e in at.error)
    at.text_area(key="layers_conv_custom_matrix_text").input("0 0 0\n0 2 0\n0 0 0").run()
    assert not at.error

    at.radio(key="layers_conv_img_source").set_value("upload").run()
    at.file_uploader(key="layers_conv_img_upload").set_value(
        ("broken.png", b"\x89PNG\r\n\x1a\n not really a png", "image/png")).run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)


def test_upload_rgb_image_per_channel(layers):
    at = layers
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (255, 0, 0)).save(buf, format="PNG")
    at.radio(key="layers_conv_img_source").set_value("upload").run()
    at.file_uploader(key="layers_conv_img_upload").set_value(
        ("red.png", buf.getvalue(), "image/png")).run()
    at.radio(key="layers_conv_mode").set_value("per_channel").run()
    assert not at.error
    open_tab(at, "layers_conv_stage", EN["stage_relu"])
    maps = _chart(at, "layers_conv_maps_relu")
    titles = [a["text"] for a in maps["layout"]["annotations"]]
    assert titles[:3] == ["Sobel x · R", "Sobel x · G", "Sobel x · B"]


def test_activation_maximisation_runs_and_increases(layers):
    at = _tab(layers, "tab_filter")
    at.selectbox(key="layers_channel_layer").set_value("relu1").run()
    at.number_input(key="layers_channel_steps").set_value(30)  # a form: submitted together
    at.button(key="layers_channel_run").click().run()
    assert not at.exception and not at.error
    curve = plotly_array(_chart(at, "layers_channel_actmax_curve")["data"][0]["y"])
    assert len(curve) == 30 and curve[-1] > curve[0]


def test_top_examples_match_core(layers, trained_default):
    at = _tab(layers, "tab_filter")
    model, card = checkpoints.load_checkpoint(trained_default)
    _, test = datasets.load_digits()
    at.selectbox(key="layers_channel_layer").set_value("conv2").run()
    at.number_input(key="layers_channel_channel").set_value(5).run()
    mean, std = torch.tensor(card.mean).view(-1, 1, 1), torch.tensor(card.std).view(-1, 1, 1)
    top = inspect.top_activating(model, test.images, "conv2", 5, k=8,
                                 normalize=lambda im: (im.float() / 255 - mean) / std)
    spec = _chart(at, "layers_channel_examples")  # one figure: an image trace per example
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert [t.split(" · ")[0] for t in titles] == [f"#{ex.index}" for ex in top]
    assert [t["type"] for t in spec["data"]] == ["image"] * 8
    pictures = [plotly_array(t["z"]) for t in spec["data"]]
    for got, ex in zip(pictures, top, strict=True):  # each the dataset's image, grey as RGB
        np.testing.assert_allclose(got[..., 0], test.images[ex.index][0].numpy(), atol=0.51)
    assert len(spec["layout"]["shapes"]) == 8  # each with its receptive field outlined


def test_unavailable_dataset_keeps_the_page_usable(layers, monkeypatch, hub_dir, no_network):
    """Offline MNIST: the network tabs say what is missing; convolution by hand still works.
    (MNIST has no model of its own: the sidebar's first ImageNet model is active, offline too.)"""
    from urllib.error import URLError

    import torchvision.datasets.utils as tv_utils

    def offline(*args, **kwargs):
        raise URLError("no network")

    monkeypatch.setattr(tv_utils, "download_and_extract_archive", offline)
    monkeypatch.setattr(tv_utils, "download_url", offline)
    at = layers
    at.sidebar.selectbox(key="active_dataset").set_value("mnist").run()
    assert not at.exception
    open_tab(at, "layers_tab", EN["tab_network"])
    warnings = " ".join(w.value for w in at.warning)
    assert "MNIST" in warnings and "raw" in warnings  # names the directory for the files
    open_tab(at, "layers_tab", EN["tab_conv"])
    assert _heatmaps(_chart(at, "layers_conv_maps_conv"))  # the conv section still renders


# --------------------------------------------------------------------------- in Spanish

@pytest.fixture
def capas(app, trained_default):
    """The Layers page opened from a Spanish link (``?lang=es``), default model trained."""
    at = app("layers", lang="es")
    assert not at.error, [e.value for e in at.error]
    return at


def test_spanish_page_renders_its_tables_and_numbers_in_spanish(capas):
    at = capas
    assert at.title[0].value == "Capas"
    assert {"Convolución a mano", "Dentro de la red", "Qué busca un filtro",
            "Softmax · dropout · capa totalmente conectada"} <= {t.label for t in at.tabs}
    theory = " ".join(m.value for m in at.markdown)
    assert "mapa de características" in theory and "max(0, x)" in theory
    # the layer table: Spanish column names, the input row and core's details in Spanish
    _tab(at, "tab_network", ES)
    table = next(df.value for df in at.dataframe if "campo receptivo" in df.value.columns)
    assert table["capa"].iloc[0] == "entrada"
    rows = table.set_index("capa")
    assert rows.loc["conv1", "detalles"].startswith("32 filtros de 3×3, paso 1, relleno")
    assert "agrupación máxima" in rows.loc["pool1", "detalles"]
    details = " ".join(table["detalles"])
    assert not any(word in details for word in ("filters", "stride", "off in eval"))
    # the prediction: a percentage with a decimal comma and a space before the sign
    predicted = next(m.value for m in at.markdown if m.value.startswith("Clase predicha"))
    assert re.search(r"\d,\d\u00a0%", predicted)
    # the channel examples' scores and the dropout means with a decimal comma
    _tab(at, "tab_filter", ES)
    title = _chart(at, "layers_channel_examples")["layout"]["annotations"][0]["text"]
    assert re.fullmatch(r"#\d+ · \S+ · -?\d+,\d\d", title)
    _tab(at, "tab_explainers", ES)
    assert any(re.search(r"media de entrada -?\d+,\d{3}", c.value) for c in at.caption)
    # the notes' flatten size, grouped the Spanish way
    assert any("32 × 12 × 12 = **4.608**" in m.value for m in at.markdown)


def test_spanish_widgets_kernels_errors_and_logits(capas):
    at = capas
    # kernel presets are offered and drawn under their Spanish names
    kernels = at.multiselect(key="layers_conv_kernels")
    assert "Laplaciano (4 vecinos)" in kernels.options
    kernels.set_value(["laplacian", "box_blur"]).run()
    titles = [a["text"] for a in _chart(at, "layers_conv_maps_conv")["layout"]["annotations"]]
    assert titles == ["Laplaciano (4 vecinos)", "Desenfoque de caja 3×3"]
    shapes = next(m.value for m in at.markdown if m.value.startswith("**Dimensiones:**"))
    assert "entrada 1 × " in shapes and "agrupación máxima 2×2" in shapes
    # a kernel with an even size: the page says so in Spanish
    at.toggle(key="layers_conv_custom").set_value(True).run()
    at.radio(key="layers_conv_custom_matrix_mode").set_value("text").run()
    at.text_area(key="layers_conv_custom_matrix_text").input("1 2\n3 4").run()
    assert not at.exception
    assert any(e.value.startswith("Esta convolución no se puede calcular") for e in at.error)
    # logits typed with a decimal point are labelled with a decimal comma
    _tab(at, "tab_explainers", ES)
    at.text_input(key="layers_explain_logits").input("0.5, 1.5, -2.25").run()
    labels = list(_chart(at, "layers_explain_softmax_chart")["data"][0]["x"])
    assert labels == ["z1 = 0,5", "z2 = 1,5", "z3 = -2,25"]


def test_layer_details_follow_the_language(monkeypatch):
    """The layer table's details worded from core's data in Spanish; in English, core's text."""
    from torch import nn

    from core.interpret import layers
    from dashboard import i18n, widgets

    model = nn.Sequential(nn.Conv2d(4, 8, 3, stride=2, padding=1, dilation=2, groups=4),
                          nn.MaxPool2d(2), nn.AvgPool2d(3, stride=1, padding=1),
                          nn.AdaptiveAvgPool2d(1), nn.BatchNorm2d(8), nn.Dropout(0.25),
                          nn.Flatten(), nn.Linear(8, 10), nn.ReLU()).eval()
    rows = layers.layer_table(model, (4, 28, 28))
    spanish = ["imagen de 4×28×28",
               "8 filtros de 3×3, paso 2, relleno 1, dilatación 2, grupos 4",
               "agrupación máxima 2×2, paso 2",
               "agrupación media 3×3, paso 1, relleno 1",
               "agrupación media adaptativa → 1×1",
               "normaliza 8 canales",
               "p = 0,25 (inactivo en evaluación)",
               "8×1×1 → 8", "8 → 10", "max(0, x)"]
    assert [widgets.layer_detail(r) for r in rows] == [r.detail for r in rows]  # English
    monkeypatch.setattr(i18n, "current", lambda: "es")  # as in a Spanish session's run
    assert [widgets.layer_detail(r) for r in rows] == spanish
