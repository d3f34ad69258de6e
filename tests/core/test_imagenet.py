"""core.models.imagenet: offline-first loading of torchvision ImageNet models (no network
needed)."""

from __future__ import annotations

import pytest
import torch
import torchvision

from core.models import imagenet


def test_weights_path_names():
    r = imagenet.weights_path("resnet18")
    v = imagenet.weights_path("vgg16")
    assert r.name == "resnet18-f37072fd.pth"
    assert r.name == torchvision.models.ResNet18_Weights.IMAGENET1K_V1.url.rsplit("/", 1)[1]
    assert v.name == "vgg16-397923af.pth"
    assert r.parent == v.parent == imagenet.checkpoints_dir()


def test_offline_download_failure_says_what_and_where(hub_dir, no_network):
    with pytest.raises(imagenet.WeightsUnavailableError) as info:
        imagenet.load_imagenet("resnet18")
    err = info.value
    message = str(err)
    assert no_network == [torchvision.models.ResNet18_Weights.IMAGENET1K_V1.url]
    assert "resnet18-f37072fd.pth" in message
    assert str(hub_dir / "checkpoints") in message
    assert err.url in message
    assert err.file_name == "resnet18-f37072fd.pth"
    assert err.directory == hub_dir / "checkpoints"
    assert isinstance(err, RuntimeError)


def test_download_false_does_not_try(hub_dir, no_network):
    with pytest.raises(imagenet.WeightsUnavailableError, match="vgg16-397923af.pth"):
        imagenet.load_imagenet("vgg16", download=False)
    assert no_network == []


def test_cached_file_is_loaded_by_torchvision(hub_dir, no_network, monkeypatch):
    path = imagenet.weights_path("resnet18")
    assert path.parent == hub_dir / "checkpoints"
    path.parent.mkdir(parents=True)
    torch.manual_seed(123)
    state = torchvision.models.resnet18().state_dict()
    torch.save(state, path)

    import torchvision.models._api as tv_api
    real = tv_api.load_state_dict_from_url
    seen = []

    def spy(url, *args, **kwargs):
        seen.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(tv_api, "load_state_dict_from_url", spy)
    model = imagenet.load_imagenet("resnet18", download=False)

    assert seen == [torchvision.models.ResNet18_Weights.IMAGENET1K_V1.url]
    assert no_network == []
    assert not model.training
    assert all(not p.requires_grad for p in model.parameters())
    loaded = model.state_dict()
    assert loaded.keys() == state.keys()
    for name, tensor in state.items():
        assert torch.equal(loaded[name], tensor), name
    out = model(torch.zeros(1, *imagenet.INPUT_SHAPE))
    assert out.shape == (1, 1000)


def test_corrupt_cached_file_is_reported(hub_dir, no_network):
    path = imagenet.weights_path("resnet18")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(imagenet.WeightsUnavailableError, match="could not be read"):
        imagenet.load_imagenet("resnet18")


def test_categories_offline():
    names = imagenet.categories("resnet18")
    assert len(names) == 1000 and names[0] == "tench"
    assert imagenet.categories("vgg16") == names


def test_specs_and_constants():
    assert set(imagenet.IMAGENET_MODELS) == {"alexnet", "resnet18", "vgg16", "mobilenet_v3_small",
                                             "squeezenet1_1", "efficientnet_b0"}
    for key, spec in imagenet.IMAGENET_MODELS.items():
        assert callable(getattr(torchvision.models, spec.builder))
        assert spec.title and spec.description
        # the size and normalisation torchvision's own transforms use for these weights
        transforms = spec.weights.transforms()
        assert spec.input_shape == (3, *transforms.crop_size, *transforms.crop_size)
        assert list(spec.mean) == list(transforms.mean) and list(spec.std) == list(transforms.std)
        card = imagenet.imagenet_card(key)
        assert card.classes == list(spec.weights.meta["categories"]) and card.arch == key
    assert imagenet.IMAGENET_MEAN == (0.485, 0.456, 0.406)
    assert imagenet.IMAGENET_STD == (0.229, 0.224, 0.225)
    assert imagenet.INPUT_SHAPE == (3, 224, 224)


@pytest.mark.parametrize("fn", [imagenet.weights_path, imagenet.categories, imagenet.load_imagenet])
def test_unknown_key(fn):
    with pytest.raises(ValueError, match="alexnet, efficientnet_b0"):
        fn("resnet50")


def test_random_weights_are_seeded_and_leave_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = imagenet.random_imagenet("squeezenet1_1")
    after = torch.rand(1)
    b = imagenet.random_imagenet("squeezenet1_1")
    assert torch.equal(before, after)  # the caller's random stream is untouched
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q), name
    assert not a.training and not any(p.requires_grad for p in a.parameters())
