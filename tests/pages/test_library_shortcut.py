"""AppTest: a model made by the shortcut lab says so in the Model library, from its card."""

from __future__ import annotations

import pytest

from core.data import cues, datasets
from core.models import checkpoints
from core.train import shortcut, training
from dashboard import texts
from tests.pages.conftest import open_tab

KEY = "train_library"


@pytest.fixture
def saved(_cnnlab_home):
    train, _ = datasets.load_digits()
    plan = shortcut.Plan(cue=cues.Cue("square"), target=7, share_target=0.9, share_other=0.05)
    pair = shortcut.Pair(plan, None, {})  # the card needs the plan only
    model = training.build_for(plan.arch, train, plan.config).eval()
    card = shortcut.make_card(model, pair, "Shortcut pair: cued", "cued",
                              {"test_accuracy": 0.5}, train)
    directory = _cnnlab_home / "models" / "shortcut-cued"
    checkpoints.save_checkpoint(model, card, directory)
    return directory


@pytest.mark.parametrize("lang, words", [
    ("en", ("square on class 7", "90% of its training images", "5% of the other",
            "**cued** model")),
    ("es", ("cuadrado en la clase 7", "90\u00a0% de sus", "5\u00a0% de las",
            "modelo **con señal**")),
])
def test_the_library_names_the_cue_of_a_shortcut_model(app, saved, lang, words):
    at = app("train", lang=lang)
    open_tab(at, "train_tab", texts.get("train", lang)["tab_library"])
    at.selectbox(key=f"{KEY}_chosen").set_value(saved.name).run()
    assert not at.exception, [e.message for e in at.exception]
    note = next(c.value for c in at.caption if "7" in c.value and "**" in c.value)
    for w in words:
        assert w in note, (w, note)


def test_other_models_get_no_such_note(app, _cnnlab_home):
    at = app("train")
    open_tab(at, "train_tab", texts.get("train", "en")["tab_library"])
    assert not any("shortcut lab" in c.value for c in at.caption)
