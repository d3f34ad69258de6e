"""AppTest: the Saliency page with the default model."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import datasets, images
from core.interpret import layers, saliency, sanity
from core.models import checkpoints
from dashboard.texts import saliency as sal_texts
from tests.pages.conftest import chart_spec as _chart
from tests.pages.conftest import plotly_array

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _default_input(path, index: int = 0):
    model, card = checkpoints.load_checkpoint(path)
    model.requires_grad_(False)
    _, test = datasets.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[index]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    return model, card, x, test


def _keys(at, prefix: str) -> set[str]:
    return {c.proto.id.split(prefix, 1)[1].split("-")[0] for c in at.get("plotly_chart")
            if c.proto.id and prefix in c.proto.id}


def _image_keys(at, prefix: str) -> set[str]:
    """The keyed containers named ``prefix<method>`` that hold an image (the overlays)."""
    found, stack = set(), [at.main]
    while stack:
        node = stack.pop()
        children = list(getattr(node, "children", {}).values())
        key = getattr(node, "key", None) or ""
        if key.startswith(prefix) and any(type(c).__name__ == "Image" or
                                          getattr(c, "type", "") == "imgs" for c in children):
            found.add(key[len(prefix):])
        stack += children
    return found


def _open_raw_maps(at):
    """Open "each map alone" (an expander that tracks whether it is open: closed, its charts
    are not made) and rerun."""
    at.session_state["sal_raw_maps"] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_renders_every_method_with_values_equal_to_core(app, trained_default):
    at = app("saliency")
    assert not at.error and not at.exception
    assert at.title[0].value == "Saliency"
    model, card, x, _ = _default_input(trained_default)
    # the top-5 bars are core.interpret.layers.predict's five largest probabilities
    probs = layers.predict(model, x)[0].numpy()
    top = np.argsort(probs)[::-1][:5]
    bars = _chart(at, "sal_top5")["data"][0]
    np.testing.assert_allclose(plotly_array(bars["y"]), probs[top], atol=1e-6)
    assert list(bars["x"]) == [card.classes[i] for i in top]
    # every method is drawn as an overlay; the raw maps only once asked for, then equal core's
    assert _image_keys(at, "sal_overlay_") == set(saliency.METHODS)
    assert not _keys(at, "sal_map_")
    assert [c.proto.id.split("-")[-1] for c in at.get("plotly_chart")] == ["sal_top5"]
    _open_raw_maps(at)
    assert _keys(at, "sal_map_") == set(saliency.METHODS) == _image_keys(at, "sal_overlay_")
    target = int(np.argmax(probs))
    for key in ("vanilla", "guided", "gradcam"):
        expected = saliency.attribute(key, model, x, target).heat
        shown = plotly_array(_chart(at, f"sal_map_{key}")["data"][0]["z"])
        np.testing.assert_allclose(shown, expected, atol=1e-6)
    # signed maps on a diverging scale centred on 0, unsigned ones from 0
    guided = _chart(at, "sal_map_guided")["data"][0]
    assert guided["zmid"] == 0 and guided["zmin"] == -guided["zmax"]
    vanilla = _chart(at, "sal_map_vanilla")["data"][0]
    assert vanilla["zmin"] == 0 and "zmid" not in vanilla
    ig = saliency.integrated_gradients(model, x, target, mean=card.mean, std=card.std)
    assert any(f"S(x) − S(x′) {ig.info['score_diff']:.4f}" in c.value for c in at.caption)
    assert {b.label for b in at.get("download_button")} >= {"PNG", ".npy"}


def test_toggling_methods_changes_the_grid(app):
    at = app("saliency")
    at.multiselect(key="sal_methods").set_value(["vanilla", "ig"]).run()
    assert not at.exception and not at.error
    assert _image_keys(at, "sal_overlay_") == {"vanilla", "ig"}
    assert any("**52** forward + backward passes" in m.value for m in at.markdown)
    at.multiselect(key="sal_methods").set_value(["gradcam"]).run()
    assert _image_keys(at, "sal_overlay_") == {"gradcam"}
    at.multiselect(key="sal_methods").set_value([]).run()
    assert not _image_keys(at, "sal_overlay_")
    assert any("at least one method" in i.value for i in at.info)


def test_settings_change_the_maps(app, trained_default):
    at = app("saliency")
    at.selectbox(key="sal_layer").set_value("relu1").run()
    at.radio(key="sal_target").set_value("chosen").run()
    at.selectbox(key="sal_chosen").set_value(3).run()
    assert not at.exception and not at.error
    _open_raw_maps(at)
    model, _, x, _ = _default_input(trained_default)
    expected = saliency.gradcam(model, x, 3, layer="relu1").heat
    np.testing.assert_allclose(plotly_array(_chart(at, "sal_map_gradcam")["data"][0]["z"]),
                               expected, atol=1e-6)
    assert any("Layer relu1, maps 32×28×28" in c.value for c in at.caption)


def test_a_second_session_reuses_the_maps_the_first_computed(app, monkeypatch):
    computed, attribute = [], saliency.attribute

    def counting(key, *args, **kwargs):
        computed.append(key)
        return attribute(key, *args, **kwargs)

    monkeypatch.setattr(saliency, "attribute", counting)
    first = app("saliency")
    assert sorted(computed) == sorted(saliency.METHODS)  # each default map once
    second = app("saliency")  # another student's session: the same image and model
    assert not second.exception and not second.error
    assert sorted(computed) == sorted(saliency.METHODS)  # nothing computed again
    for at in (first, second):
        _open_raw_maps(at)
    assert sorted(computed) == sorted(saliency.METHODS)  # opening them computes nothing
    for key in saliency.METHODS:
        z = [plotly_array(_chart(at, f"sal_map_{key}")["data"][0]["z"]) for at in (first, second)]
        np.testing.assert_array_equal(*z)
    # a setting of one session's own: the two maps that use Grad-CAM's layer are computed
    second.selectbox(key="sal_layer").set_value("relu1").run()
    assert not second.exception and not second.error
    assert sorted(computed) == sorted([*saliency.METHODS, "gradcam", "guided_gradcam"])


def test_sanity_check_shows_rank_correlations(app, trained_default):
    at = app("saliency")
    at.multiselect(key="sal_sanity_methods").set_value(["vanilla", "guided"]).run()
    assert any("**10** maps" in m.value for m in at.markdown)  # 4 groups + original, x 2
    at.button(key="sal_sanity_run").click().run()
    assert not at.exception and not at.error
    model, _, x, _ = _default_input(trained_default)
    expected = sanity.cascading_randomization(model, x, methods=["vanilla", "guided"])
    lines = {t["name"]: plotly_array(t["y"]) for t in _chart(at, "sal_sanity_corr")["data"]}
    np.testing.assert_allclose(lines["Vanilla gradient"], expected.rank_corr["vanilla"],
                               atol=1e-9)
    np.testing.assert_allclose(lines["Guided backprop"], expected.rank_corr["guided"], atol=1e-9)
    assert list(_chart(at, "sal_sanity_corr")["data"][0]["x"]) == [
        "original", "fc2", "fc1", "conv2", "conv1"]
    table = at.dataframe[0].value
    assert table.loc["Guided backprop", "original"] == "1.000"
    assert _chart(at, "sal_sanity_maps")
    # the result stays while the inputs do
    at.slider(key="sal_opacity").set_value(0.3).run()
    assert _chart(at, "sal_sanity_corr")


def test_bad_upload_shows_an_error(app):
    at = app("saliency")
    at.radio(key="sal_img_source").set_value("upload").run()
    at.file_uploader(key="sal_img_upload").set_value(("x.png", b"garbage", "image/png")).run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)


def test_imagenet_offline_says_where_to_put_the_weights(app, hub_dir, no_network):
    at = app("saliency")
    at.session_state["active_model"] = "imagenet:vgg16"  # the sidebar's choice
    at.run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "vgg16-397923af.pth" in message and str(hub_dir / "checkpoints") in message


def test_imagenet_model_waits_for_the_button(app, resnet18_weights):
    at = app("saliency")
    at.session_state["active_model"] = "imagenet:resnet18"
    at.run()
    at.multiselect(key="sal_methods").set_value(["vanilla", "gradcam"]).run()
    assert not at.exception and not at.error
    assert not _image_keys(at, "sal_overlay_")  # nothing computed before the button
    assert any("**2** forward + backward passes" in m.value for m in at.markdown)
    at.button(key="sal_run").click().run()
    assert not at.exception and not at.error
    assert _image_keys(at, "sal_overlay_") == {"vanilla", "gradcam"}
    _open_raw_maps(at)
    assert _keys(at, "sal_map_") == {"vanilla", "gradcam"}
    assert plotly_array(_chart(at, "sal_map_vanilla")["data"][0]["z"]).shape == (224, 224)
    assert any("Layer layer4.1.conv2" in c.value for c in at.caption)


def test_embeddings_hands_the_selected_image_to_saliency(app, trained_default):
    at = app("embeddings")
    at.number_input(key="emb_row").set_value(12).run()
    at.button(key="emb_to_saliency").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Saliency"
    assert at.number_input(key="sal_img_index").value == 12
    model, _, x, _ = _default_input(trained_default, 12)
    probs = layers.predict(model, x)[0].numpy()
    bars = _chart(at, "sal_top5")["data"][0]
    np.testing.assert_allclose(plotly_array(bars["y"]), np.sort(probs)[::-1][:5], atol=1e-6)
    assert at.radio(key="sal_target").options[:2] == ["predicted", "true"]
    assert _image_keys(at, "sal_overlay_") == set(saliency.METHODS)


def test_chart_builders():
    from dashboard import charts

    heat = np.array([[-2.0, 0.0], [1.0, 0.5]])
    signed = charts.saliency_map(heat, signed=True).data[0]
    assert (signed.zmin, signed.zmax, signed.zmid) == (-2.0, 2.0, 0)
    unsigned = charts.saliency_map(np.abs(heat), signed=False).data[0]
    assert (unsigned.zmin, unsigned.zmax, unsigned.zmid) == (0.0, 2.0, None)
    flat = charts.saliency_map(np.zeros((2, 2)), signed=False).data[0]
    assert flat.zmax > flat.zmin  # an all-zero map still gets a range
    # the overlay, by hand: a grey picture of 0.5, the signed scale's stops at -2, 0 and +2
    over = charts.saliency_overlay(np.full((2, 2), 0.5), heat, signed=True, opacity=0.4,
                                   side=4)
    assert over.shape == (4, 4, 3) and over.dtype == np.uint8  # 2x2 cells of 2x2 pixels
    assert (over[0:2, 2:4] == 128).all()  # 0: transparent, the picture shows through
    low = 0.5 * (1 - 0.4) + np.array([5, 48, 97]) / 255 * 0.4  # -2: rgba(5,48,97,1) x 0.4
    np.testing.assert_array_equal(over[0, 0], np.round(low * 255))
    # +1 is 3/4 of the way: the stop rgba(214,96,77,0.8), alpha 0.8 x 0.4
    mid = 0.5 * (1 - 0.32) + np.array([214, 96, 77]) / 255 * 0.32
    np.testing.assert_array_equal(over[2, 0], np.round(mid * 255))
    rgb = charts.saliency_overlay(np.zeros((2, 2, 3), np.uint8), np.abs(heat), signed=False,
                                  opacity=1.0, side=2)
    np.testing.assert_array_equal(rgb[0, 0], [180, 0, 0])  # the maximum: rgba(180,0,0,1)
    np.testing.assert_array_equal(rgb[0, 1], [0, 0, 0])  # 0: rgba(255,255,0,0) lets it through
    grid = charts.map_grid({"a": [np.arange(16.0).reshape(4, 4)] * 2}, ["original", "fc"],
                           max_side=2)
    np.testing.assert_allclose(grid.data[0].z, [[2.5, 4.5], [10.5, 12.5]] / np.float64(12.5))
    assert grid.layout.yaxis2.scaleanchor == "x2"
    lines = charts.rank_correlations(["original", "fc"], {"m": [1.0, float("nan")]})
    assert list(lines.data[0].x) == ["original", "fc"] and np.isnan(lines.data[0].y[1])


# --------------------------------------------------------------------------- in Spanish

def test_spanish_page_with_decimal_commas(app, trained_default):
    import re

    from dashboard import i18n

    at = app("saliency", lang="es")
    assert at.title[0].value == "Saliencia"
    assert not at.error
    methods = at.multiselect(key="sal_methods")
    assert "Retropropagación guiada" in methods.options
    assert "Gradientes integrados" in methods.options
    methods.set_value(["vanilla", "ig"]).run()
    assert not at.exception and not at.error
    assert _image_keys(at, "sal_overlay_") == {"vanilla", "ig"}
    assert sal_texts.ES["raw_maps"] in [e.label for e in at.expander]
    assert any(m.value.startswith("Coste: **52** pasadas hacia delante y hacia atrás")
               and "Gradientes integrados" in m.value for m in at.markdown)
    # the prediction's probability as Spanish writes a percentage: "(97,3 %)"
    prediction = next(m.value for m in at.markdown if m.value.startswith("Clase predicha"))
    assert re.search(r"\(\d{1,3},\d\u00a0%\)", prediction), prediction
    # the completeness caption with core's numbers, written with a decimal comma
    model, card, x, _ = _default_input(trained_default)
    target = int(np.argmax(layers.predict(model, x)[0].numpy()))
    ig = saliency.integrated_gradients(model, x, target, mean=card.mean, std=card.std)
    diff = i18n.number(ig.info["score_diff"], 4, "es", group=False)
    assert "," in diff
    assert any(c.value.startswith("Completitud: suma de las atribuciones")
               and f"S(x) − S(x′) {diff}" in c.value for c in at.caption)
    assert _chart(at, "sal_top5")["layout"]["separators"] == ",."
    at.multiselect(key="sal_methods").set_value([]).run()
    assert any(i.value == "Elige al menos un método." for i in at.info)


def test_spanish_sanity_check_table(app, trained_default):
    at = app("saliency", lang="es")
    at.multiselect(key="sal_methods").set_value(["vanilla"]).run()
    at.multiselect(key="sal_sanity_methods").set_value(["guided"]).run()
    at.slider(key="sal_sanity_steps").set_value(1).run()
    assert any("**2** mapas" in m.value for m in at.markdown)  # 1 step + the original
    assert at.button(key="sal_sanity_run").label == "Ejecutar la prueba de cordura"
    at.button(key="sal_sanity_run").click().run()
    assert not at.exception and not at.error
    lines = _chart(at, "sal_sanity_corr")["data"]
    assert [t["name"] for t in lines] == ["Retropropagación guiada"]
    table = at.dataframe[0].value
    assert table.index.name == "método"
    # a map's rank correlation with itself is 1 by definition: "1,000" with a decimal comma
    assert table.loc["Retropropagación guiada", "original"] == "1,000"
    assert any(m.value.startswith("Clase objetivo **") for m in at.markdown)
