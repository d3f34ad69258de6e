"""AppTest: links restore a view (dashboard.links, widgets bound to the URL), a link's unusable
values get a one-line notice, and the chosen image follows the user (dashboard.picker).

A link is opened as a new session whose first run is on the linked page (``app(page,
link=...)``). A choice is in a link as its label reads, in the link's language."""

from __future__ import annotations

import pytest

from dashboard import links
from dashboard.texts import common as common_texts
from dashboard.texts import embeddings as emb_texts
from dashboard.texts import layers as layers_texts
from dashboard.texts import occlusion as occ_texts
from dashboard.texts import pooling as pool_texts
from dashboard.texts import saliency as sal_texts
from dashboard.texts import train as train_texts
from dashboard.texts import trust as trust_texts
from tests.pages.conftest import copy_block, open_tab

NOTICE = "could not be used here"


def notices(at) -> list[str]:
    return [w.value for w in at.warning if NOTICE in w.value or "No se pudo usar" in w.value]


def test_occlusion_restores_its_settings_the_image_and_the_position(app):
    at = app("occlusion", link={"occ_img_index": "17", "occ_window": "9", "occ_stride": "3",
                                "occ_baseline": occ_texts.EN["base_blur"],
                                "occ_position": "5"})
    assert at.number_input(key="occ_img_index").value == 17
    assert at.slider(key="occ_window").value == 9
    assert at.slider(key="occ_stride").value == 3
    assert at.selectbox(key="occ_baseline").value == "blur"
    assert at.slider(key="occ_position").value == 5
    assert not notices(at)


def test_saliency_restores_its_methods_and_settings(app):
    chosen = [sal_texts.EN["method_vanilla"], sal_texts.EN["method_ig"]]
    at = app("saliency", link={"sal_img_index": "4", "sal_methods": chosen,
                               "sal_ig_steps": "20", "sal_opacity": "0.4"})
    assert at.number_input(key="sal_img_index").value == 4
    assert at.multiselect(key="sal_methods").value == ["vanilla", "ig"]
    assert at.slider(key="sal_ig_steps").value == 20
    assert at.slider(key="sal_opacity").value == pytest.approx(0.4)
    assert not notices(at)


def test_layers_restores_the_layer_the_count_and_the_kernels(app):
    """Only the open tab runs: a link's settings of the closed tabs wait in the address (no
    notice) and are there when their tab opens."""
    at = app("layers", link={"layers_net_layer": "conv2", "layers_net_limit": "5",
                             "layers_conv_stride": "2", "layers_channel_channel": "3"})
    assert at.number_input(key="layers_conv_stride").value == 2
    assert not notices(at)
    assert at.query_params["layers_net_layer"] == "conv2"  # still in the address
    at.session_state["layers_tab"] = layers_texts.EN["tab_network"]
    at.run()
    assert at.selectbox(key="layers_net_layer").value == "conv2"
    assert at.number_input(key="layers_net_limit").value == 5
    assert not notices(at)
    assert any("5 of" in c.value and "conv2" in c.value for c in at.caption)
    at.session_state["layers_tab"] = layers_texts.EN["tab_filter"]
    at.run()
    assert at.number_input(key="layers_channel_channel").value == 3
    assert not notices(at)


def test_a_link_opens_its_tab_and_names_a_bad_value_of_a_closed_one_when_it_opens(app):
    at = app("layers", link={"layers_tab": layers_texts.EN["tab_network"],
                             "layers_net_layer": "conv2", "layers_channel_channel": "lots"})
    assert at.session_state["layers_tab"] == layers_texts.EN["tab_network"]
    assert at.selectbox(key="layers_net_layer").value == "conv2"
    assert not notices(at)  # the channel tab has not run yet
    open_tab(at, "layers_tab", layers_texts.EN["tab_filter"])
    (text,) = notices(at)
    assert "`layers_channel_channel`" in text
    assert at.number_input(key="layers_channel_channel").value == 0


