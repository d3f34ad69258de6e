"""AppTest: the Pooling Calculator page, driven through its widgets and checked by value."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.teach import matrices, pooling
from dashboard.texts import pooling as pooling_texts
from tests.pages.conftest import copy_block, matrix_table


def _result(at) -> str:
    """The result matrix as the page prints it ("Result as text"), the text its button copies."""
    return copy_block(at, "pooling_result")["text"]


def _formula(at) -> str:
    """The output-size formula's lines (inline code under its heading), one per line."""
    heads = {t["formula"] for t in (pooling_texts.EN, pooling_texts.ES)}
    body = next(m.value for m in at.markdown if m.value.split("  \n")[0].strip("*") in heads)
    return "\n".join(line.strip("`") for line in body.split("  \n")[1:])


@pytest.fixture
def app_es(app):
    """Like ``app``, but the session opens in Spanish (``?lang=es``, as a shared link does)."""
    return lambda key="pooling": app(key, lang="es")


def test_notes_example_gives_the_notes_values(app):
    at = app("pooling")
    assert not at.error
    assert _result(at) == "[[4, 8],\n [6, 9]]"
    assert [m.value for m in at.metric] == ["4 × 4", "2 × 2"]
    assert "⌊(4 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1 = 2" in _formula(at)

    at.selectbox(key="pooling_op").set_value("global_avg").run()
    assert _result(at) == "[[4.3125]]"  # 69 / 16


def test_changing_kernel_and_stride_changes_the_output(app):
    at = app("pooling")
    at.number_input(key="pooling_stride").set_value(1).run()
    assert _result(at) == "[[4, 5, 8],\n [6, 9, 9],\n [6, 9, 9]]"
    assert [m.value for m in at.metric] == ["4 × 4", "3 × 3"]
    at.number_input(key="pooling_kernel").set_value(3).run()
    assert _result(at) == "[[9, 9],\n [9, 9]]"


def test_separate_height_and_width(app):
    at = app("pooling")
    at.toggle(key="pooling_square").set_value(False).run()
    at.number_input(key="pooling_kernel_w").set_value(4).run()
    at.number_input(key="pooling_stride_w").set_value(1).run()
    # windows of 2 rows x 4 columns: max of rows 0-1 and of rows 2-3
    assert _result(at) == "[[8],\n [9]]"


def test_bad_parameters_show_the_rule_not_a_traceback(app):
    at = app("pooling")
    at.number_input(key="pooling_padding").set_value(2).run()
    assert not at.exception
    assert "at most half" in at.error[0].value
    at.number_input(key="pooling_padding").set_value(0).run()
    at.number_input(key="pooling_stride").set_value(0).run()
    assert "stride" in at.error[0].value
    at.number_input(key="pooling_stride").set_value(1).run()
    at.number_input(key="pooling_kernel").set_value(5).run()
    assert "larger than the padded input" in at.error[0].value


def test_text_input_and_its_errors(app):
    at = app("pooling")
    at.radio(key="pooling_matrix_mode").set_value("text").run()
    assert at.text_area(key="pooling_matrix_text").value.split() == [
        str(int(v)) for v in matrices.NOTES_EXAMPLE.ravel()
    ]
    at.text_area(key="pooling_matrix_text").input("1 2 3\n4 5").run()
    assert not at.exception
    assert "row 2 has 2 values, row 1 has 3" in at.error[0].value
    at.text_area(key="pooling_matrix_text").input("1 x\n3 4").run()
    message = at.error[0].value  # the cell and the text it could not read (quoted or in code)
    assert "column 2" in message and "x" in message and "is not a number" in message
    at.text_area(key="pooling_matrix_text").input("[[1, 2], [3, 4.5]]").run()
    at.selectbox(key="pooling_op").set_value("global_max").run()
    assert not at.error
    assert _result(at) == "[[4.5]]"


def test_random_preset_matches_torch(app):
    at = app("pooling")
    at.selectbox(key="pooling_preset").set_value("random_int").run()
    at.number_input(key="pooling_rows").set_value(7).run()
    at.number_input(key="pooling_cols").set_value(9).run()
    at.number_input(key="pooling_seed").set_value(3).run()
    at.button(key="pooling_load").click().run()
    at.selectbox(key="pooling_op").set_value("avg").run()
    at.number_input(key="pooling_kernel").set_value(3).run()
    at.number_input(key="pooling_padding").set_value(1).run()
    at.checkbox(key="pooling_count_include_pad").uncheck().run()
    assert not at.error
    m = matrices.preset_matrix("random_int", rows=7, cols=9, seed=3)
    expected = F.avg_pool2d(torch.from_numpy(m)[None, None], 3, 2, 1, count_include_pad=False)[0, 0]
    shown = matrices.parse_matrix(_result(at))
    np.testing.assert_allclose(shown, expected.numpy(), rtol=1e-5)


