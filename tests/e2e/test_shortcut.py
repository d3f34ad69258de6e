"""Real browser (Playwright + Debian Chromium) against the real server: the Trust page's shortcut
lab, run once with tiny settings (1 epoch, 4 images) to its score table."""

from __future__ import annotations

import re

from tests.e2e.conftest import open_page, wait_idle


def _number(page, name: str, value: str) -> None:
    box = page.get_by_role("spinbutton", name=name)
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def test_shortcut_lab_tiny_run_to_the_score_table(page, app_url):
    main = page.get_by_test_id("stMainBlockContainer")
    open_page(page, app_url, "Trust")
    page.locator(".st-key-trust_section").get_by_role("radio", name="Shortcut lab").click()
    page.get_by_text("Training on Digits (scikit-learn): 1437 train / 360 test").wait_for(
        timeout=120_000)
    wait_idle(page)
    main.locator("summary").filter(has_text=re.compile(r"Training$")).click()  # open the expander
    _number(page, "Epochs", "1")
    main.locator("summary").filter(has_text=re.compile(r"Explanations$")).click()
    _number(page, "Cued test images to explain", "4")
    page.get_by_text("passes for the maps of 4 images").wait_for()
    main.get_by_role("button", name="Run the experiment").click()
    # the run has started (its Stop button) or, if it was quick, finished
    page.locator(".st-key-shortcut_stop, .st-key-shortcut_scores_table").first.wait_for(
        timeout=60_000)
    page.get_by_role("heading", name="3. Which explanations see it").wait_for(timeout=180_000)
    wait_idle(page)
    tables = main.get_by_test_id("stDataFrame")
    tables.nth(1).wait_for()  # the catch table, then the score table
    assert tables.count() == 2
    page.locator(".st-key-shortcut_confusion .js-plotly-plot").wait_for()
    page.locator(".st-key-shortcut_image_maps .js-plotly-plot").wait_for()
    assert page.get_by_role("button", name="Open the cued model").is_visible()
    caption = page.get_by_text("Relevance mass: the share of a map's positive attribution")
    assert "mean over 4 cued test images" in caption.inner_text()
