"""Chart builders that produce files (downloads)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from dashboard import charts, i18n
from dashboard.texts import charts as chart_texts


def test_map_png_scales_cells_and_uses_the_colour_scale_ends():
    values = np.array([[0.0, 1.0], [0.5, 0.25]])
    img = Image.open(io.BytesIO(charts.map_png(values, scale=4)))
    assert img.size == (8, 8) and img.mode == "RGB"
    lo, hi = img.getpixel((0, 0)), img.getpixel((7, 0))
    assert lo != hi  # min and max get the two ends of Viridis
    assert img.getpixel((3, 3)) == lo  # one cell = 4x4 identical pixels


def test_map_png_signed_centres_zero_on_white():
    img = Image.open(io.BytesIO(charts.map_png(np.array([[-1.0, 0.0, 1.0]]), scale=1, signed=True)))
    r, g, b = img.getpixel((1, 0))
    assert min(r, g, b) > 200  # RdBu's middle is (near) white


@pytest.fixture
def spanish(monkeypatch):
    """Build figures as inside a Spanish session (outside a script run the language is
    English)."""
    monkeypatch.setattr(i18n, "current", lambda: "es")


def _history():
    rec = SimpleNamespace(epoch=1, train_loss=0.5, train_accuracy=0.8, val_loss=0.6,
                          val_accuracy=0.75)
    return [rec]


def test_figures_outside_a_run_are_english_with_a_decimal_point():
    fig = charts.matrix_heatmap(np.array([[0.5, 2.0]]), padding=(0, 1))
    assert fig.layout.separators == ".,"
    assert list(fig.data[0].text[0]) == ["pad", "0.5", "2", "pad"]
    assert fig.data[0].hovertemplate.startswith("row %{y}, col %{x}")
    curves = charts.training_curves(_history(), [0.9, 0.7], 2, "loss", "accuracy")
    assert {t.name for t in curves.data} == {"train (per step)", "train", "validation"}


def test_figures_in_spanish_have_spanish_words_and_a_decimal_comma(spanish):
    es = chart_texts.ES
    fig = charts.matrix_heatmap(np.array([[0.5, 2.0]]), padding=(0, 1))
    assert fig.layout.separators == ",."  # Plotly's own numbers: ticks, %{z:.3f} hovers
    assert list(fig.data[0].text[0]) == [es["pad"], "0,5", "2", es["pad"]]
    assert fig.data[0].hovertemplate.startswith("fila %{y}, columna %{x}")

    curves = charts.training_curves(_history(), [0.9, 0.7], 2, "pérdida", "exactitud")
    assert {t.name for t in curves.data} == {es["train_per_step"], es["train"], es["validation"]}
    assert curves.layout.xaxis.title.text == es["epoch"]
    cm = charts.confusion_matrix(np.array([[3, 1], [0, 4]]), ["a", "b"])
    assert (cm.layout.xaxis.title.text, cm.layout.yaxis.title.text) == (es["predicted"],
                                                                        es["true"])
    assert cm.data[0].hovertemplate.startswith("real ")
    losses = charts.style_losses([1, 2], {"total": [2.0, 1.0], "content": [1.0, 0.5],
                                          "mine": [1.0, 1.0]})
    assert [t.name for t in losses.data] == [es["series_total"], es["series_content"], "mine"]
    for figure in (charts.image(np.zeros((2, 2))), charts.bars([0.25], ["a"]),
                   charts.line([1.5, 2.5]), charts.saliency_map(np.ones((2, 2)), signed=False)):
        assert figure.layout.separators == ",."


def test_sharp_enlarges_by_whole_pixels_towards_the_side_asked():
    grey = np.array([[0, 255], [128, 64]], np.uint8)
    big = charts.sharp(grey, side=5)  # 5 // 2: each pixel becomes 2 x 2
    assert big.dtype == np.uint8
    np.testing.assert_array_equal(big, np.kron(grey, np.ones((2, 2), np.uint8)))
    rgb = charts.sharp(np.array([[[1.5, 0.5, -0.2]]]), side=3)  # floats: clipped to [0, 1]
    assert rgb.shape == (3, 3, 3)
    np.testing.assert_array_equal(rgb[2, 2], [255, 128, 0])
    assert charts.sharp(np.zeros((300, 200)), side=260).shape == (300, 200)  # never shrunk


def test_matrix_table_shows_values_padding_and_marks():
    from plotly.colors import sample_colorscale

    from tests.pages.conftest import table_cells

    html = charts.matrix_table(np.array([[0.5, 2.0], [1.0, 1.25]]), title="In", padding=(0, 1),
                               cells=[(0, 0), (1, 0)], chosen=(0, 1), colorscale="Blues")
    assert ">In</div>" in html
    cells = table_cells(html)
    assert set(cells) == {(r, c) for r in range(2) for c in range(-1, 3)}
    assert [cells[(0, c)]["text"] for c in range(-1, 3)] == ["pad", "0.5", "2", "pad"]
    assert cells[(1, 1)]["tip"] == "row 1, col 1: 1.25"
    assert {rc: cell["mark"] for rc, cell in cells.items() if cell["mark"]} == {
        (0, 0): "window", (1, 0): "window", (0, 1): "chosen"}
    # colours run from the minimum (0.5) to the maximum (2.0) of the scale
    low, high = sample_colorscale("Blues", [0.0, 1.0])
    assert f"background:{low};" in cells[(0, 0)]["style"]
    assert f"background:{high};" in cells[(0, 1)]["style"]
    assert "background:#eeeeee;" in cells[(0, -1)]["style"]
    # a constant matrix still gets colours (the scale's start), and text is escaped
    flat = table_cells(charts.matrix_table(np.ones((1, 1)), title="<b>"))
    assert f"background:{low};" in flat[(0, 0)]["style"]
    assert "&lt;b&gt;" in charts.matrix_table(np.ones((1, 1)), title="<b>")


def test_matrix_table_in_spanish(spanish):
    from tests.pages.conftest import table_cells

    es = chart_texts.ES
    cells = table_cells(charts.matrix_table(np.array([[0.5, 2.0]]), padding=(0, 1)))
    assert [cells[(0, c)]["text"] for c in range(-1, 3)] == [es["pad"], "0,5", "2", es["pad"]]
    assert cells[(0, 0)]["tip"] == "fila 0, columna 0: 0,5"
