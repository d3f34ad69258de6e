"""Real browser (Playwright + Debian Chromium) against the real server: drawing a digit with the
mouse updates the prediction panel; a link copied after a language switch opens the same view
in a new browser context; a click on the occlusion walk-through moves the occluder."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import open_page, wait_idle


def _stroke(page, canvas, points) -> None:
    """Press, move through ``points`` (fractions of the canvas) and release, as a hand does."""
    box = canvas.bounding_box()
    x0, y0 = box["x"], box["y"]
    first, *rest = points
    page.mouse.move(x0 + first[0] * box["width"], y0 + first[1] * box["height"])
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(x0 + x * box["width"], y0 + y * box["height"], steps=8)
    page.mouse.up()


def _top3(page) -> str:
    return page.get_by_text(re.compile(r"^Top 3: ")).first.inner_text()


def test_drawing_a_digit_updates_the_prediction(page, app_url):
    open_page(page, app_url, "Layers")
    page.get_by_role("tab", name="Inside the network").click()
    source = page.locator(".st-key-layers_net_img_source")
    source.get_by_text("Draw", exact=True).click()
    wait_idle(page)
    page.get_by_text("Draw something on the canvas").first.wait_for()
    canvas = page.locator(".st-key-layers_net_img_canvas canvas").last  # Fabric's top layer
    canvas.wait_for()
    _stroke(page, canvas, [(0.5, 0.15), (0.52, 0.5), (0.5, 0.85)])  # a "1"
    page.get_by_text(re.compile(r"^Top 3: ")).first.wait_for(timeout=60_000)
    wait_idle(page)
    first = _top3(page)
    assert first.count("%") == 3
    _stroke(page, canvas, [(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)])  # ... now with a bar: a "7"
    page.wait_for_function(
        "old => [...document.querySelectorAll('p')].some(p => p.innerText.startsWith('Top 3: ')"
        " && p.innerText !== old)", arg=first, timeout=60_000)
    wait_idle(page)
    assert _top3(page) != first
    assert page.get_by_text("What the model sees").first.is_visible()


def test_a_copied_link_opens_the_same_view(page, browser, app_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, app_url, "Occlusion")
    index = page.locator(".st-key-occ_img_index input")
    index.fill("17")
    index.press("Enter")
    wait_idle(page)
    baseline = page.locator(".st-key-occ_baseline")
    baseline.locator("input").click()
    page.get_by_role("option", name="blurred image").click()
    wait_idle(page)
    # in Spanish now: the link must hold the Spanish label of the choice
    page.locator("[data-testid='stSidebar']").get_by_text("Español").click()
    wait_idle(page)
    page.get_by_role("button", name="Copiar el enlace a esta vista").click()
    page.get_by_text("Enlace copiado").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert "/occlusion?" in link and "occ_img_index=17" in link and "lang=es" in link
    other = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = other.new_page()
        fresh.goto(link)
        fresh.get_by_role("heading", name="Oclusión").first.wait_for(timeout=120_000)
        wait_idle(fresh)
        # Playwright's waiting assertions: at idle a rerun can still be about to draw
        expect(fresh.locator(".st-key-occ_img_index input")).to_have_value("17", timeout=30_000)
        expect(fresh.locator(".st-key-occ_baseline input")).to_have_value("imagen desenfocada",
                                                                          timeout=30_000)
        assert not fresh.get_by_text("No se pudo usar").count()
    finally:
        other.close()


def test_a_click_on_the_walk_through_places_the_occluder(page, app_url):
    open_page(page, app_url, "Occlusion")
    chart = page.locator(".st-key-occ_walk_image .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    chart.wait_for()
    title = page.locator(".st-key-occ_walk_image .gtitle")
    assert "(0, 0)" in title.text_content()
    area = page.locator(".st-key-occ_walk_image .nsewdrag").first.bounding_box()
    # the bottom-right of the image: the last position of the grid
    page.mouse.click(area["x"] + area["width"] * 0.9, area["y"] + area["height"] * 0.9)
    page.wait_for_function(
        # the chart is redrawn: its title can be missing for a moment
        "() => { const t = document.querySelector('.st-key-occ_walk_image .gtitle');"
        " return t && !t.textContent.includes('(0, 0)'); }", timeout=60_000)
    wait_idle(page)
    text = page.locator(".st-key-occ_walk_image .gtitle").text_content()
    row, col = (int(v) for v in re.search(r"\((\d+), (\d+)\)", text).groups())
    assert row >= 8 and col >= 8  # the default 4 px window, stride 2: positions 0..12
