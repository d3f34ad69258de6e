"""The Trust page (AppTest): the faithfulness scoreboard on the active model's test images.

The page's numbers are compared with core's own scoreboard run here on the same images and
settings (``core.interpret.trust.scoreboard`` + ``faithfulness.scores``); core's maths is tested
against direct loops in tests/core.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import torch

from core.data import datasets
from core.data.fit import fit_input
from core.interpret import faithfulness, trust
from core.models import imagenet
from core.models.checkpoints import load_checkpoint
from dashboard.texts import trust as trust_texts
from tests.pages.conftest import advance, chart_spec, plotly_array

EN, ES = trust_texts.EN, trust_texts.ES
COLUMNS = ["col_deletion", "col_deletion_ci", "col_insertion", "col_insertion_ci",
           "col_difference"]


def _title(key: str) -> str:
    title = EN[f"method_{key}"]
    return EN["reference"].format(title=title) if key in trust.REFERENCES else title


def _small_params(card, hw: tuple[int, int]) -> dict:
    """The page's defaults for a small model, written out (the brief of the page)."""
    window = max(1, min(hw) // 7)
    mean, std = tuple(card.mean), tuple(card.std)
    return {
        "smoothgrad": {"samples": 10, "batch_size": 32},
        "ig": {"steps": 16, "baseline": "zero", "mean": mean, "std": std, "batch_size": 32},
        "occlusion": {"window": window, "stride": window, "baseline": "zero", "mean": mean,
                      "std": std, "batch_size": 64, "incremental": False},
        "gradcam": {"layer": None},
        "guided_gradcam": {"layer": None},
    }


@pytest.fixture
def digits_reference(trained_default):
    """(model, card, x, scoreboard): core's scoreboard of the first 8 digits test images with
    the page's default settings (all methods, step 0.1, black baseline)."""
    model, card = load_checkpoint(trained_default)
    test = datasets.load_dataset("digits")[1]
    x = test.normalize(test.images[:8])
    board = trust.scoreboard(model, x, methods=trust.MAP_METHODS,
                             params=_small_params(card, (28, 28)), baselines=("zero",),
                             step=0.1, mean=card.mean, std=card.std, batch_size=32,
                             map_batch=32)
    return model, card, x, board


def _run(at, count: int):
    at.number_input(key="trust_count").set_value(count).run()
    at.button(key="trust_run").click()
    return advance(at, lambda a: len(a.dataframe) > 0, limit=3)


def _assert_table(table: pd.DataFrame, scores: list[faithfulness.Score]) -> None:
    assert list(table[EN["col_method"]]) == [_title(s.method) for s in scores]
    assert list(table.index) == list(range(1, len(scores) + 1))
    expected = np.array([[s.deletion, s.deletion_ci, s.insertion, s.insertion_ci,
                          s.difference] for s in scores])
    shown = table[[EN[c] for c in COLUMNS]].to_numpy(dtype=float)
    np.testing.assert_allclose(shown, expected, rtol=0, atol=5.1e-5)  # shown to 4 decimals


def test_renders_cost_and_waits_for_the_button(app):
    at = app("trust")
    assert at.title[0].value == "Trust"
    assert not at.error and not at.dataframe
    cost = next(m.value for m in at.markdown if m.value.startswith("On the first"))
    # 50 images: maps 50 x (1 + 1 + 12 + 17 + 1 + 2 + 50 + 0 + 0), curves 50 x (2 + 2 x 9 x 9)
    assert "**50** of 360 Digits (scikit-learn) test images" in cost
    assert "**4,200** passes for the maps" in cost and "**8,200** forward passes" in cost
    assert at.button(key="trust_run").label == EN["run"]
    assert at.number_input(key="trust_step").value == pytest.approx(0.1)
    assert at.selectbox(key="trust_baseline").value == "zero"
    assert at.multiselect(key="trust_methods").value == list(trust.MAP_METHODS)

    es = app("trust", lang="es")
    assert es.title[0].value == "Confianza"
    cost = next(m.value for m in es.markdown if m.value.startswith("Con las"))
    assert "**50** primeras de las 360" in cost and "**4.200** pasadas para los mapas" in cost
    assert es.button(key="trust_run").label == ES["run"]
    assert not es.error


def test_scoreboard_of_8_images_equals_core(app, digits_reference):
    model, card, x, board = digits_reference
    at = _run(app("trust"), 8)
    assert not at.error
    table = at.dataframe[0].value
    assert len(table) == len(trust.MAP_METHODS)  # a row per chosen method
    _assert_table(table, faithfulness.scores(board.curves["zero"]))
    summary = next(m.value for m in at.markdown if m.value.startswith("**8** of 360"))
    assert "baseline **black**" in summary
    # the mean curves: one figure, deletion and insertion, one line per method in each
    spec = chart_spec(at, "trust_mean_curves")
    assert len(spec["data"]) == 2 * len(trust.MAP_METHODS)
    by_axis = {(t["xaxis"], t["name"]): plotly_array(t["y"]) for t in spec["data"]}
    c = board.curves["zero"]
    j = c.methods.index("ig")
    np.testing.assert_allclose(by_axis[("x", EN["method_ig"])], c.deletion[:, j].mean(0),
                               atol=1e-6)
    np.testing.assert_allclose(by_axis[("x2", EN["method_ig"])], c.insertion[:, j].mean(0),
                               atol=1e-6)
    dashed = {t["name"] for t in spec["data"] if t["line"].get("dash") == "dash"}
    assert dashed == {EN["method_random"], EN["method_centre"]}
    # going back to these settings after others shows the stored scoreboard at once
    at.number_input(key="trust_count").set_value(9).run()
    assert not at.dataframe and at.button(key="trust_run")
    at.number_input(key="trust_count").set_value(8).run()
    _assert_table(at.dataframe[0].value, faithfulness.scores(board.curves["zero"]))


@pytest.mark.parametrize("step", [0, 1.5])
def test_a_bad_step_size_shows_an_error(app, step):
    at = app("trust")
    at.number_input(key="trust_step").set_value(step).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("This cannot be computed:")
    assert "step size" in at.error[0].value
    assert "trust_run" not in [b.key for b in at.button]  # no Run without a valid step


def test_a_count_larger_than_the_split_shows_an_error(app):
    at = app("trust", lang="es")
    at.number_input(key="trust_count").set_value(361).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "entre 1 y 360" in at.error[0].value and "361" in at.error[0].value


def test_one_image_view_curves_maps_and_csv(app, digits_reference, monkeypatch):
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):
        if filename is not None:
            files[filename] = data
        return real(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    model, card, x, board = digits_reference
    c = board.curves["zero"]
    at = _run(app("trust"), 8)
    at.selectbox(key="trust_image").set_value(3).run()
    assert not at.exception
    spec = chart_spec(at, "trust_image_curves")
    methods = len(trust.MAP_METHODS)
    assert [t["xaxis"] for t in spec["data"]] == ["x"] * methods + ["x2"] * methods
    for t in spec["data"]:
        j = next(k for k, m in enumerate(c.methods) if EN[f"method_{m}"] == t["name"])
        curve = c.deletion if t["xaxis"] == "x" else c.insertion
        np.testing.assert_allclose(plotly_array(t["y"]), curve[3, j], atol=1e-6)
    maps = chart_spec(at, "trust_image_maps")
    assert len(maps["data"]) == methods  # one figure, a heatmap per method
    # the deleted copies: unchanged, then 10, 30 and 50 % of the pixels of the chosen map
    row = next(i for i in at.get("image") if i.proto.imgs[0].caption == EN["perturb_original"])
    assert [i.caption for i in row.proto.imgs] == [EN["perturb_original"], "10% deleted",
                                                   "30% deleted", "50% deleted"]
    # CSV: one row per image and method for the one baseline computed
    csv = pd.read_csv(io.BytesIO(files["trust_scores.csv"]), keep_default_na=False)
    assert len(csv) == 8 * methods
    assert list(csv.columns) == ["image", "true_label", "predicted", "probability", "method",
                                 "baseline", "deletion_auc", "insertion_auc"]
    test = datasets.load_dataset("digits")[1]
    row = csv[(csv.image == 3) & (csv.method == "occlusion")].iloc[0]
    j = c.methods.index("occlusion")
    assert row.baseline == "zero" and str(row.true_label) == test.classes[int(test.labels[3])]
    assert str(row.predicted) == card.classes[int(board.maps.targets[3])]
    assert row.probability == pytest.approx(float(board.probs[3]), abs=1e-9)
    assert row.deletion_auc == pytest.approx(float(c.auc("deletion")[3, j]), abs=1e-9)
    assert row.insertion_auc == pytest.approx(float(c.auc("insertion")[3, j]), abs=1e-9)


def test_a_second_baseline_ranks_the_same_maps(app, digits_reference):
    model, card, x, board = digits_reference
    at = _run(app("trust"), 8)
    second = at.selectbox(key="trust_second_zero")
    assert second.value == "road"  # the default for a small model
    at.button(key="trust_cmp_run").click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe) == 3  # the scoreboard, the same maps under ROAD, both ranks
    road = faithfulness.curves(model, x, board.maps.maps, board.maps.targets, step=0.1,
                               baseline="road", mean=card.mean, std=card.std, batch_size=32)
    first, second = faithfulness.scores(board.curves["zero"]), faithfulness.scores(road)
    _assert_table(at.dataframe[0].value, first)
    _assert_table(at.dataframe[1].value, second)
    ranks = at.dataframe[2].value
    assert list(ranks[EN["col_method"]]) == [_title(s.method) for s in first]
    under = EN["rank_under"]
    assert list(ranks[under.format(baseline="black")]) == list(range(1, len(first) + 1))
    where = {s.method: r for r, s in enumerate(second, 1)}
    assert list(ranks[under.format(baseline=EN["baseline_road"])]) == [
        where[s.method] for s in first]
    moved = sum(where[s.method] != r for r, s in enumerate(first, 1))
    assert any(c.value.startswith(f"{moved} of 9 methods change rank") for c in at.caption) \
        if moved else any(c.value.startswith("The ranking is the same") for c in at.caption)
    # kept with the scoreboard: a rerun shows both without the button
    at.run()
    assert len(at.dataframe) == 3 and "trust_cmp_run" not in [b.key for b in at.button]


