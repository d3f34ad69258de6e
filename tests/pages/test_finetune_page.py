"""AppTest: the Train page fine-tunes an ImageNet model on an uploaded image folder — the last
layer on cached features, driven to the end through the live fragment, saved as a normal
library model that becomes the active one; the weights' state (found / missing offline, with a
random-weights choice); the cost stated first; and the same in Spanish."""

from __future__ import annotations

import io
import zipfile

from core.models import cards, checkpoints
from tests.core.test_finetune import _write_folder
from tests.pages.conftest import advance


def _advance(at, until):
    return advance(at, until, limit=80)


def _zip(tmp_path) -> bytes:
    root = _write_folder(tmp_path / "colours")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in sorted(root.rglob("*.png")):
            z.write(path, f"colours/{path.relative_to(root)}")
    return buf.getvalue()



def _upload_and_choose(at, tmp_path, arch: str):
    """Upload the folder (it becomes the active dataset), then fine-tune ``arch`` at 64 px."""
    at.file_uploader(key="train_folder_zip").set_value(
        ("colours.zip", _zip(tmp_path), "application/zip")).run()
    at.button(key="train_folder_load").click().run()
    assert not at.exception, [e.message for e in at.exception]
    at.radio(key="train_source").set_value("imagenet").run()
    at.selectbox(key="train_ft_arch").set_value(arch).run()
    at.select_slider(key="train_ft_size").set_value(64).run()
    return at


def _schedule(at):
    """3 epochs of batches of 8 (shown once the weights are settled)."""
    at.number_input(key="train_epochs").set_value(3).run()
    at.select_slider(key="train_batch").set_value(8).run()
    return at


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def test_fine_tune_offline_with_random_weights_to_a_library_model(app, hub_dir, no_network,
                                                                  tmp_path, _cnnlab_home):
    at = _upload_and_choose(app("train"), tmp_path, "squeezenet1_1")
    # offline: the weights file and its folder are named; no start without a choice
    warned = _texts(at.warning)
    assert "`squeezenet1_1-b8a52dc0.pth`" in warned and f"`{hub_dir / 'checkpoints'}`" in warned
    assert at.button(key="train_start").disabled
    at.button(key="train_ft_download").click().run()  # the download fails offline: said so
    assert any("squeezenet1_1-b8a52dc0.pth" in url for url in no_network)
    assert any("The download failed" in e.value for e in at.error)
    at.toggle(key="train_ft_random").set_value(True).run()
    _schedule(at)
    assert any("Random weights" in w.value for w in at.warning)
    assert not at.button(key="train_start").disabled
    # the conversion and the cost, before the start
    assert ("The images of Folder: colours are 3×32×32; SqueezeNet 1.1 takes 3×64×64: each "
            "image is resized from 32×32 to 64×64 px.") in _texts(at.caption)
    info = _texts(at.info)
    assert "12 images × 1 forward pass of SqueezeNet 1.1 = 12 forward passes" in info
    at.radio(key="train_ft_mode").set_value("all").run()
    assert any("Training all layers on a CPU is slow" in w.value for w in at.warning)
    assert "32 forward and 24 backward passes" in _texts(at.info)  # 2 validation, 2 test
    at.radio(key="train_ft_mode").set_value("head").run()

    at.text_input(key="train_name").input("colours head").run()
    at.button(key="train_start").click().run()
    _advance(at, lambda a: any("Finished" in s.value for s in a.success))
    bars = [p.proto.text for p in at.get("progress")]
    assert any(t.startswith("Features: 12/12 images") for t in bars)
    assert any(t.startswith("Epoch 3/3") for t in bars)
    # a normal library model, the sidebar's active one
    directory, card = next((d, c) for d, c in cards.list_library(_cnnlab_home / "models")
                           if c.name == "colours head")
    assert (card.arch, card.dataset, card.input_shape) == ("squeezenet1_1", "folder:colours",
                                                           [3, 64, 64])
    assert card.metrics["finetuned_from"] == "random weights" and card.metrics["mode"] == "head"
    assert card.metrics["epochs"] == 3
    checkpoints.load_checkpoint(directory)
    assert at.sidebar.selectbox(key="active_model").value == f"library:{directory.name}"

    # a second run on the same images reuses the features
    at.button(key="train_discard").click().run()
    at.select_slider(key="train_lr_adam").set_value(3e-3).run()
    at.text_input(key="train_name").input("colours again").run()
    at.button(key="train_start").click().run()
    _advance(at, lambda a: any("Finished" in s.value for s in a.success))
    assert any("Features reused from an earlier run" in c.value for c in at.caption)


def test_fine_tune_from_the_pretrained_weights(app, resnet18_weights, tmp_path, _cnnlab_home):
    at = _upload_and_choose(app("train"), tmp_path, "resnet18")
    assert any("ImageNet weights found (`resnet18-f37072fd.pth`)" in s.value
               for s in at.success)
    _schedule(at)
    assert at.text_input(key="train_name").value == "ResNet-18 fine-tuned on Folder: colours"
    at.button(key="train_start").click().run()
    _advance(at, lambda a: any("Finished" in s.value for s in a.success))
    card = next(c for _, c in cards.list_library(_cnnlab_home / "models")
                if c.arch == "resnet18")
    assert card.metrics["finetuned_from"] == "resnet18 (ImageNet)"
    assert card.classes == ["blue", "red"]


def test_fine_tune_in_spanish(app, hub_dir, no_network, tmp_path):
    at = app("train", lang="es")
    assert "un modelo de ImageNet (ajuste fino)" in at.radio(key="train_source").options
    at = _upload_and_choose(at, tmp_path, "squeezenet1_1")
    assert "Entrenar solo la nueva última capa" in at.radio(key="train_ft_mode").options
    assert any("no están en este equipo" in w.value and "`squeezenet1_1-b8a52dc0.pth`" in w.value
               for w in at.warning)
    at.toggle(key="train_ft_random").set_value(True).run()
    _schedule(at)
    assert "se redimensiona de 32×32 a 64×64 px" in _texts(at.caption)
    assert "12 imágenes × 1 pasada hacia delante de SqueezeNet 1.1" in _texts(at.info)
    at.button(key="train_start").click().run()
    _advance(at, lambda a: any("Terminado" in s.value for s in a.success))
    bars = [p.proto.text for p in at.get("progress")]
    assert any(t.startswith("Características: 12/12 imágenes") for t in bars)
    assert any(t.startswith("Época 3/3") for t in bars)
