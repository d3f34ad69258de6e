"""AppTest: drawing and photographing as image sources (dashboard.picker): the drawing is made
MNIST-style, the top 3 follow it, it goes along to the other pages; camera photos get the
upload checks. AppTest cannot draw on the canvas: a test hands the canvas's state (the PNG the
browser would send) to the session, as the component does."""

from __future__ import annotations

import base64
import io

import numpy as np
import torch
from PIL import Image

from core.data import datasets, drawing, images
from core.models import checkpoints
from dashboard import picker, texts
from tests.core.test_drawing import TEMPLATES, render


def canvas_state(rgba: np.ndarray) -> dict:
    """What the drawing canvas keeps in the session after a stroke."""
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    return {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": url},
            "backgroundFit": None}


def draw(at, picker_key: str, digit: int):
    rgba = render(TEMPLATES[digit], side=picker.CANVAS, width=picker.BRUSH)
    at.session_state[f"{picker_key}_canvas"] = canvas_state(rgba)
    return at.run(), rgba


def expected_top3(path, rgba: np.ndarray) -> str:
    """The top 3 from core alone: MNIST-style at the digits' own box, the card's
    normalisation, the model."""
    model, card = checkpoints.load_checkpoint(path)
    box = drawing.ink_box(datasets.load_digits()[0].images.numpy())
    field = drawing.mnist_style(drawing.ink_from_rgba(rgba), box=box)
    _, x = images.prepare_input(drawing.to_image(field), input_shape=card.input_shape,
                                mean=card.mean, std=card.std)
    with torch.no_grad():
        probs = torch.softmax(model(x), 1)[0].numpy()
    best = np.argsort(-probs, kind="stable")[:3]
    return "Top 3: " + " · ".join(f"**{card.classes[i]}** {100 * probs[i]:.1f}%" for i in best)


def top3(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(("Top 3", "Las 3"))]


def test_a_drawing_on_layers_is_read_by_the_model(app, trained_default):
    at = app("layers", link={"layers_tab": texts.get("layers")["tab_network"]})
    at.radio(key="layers_net_img_source").set_value("draw").run()
    assert any(i.value.startswith("Draw something") for i in at.info)
    assert not top3(at)
    at, rgba = draw(at, "layers_net_img", 7)
    assert not at.exception and not at.error
    assert top3(at) == [expected_top3(trained_default, rgba)]
    assert any("box scaled to 28 px" in c.value and "28 × 28" in c.value for c in at.caption)
    assert any("predicted" in m.value.lower() for m in at.markdown)  # the page's own panel
    links = [p.proto.label for p in at.get("page_link")]
    assert {"Occlusion", "Saliency", "Trust"} <= set(links)


def test_a_new_stroke_updates_the_prediction(app, trained_default):
    at = app("occlusion")
    at.radio(key="occ_img_source").set_value("draw").run()
    at, first = draw(at, "occ_img", 1)
    shown = top3(at)
    at, second = draw(at, "occ_img", 0)
    assert top3(at) == [expected_top3(trained_default, second)] != shown


def test_the_drawing_goes_along_to_saliency(app, trained_default):
    at = app("layers", link={"layers_tab": texts.get("layers")["tab_network"]})
    at.radio(key="layers_net_img_source").set_value("draw").run()
    at, rgba = draw(at, "layers_net_img", 3)
    at.switch_page("../pages/saliency.py").run()
    assert at.radio(key="sal_img_source").value == "draw"
    assert top3(at) == [expected_top3(trained_default, rgba)]
    assert any(c.value.startswith("Image from Layers") for c in at.caption)
    assert not at.error


def test_a_drawing_for_a_colour_model_is_used_as_it_is(app, resnet18_weights):
    at = app("saliency")
    at.session_state["active_model"] = "imagenet:resnet18"
    at.run()
    at.radio(key="sal_img_source").set_value("draw").run()
    at, _ = draw(at, "sal_img", 8)
    assert not at.exception and not at.error
    assert any(c.value.startswith("What the model sees: the drawing, resized")
               for c in at.caption)
    assert len(top3(at)) == 1


def test_a_drawing_in_spanish(app):
    at = app("occlusion", lang="es")
    at.radio(key="occ_img_source").set_value("draw").run()
    assert any(i.value.startswith("Dibuja algo") for i in at.info)
    at, _ = draw(at, "occ_img", 2)
    (line,) = top3(at)
    assert line.startswith("Las 3 primeras: ") and "\u00a0%" in line and "," in line


def jpeg(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, "JPEG")
    return buf.getvalue()


def test_a_camera_photo_is_checked_like_an_upload(app):
    at = app("saliency")
    at.radio(key="sal_img_source").set_value("camera").run()
    photo = np.zeros((60, 80, 3), np.uint8)
    photo[20:40, 30:50] = 255
    at.camera_input(key="sal_img_camera").set_value(("shot.jpg", jpeg(photo), "image/jpeg"))
    at.run()
    assert not at.exception and not at.error
    assert any("3×60×80" in c.value for c in at.caption)  # the fit note names the photo's size
    at.camera_input(key="sal_img_camera").set_value(("shot.jpg", b"not a jpeg", "image/jpeg"))
    at.run()
    assert not at.exception
    assert any(e.value.startswith("This image cannot be used") for e in at.error)


def test_the_trust_scoreboard_scores_a_drawing(app):
    at = app("trust", link={"trust_images": "One image of yours"})
    assert at.session_state["trust_images"] == "own"
    at.radio(key="trust_img_source").set_value("draw").run()
    at, _ = draw(at, "trust_img", 4)
    assert any(m.value.startswith("On your image, target = the predicted class") for m in
               at.markdown)
    at.button(key="trust_run").click().run()
    assert not at.exception and not at.error
    assert any(s.value == "One image" for s in at.subheader)
    assert len(top3(at)) == 1
