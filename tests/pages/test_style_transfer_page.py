"""AppTest: the Style Transfer page offline — random features, a tiny live run, the explainers."""

from __future__ import annotations

import pytest

from core.runtime import accel
from tests.pages.conftest import advance as _advance
from tests.pages.conftest import chart_spec as _chart
from tests.pages.conftest import plotly_array


@pytest.fixture(autouse=True)
def offline_hub(hub_dir, no_network):
    """An empty private torch hub cache and no network: a fresh offline machine."""
    return hub_dir




def _tiny(at, steps: int = 4):
    at.select_slider(key="sty_size").set_value(32).run()
    at.number_input(key="sty_steps").set_value(steps).run()
    return at


def test_renders_offline_with_random_features_and_says_where_the_weights_go(app, offline_hub):
    at = app("style_transfer")
    assert not at.error
    assert at.radio(key="sty_weights").value == "random"
    info = " ".join(i.value for i in at.info)
    assert "vgg19-dcbb9e9d.pth" in info and str(offline_hub / "checkpoints") in info
    assert "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth" in info
    assert any("200 steps at 171×256 px" in c.value and "up to conv5_1" in c.value
               for c in at.caption)
    grams = _chart(at, "sty_grams")["data"]
    assert len(grams) == 2 and plotly_array(grams[0]["z"]).shape == (32, 32)


def test_tiny_run_shows_the_image_and_loss_curves(app):
    at = _tiny(app("style_transfer"), steps=4)
    at.button(key="sty_start").click().run()
    assert not at.exception and not at.error
    _advance(at, lambda a: any("Finished: 4 steps" in s.value for s in a.success))
    captions = [img.proto.imgs[0].caption for img in at.get("image")]
    assert "Result after 4 steps" in captions
    result = next(img for img in at.get("image") if img.proto.imgs[0].caption.startswith("Result"))
    assert result.proto.imgs[0].url  # the picture itself was sent
    losses = _chart(at, "sty_losses")["data"]
    named = {t["name"]: plotly_array(t["y"]) for t in losses}
    assert {"total", "content", "style"} <= set(named)  # tv is 0: not drawn on a log axis
    assert len(named["total"]) == 4 and named["total"][-1] < named["total"][0]
    assert at.get("download_button")
    assert at.select_slider(key="sty_size").disabled  # settings are locked by the run
    at.button(key="sty_discard").click().run()
    assert not at.select_slider(key="sty_size").disabled


def test_stop_and_resume(app):
    at = _tiny(app("style_transfer"), steps=2000)
    at.button(key="sty_start").click().run()
    at.button(key="sty_stop").click().run()
    assert any("Stopped after" in i.value for i in at.info)
    done = int(next(i.value for i in at.info if "Stopped after" in i.value)
               .split("Stopped after ")[1].split(" ")[0])
    assert done >= 1 and at.get("download_button")
    at.button(key="sty_resume").click().run()
    at.button(key="sty_stop").click().run()
    later = int(next(i.value for i in at.info if "Stopped after" in i.value)
                .split("Stopped after ")[1].split(" ")[0])
    assert later > done


def test_colour_preservation_and_adam_run(app):
    at = _tiny(app("style_transfer"), steps=3)
    at.radio(key="sty_colour").set_value("luminance").run()
    at.radio(key="sty_optimizer").set_value("adam").run()
    at.select_slider(key="sty_lr").set_value(0.05).run()
    at.button(key="sty_start").click().run()
    _advance(at, lambda a: any("Finished: 3 steps" in s.value for s in a.success))
    assert not at.error


