"""Real browser (Playwright + Debian Chromium) against the real server: the Trust page's
scoreboard on 8 images, then one image's curves."""

from __future__ import annotations

from core.interpret import trust
from tests.e2e.conftest import open_page, wait_idle


def test_trust_scoreboard_then_one_images_curves(page, app_url):
    main = page.get_by_test_id("stMainBlockContainer")
    open_page(page, app_url, "Trust")
    page.get_by_text("of 360 Digits (scikit-learn) test images").wait_for(timeout=120_000)
    count = page.get_by_role("spinbutton", name="Test images")
    count.fill("8")
    count.press("Enter")
    page.get_by_text("On the first 8 of 360").wait_for()
    wait_idle(page)
    main.get_by_role("button", name="Compute the scoreboard").click()
    page.get_by_text("8 of 360 test images, target = the predicted class").wait_for(
        timeout=180_000)
    main.get_by_test_id("stDataFrame").first.wait_for()  # the sorted table
    page.locator(".st-key-trust_mean_curves .js-plotly-plot").wait_for()
    wait_idle(page)

    # pick image 3 in the per-image view: its curves chart redraws with one line per method
    first_line = ".st-key-trust_image_curves .scatterlayer .trace path.js-line"
    page.locator(first_line).first.wait_for()
    before = page.locator(first_line).first.get_attribute("d")
    picker = page.locator(".st-key-trust_image input")
    picker.click()
    picker.press("ArrowDown")  # opens the list (a click only focuses it after a page switch)
    page.get_by_role("option", name="#3 ·").click()
    wait_idle(page)
    page.wait_for_function(
        "() => document.querySelector('.st-key-trust_image input').value.startsWith('#3 ')")
    chart = page.locator(".st-key-trust_image_curves .js-plotly-plot")
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    lines = chart.locator(".scatterlayer .trace")
    page.wait_for_function("(n) => document.querySelectorAll("
                           "'.st-key-trust_image_curves .scatterlayer .trace').length >= n",
                           arg=2 * len(trust.MAP_METHODS), timeout=60_000)
    page.wait_for_function("([sel, d]) => document.querySelector(sel).getAttribute('d') !== d",
                           arg=[first_line, before], timeout=60_000)  # image 3's own curves
    assert lines.count() == 2 * len(trust.MAP_METHODS)  # deletion and insertion panels
    assert page.locator(".st-key-trust_image_maps .js-plotly-plot").count() == 1
