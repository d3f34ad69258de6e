"""AppTest: the Embeddings page with the default model."""

from __future__ import annotations

import numpy as np

from core.data import datasets
from core.interpret import embeddings
from core.models import checkpoints
from tests.pages.conftest import chart_spec as _chart
from tests.pages.conftest import plotly_array


def _compute(at):
    next(b for b in at.button if b.label == "Compute").click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_pca_maps_render_on_arrival_and_match_core(app, trained_default):
    at = app("embeddings")
    assert not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "Using the first 360 of the 360 test images" in captions
    assert "explained variance" in captions and "trustworthiness" in captions
    spec = _chart(at, "emb_map_features")
    classes = [t for t in spec["data"] if t["name"] != "selected"]
    assert len(classes) == 10  # one trace per class: the legend toggles classes
    # the plotted coordinates are core's PCA of core's features
    model, card = checkpoints.load_checkpoint(trained_default)
    _, test = datasets.load_digits()
    feats = embeddings.extract(model, test, layer="relu_fc1", limit=360)
    coords = embeddings.pca(feats.vectors, 2).coords
    trace = spec["data"][0]
    rows = plotly_array(trace["customdata"]).astype(int)
    np.testing.assert_allclose(plotly_array(trace["x"]), coords[rows, 0], rtol=1e-4, atol=1e-4)
    assert _chart(at, "emb_map_pixels")


def test_switch_to_tsne_and_3d(app):
    at = app("embeddings")
    at.radio(key="emb_method").set_value("tsne")
    at.radio(key="emb_dims").set_value(3)
    at.slider(key="emb_count_test").set_value(150)
    at.number_input(key="emb_iterations").set_value(250)
    at.toggle(key="emb_raw").set_value(False)
    _compute(at)
    assert not at.error
    spec = _chart(at, "emb_map_features")
    assert spec["data"][0]["type"] == "scatter3d"
    assert "Using the first 150 of the 360 test images" in " ".join(c.value for c in at.caption)
    at.radio(key="emb_dims").set_value(2)
    _compute(at)
    assert _chart(at, "emb_map_features")["data"][0]["type"] in ("scatter", "scattergl")


def test_select_a_point_shows_its_image_and_neighbours(app, trained_default):
    at = app("embeddings")
    at.number_input(key="emb_row").set_value(7).run()
    assert not at.exception
    model, _ = checkpoints.load_checkpoint(trained_default)
    _, test = datasets.load_digits()
    feats = embeddings.extract(model, test, layer="relu_fc1", limit=360)
    label = test.classes[int(feats.labels[7])]
    assert any(c.value.startswith("Its 8 nearest neighbours") for c in at.caption)
    images = at.get("image")
    captions = [img.proto.imgs[0].caption for img in images]
    assert any(c.startswith(f"#7 · true {label}") for c in captions)
    nn_rows, _ = embeddings.nearest_neighbours(feats.vectors, 7, k=8)
    nn_caps = [i.caption for i in images[-1].proto.imgs]
    assert [c.split(" · ")[0] for c in nn_caps] == [f"#{int(feats.indices[r])}" for r in nn_rows]


def test_open_the_selected_image_on_the_occlusion_page(app):
    at = app("embeddings")
    at.number_input(key="emb_row").set_value(12).run()
    at.button(key="emb_to_occlusion").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Occlusion"
    assert at.number_input(key="occ_img_index").value == 12
    assert any(m.value.startswith("Unoccluded") for m in at.markdown)


# --------------------------------------------------------------------------- in Spanish

def test_in_spanish_the_maps_speak_spanish_with_decimal_commas(app):
    import re

    at = app("embeddings", lang="es")
    assert at.title[0].value == "Representaciones (embeddings)"
    assert not at.error
    captions = " ".join(c.value for c in at.caption)
    assert "Se usan las primeras" in captions and "imágenes de test" in captions
    assert "varianza explicada" in captions and "fiabilidad" in captions
    # percentages the Spanish way: decimal comma, a space before the sign
    assert re.search(r"exactitud k-NN en el mapa \d+,\d\u00a0%", captions)
    assert "Using the first" not in captions and "trustworthiness" not in captions
    spec = _chart(at, "emb_map_features")
    assert spec["layout"]["separators"] == ",."
    assert any("verdadera:" in str(t.get("text")) for t in spec["data"])
    # colour by correct / incorrect: the legend in Spanish
    at.radio(key="emb_colour").set_value("correct").run()
    assert not at.exception
    names = {t["name"] for t in _chart(at, "emb_map_features")["data"]}
    assert names <= {"acierto", "error", "seleccionado"} and "acierto" in names
    assert "seleccionado" in names


def test_in_spanish_the_selected_point_and_its_neighbours(app):
    import re

    at = app("embeddings", lang="es")
    at.number_input(key="emb_row").set_value(7).run()
    assert not at.exception
    assert any(c.value.startswith("Sus 8 vecinos más cercanos") for c in at.caption)
    images = at.get("image")
    assert any(re.match(r"#7 · verdadera: .+ · predicha: .+ \(\d+,\d\u00a0%\)",
                        img.proto.imgs[0].caption) for img in images)
    nn_caps = [i.caption for i in images[-1].proto.imgs]
    assert nn_caps and all(re.search(r"· d = \d+,\d\d$", c) for c in nn_caps)
    assert next(b for b in at.button if b.key == "emb_to_occlusion").label == (
        "Abrir esta imagen en la página Oclusión")


def test_in_spanish_a_bad_setting_is_explained_in_spanish(app):
    at = app("embeddings", lang="es")
    at.radio(key="emb_method").set_value("tsne")
    at.slider(key="emb_count_test").set_value(100)
    at.slider(key="emb_perplexity").set_value(60.0)  # must be < N/3 for N = 100 points
    next(b for b in at.button if b.label == "Calcular").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.error and at.error[0].value.startswith("No se puede calcular: ")
    assert "This cannot be computed" not in at.error[0].value
