"""AppTest: feature visualisation on the Layers page ("What a filter looks for"): one unit's
images, the layer grid beside the top test images, and bad settings, checked against core."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.data import datasets
from core.interpret import featvis
from core.interpret import layers as inspect
from core.models import checkpoints
from dashboard import errors, texts
from tests.pages.conftest import chart_spec, open_tab, plotly_array

EN = texts.get("layers", "en")
KEY = "layers_channel"


def _images(spec: dict) -> list[np.ndarray]:
    return [plotly_array(t["z"]) for t in spec["data"] if t["type"] == "image"]


@pytest.fixture
def channel_tab(app, trained_default):
    at = app("layers")
    open_tab(at, "layers_tab", EN["tab_filter"])
    assert not at.error, [e.value for e in at.error]
    return at


def _submit(at, **values):
    """Set the feature visualisation form's widgets (by key suffix) and submit it."""
    for name, value in values.items():
        widget = next(w for w in (*at.number_input, *at.selectbox, *at.toggle)
                      if w.key == f"{KEY}_{name}")
        widget.set_value(value)
    at.button(key=f"{KEY}_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_a_units_images_are_cores(channel_tab, trained_default):
    at = channel_tab
    at.selectbox(key=f"{KEY}_layer").set_value("conv2").run()
    at.number_input(key=f"{KEY}_channel").set_value(5).run()
    _submit(at, steps=4, images=2, diversity=0.5)
    assert not at.error, [e.value for e in at.error]
    model, card = checkpoints.load_checkpoint(trained_default)
    expected = featvis.visualise(
        model, featvis.Objective("channel", "conv2", (5, 5), diversity=0.5), steps=4,
        input_shape=tuple(card.input_shape), mean=card.mean, std=card.std)
    shown = _images(chart_spec(at, f"{KEY}_actmax_image"))
    assert len(shown) == 2
    for got, want in zip(shown, expected.images, strict=True):
        np.testing.assert_allclose(got[..., 0], want[0].numpy() * 255, atol=1e-3)
    curve = plotly_array(chart_spec(at, f"{KEY}_actmax_curve")["data"][0]["y"])
    np.testing.assert_allclose(curve, expected.trajectory, rtol=1e-5)
    assert any(c.value == EN["fv_colour_grey"] for c in at.caption)


def test_a_class_logit_is_the_models_last_layer(channel_tab, trained_default):
    at = _submit(channel_tab, objective="logit", **{"class": 3}, steps=3, param="pixel")
    assert not at.error, [e.value for e in at.error]
    model, card = checkpoints.load_checkpoint(trained_default)
    expected = featvis.visualise(model, featvis.Objective("logit", None, (3,)), steps=3,
                                 param="pixel", input_shape=tuple(card.input_shape),
                                 mean=card.mean, std=card.std)
    (shown,) = _images(chart_spec(at, f"{KEY}_actmax_image"))
    np.testing.assert_allclose(shown[..., 0], expected.images[0, 0].numpy() * 255, atol=1e-3)


def test_the_layer_grid_shows_each_channel_beside_its_top_test_image(channel_tab,
                                                                     trained_default):
    at = channel_tab
    at.selectbox(key=f"{KEY}_layer").set_value("relu1").run()
    _submit(at, steps=2)  # the grid uses the form's settings
    at.number_input(key=f"{KEY}_grid_n").set_value(4).run()
    assert any(EN["fv_grid_cost"].split("{")[0] in c.value for c in at.caption)
    at.button(key=f"{KEY}_grid_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    model, card = checkpoints.load_checkpoint(trained_default)
    settings = dict(steps=2, input_shape=tuple(card.input_shape), mean=card.mean, std=card.std)
    grid = featvis.layer_grid(model, "relu1", range(4), chunk=64, **settings)
    synthetic = _images(chart_spec(at, f"{KEY}_grid_synthetic"))
    assert len(synthetic) == 4
    for got, want in zip(synthetic, grid.images, strict=True):
        np.testing.assert_allclose(got[..., 0], want[0].numpy() * 255, atol=1e-3)
    _, test = datasets.load_digits()
    mean = torch.tensor(card.mean).view(-1, 1, 1)
    std = torch.tensor(card.std).view(-1, 1, 1)
    for c, got in enumerate(_images(chart_spec(at, f"{KEY}_grid_real"))):
        (top,) = inspect.top_activating(model, test.images, "relu1", c, k=1,
                                        normalize=lambda im: (im.float() / 255 - mean) / std)
        np.testing.assert_allclose(got[..., 0], test.images[top.index, 0].numpy(), atol=1e-6)
    # kept for these settings: a rerun shows it again without the button
    at.run()
    assert len(_images(chart_spec(at, f"{KEY}_grid_synthetic"))) == 4


@pytest.mark.parametrize("values, key, name", [
    ({"steps": 0}, "int_between", "steps"),
    ({"rotate": 181.0}, "number_between", "rotate"),
    ({"scale_low": 1.2, "scale_high": 1.1}, "featvis_scale", None),
])
def test_bad_settings_show_a_message_and_nothing_else(channel_tab, values, key, name):
    at = _submit(channel_tab, **values)
    assert [e.value for e in at.error] == [errors.message(_error(key, name))]
    assert not any(c.proto.id.endswith(f"{KEY}_actmax_image") for c in at.get("plotly_chart"))


def _error(key: str, name: str | None):
    """The core error the page must show, made by core's own checks."""
    from core.checks import InputError, check_int, check_number

    try:
        if name == "steps":
            check_int("steps", 0, 1, inspect.MAX_STEPS)
        elif name == "rotate":
            check_number("rotate", 181.0, 0, 180)
        else:
            featvis._check_robustness(featvis.Robustness(scale=(1.2, 1.1)), (1, 28, 28))
    except InputError as err:
        assert err.key == key
        return err
    raise AssertionError("core accepted the bad setting")
