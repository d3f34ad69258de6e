"""The shortcut experiment: two models, one trained with a planted cue; the cue-swapped test
shows the shortcut, and the maps of the cued model put more mass on the cue's pixels."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from core.checks import InputError
from core.data import cues, datasets
from core.interpret import localisation, saliency, trust
from core.interpret import shortcut as explain_shortcut
from core.models import cards
from core.train import shortcut, training

# Small and fast: two epochs at batch 64 (the default experiment trains longer).
FAST = training.TrainConfig(epochs=2, batch_size=64, lr=2e-3, val_fraction=0.0, seed=0)
PLAN = shortcut.Plan(cue=cues.Cue("snow", seed=0), target=3, config=FAST)


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits()


@pytest.fixture(scope="module")
def trained(digits):
    train, _ = digits
    before = train.images.clone()
    pair = shortcut.start(train, PLAN)
    first = {m: {k: v.clone() for k, v in t.model.state_dict().items()}
             for m, t in pair.trainers.items()}
    assert shortcut.train(pair)
    assert torch.equal(train.images, before)  # the clean model's data is untouched
    models = {m: t.model_for_eval() for m, t in pair.trainers.items()}
    return pair, first, models


def test_both_models_start_from_the_same_weights(trained):
    _, first, _ = trained
    assert first["cued"].keys() == first["clean"].keys()
    for k in first["cued"]:
        assert torch.equal(first["cued"][k], first["clean"][k])


def test_the_cued_model_calls_the_dogs_in_the_snow_wolves(trained, digits):
    _, test = digits
    _, _, models = trained
    caught = shortcut.catch(models, test, PLAN.cue, PLAN.target)
    cued, clean = caught["cued"], caught["clean"]
    assert cued.swapped_share > 0.3 and cued.swapped_share > 5 * clean.swapped_share
    assert cued.reverse_share < clean.reverse_share  # the target without its cue is missed
    assert clean.accuracy > 0.8


def test_occlusion_and_gradcam_put_more_mass_on_the_cue_for_the_cued_model(trained, digits):
    train, test = digits
    _, _, models = trained
    sub, masks, _ = cues.cued_test(test, PLAN.cue, PLAN.target, count=30)
    params = trust.default_settings((1, 28, 28), large=False, mean=train.mean,
                                    std=train.std).params
    ex = explain_shortcut.explain(models, sub.normalize(sub.images), masks.numpy(),
                                  target=PLAN.target, methods=("gradcam", "occlusion"),
                                  params=params)
    scores = {s.method: s for s in ex.scores()}
    for m in ("gradcam", "occlusion"):
        assert scores[m].mass["cued"] > scores[m].mass["clean"], m
    assert ex.done == 30 and not ex.stopped
    assert ex.mask_share() == pytest.approx(float(masks.float().mean()))


def test_catch_equals_a_direct_loop(trained, digits):
    _, test = digits
    _, _, models = trained
    caught = shortcut.catch(models, test, PLAN.cue, PLAN.target)
    others = torch.nonzero(test.labels != PLAN.target).flatten()
    own = torch.nonzero(test.labels == PLAN.target).flatten()
    for name, model in models.items():
        def pred(images, model=model):
            with torch.no_grad():
                return [int(model(test.normalize(img[None])).argmax()) for img in images]
        stamped = PLAN.cue.stamp(test.images[others], others, "test")[0]
        swapped = pred(stamped)
        assert caught[name].swapped_share == pytest.approx(np.mean(np.array(swapped) == 3))
        confusion = np.zeros((10, 10), int)
        for t, p in zip(test.labels[others].tolist(), swapped, strict=True):
            confusion[t, p] += 1
        np.testing.assert_array_equal(caught[name].swapped.confusion, confusion)
        plain = np.array(pred(test.images))
        assert caught[name].accuracy == pytest.approx(np.mean(plain == test.labels.numpy()))
        assert caught[name].reverse_share == pytest.approx(np.mean(plain[own.numpy()] == 3))
        with_cue = pred(PLAN.cue.stamp(test.images[own], own, "test")[0])
        assert caught[name].cued_share == pytest.approx(np.mean(np.array(with_cue) == 3))
        shares = shortcut.confusion_share(caught[name])
        np.testing.assert_allclose(shares.sum(1)[confusion.sum(1) > 0], 1.0)


def test_explain_equals_maps_taken_one_image_at_a_time(trained, digits):
    _, test = digits
    _, _, models = trained
    sub, masks, _ = cues.cued_test(test, PLAN.cue, PLAN.target, which="target", count=5)
    x = sub.normalize(sub.images)
    ex = explain_shortcut.explain(models, x, masks.numpy(), target=PLAN.target,
                                  explain="target", methods=("vanilla",))
    for name, model in models.items():
        heat = np.stack([saliency.attribute("vanilla", model, x[i:i + 1], PLAN.target).heat
                         for i in range(5)])
        np.testing.assert_allclose(ex.maps[name].maps["vanilla"], heat, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(ex.mass[name]["vanilla"],
                                   localisation.relevance_mass(heat, masks.numpy()), rtol=1e-5)
        np.testing.assert_array_equal(ex.pointing[name]["vanilla"],
                                      localisation.pointing_game(heat, masks.numpy()))
        assert ex.maps[name].targets.tolist() == [PLAN.target] * 5
    by_prediction = explain_shortcut.explain(models, x, masks.numpy(), target=PLAN.target,
                                             methods=("vanilla",))
    for name, model in models.items():
        with torch.no_grad():
            assert by_prediction.maps[name].targets.tolist() == model(x).argmax(1).tolist()


def test_a_stop_keeps_what_is_done(digits):
    train, _ = digits
    pair = shortcut.start(train, PLAN)
    assert not shortcut.train(pair, should_stop=lambda: True)
    assert pair.fraction() == 0
    pair.run_for(0.05)
    assert 0 < pair.fraction() < 1 and not pair.finished


def test_the_cards_record_the_cue(trained, digits):
    train, _ = digits
    pair, _, models = trained
    card = shortcut.make_card(models["cued"], pair, "cued", "cued", {"test_accuracy": 0.9},
                              train)
    again = cards.ModelCard.from_json(card.to_json())
    record = again.metrics["shortcut"]
    assert record == {"cue": {"kind": "snow", "corner": "top_left", "density": 0.2, "seed": 0},
                      "target": 3, "share_target": 1.0, "share_other": 0.0, "model": "cued"}
    assert json.loads(card.to_json())["dataset"] == "digits"
    with pytest.raises(InputError):
        shortcut.make_card(models["cued"], pair, "x", "both", {}, train)


def test_a_test_split_without_the_target_class_is_refused(digits):
    _, test = digits
    only = cues.stamp_split(test, torch.nonzero(test.labels == 3).flatten(), None)[0]
    with pytest.raises(InputError) as err:
        shortcut.catch({"m": torch.nn.Identity()}, only, PLAN.cue, 3)
    assert err.value.key == "shortcut_test_classes"
