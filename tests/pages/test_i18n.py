"""The language: the switch, ?lang=, the browser's language, every page in Spanish, numbers
and error messages in the chosen language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.checks import InputError, check_int, check_pair
from dashboard import errors, i18n, navigation, texts

PAGES = [p.key for p in navigation.PAGES]


def _open(app, key: str = "home", lang: str | None = "es") -> AppTest:
    """The app on a page, opened from a link with ``?lang=`` (None: no parameter)."""
    return app(key, lang=lang)


def _switch(at: AppTest) -> object:
    return at.sidebar.radio(key=i18n.LANG_KEY)


@pytest.mark.parametrize("key", PAGES)
def test_every_page_renders_in_spanish_with_its_spanish_title(app, key):
    at = _open(app, key)
    T = texts.get(key, "es")
    assert at.title[0].value == T["title"]
    if key != "home":
        assert T["title"] != texts.get(key, "en")["title"]
    assert not [e.value for e in at.error], "a page in Spanish shows an error by default"
    # the navigation and the sidebar speak Spanish too
    assert _switch(at).value == "es"
    assert at.sidebar.selectbox(key="active_dataset").label == "Conjunto de datos"


def test_home_links_every_page_by_its_spanish_title(app):
    at = _open(app)
    labels = " ".join(p.proto.label for p in at.get("page_link"))
    for key in PAGES[1:]:
        assert texts.get("navigation", "es")[f"{key}_title"] in labels


def test_the_choice_survives_a_page_switch_and_stays_in_the_url(app):
    at = _open(app, lang=None)
    assert _switch(at).value == "en"
    _switch(at).set_value("es").run()
    assert at.query_params["lang"] == "es"
    at.switch_page("../pages/pooling.py").run()
    assert _switch(at).value == "es"
    assert at.title[0].value == texts.get("pooling", "es")["title"]
    assert at.query_params["lang"] == "es"
    _switch(at).set_value("en").run()
    assert at.title[0].value == "Pooling Calculator"
    at.switch_page("../pages/layers.py").run()
    assert at.title[0].value == "Layers"
    assert at.query_params["lang"] == "en"


def test_the_language_and_model_survive_a_page_switch_that_drops_the_sidebar_widgets(app):
    """A click on the navigation during a run makes Streamlit drop the state of the widgets
    that run had not drawn yet (its page-change reset); the session keeps its language and
    its model all the same, whatever the URL says by then."""
    from dashboard import state

    at = _open(app, lang="es")
    chosen = "imagenet:squeezenet1_1"
    assert at.sidebar.selectbox(key=state.MODEL_KEY).value != chosen
    at.sidebar.selectbox(key=state.MODEL_KEY).set_value(chosen).run()
    for key in (i18n.LANG_KEY, state.DATASET_KEY, state.MODEL_KEY):
        del at.session_state[key]  # what the reset does to the widgets' state
    at.query_params.clear()  # the new page's address carries none of them yet
    for node in at.sidebar:  # nor does the browser send their values
        if getattr(node, "key", None) in (i18n.LANG_KEY, state.DATASET_KEY, state.MODEL_KEY):
            node._value = None
    at.switch_page("../pages/pooling.py").run()
    assert not at.exception
    assert _switch(at).value == "es"
    assert at.title[0].value == texts.get("pooling", "es")["title"]
    assert at.query_params["lang"] == "es"
    assert at.sidebar.selectbox(key=state.MODEL_KEY).value == chosen


def test_with_no_choice_the_browser_language_decides(app, monkeypatch):
    monkeypatch.setattr(i18n, "_locale", lambda: "es-MX")
    assert _switch(_open(app, lang=None)).value == "es"
    monkeypatch.setattr(i18n, "_locale", lambda: "pt-BR")  # a language the lab does not speak
    assert _switch(_open(app, lang=None)).value == "en"
    monkeypatch.setattr(i18n, "_locale", lambda: "es-ES")
    assert _switch(_open(app, lang="en")).value == "en"  # the link's choice wins


def test_a_nonsense_lang_in_the_url_falls_back_quietly(app):
    at = _open(app, lang="klingon")
    assert _switch(at).value == "en"
    assert at.query_params["lang"] == "en"


@pytest.mark.parametrize(("tag", "lang"), [("es", "es"), ("es-AR", "es"), ("ES_es", "es"),
                                           ("en-GB", "en"), ("fr", "en"), ("", "en"),
                                           (None, "en"), ("esperanto", "en")])
def test_browser_language_tags(tag, lang):
    assert i18n.browser_lang(tag) == lang


def test_numbers_in_each_language():
    assert i18n.percent(0.983, 1, "en") == "98.3%"
    assert i18n.percent(0.983, 1, "es") == "98,3\u00a0%"
    assert i18n.number(1234.5, 1, "en") == "1,234.5"
    assert i18n.number(1234.5, 1, "es") == "1.234,5"
    assert i18n.number(0.25, 2, "es", group=False) == "0,25"
    assert i18n.integer(60000, "es") == "60.000"
    assert i18n.general(0.000123, "es", ".3g") == "0,000123"
    assert i18n.number(float("nan"), 2, "es") == "NaN"
    assert i18n.percent(float("inf"), 1, "es") == "∞"
    assert i18n.plotly_separators("es") == ",."
    assert i18n.plotly_separators("en") == ".,"


def test_outside_a_run_the_language_is_english():
    assert i18n.current() == "en"
    assert texts.get("pooling")["title"] == "Pooling Calculator"


def test_a_keyed_error_reads_in_the_chosen_language():
    with pytest.raises(InputError) as info:
        check_int("stride", 0, 1, 8)
    assert str(info.value) == "stride must be an integer in 1..8, got 0"  # the library's words
    assert errors.message(info.value, "en") == \
        "The stride must be a whole number from 1 to 8 (got 0)."
    assert errors.message(info.value, "es") == \
        "El paso (stride) debe ser un número entero entre 1 y 8 (se recibió 0)."
    with pytest.raises(InputError) as info:
        check_pair("kernel", (0, 2))
    assert "0×2" in errors.message(info.value, "es")


def test_an_unkeyed_error_is_framed_in_spanish_with_its_english_detail():
    err = InputError("something only the library says")
    assert errors.message(err, "en") == "something only the library says"
    assert errors.message(err, "es").startswith("Esta entrada no se puede usar.")
    assert "something only the library says" in errors.message(err, "es")


def test_a_template_that_does_not_fit_its_values_falls_back_to_the_frame(caplog):
    err = InputError("stride must be an integer in 1..8, got 0", "int_between", name="stride")
    assert errors.message(err, "es").startswith("Esta entrada no se puede usar.")
    assert "does not fit" in caplog.text  # logged as the bug it is