def test_resnet18_on_two_images(app, resnet18_weights):
    methods = ["vanilla", "gradcam", "random"]
    at = app("home")
    at.session_state["active_model"] = "imagenet:resnet18"
    at.switch_page("../pages/trust.py").run()
    assert not at.exception
    assert at.number_input(key="trust_count_large").value == 8  # a large model's default
    at.number_input(key="trust_count_large").set_value(2)
    at.number_input(key="trust_step").set_value(0.25)
    at.multiselect(key="trust_methods").set_value(methods)
    at.run()
    assert any("copied from grey to 3 colour channels" in c.value for c in at.caption)
    at.button(key="trust_run").click()
    advance(at, lambda a: len(a.dataframe) > 0, limit=3)
    assert not at.error
    # core on the same two images, converted as the page converts them
    model = imagenet.load_imagenet("resnet18")
    card = imagenet.imagenet_card("resnet18")
    test = datasets.load_dataset("digits")[1]
    fit = fit_input(tuple(test.images.shape[1:]), card.input_shape, mean=card.mean,
                    std=card.std)
    with torch.no_grad():
        x = fit(test.images[:2])
    board = trust.scoreboard(model, x, methods=methods,
                             params={"gradcam": {"layer": None}}, baselines=("zero",),
                             step=0.25, mean=card.mean, std=card.std, batch_size=8,
                             map_batch=4)
    _assert_table(at.dataframe[0].value, faithfulness.scores(board.curves["zero"]))
