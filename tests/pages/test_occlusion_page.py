"""AppTest: the Occlusion page with the default model."""

from __future__ import annotations

import re

import numpy as np

from core.data import datasets, images
from core.interpret import occlusion
from core.models import checkpoints
from tests.pages.conftest import chart_spec as _chart
from tests.pages.conftest import plotly_array


def _core_result(path, window, stride, baseline="zero", precision="auto"):
    model, card = checkpoints.load_checkpoint(path)
    _, test = datasets.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[0]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    return occlusion.occlusion(model, x, window=window, stride=stride, baseline=baseline,
                               mean=card.mean, std=card.std, precision=precision)


def test_renders_all_three_maps_equal_to_core(app, trained_default):
    at = app("occlusion")
    assert not at.error
    window, stride = at.slider(key="occ_window").value, at.slider(key="occ_stride").value
    expected = _core_result(trained_default, window, stride)
    prob = plotly_array(_chart(at, "occ_prob")["data"][0]["z"])
    np.testing.assert_allclose(prob, expected.prob_map, atol=1e-6)
    drop = plotly_array(_chart(at, "occ_drop")["data"][0]["z"])
    np.testing.assert_allclose(drop, expected.drop_map, atol=1e-6)
    classes = {t["name"] for t in _chart(at, "occ_classes")["data"]}
    assert classes == {str(int(k)) for k in np.unique(expected.class_map)}
    assert _chart(at, "occ_walk_scores")
    assert any("recomputed only the part of each layer" in c.value for c in at.caption)


def test_exact_fp32_choice_gives_the_fp32_map(app, trained_default):
    at = app("occlusion")
    at.radio(key="occ_precision").set_value("fp32").run()
    assert not at.error
    window, stride = at.slider(key="occ_window").value, at.slider(key="occ_stride").value
    expected = _core_result(trained_default, window, stride, precision="fp32")
    prob = plotly_array(_chart(at, "occ_prob")["data"][0]["z"])
    np.testing.assert_allclose(prob, expected.prob_map, atol=1e-6)
    assert any("32-bit floats (exact)" in c.value for c in at.caption)
    # the batch size was measured on this machine, and the page says which won
    how = next(c.value for c in at.caption if "32-bit floats (exact)" in c.value)
    # the default map has 13 x 13 = 169 positions: 16 and 32 fit a warm-up and two timed
    # batches each (3 x 48 = 144 positions), 64 would need 192 more
    assert re.search(r"Batches of (16|32) positions in channels_last: the fastest of 16, 32 on "
                     r"this machine(, timed while computing the map's first 144 positions \(|"
                     r" \(measured once, reused\))", how), how


def test_changing_patch_size_and_stride_changes_the_maps(app, trained_default):
    at = app("occlusion")
    at.slider(key="occ_window").set_value(8).run()
    at.slider(key="occ_stride").set_value(4).run()
    assert not at.error
    prob = plotly_array(_chart(at, "occ_prob")["data"][0]["z"])
    expected = _core_result(trained_default, 8, 4)
    assert prob.shape == expected.prob_map.shape == (6, 6)
    np.testing.assert_allclose(prob, expected.prob_map, atol=1e-6)
    assert any("6 × 6 = 36 occluder positions: **37** forward passes" in m.value
               for m in at.markdown)
    at.selectbox(key="occ_baseline").set_value("mean").run()
    assert not at.error


def test_walk_through_position(app):
    at = app("occlusion")
    at.slider(key="occ_position").set_value(5).run()
    assert not at.exception
    title = _chart(at, "occ_walk_image")["layout"]["title"]["text"]
    assert title.startswith("Occluded input at position (0, 4)")


def test_bad_upload_shows_an_error(app):
    at = app("occlusion")
    at.radio(key="occ_img_source").set_value("upload").run()
    at.file_uploader(key="occ_img_upload").set_value(("x.png", b"garbage", "image/png")).run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)


def test_imagenet_offline_says_where_to_put_the_weights(app, hub_dir, no_network):
    hub = hub_dir
    at = app("occlusion")
    at.session_state["active_model"] = "imagenet:resnet18"  # the sidebar's choice
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "resnet18-f37072fd.pth" in message and str(hub / "checkpoints") in message


def test_imagenet_weights_from_the_hub_cache(app, resnet18_weights):
    at = app("occlusion")
    at.session_state["active_model"] = "imagenet:resnet18"
    at.run()
    at.slider(key="occ_window").set_value(112).run()
    at.slider(key="occ_stride").set_value(112).run()
    assert not at.exception and not at.error
    if not any(m.value.startswith("Unoccluded") for m in at.markdown):
        next(b for b in at.button if b.label.startswith("Run the occlusion")).click().run()
    prob = plotly_array(_chart(at, "occ_prob")["data"][0]["z"])
    assert prob.shape == (2, 2)
    assert len(_chart(at, "occ_walk_scores")["data"][0]["x"]) == 10  # top 10 of 1000 classes


# --------------------------------------------------------------------------- in Spanish

def test_in_spanish_the_experiment_speaks_spanish(app):
    import re

    at = app("occlusion", lang="es")
    assert at.title[0].value == "Oclusión"
    assert not at.error
    summary = next(m.value for m in at.markdown if m.value.startswith("Sin tapar:"))
    assert re.search(r"con probabilidad \d+,\d\u00a0%", summary)  # decimal comma, then " %"
    assert re.search(r"en \d+,\d\d s\.$", summary)
    assert any("se recalculó solo la parte de cada capa" in c.value for c in at.caption)
    assert any(c.value.startswith("Tiempo estimado: unos ") for c in at.caption)
    assert "predicha" in at.radio(key="occ_target").options
    assert "0,002" in at.radio(key="occ_precision").help
    assert _chart(at, "occ_prob")["layout"]["annotations"][0]["text"].endswith(
        "con el oclusor en cada posición")
    assert _chart(at, "occ_classes")["layout"]["title"]["text"] == (
        "Clase más probable con el oclusor en cada posición")
    assert _chart(at, "occ_walk_scores")["layout"]["separators"] == ",."


def test_in_spanish_changing_the_settings(app):
    at = app("occlusion", lang="es")
    at.slider(key="occ_window").set_value(8).run()
    at.slider(key="occ_stride").set_value(4).run()
    at.radio(key="occ_precision").set_value("fp32").run()
    assert not at.exception and not at.error
    assert any("posiciones del oclusor: **" in m.value and "pasadas hacia delante" in m.value
               for m in at.markdown)
    assert any("coma flotante de 32 bits (exacto)" in c.value for c in at.caption)
    at.slider(key="occ_position").set_value(5).run()
    title = _chart(at, "occ_walk_image")["layout"]["title"]["text"]
    assert title.startswith("Entrada tapada en la posición (0, 4)")
