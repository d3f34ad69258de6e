"""The Trust page's shortcut lab (AppTest): plant a cue, train a cued and a clean model, catch the
shortcut, score every map against the cue's mask.

The page's numbers are compared with core run here on models rebuilt the same way (the same
Plan -> ``shortcut.start`` + ``shortcut.train``: deterministic on the CPU) and on the models the
page saved to the library; core's maths is tested against direct loops in tests/core.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from core import paths
from core.data import cues, datasets
from core.interpret import shortcut as isc
from core.interpret import trust
from core.models import cards
from core.models.checkpoints import load_checkpoint
from core.train import shortcut
from dashboard.texts import shortcut as shortcut_texts
from dashboard.texts import trust as trust_texts
from tests.pages.conftest import advance, chart_spec

EN, ES = shortcut_texts.EN, shortcut_texts.ES
METHODS = ["vanilla", "ig", "occlusion", "random"]
IMAGES = 4


def _lab(app, lang: str | None = None):
    at = app("trust", lang=lang)
    at.segmented_control(key="trust_section").set_value("shortcut").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _tiny(at, *, epochs: int = 1, images: int = IMAGES, methods=METHODS):
    at.number_input(key="shortcut_epochs").set_value(epochs).run()
    at.select_slider(key="shortcut_batch").set_value(64).run()
    at.number_input(key="shortcut_images_swapped").set_value(images).run()
    at.multiselect(key="shortcut_methods").set_value(methods).run()
    assert not at.exception and not at.error
    return at


def _done(at) -> bool:
    return len(at.dataframe) >= 2 or any(i.value == EN["no_maps"] for i in at.info)


def _library() -> dict[str, tuple]:
    """The shortcut models in the library: "cued"/"clean" -> (directory, card)."""
    found = {}
    for path, card in cards.list_library(paths.models_dir()):
        if "shortcut" in card.metrics:
            found[card.metrics["shortcut"]["model"]] = (path, card)
    return found


def _plan(epochs: int) -> shortcut.Plan:
    """The page's default plan with the tiny settings."""
    config = dataclasses.replace(shortcut.DEFAULT_CONFIG, epochs=epochs, batch_size=64)
    return shortcut.Plan(cue=cues.Cue("snow", density=0.2, seed=0), target=0, config=config)