def test_a_tiny_two_stage_run_shows_both_stages_and_the_final_image(app):
    at = app("style_transfer")
    at.select_slider(key="sty_size").set_value(64).run()
    assert at.select_slider(key="sty_stages").options == ["1 (the output size only)", "2", "3"]
    at.select_slider(key="sty_stages").set_value(2).run()
    at.number_input(key="sty_steps_stage1").set_value(3).run()
    at.number_input(key="sty_steps").set_value(2).run()
    assert at.number_input(key="sty_steps").label == "Steps at 64 px (the output)"
    assert any(c.value.startswith("3 steps at 21×32 px → 2 steps at 43×64 px: 5 forward")
               for c in at.caption), [c.value for c in at.caption]
    assert any(c.value.startswith("Peak memory of the largest stage: about 0.") and
               "budget 1.50 GB" in c.value for c in at.caption)
    at.button(key="sty_start").click().run()
    assert not at.exception and not at.error
    _advance(at, lambda a: any("Finished: 5 steps" in s.value for s in a.success))
    captions = [c.caption for img in at.get("image") for c in img.proto.imgs]
    assert any(c.startswith("Stage 1 · 21×32 px · 3 steps · loss") for c in captions), captions
    assert any(c.startswith("Stage 2 · 43×64 px · 2 steps · loss") for c in captions), captions
    assert "Result after 5 steps" in captions
    result = next(img for img in at.get("image") if img.proto.imgs[0].caption.startswith("Result"))
    assert result.proto.imgs[0].url
    spec = _chart(at, "sty_losses")
    total = next(t for t in spec["data"] if t["name"] == "total")
    assert len(plotly_array(total["y"])) == 5
    lines = [s for s in spec["layout"]["shapes"] if s.get("type") == "line"]
    assert len(lines) == 1 and lines[0]["x0"] == 3.5  # the second stage begins after step 3
    assert at.get("download_button")


def test_over_the_memory_budget_the_page_says_so_and_start_is_off(app, monkeypatch):
    monkeypatch.setenv("CNNLAB_STYLE_MEMORY_GB", "0.08")
    at = app("style_transfer")
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "over the budget of 0.08 GB" in message and "CNNLAB_STYLE_MEMORY_GB" in message
    assert at.button(key="sty_start").disabled
    at.select_slider(key="sty_size").set_value(32).run()  # small enough
    assert not at.error and not at.button(key="sty_start").disabled


def test_histogram_colour_run_and_the_size_and_device_choices(app):
    at = _tiny(app("style_transfer"), steps=2)
    assert at.select_slider(key="sty_size").options[-1] == "1024"  # a CPU: not 2048
    assert at.radio(key="sty_device").options == ["auto", "CPU"]
    at.radio(key="sty_colour").set_value("histogram").run()
    at.button(key="sty_start").click().run()
    _advance(at, lambda a: any("Finished: 2 steps" in s.value for s in a.success))
    assert not at.error and not at.exception
    auto = "bf16" if accel.cpu_has_bf16() else "fp32"  # precision "auto": bf16 where native
    assert any(f"({auto}, cpu)" in s.value for s in at.success)


def test_a_stage_count_too_deep_for_a_new_size_falls_back(app):
    at = app("style_transfer")
    at.select_slider(key="sty_stages").set_value(3).run()
    at.select_slider(key="sty_size").set_value(128).run()  # a new size keeps the count
    assert at.select_slider(key="sty_stages").value == 3
    assert at.number_input(key="sty_steps_stage1").label == "Steps of stage 1 (32 px)"
    at.select_slider(key="sty_stages").set_value(4).run()  # 16 → 128: 16×11 px is too small
    assert any("below the minimum 16" in e.value for e in at.error), [e.value for e in at.error]
    at.select_slider(key="sty_size").set_value(64).run()  # at most 3 stages: back to 1
    assert not at.exception
    assert at.select_slider(key="sty_stages").value == 1


def test_bad_upload_shows_an_error(app):
    at = app("style_transfer")
    at.radio(key="sty_style_source").set_value("upload").run()
    at.file_uploader(key="sty_style_upload").set_value(("x.png", b"garbage", "image/png")).run()
    assert not at.exception
    assert any("cannot be used" in e.value for e in at.error)
    assert any("Pick or upload" in i.value for i in at.info)


