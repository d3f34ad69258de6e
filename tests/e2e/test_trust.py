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
    # while Streamlit swaps the chart, the old and the new one can both be in the page: wait
    # until one is left, with a line per method in each panel, and the lines are image 3's own
    page.wait_for_function(
        """([n, d]) => {
            const charts = document.querySelectorAll('.st-key-trust_image_curves .js-plotly-plot');
            if (charts.length !== 1) return false;
            const line = charts[0].querySelector('.scatterlayer .trace path.js-line');
            return charts[0].querySelectorAll('.scatterlayer .trace').length === n
                && line !== null && line.getAttribute('d') !== d;
        }""", arg=[2 * len(trust.MAP_METHODS), before], timeout=60_000)
    page.wait_for_function("() => document.querySelectorAll("
                           "'.st-key-trust_image_maps .js-plotly-plot').length === 1")
    chart = page.locator(".st-key-trust_image_curves .js-plotly-plot")
    assert chart.locator(".scatterlayer .trace").count() == 2 * len(trust.MAP_METHODS)
