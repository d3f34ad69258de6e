"""AppTest: the Occlusion page with the default model."""

from __future__ import annotations

import json

import numpy as np

from core import data, images, models, occlusion
from tests.pages.conftest import plotly_array


def _chart(at, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id)
    return json.loads(chart.proto.spec)


def _core_result(path, window, stride, baseline="zero"):
    model, card = models.load_checkpoint(path)
    _, test = data.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[0]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    return occlusion.occlusion(model, x, window=window, stride=stride, baseline=baseline,
                               mean=card.mean, std=card.std)


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


def test_changing_patch_size_and_stride_changes_the_maps(app, trained_default):
    at = app("occlusion")
    at.slider(key="occ_window").set_value(8).run()
    at.slider(key="occ_stride").set_value(4).run()
    assert not at.error
    prob = plotly_array(_chart(at, "occ_prob")["data"][0]["z"])
    expected = _core_result(trained_default, 8, 4)
    assert prob.shape == expected.prob_map.shape == (6, 6)
    np.testing.assert_allclose(prob, expected.prob_map, atol=1e-6)
    assert any("6 × 6 = 36 occluder positions: **37** forward passes" in m.value for m in at.markdown)
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