def test_pooling_restores_the_operation_and_its_parameters(app):
    at = app("pooling", link={"pooling_op": pool_texts.EN["op_avg"], "pooling_kernel": "3",
                              "pooling_stride": "1"})
    assert at.selectbox(key="pooling_op").value == "avg"
    assert at.number_input(key="pooling_kernel").value == 3
    assert at.number_input(key="pooling_stride").value == 1
    assert not notices(at)


def test_pooling_restores_an_edited_matrix_and_keeps_it_in_the_address(app):
    at = app("pooling", link={"pooling_matrix": "1,2,3|4,5,6|7,8,9.5"})
    assert not notices(at)
    assert at.session_state["pooling_matrix_base"].tolist() == [[1, 2, 3], [4, 5, 6],
                                                                [7, 8, 9.5]]
    assert at.query_params["pooling_matrix"] == "1,2,3|4,5,6|7,8,9.5"
    at = app("pooling", link={"pooling_matrix": "1,2|3"})  # ragged: the example stays
    (text,) = notices(at)
    assert "`pooling_matrix`" in text
    assert "pooling_matrix" not in at.query_params


def test_train_restores_the_optimiser_and_the_epochs(app):
    at = app("train", link={"train_optimizer": train_texts.EN["opt_sgd"], "train_epochs": "7",
                            "train_batch": "32"})
    assert at.radio(key="train_optimizer").value == "sgd"
    assert at.number_input(key="train_epochs").value == 7
    assert not notices(at)


def test_embeddings_restores_the_method_and_the_dimensions(app):
    at = app("embeddings", link={"emb_method": emb_texts.EN["method_tsne"], "emb_dims": "3",
                                 "emb_perplexity": "12.0"})
    assert at.radio(key="emb_method").value == "tsne"
    assert at.radio(key="emb_dims").value == 3
    assert at.slider(key="emb_perplexity").value == 12.0
    assert not notices(at)


def test_trust_restores_the_section_and_the_scoreboard_settings(app):
    at = app("trust", link={"trust_count": "3", "trust_step": "0.2"})
    assert at.number_input(key="trust_count").value == 3
    assert at.number_input(key="trust_step").value == pytest.approx(0.2)
    assert not notices(at)
    at = app("trust", link={"trust_section": trust_texts.EN["section_shortcut"],
                            "shortcut_epochs": "2"})
    assert at.session_state["trust_section"] == "shortcut"
    assert at.number_input(key="shortcut_epochs").value == 2
    assert not notices(at)


def test_style_transfer_restores_its_steps_and_images(app):
    at = app("style_transfer", link={"sty_steps": "40",
                                     "sty_content_sample": "Flower (photo)"})
    assert at.number_input(key="sty_steps").value == 40
    assert at.selectbox(key="sty_content_sample").value == "flower"
    assert not notices(at)


def test_the_sidebar_restores_the_model_and_its_random_weights(app):
    at = app("saliency", link={"model": "imagenet:resnet18", "imagenet_random_weights": "true",
                               "sal_img_sample": "Temple in China (photo)"})
    assert at.session_state["active_model"] == "imagenet:resnet18"
    assert at.toggle(key="imagenet_random_weights").value is True
    assert at.selectbox(key="sal_img_sample").value == "china"
    assert at.query_params["model"] == "imagenet:resnet18"
    assert at.query_params["dataset"] == "digits"
    assert not notices(at)


def test_a_spanish_link_restores_spanish_labels(app):
    at = app("occlusion", lang="es", link={"occ_baseline": occ_texts.ES["base_blur"]})
    assert at.selectbox(key="occ_baseline").value == "blur"
    assert not notices(at)


def test_bad_and_unknown_values_get_one_notice_and_are_left_out(app):
    at = app("occlusion", link={"occ_window": "99", "occ_baseline": "nonsense",
                                "occ_img_index": "-4", "bogus": "1", "model": "library:gone",
                                "lang": "xx"})
    assert not at.error
    (text,) = notices(at)
    for name in ("occ_window", "occ_baseline", "occ_img_index", "bogus", "model", "lang"):
        assert f"`{name}`" in text
    assert at.slider(key="occ_window").value == 4  # the defaults instead
    assert at.number_input(key="occ_img_index").value == 0
    assert "bogus" not in at.query_params  # not in the next copied link
    assert at.query_params["model"] == "default"
    at.slider(key="occ_window").set_value(6).run()  # the notice stays on the linked page
    assert len(notices(at)) == 1
    at.switch_page("../pages/saliency.py").run()
    assert not notices(at)


