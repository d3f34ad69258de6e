"""Real browser: a Spanish link (/?lang=es) gives a Spanish lab on every page of the navigation,
and the switch brings English back."""

from __future__ import annotations

import re

from dashboard import navigation, texts
from tests.e2e.conftest import wait_idle

MIN_LENGTH = 25  # shorter English strings ("Stride", "ReLU") may rightly be the same
SHARED = ("sidebar", "navigation", "charts", "datasets")


def _plain(text: str) -> str:
    """A text value as the page shows it: markdown marks and links reduced to their words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [words](url) -> words
    text = re.sub(r"[*_`#>]+", " ", text)
    return " ".join(text.split())


def _english_phrases(key: str) -> set[str]:
    """The page's English text values of 25+ characters that are not the same in Spanish,
    cut at their placeholders."""
    phrases = set()
    for module in (key, *SHARED):
        en, es = texts.get(module, "en"), texts.get(module, "es")
        for k, value in en.items():
            if es.get(k) == value:
                continue
            for piece in re.split(r"\{[^}]*\}|\n\n", value):
                piece = _plain(piece)
                if len(piece) >= MIN_LENGTH:
                    phrases.add(piece)
    return phrases


def _page_text(page) -> str:
    """Everything the app shows, hidden tabs and collapsed expanders included."""
    return " ".join(page.evaluate(
        "() => document.querySelector(\"[data-testid='stApp']\").textContent").split())


def test_a_spanish_link_gives_a_spanish_lab_on_every_page(page, app_url):
    page.goto(f"{app_url}/?lang=es")
    wait_idle(page)
    nav = page.locator("[data-testid='stSidebarNav']")
    for info in navigation.PAGES:
        title_es = texts.get("navigation", "es")[f"{info.key}_title"]
        nav.get_by_role("link", name=title_es, exact=True).click()
        heading = texts.get(info.key, "es")["title"]
        page.get_by_role("heading", name=heading).first.wait_for(timeout=120_000)
        wait_idle(page)
        page.wait_for_timeout(1500)  # fragments and charts settle
        wait_idle(page)
        assert "lang=es" in page.url, f"{info.key}: the URL lost the language ({page.url})"
        shown = _page_text(page)
        english = sorted(p for p in _english_phrases(info.key) if p in shown)
        assert not english, f"{info.key} in Spanish shows English text: {english[:5]}"

    # back to English with the switch: the English title, and the URL says so
    page.get_by_test_id("stSidebarUserContent").get_by_text("English", exact=True).click()
    page.get_by_role("heading", name=texts.get(navigation.PAGES[-1].key, "en")["title"]) \
        .first.wait_for()
    wait_idle(page)
    assert "lang=en" in page.url
