"""Real browser: upload your own .pth on Train -> Model library, import it, and see its layers on
the Layers page."""

from __future__ import annotations

import torch
import torchvision

from tests.e2e.conftest import wait_idle


def _state_dict_file(tmp_path) -> str:
    """A SqueezeNet 1.1 with random weights and 3 classes, saved as a plain state_dict."""
    torch.manual_seed(0)
    model = torchvision.models.squeezenet1_1(weights=None, num_classes=3).eval()
    path = tmp_path / "leaves.pth"
    torch.save(model.state_dict(), path)
    return str(path)


def _fill(page, key: str, value: str) -> None:
    """Type into a text widget and commit it (Enter; a text area commits on leaving it)."""
    box = page.locator(f".st-key-{key} input, .st-key-{key} textarea").first
    box.fill(value)
    if box.evaluate("e => e.tagName") == "TEXTAREA":
        page.locator(".st-key-train_library_name input").click()
    else:
        box.press("Enter")
    wait_idle(page)


def test_upload_a_pth_make_it_active_and_see_its_layer_table(page, app_url, tmp_path):
    page.goto(f"{app_url}/train")
    wait_idle(page)
    page.get_by_role("tab", name="Model library").click()
    page.locator(".st-key-train_library_upload input[type='file']").set_input_files(
        _state_dict_file(tmp_path))
    page.locator(".st-key-train_library_arch").wait_for(timeout=60_000)
    wait_idle(page)
    page.locator(".st-key-train_library_arch").click()
    page.get_by_role("option", name="SqueezeNet 1.1").click()
    wait_idle(page)
    _fill(page, "train_library_classes", "oak\nelm\nash")
    _fill(page, "train_library_size", "96")
    _fill(page, "train_library_name", "My leaves")
    page.locator(".st-key-train_library_import button").click()
    page.get_by_text("Uploaded My leaves").wait_for(timeout=120_000)
    wait_idle(page)
    assert page.get_by_text("it is now the active model").first.is_visible()

    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name="Layers", exact=True).click()
    page.get_by_role("heading", name="Layers").first.wait_for()
    wait_idle(page)
    page.get_by_role("tab", name="Inside the network").click()
    # the first activation of SqueezeNet is features.1 (the ReLU after features.0, a conv)
    page.get_by_text("feature maps of features.1").first.wait_for(timeout=120_000)
    page.locator("summary").filter(has_text="Layer table").click()  # open the expander
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    wait_idle(page)
    # the grid draws on a canvas; its accessible copy holds the visible cells' text
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stDataFrame'] [role='gridcell']\")]"
        ".some(e => e.textContent.trim() === 'features.0')", timeout=30_000)
    cells = [c.strip() for c in
             page.locator("[data-testid='stDataFrame'] [role='gridcell']").all_inner_texts()]
    row = cells.index("features.0")
    assert cells[row + 1] == "Conv2d" and "3 × 96 × 96" in cells[:row]  # the form's input size