def test_the_notice_is_in_spanish(app):
    at = app("saliency", lang="es", link={"sal_ig_steps": "mil"})
    (text,) = notices(at)
    assert text.startswith("No se pudo usar aquí `sal_ig_steps`")


def test_a_link_default_value_is_not_a_bad_one(app):
    """A value equal to the widget's default (the address drops it) is a used one, also for a
    choice, whose address value is its label: links._wire reads it through Streamlit's session
    internals, and this fails if a Streamlit release moves them."""
    at = app("occlusion", link={"occ_window": "4", "occ_baseline": occ_texts.EN["base_zero"],
                                "occ_img_source": "Dataset test image"})
    assert not notices(at)


def test_address_values_compare_as_streamlit_writes_them():
    assert links._equal(4, "4.0") and links._equal(0.15, "0.15") and links._equal(True, "true")
    assert not links._equal(3, "x") and not links._equal(False, "true")
    assert links._same(["a", "b"], ["a", "b"]) and not links._same(["a"], ["a", "b"])


# --------------------------------------------------------------------------- the chosen image

def test_the_image_chosen_on_one_page_is_preselected_on_another(app):
    at = app("occlusion")
    at.number_input(key="occ_img_index").set_value(23).run()
    at.switch_page("../pages/saliency.py").run()
    assert at.number_input(key="sal_img_index").value == 23
    assert any(c.value.startswith("Image from Occlusion") for c in at.caption)
    at.number_input(key="sal_img_index").set_value(5).run()  # changed here: it is this page's
    assert not any(c.value.startswith("Image from") for c in at.caption)
    at.switch_page("../pages/layers.py").run()
    at.session_state["layers_tab"] = layers_texts.EN["tab_network"]  # the tab with a picker
    at.run()
    assert at.number_input(key="layers_net_img_index").value == 5
    assert any(c.value.startswith("Image from Saliency") for c in at.caption)
    at.switch_page("../pages/occlusion.py").run()  # back: the latest choice, not its own old one
    assert at.number_input(key="occ_img_index").value == 5


def test_a_chosen_sample_follows_and_the_hand_over_from_embeddings_is_named(app):
    at = app("saliency")
    at.radio(key="sal_img_source").set_value("sample").run()
    at.selectbox(key="sal_img_sample").set_value("checkerboard").run()
    at.switch_page("../pages/occlusion.py").run()
    assert at.radio(key="occ_img_source").value == "sample"
    assert at.selectbox(key="occ_img_sample").value == "checkerboard"
    at.switch_page("../pages/embeddings.py").run()
    at.number_input(key="emb_row").set_value(12).run()
    at.button(key="emb_to_saliency").click().run()
    assert at.title[0].value == "Saliency"
    assert at.radio(key="sal_img_source").value == "dataset"
    assert at.number_input(key="sal_img_index").value == 12
    assert any(c.value.startswith("Image from Embeddings") for c in at.caption)


def test_the_convolution_tab_keeps_its_own_image(app):
    """The hand convolution works on any picture: it neither follows nor leads."""
    at = app("layers")
    before = at.radio(key="layers_conv_img_source").value
    at.switch_page("../pages/occlusion.py").run()
    at.number_input(key="occ_img_index").set_value(9).run()
    at.switch_page("../pages/layers.py").run()
    assert at.radio(key="layers_conv_img_source").value == before
    at.session_state["layers_tab"] = layers_texts.EN["tab_network"]
    at.run()
    assert at.number_input(key="layers_net_img_index").value == 9


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_sidebar_copies_the_address_of_the_view(app, lang):
    words = common_texts.EN if lang == "en" else common_texts.ES
    block = copy_block(app("pooling", lang=lang), "copy_link")
    # no text of its own: the browser copies its address as it is at the click
    assert block["text"] is None
    assert (block["label"], block["copied"]) == (words["copy_link"], words["link_copied"])
