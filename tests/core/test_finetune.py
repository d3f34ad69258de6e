"""Fine-tuning an ImageNet model (core.train.finetune, core.train.backbone, the CLI's --finetune).

The trusted references: the same torchvision network trained by the naive loop (a full forward
pass of every image at every step, only the last layer trainable), torch.load of the weights
file, and a direct loop over the test images. Tiny data: 2 classes x 6 generated 32-px images,
networks at 64 px.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from core.checks import InputError
from core.data import datasets
from core.data.fit import fit_input
from core.models import builder, checkpoints, imagenet
from core.train import backbone, finetune
from core.train.__main__ import main
from dashboard.errors import message

SIZE = 64


def _write_folder(root: Path, per_class: int = 6, size: int = 32) -> Path:
    """Two classes of noisy images, reddish and bluish: something to learn."""
    rng = np.random.default_rng(0)
    for c, name in enumerate(("blue", "red")):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 120, (size, size, 3))
            pixels[..., 2 - 2 * c] += 120  # blue: channel 2, red: channel 0
            Image.fromarray(pixels.astype(np.uint8)).save(root / name / f"{i}.png")
    return root


@pytest.fixture
def folder(tmp_path) -> Path:
    return _write_folder(tmp_path / "colours")


@pytest.fixture
def data(folder) -> tuple[datasets.Dataset, datasets.Dataset]:
    return datasets.load_image_folder(folder, image_size=32, seed=0)


def _config(**kw) -> finetune.FinetuneConfig:
    settings = dict(arch="resnet18", image_size=SIZE, epochs=3, batch_size=4, optimizer="sgd",
                    lr=0.05, momentum=0.9, val_fraction=0.2, pretrained=False)
    return finetune.FinetuneConfig(**(settings | kw))


def _fit(train: datasets.Dataset):
    return fit_input(train.image_shape, (3, SIZE, SIZE), mean=imagenet.IMAGENET_MEAN,
                     std=imagenet.IMAGENET_STD)


def _run_in_chunks(run: finetune.FinetuneRun) -> None:
    while not run.finished:
        run.run_for(0.01)  # small chunks: the extraction's batch size varies


# --------------------------------------------------------------------------- the naive loop
@pytest.mark.parametrize("arch", ["resnet18", "squeezenet1_1"])
def test_the_head_trained_on_cached_features_equals_the_naive_loop(arch, data, untouched):
    train, test = data
    config = _config(arch=arch)
    source = finetune.source_model(config)
    with untouched(source.model):
        run = finetune.FinetuneRun(source, train, test, config)
        initial = copy.deepcopy(run.head)
        _run_in_chunks(run)
        model = run.model()
    assert run.phase == "done" and len(run.history) == 3 and not run.diverged

    # the reference: torchvision's network, its last layer replaced by the same initial one,
    # everything else frozen in eval mode, a full forward pass of every image at every step
    ref = copy.deepcopy(source.model)
    name = finetune.head_name(arch)
    parent, _, child = name.rpartition(".")
    setattr(ref.get_submodule(parent) if parent else ref, child, initial)
    ref.eval().requires_grad_(False)
    initial.requires_grad_(True)
    opt = torch.optim.SGD(initial.parameters(), lr=config.lr, momentum=config.momentum)
    fit, losses = _fit(train), []
    for epoch in range(config.epochs):
        order = run.order(epoch)
        for b in range(0, len(order), config.batch_size):
            idx = order[b:b + config.batch_size]
            loss = F.cross_entropy(ref(fit(train.images[idx])), train.labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    np.testing.assert_allclose(run.step_losses, losses, rtol=1e-4, atol=1e-5)
    trained = model.get_submodule(name)
    for ours, theirs in zip(trained.parameters(), initial.parameters(), strict=True):
        torch.testing.assert_close(ours, theirs.detach(), rtol=1e-4, atol=1e-5)
    with torch.no_grad():
        torch.testing.assert_close(model(fit(test.images)), ref(fit(test.images)),
                                   rtol=1e-4, atol=1e-4)
    # the validation and test accuracies come from the cached features: a direct loop agrees
    with torch.no_grad():
        preds = model(fit(test.images)).argmax(1)
        val_preds = model(fit(train.images[run.val_indices])).argmax(1)
    assert run.test_accuracy() == pytest.approx(float((preds == test.labels).float().mean()))
    val_acc = float((val_preds == train.labels[run.val_indices]).float().mean())
    assert run.history[-1].val_accuracy == pytest.approx(val_acc)


def test_the_run_split_and_order_follow_the_trainer(data):
    from core.train import training

    train, test = data
    run = finetune.FinetuneRun(finetune.source_model(_config()), train, test, _config())
    split = training.stratified_split(train.labels, 0.2, 0)
    assert torch.equal(run.train_indices, split[0]) and torch.equal(run.val_indices, split[1])
    orders = {tuple(run.order(e).tolist()) for e in range(3)}
    assert len(orders) == 3 and all(sorted(o) == split[0].tolist() for o in orders)


def test_backbone_features_equal_the_network_up_to_its_last_layer(data, untouched):
    train, _ = data
    source = imagenet.random_imagenet("resnet18")
    fit = _fit(train)
    seen = []
    with untouched(source):
        feats = finetune.backbone_features(source, train, fit, arch="resnet18", batch_size=3,
                                           progress=lambda done, n: seen.append((done, n)))
    assert feats.shape == (len(train), 512) and feats.dtype == torch.float32
    assert seen[-1] == (len(train), len(train)) and len(seen) == -(-len(train) // 3)
    # torchvision's own forward, stopped before fc: avgpool's output, flattened
    ref = copy.deepcopy(source)
    ref.fc = nn.Identity()
    with torch.no_grad():
        torch.testing.assert_close(feats, ref(fit(train.images)), rtol=1e-4, atol=1e-5)
    assert backbone.feature_shape("resnet18", SIZE) == (512,)
    assert backbone.feature_shape("squeezenet1_1", SIZE) == (512, 3, 3)
    with pytest.raises(backbone.ExtractionStopped) as stopped:
        finetune.backbone_features(source, train, fit, arch="resnet18", batch_size=2,
                                   should_stop=lambda: True)
    assert stopped.value.done == 2


# --------------------------------------------------------------------------- saving, reloading
def test_the_saved_model_reloads_and_gives_the_same_logits(data, tmp_path):
    train, test = data
    run = finetune.FinetuneRun(finetune.source_model(_config()), train, test, _config())
    run.run()
    result = run.result(name="colours", dataset="folder:colours")
    card = result.card
    assert (card.arch, card.options, card.dataset) == ("resnet18", {}, "folder:colours")
    assert card.classes == ["blue", "red"] and card.input_shape == [3, SIZE, SIZE]
    assert card.mean == list(imagenet.IMAGENET_MEAN) and card.std == list(imagenet.IMAGENET_STD)
    assert card.metrics["finetuned_from"] == "random weights" and card.metrics["mode"] == "head"
    assert card.metrics["epochs"] == 3 and card.metrics["test_accuracy"] == result.test_accuracy
    directory = checkpoints.save_to_library(result.model, card, tmp_path / "models")
    loaded, loaded_card = checkpoints.load_checkpoint(directory)
    assert loaded_card == card
    fit = _fit(train)
    with torch.no_grad():
        theirs, ours = loaded(fit(test.images)), result.model(fit(test.images))
    torch.testing.assert_close(theirs, ours, rtol=0, atol=0)
    acc = float((theirs.argmax(1) == test.labels).float().mean())
    assert card.metrics["test_accuracy"] == pytest.approx(acc)
    # build_from_card's network takes the weights as they are
    fresh = builder.build_from_card(card)
    fresh.load_state_dict(result.model.state_dict(), strict=True)


def test_all_layers_trains_a_private_copy(data, untouched, tmp_path):
    train, test = data
    config = _config(arch="squeezenet1_1", mode="all", epochs=2, lr=0.01)
    source = finetune.source_model(config)
    with untouched(source.model):
        run = finetune.FinetuneRun(source, train, test, config)
        assert run.phase == "convert"
        _run_in_chunks(run)
        result = run.result(name="all layers", dataset="folder:colours")
    assert len(run.history) == 2 and len(run.step_losses) == run.total_steps
    assert run.snapshots[0][0] == 0 and len(run.snapshots) == 3  # first-conv weights per epoch
    first = "features.0.weight"
    assert not torch.equal(result.model.state_dict()[first], source.model.state_dict()[first])
    assert result.card.metrics["mode"] == "all"
    loaded, _ = checkpoints.load_checkpoint(
        checkpoints.save_to_library(result.model, result.card, tmp_path))
    fit = _fit(train)
    with torch.no_grad():
        torch.testing.assert_close(loaded(fit(test.images)), result.model(fit(test.images)))


def test_features_from_an_earlier_run_are_reused(data):
    train, test = data
    source = finetune.source_model(_config())
    first = finetune.FinetuneRun(source, train, test, _config())
    first.run()
    again = finetune.FinetuneRun(source, train, test, _config(lr=0.01, seed=3),
                                 features=first.features)
    assert again.phase == "train" and again.progress().images_done == len(train) + len(test)
    other_size = finetune.FinetuneRun(source, train, test, _config(image_size=96),
                                      features=first.features)
    assert other_size.phase == "features"  # another key: the features do not fit
    assert finetune.features_key(source.id, _config(), train, test) == first.features.key
    assert finetune.features_key("imagenet-resnet18", _config(), train, test) != \
        first.features.key


# --------------------------------------------------------------------------- weights
def test_pretrained_weights_come_from_the_torch_hub_cache(resnet18_weights, data, untouched):
    train, test = data
    config = _config(pretrained=True)
    source = finetune.source_model(config)
    assert source.finetuned_from == "resnet18 (ImageNet)"
    saved = torch.load(resnet18_weights, weights_only=True, map_location="cpu")
    for name, value in source.model.state_dict().items():
        assert torch.equal(value, saved[name]), name
    with untouched(source.model):
        run = finetune.FinetuneRun(source, train, test, config)
        run.run()
        result = run.result(name="pretrained", dataset="folder:colours")
    assert result.card.metrics["finetuned_from"] == "resnet18 (ImageNet)"
    state = result.model.state_dict()
    assert all(torch.equal(state[k], saved[k]) for k in saved if not k.startswith("fc."))


def test_offline_without_weights_the_error_names_the_file(hub_dir, no_network, data):
    with pytest.raises(imagenet.WeightsUnavailableError) as info:
        finetune.source_model(_config(pretrained=True))
    assert info.value.key == "weights_not_cached" and no_network == []  # nothing downloaded
    assert info.value.file_name == "resnet18-f37072fd.pth"
    assert info.value.directory == hub_dir / "checkpoints"
    fallback = finetune.source_model(_config(pretrained=False))
    assert fallback.finetuned_from == finetune.RANDOM_WEIGHTS


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("settings", "key"), [
    ({"arch": "resnet50"}, "choice"),
    ({"mode": "last"}, "choice"),
    ({"image_size": 16}, "int_between"),
    ({"arch": "alexnet", "image_size": 48}, "int_between"),
    ({"augment": True}, "finetune_augment_head"),
    ({"pretrained": "yes"}, "bool"),
    ({"lr": 0.0}, "number_above"),
    ({"epochs": 0}, "int_min"),
    ({"val_fraction": 0.9}, "number_between"),
])
def test_bad_settings_raise_keyed_input_errors(settings, key):
    with pytest.raises(InputError) as info:
        _config(**settings)
    assert info.value.key == key
    assert not message(info.value, "es").startswith("Esta entrada no se puede usar")


def test_too_many_features_are_refused_before_any_work(data, monkeypatch):
    train, test = data
    monkeypatch.setattr(finetune, "MAX_FEATURE_BYTES", 1000)
    with pytest.raises(InputError) as info:
        finetune.FinetuneRun(finetune.source_model(_config()), train, test, _config())
    assert info.value.key == "finetune_features_too_large"
    assert info.value.values["images"] == len(train) + len(test)
    assert "MB" in message(info.value, "es")


def test_a_diverging_head_keeps_finite_weights(data):
    train, test = data
    config = _config(lr=1e38, momentum=0.0, epochs=5)
    run = finetune.FinetuneRun(finetune.source_model(config), train, test, config)
    run.run()
    assert run.diverged and run.divergence.key in ("training_diverged_loss",
                                                   "training_diverged_weights")
    assert all(torch.isfinite(p).all() for p in run.head.parameters())
    assert run.result(name="diverged", dataset="folder:colours").card.metrics["diverged"]


def test_the_cost_is_stated_in_passes():
    head = finetune.estimate_cost(_config(image_size=224), 100, 20)
    assert (head.forward, head.backward, head.epochs_cheap) == (120, 0, True)
    gflops = imagenet.IMAGENET_MODELS["resnet18"].weights.meta["_ops"]
    assert head.gflop == pytest.approx(120 * gflops)
    full = finetune.estimate_cost(_config(image_size=224, mode="all", epochs=3), 100, 20)
    assert (full.forward, full.backward) == (3 * 100 + 20, 3 * 80)
    exact = finetune.estimate_cost(_config(mode="all", epochs=2), 100, 20, n_val=22)
    assert (exact.forward, exact.backward) == (2 * 100 + 20, 2 * 78)
    with pytest.raises(InputError):
        finetune.estimate_cost(_config(), 10, 2, n_val=10)  # one image at least is trained on


# --------------------------------------------------------------------------- the CLI
def test_the_cli_fine_tunes_a_folder(folder, tmp_path, hub_dir, no_network, capsys):
    out = tmp_path / "out"
    argv = ["--finetune", "squeezenet1_1", "--folder", str(folder), "--mode", "head",
            "--epochs", "2", "--image-size", str(SIZE), "--batch-size", "4", "--out", str(out)]
    assert main(argv) == 2  # no ImageNet weights here: it says where they go
    err = capsys.readouterr().err
    assert "squeezenet1_1-b8a52dc0.pth" in err and str(hub_dir / "checkpoints") in err
    assert "--random-weights" in err and not out.exists()
    assert main([*argv, "--random-weights"]) == 0
    printed = capsys.readouterr().out
    assert "squeezenet1_1 from random weights on folder, mode head" in printed
    assert "features 12/12 images" in printed and "epoch 2/2" in printed
    model, card = checkpoints.load_checkpoint(out)
    assert (card.arch, card.dataset, card.classes) == ("squeezenet1_1", "folder:colours",
                                                       ["blue", "red"])
    assert card.metrics["finetuned_from"] == "random weights" and card.input_shape == [3, 64, 64]
    assert f"test accuracy {card.metrics['test_accuracy']:.4f}" in printed


def test_the_cli_uses_the_pretrained_weights_and_refuses_lab_options(folder, tmp_path,
                                                                     resnet18_weights, capsys):
    out = tmp_path / "out"
    argv = ["--finetune", "resnet18", "--folder", str(folder), "--epochs", "1",
            "--image-size", str(SIZE), "--out", str(out)]
    assert main([*argv, "--channels", "8,16"]) == 2
    assert "--finetune uses the torchvision one" in capsys.readouterr().err
    assert main(["--mode", "all", "--out", str(out)]) == 2
    assert main([*argv, "--mode", "all"]) == 0
    assert "resnet18 from resnet18 (ImageNet) on folder, mode all" in capsys.readouterr().out
    _, card = checkpoints.load_checkpoint(out)
    assert card.metrics["finetuned_from"] == "resnet18 (ImageNet)" and card.metrics["mode"] == "all"