def test_the_default_view_plants_snow_states_the_cost_and_waits(app):
    at = _lab(app)
    assert not at.error and not at.dataframe
    assert at.segmented_control(key="trust_section").value == "shortcut"
    assert at.selectbox(key="shortcut_cue").value == "snow"
    assert at.selectbox(key="shortcut_target").value == 0
    assert at.slider(key="shortcut_share_target").value == 100
    assert at.slider(key="shortcut_share_other").value == 0
    d = shortcut.DEFAULT_CONFIG
    assert at.number_input(key="shortcut_epochs").value == d.epochs
    assert at.select_slider(key="shortcut_batch").value == d.batch_size
    assert at.number_input(key="shortcut_seed").value == d.seed == 0
    assert at.multiselect(key="shortcut_methods").value == list(isc.DEFAULT_METHODS)
    assert any(m.value.startswith("Training on Digits (scikit-learn): 1437 train / 360 test")
               for m in at.markdown)
    train = datasets.load_dataset("digits")[0]
    n_target = int((train.labels == 0).sum())
    assert any(c.value.startswith(f"In training, {n_target} of {n_target} images of 0 carry")
               for c in at.caption)
    # 2 models x epochs x ceil(1437 / batch) steps; maps: 2 x 50 x each method's passes
    steps = 2 * d.epochs * -(-len(train) // d.batch_size)
    params = trust.default_settings((1, 28, 28), large=False, mean=train.mean,
                                    std=train.std).params
    passes = 2 * 50 * sum(trust.estimate_passes(m, params.get(m, {}), (28, 28))
                          for m in isc.DEFAULT_METHODS)
    cost = next(m.value for m in at.markdown if m.value.startswith("**Cost:**"))
    assert f"{steps:,} training steps" in cost
    assert f"{passes:,} passes for the maps of 50 images" in cost
    images = [i for i in at.get("image")]
    assert len(images) == 1 and len(images[0].proto.imgs) == 3  # one row: clean, cued, others
    assert at.button(key="shortcut_run").label == EN["run"]
    assert not _library()


def test_a_tiny_run_equals_core_and_saves_both_models(app):
    at = _tiny(_lab(app))
    at.button(key="shortcut_run").click().run()
    at = advance(at, _done, limit=80)
    assert not at.error
    # core on models rebuilt the same way
    train, test = datasets.load_dataset("digits")
    plan = _plan(1)
    pair = shortcut.start(train, plan)
    assert shortcut.train(pair)
    models = {m: t.model_for_eval() for m, t in pair.trainers.items()}
    caught = shortcut.catch(models, test, plan.cue, plan.target)
    table = at.dataframe[0].value
    expected = np.array([[c.accuracy, c.swapped_share, c.reverse_share, c.cued_share]
                         for c in (caught["cued"], caught["clean"])])
    np.testing.assert_allclose(table.to_numpy(dtype=float), expected, rtol=0, atol=1e-12)
    assert list(table.index) == [EN["row_cued"], EN["row_clean"]]
    reads = next(m.value for m in at.markdown if m.value.startswith("The cued model calls"))
    assert f"calls {round(100 * caught['cued'].swapped_share)}% of the other" in reads
    spec = chart_spec(at, "shortcut_confusion")
    assert len(spec["data"]) == 2  # one figure, the two models' cue-swapped matrices
    # the two saved models: the same weights as core's, cards that record the plan
    saved = _library()
    assert set(saved) == {"cued", "clean"}
    for m, (path, _) in saved.items():
        model, loaded = load_checkpoint(path)
        assert loaded.name == f"Shortcut (snow on 0): {EN[f'model_{m}']}"
        assert loaded.metrics["shortcut"] == {**plan.record(), "model": m}
        assert loaded.metrics["stopped"] is False
        assert loaded.metrics["swapped_share"] == pytest.approx(caught[m].swapped_share)
        assert loaded.dataset == "digits" and loaded.mean == list(train.mean)
        for k, v in models[m].state_dict().items():
            torch.testing.assert_close(model.state_dict()[k], v, rtol=0, atol=0)
    # the score table: core's explain on the same images
    sub, masks, _ = cues.cued_test(test, plan.cue, plan.target, count=IMAGES)
    params = trust.default_settings((1, 28, 28), large=False, mean=train.mean,
                                    std=train.std).params
    ex = isc.explain(models, sub.normalize(sub.images), masks.numpy(), target=0,
                     methods=METHODS, params={m: params[m] for m in METHODS if m in params})
    scores = at.dataframe[1].value
    assert list(scores[EN["col_method"]]) == [
        trust_texts.EN["reference"].format(title=trust_texts.EN[f"method_{m}"])
        if m in trust.REFERENCES else trust_texts.EN[f"method_{m}"] for m in METHODS]
    shown = scores[[EN[c] for c in ("col_mass_cued", "col_mass_cued_ci", "col_mass_clean",
                                    "col_mass_clean_ci", "col_point_cued",
                                    "col_point_clean")]].to_numpy(dtype=float)
    want = np.array([[s.mass["cued"], s.mass_ci["cued"], s.mass["clean"], s.mass_ci["clean"],
                      s.pointing["cued"], s.pointing["clean"]] for s in ex.scores()])
    np.testing.assert_allclose(shown, want, rtol=1e-5, atol=1e-6, equal_nan=True)
    share = next(c.value for c in at.caption if c.value.startswith("Relevance mass:"))
    assert f"covers {ex.mask_share() * 100:.1f}%" in share
    # one image: the image, the mask and each method's map, for both models
    maps = chart_spec(at, "shortcut_image_maps")
    assert len(maps["data"]) == 2 * (2 + len(METHODS))
    # opening a model makes it the sidebar's
    at.button(key="shortcut_open_cued").click().run()
    assert at.session_state["active_model"] == f"library:{saved['cued'][0].name}"


def test_stop_keeps_what_is_done(app):
    at = _tiny(_lab(app), epochs=30)
    at.button(key="shortcut_run").click().run()
    assert at.button(key="shortcut_stop")
    at.button(key="shortcut_stop").click().run()
    at = advance(at, _done, limit=5)
    assert any(i.value.startswith("Stopped during training after") for i in at.info)
    assert len(at.dataframe) == 1  # the catch, no maps
    saved = _library()
    assert set(saved) == {"cued", "clean"}
    for _, card in saved.values():
        assert card.metrics["stopped"] is True and card.metrics["epochs"] < 30
    assert at.button(key="shortcut_run")  # ready for the next run


def test_a_spanish_run_renders(app):
    at = _tiny(_lab(app, lang="es"), images=2, methods=["vanilla", "random"])
    assert any(m.value.startswith("Entrenamiento con") for m in at.markdown)
    at.button(key="shortcut_run").click().run()
    at = advance(at, lambda a: len(a.dataframe) >= 2, limit=80)
    assert not at.error
    assert ES["catch_header"] in [h.value for h in at.subheader]
    assert list(at.dataframe[0].value.columns) == [ES["col_accuracy"], ES["col_swapped"],
                                                  ES["col_reverse"], ES["col_cued"]]
    assert any(m.value.startswith("El modelo con señal llama") for m in at.markdown)


def test_a_square_too_large_for_the_images_shows_an_error(app):
    at = _lab(app)
    at.selectbox(key="shortcut_cue").set_value("square").run()
    assert not at.error
    at.number_input(key="shortcut_size_28").set_value(20).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("This cannot be run:")
    assert "14" in at.error[0].value and "20" in at.error[0].value
    assert "shortcut_run" not in [b.key for b in at.button]


def test_a_diverged_training_shows_an_error_and_stops(app, monkeypatch):
    import torch.nn.functional as F

    from core.train import training

    real = F.cross_entropy
    monkeypatch.setattr(training.F, "cross_entropy",
                        lambda logits, y: real(logits, y) * float("nan"))
    at = _tiny(_lab(app))
    at.button(key="shortcut_run").click().run()
    at = advance(at, _done, limit=5)
    assert len(at.error) == 1
    assert at.error[0].value.startswith("The run stopped: Training diverged at epoch 1, "
                                        "step 1")
    assert len(at.dataframe) == 1  # the catch of the models as they were; no maps
    saved = _library()
    assert set(saved) == {"cued", "clean"}
    for _, card in saved.values():
        assert card.metrics["stopped"] is True and "diverged" in card.metrics
