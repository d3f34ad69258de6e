"""Real browser (Playwright + Debian Chromium) against the real server: navigation and one
interaction per page."""

from __future__ import annotations

from tests.e2e.conftest import wait_charts, wait_idle


def _result(page, containing: str):
    """The Pooling Calculator's result block (``widgets.copy_block``) once it shows
    ``containing``."""
    block = page.locator(".st-key-pooling_result pre").filter(has_text=containing)
    block.wait_for()
    return block


def test_home_then_pooling_calculator(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("heading", name="CNN Lab").first.wait_for()
    sidebar = page.get_by_test_id("stSidebarUserContent")
    assert sidebar.get_by_text("Active dataset and model").is_visible()

    # navigate with the sidebar's navigation, as a user would
    page.locator("[data-testid='stSidebarNav']").get_by_text("Pooling Calculator").click()
    page.get_by_role("heading", name="Pooling Calculator").wait_for()
    wait_idle(page)
    assert _result(page, "[[4, 8],").inner_text() == "[[4, 8],\n [6, 9]]"
    # its button copies the text (to the clipboard, or selected for Ctrl+C where there is none)
    copy = page.locator(".st-key-pooling_result button")
    copy.click()
    assert copy.get_attribute("data-copied") == "[[4, 8],\n [6, 9]]"

    # change a parameter: stride 2 -> 1 gives a 3x3 result
    stride = page.get_by_label("Stride")
    stride.fill("1")
    stride.press("Enter")
    block = _result(page, "[[4, 5, 8],")
    wait_idle(page)
    assert block.inner_text() == "[[4, 5, 8],\n [6, 9, 9],\n [6, 9, 9]]"
    assert page.get_by_text("3 × 3").first.is_visible()
    # the input and output tables (HTML): the first window outlined, its max marked
    page.locator(".st-key-pooling_output_table td[data-mark='window']").wait_for()
    chosen = page.locator(".st-key-pooling_input_table td[data-mark='chosen']")
    assert chosen.inner_text() == "4"


def test_pooling_grid_editor_cell_edit(page, app_url):
    page.goto(f"{app_url}/pooling")
    wait_idle(page)
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the grid canvas lays out after the element appears
    box = grid.bounding_box()
    # the notes matrix is 4x4; select the cell at row 2, column 2 (value 9) and type 42
    col_width = (box["width"] - 50) / 4  # ~50 px index column, then 4 equal columns
    page.mouse.click(box["x"] + 50 + col_width * 2.5, box["y"] + 35 + 35 * 2.5)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # open the cell editor
    page.wait_for_timeout(300)
    page.keyboard.press("Control+a")
    page.keyboard.type("42", delay=50)
    page.keyboard.press("Enter")
    block = _result(page, "[6, 42]]")
    wait_idle(page)
    assert block.inner_text() == "[[4, 8],\n [6, 42]]"


def test_layers_feature_maps(page, app_url):
    page.goto(f"{app_url}/layers")
    wait_idle(page)
    page.get_by_role("heading", name="Layers").first.wait_for()
    # convolution by hand: four default kernels -> a grid of four feature maps
    page.get_by_text("Sobel x").first.wait_for()
    wait_charts(page, at_least=1)
    assert page.locator("[data-testid='stMain'] [data-testid='stImage'] img").first.is_visible()
    # inside the network: the default model (trained on first use) predicts test image 0
    page.get_by_role("tab", name="Inside the network").click()
    page.get_by_text("Predicted").first.wait_for(timeout=120_000)
    wait_idle(page)
    assert page.get_by_text("32 of 32 feature maps of relu1").is_visible()


def _progress_text(page) -> str:
    return page.locator("[data-testid='stProgress']").first.inner_text()


def test_train_start_progress_stop(page, app_url):
    main = page.get_by_test_id("stMainBlockContainer")  # not Streamlit's own toolbar "Stop"
    page.goto(f"{app_url}/train")
    wait_idle(page)
    page.get_by_role("button", name="Start training").wait_for(timeout=120_000)
    page.get_by_label("Epochs").fill("30")
    page.get_by_label("Epochs").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    main.get_by_role("button", name="Stop").wait_for()
    page.locator("[data-testid='stProgress']").first.wait_for()
    first = _progress_text(page)
    # the fragment reruns itself: the step counter moves without any click
    page.wait_for_function(
        "(t) => { const e = document.querySelector(\"[data-testid='stProgress']\");"
        " return e && e.innerText !== t; }", arg=first, timeout=30_000)
    main.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped after").wait_for(timeout=30_000)
    page.get_by_role("button", name="Resume").wait_for()


def test_train_confusion_matrix_click_shows_the_cell(page, app_url):
    page.goto(f"{app_url}/train")
    wait_idle(page)
    page.get_by_role("tab", name="Evaluate").click()
    page.get_by_text("Confusion matrix").wait_for(timeout=120_000)
    wait_idle(page)
    # markers are drawn row-major over (true, predicted): (3, 3) is point 33
    point = page.locator(".st-key-train_eval_confusion .scatterlayer .trace .points path").nth(33)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()  # Plotly's drag layer sits on top: click where the marker is
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text("of class 3 predicted as 3").wait_for(timeout=30_000)


def test_embeddings_click_a_point_shows_its_image(page, app_url):
    page.goto(f"{app_url}/embeddings")
    wait_idle(page)
    page.get_by_text("k-NN accuracy in the map").first.wait_for(timeout=120_000)
    wait_idle(page)
    row = page.get_by_label("Index of the selected point")
    assert row.input_value() == "0"
    point = page.locator(".st-key-emb_map_features .scatterlayer .trace .points path").nth(25)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()  # Plotly's drag layer sits on top: click where the marker is
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => { const e = document.querySelector("
        "'input[aria-label=\"Index of the selected point\"]');"
        " return e && e.value !== '0'; }", timeout=30_000)
    wait_idle(page)
    chosen = row.input_value()
    captions = page.locator("[data-testid='stImageCaption']").all_inner_texts()
    assert any("· true" in c for c in captions), captions
    assert page.get_by_text("nearest neighbours in feature space").is_visible()
    assert chosen != "0"


def test_occlusion_map(page, app_url):
    page.goto(f"{app_url}/occlusion")
    wait_idle(page)
    summary = page.get_by_text("Unoccluded:")
    run = page.get_by_role("button", name="Run the occlusion experiment")
    # the map runs by itself when its measured estimate is under 2 s; on a machine slowed by
    # other work (the browser drawing the previous page, say) the page asks first
    summary.or_(run).first.wait_for(timeout=120_000)
    if run.is_visible():
        run.click()
    summary.wait_for(timeout=120_000)
    # Plotly draws the chart (and its title) after the summary text: wait for it to be visible
    page.get_by_text("Most probable class with the occluder").first.wait_for(timeout=60_000)


def test_saliency_grid(page, app_url):
    page.goto(f"{app_url}/saliency")
    wait_idle(page)
    page.get_by_role("heading", name="Saliency").first.wait_for()
    page.locator(".st-key-sal_overlay_ig img").wait_for(timeout=120_000)
    wait_idle(page)
    keys = ("vanilla", "guided", "smoothgrad", "ig", "gradcam", "guided_gradcam")
    for key in keys:  # the map over the image (an image)
        overlay = page.locator(f".st-key-sal_overlay_{key} img")
        overlay.wait_for()
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                               arg=overlay.element_handle())
    # the raw maps (heatmap charts with hover values) once their expander is opened
    assert not page.locator("[class*='st-key-sal_map_']").count()
    page.get_by_text("Each map alone, with its values").click()
    for key in keys:
        chart = page.locator(f".st-key-sal_map_{key} .js-plotly-plot")
        chart.wait_for()
        chart.locator("g.hm image").first.wait_for()  # a heatmap was drawn
    assert page.get_by_text("Completeness: sum of attributions").is_visible()
    # the sanity check runs from the page and draws its correlation chart
    page.get_by_role("button", name="Run the sanity check").click()
    page.locator(".st-key-sal_sanity_corr .js-plotly-plot").wait_for(timeout=120_000)
    wait_idle(page)


def test_style_transfer_short_run_shows_the_result(page, app_url):
    main = page.get_by_test_id("stMainBlockContainer")
    page.goto(f"{app_url}/style_transfer")
    wait_idle(page)
    page.get_by_role("heading", name="Style Transfer").first.wait_for()
    start = page.get_by_role("button", name="Start style transfer")
    start.wait_for(timeout=120_000)
    steps = page.get_by_label("Steps (one forward + backward pass each)")
    steps.fill("5")
    steps.press("Enter")
    page.get_by_text("5 steps at").first.wait_for()
    wait_idle(page)
    assert page.get_by_text("Peak memory of the largest stage").is_visible()
    start.click()
    page.get_by_text("Finished: 5 steps").wait_for(timeout=120_000)
    wait_idle(page)
    caption = main.get_by_test_id("stImageCaption").filter(has_text="Result after 5 steps")
    caption.wait_for()
    image = page.locator("[data-testid='stImage']").filter(has_text="Result after 5 steps") \
        .locator("img")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 256  # the default output size
    assert main.get_by_role("button", name="Download the image (PNG)").is_visible()
    wait_charts(page, ".st-key-sty_losses .js-plotly-plot")