def test_step_through_windows(app):
    at = app("pooling")
    assert "**(0, 0)**" in at.markdown[-2].value or any(
        "**(0, 0)**" in m.value for m in at.markdown)
    at.button(key="pooling_next").click().run()
    assert at.slider(key="pooling_window").value == 2
    text = next(m.value for m in at.markdown if "Output cell" in m.value)
    assert "**(0, 1)**" in text and "Max = **8**" in text and "(0, 3)" in text
    cells = matrix_table(at, pooling_texts.EN["input_heatmap"])
    assert {rc for rc, cell in cells.items() if cell["mark"] == "window"} == {(0, 2), (1, 2),
                                                                             (1, 3)}
    assert {rc for rc, cell in cells.items() if cell["mark"] == "chosen"} == {(0, 3)}  # the 8
    assert cells[(0, 3)]["text"] == "8" and cells[(0, 3)]["tip"] == "row 0, col 3: 8"
    out = matrix_table(at, pooling_texts.EN["output_heatmap"])
    assert [rc for rc, cell in out.items() if cell["mark"]] == [(0, 1)]
    at.slider(key="pooling_window").set_value(4).run()
    text = next(m.value for m in at.markdown if "Output cell" in m.value)
    assert "Max = **9**" in text and "(2, 2)" in text


def test_gradient_routing(app):
    at = app("pooling")
    at.number_input(key="pooling_stride").set_value(1).run()
    at.checkbox(key="pooling_routing").check().run()
    cells = matrix_table(at, pooling_texts.EN["routing_title"])
    x = torch.from_numpy(matrices.NOTES_EXAMPLE.copy())[None, None].requires_grad_(True)
    F.max_pool2d(x, 2, 1).sum().backward()
    expected = x.grad[0, 0].numpy()
    assert set(cells) == {(r, c) for r in range(4) for c in range(4)}
    for (r, c), cell in cells.items():
        assert float(cell["text"]) == expected[r, c]


def test_english_formulas_say_what_core_says(app):
    """The page rebuilds core's output-size formulas in the user's language; in English they
    are core's own lines (ceil_mode dropping a window, adaptive and global pooling)."""
    at = app("pooling")
    at.radio(key="pooling_matrix_mode").set_value("text").run()
    at.text_area(key="pooling_matrix_text").input("1 2 3 4 5").run()
    at.number_input(key="pooling_padding").set_value(1).run()
    at.checkbox(key="pooling_ceil_mode").check().run()
    assert not at.error
    m = np.array([[1.0, 2, 3, 4, 5]])
    dropping = pooling.PoolParams(op="max", kernel=(2, 2), stride=(2, 2), padding=(1, 1),
                                  ceil_mode=True)  # both axes: ceil_mode drops the last window
    assert "ceil_mode drops" in _formula(at)
    assert _formula(at) == "\n".join(pooling.pool(m, dropping).formula)
    at.selectbox(key="pooling_op").set_value("adaptive_avg").run()
    at.number_input(key="pooling_output_size").set_value(3).run()
    expected = pooling.pool(m, pooling.PoolParams(op="adaptive_avg", output_size=(3, 3)))
    assert _formula(at) == "\n".join(expected.formula)
    at.selectbox(key="pooling_op").set_value("global_max").run()
    assert _formula(at) == "\n".join(pooling.pool(m, pooling.PoolParams("global_max")).formula)


def test_spanish_page_text_numbers_charts_and_errors(app_es):
    at = app_es("pooling")
    es = pooling_texts.ES
    assert at.title[0].value == es["title"]
    assert at.expander[0].label == es["theory_title"]
    # core's operations and presets, named in Spanish
    assert es["op_max"] in at.selectbox(key="pooling_op").options
    assert es["preset_notes"] in at.selectbox(key="pooling_preset").options
    # the input table: Spanish tooltips
    cells = matrix_table(at, es["input_heatmap"])
    assert cells[(0, 1)]["tip"] == "fila 0, columna 1: 4"

    # global average of the notes' matrix: a decimal comma in the walk-through's prose
    at.selectbox(key="pooling_op").set_value("global_avg").run()
    assert not at.error
    mean = matrices.NOTES_EXAMPLE.mean()
    assert not mean.is_integer()
    walk = next(m.value for m in at.markdown if m.value.startswith("La celda de salida"))
    assert f"**{matrices.format_number(mean).replace('.', ',')}**" in walk
    assert "una sola ventana abarca las 4 filas" in _formula(at)
    shown = matrix_table(at, es["output_heatmap"])[(0, 0)]["text"]
    assert shown == format(mean, ".4g").replace(".", ",")  # the table: a decimal comma
    assert _result(at) == f"[[{matrices.format_number(mean)}]]"  # copyable: Python's point

    # a kernel larger than the padded input: the rule in Spanish, not core's English sentence
    at.selectbox(key="pooling_op").set_value("max").run()
    at.number_input(key="pooling_stride").set_value(1).run()
    at.number_input(key="pooling_kernel").set_value(5).run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("No se pueden usar estos parámetros: ")
    detail = message.removeprefix("No se pueden usar estos parámetros: ")
    assert not detail.startswith("output size < 1")  # not core's English message as it is
    assert "núcleo" in detail.lower() or detail.startswith("Esta entrada no se puede usar.")