def test_imagenet_offline_names_the_file_and_offers_random_features(app, offline_hub):
    at = app("style_transfer")
    at.radio(key="sty_weights").set_value("imagenet").run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "vgg19-dcbb9e9d.pth" in message and str(offline_hub / "checkpoints") in message
    at.button(key="sty_use_random").click().run()
    assert at.radio(key="sty_weights").value == "random" and not at.error


def test_gram_layer_choice_and_reconstructions(app):
    at = app("style_transfer")
    at.selectbox(key="sty_gram_layer").set_value("conv1_1").run()
    at.select_slider(key="sty_gram_channels").set_value(8).run()
    grams = _chart(at, "sty_grams")["data"]
    assert plotly_array(grams[1]["z"]).shape == (8, 8)
    at.select_slider(key="sty_recon_size").set_value(48).run()
    at.select_slider(key="sty_recon_steps").set_value(10).run()
    at.button(key="sty_recon_run").click().run()
    assert not at.exception and not at.error
    captions = [c.caption for img in at.get("image") for c in img.proto.imgs]
    assert any(c.startswith("conv1_2 · loss") for c in captions)
    assert any(c.startswith("conv1_1 + conv2_1 + conv3_1 + conv4_1 + conv5_1 · loss")
               for c in captions)


def test_loss_chart_builder():
    import numpy as np

    from dashboard import charts

    fig = charts.style_losses([1, 2, 3], {"total": [3.0, 2.0, 1.0], "content": [0.0, 1.0, 0.5],
                                          "tv": [0.0, 0.0, 0.0]})
    assert [t.name for t in fig.data] == ["total", "content"]  # an all-zero term is left out
    assert fig.layout.yaxis.type == "log"
    assert np.isnan(fig.data[1].y[0]) and fig.data[1].y[1] == 1.0  # 0 has no place on a log axis


# --------------------------------------------------------------------------- in Spanish

def test_spanish_page_offline_and_a_tiny_run(app, offline_hub):
    import re

    at = app("style_transfer", lang="es")  # the app fixture cleared the caches
    assert at.title[0].value == "Transferencia de estilo"
    assert not at.error
    info = " ".join(i.value for i in at.info)
    assert "no están en esta máquina" in info and "vgg19-dcbb9e9d.pth" in info
    assert any(c.value.startswith("200 pasos a 171×256 px") and "hasta conv5_1" in c.value
               for c in at.caption)
    assert any(c.value.startswith("Diferencia cuadrática media") for c in at.caption)
    at.radio(key="sty_optimizer").set_value("adam").run()
    assert at.select_slider(key="sty_lr").options[-1] == "0,1"  # the decimal comma
    _tiny(at, steps=3)
    at.button(key="sty_start").click().run()
    assert not at.exception and not at.error
    _advance(at, lambda a: any(s.value.startswith("Terminado: 3 pasos") for s in a.success))
    done = next(s.value for s in at.success if s.value.startswith("Terminado"))
    assert re.search(r"en \d+,\d s \(", done), done  # seconds with a decimal comma
    captions = [img.proto.imgs[0].caption for img in at.get("image")]
    assert "Resultado tras 3 pasos" in captions
    assert at.button(key="sty_discard").label == "Nueva ejecución"


def test_spanish_error_for_an_image_too_elongated(app):
    import io

    from PIL import Image

    at = app("style_transfer", lang="es")
    at.radio(key="sty_content_source").set_value("upload").run()
    buf = io.BytesIO()
    Image.new("RGB", (400, 10), "white").save(buf, format="PNG")
    at.file_uploader(key="sty_content_upload").set_value(("thin.png", buf.getvalue(),
                                                          "image/png")).run()
    assert not at.exception
    errors = [e.value for e in at.error if e.value.startswith("No se puede ejecutar:")]
    assert errors, [e.value for e in at.error]
