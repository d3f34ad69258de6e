"""core.style.vgg: layer names, truncation without touching the shared model, offline weights."""

from __future__ import annotations

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.vgg import cfgs, make_layers

from core.models import imagenet
from core.style import vgg

URL = torchvision.models.VGG19_Weights.IMAGENET1K_V1.url


@pytest.fixture(scope="module")
def shared():
    return vgg.load_vgg19(weights="random", seed=0)


def test_layer_names_match_torchvision_vgg19():
    with torch.device("meta"):
        tv = torchvision.models.vgg19().features
    assert len(vgg.CONV_LAYERS) == 16 and len(vgg.MODULE_NAMES) == len(tv) == 37
    assert vgg.CONV_LAYERS[0] == "conv1_1" and vgg.CONV_LAYERS[-1] == "conv5_4"
    assert [vgg.layer_index(n) for n in ("conv1_1", "conv1_2", "conv2_1", "conv4_2", "conv5_1")] \
        == [1, 3, 6, 22, 29]
    channels = {"conv1_1": 64, "conv2_1": 128, "conv3_1": 256, "conv4_2": 512, "conv5_4": 512}
    for name in vgg.CONV_LAYERS:
        i = vgg.layer_index(name)
        assert isinstance(tv[i - 1], nn.Conv2d) and isinstance(tv[i], nn.ReLU), name
        if name in channels:
            assert tv[i - 1].out_channels == channels[name]
    pools = [i for i, m in enumerate(tv) if isinstance(m, nn.MaxPool2d)]
    assert [vgg.MODULE_NAMES[i] for i in pools] == ["pool1", "pool2", "pool3", "pool4", "pool5"]


def test_unknown_layer():
    with pytest.raises(ValueError, match="'conv6_1'.*conv1_1 ... conv5_4"):
        vgg.layer_index("conv6_1")


def test_random_features_are_seeded_frozen_and_he_initialised(shared):
    again = vgg.load_vgg19(weights="random", seed=0)
    other = vgg.load_vgg19(weights="random", seed=1)
    assert torch.equal(shared[0].weight, again[0].weight)
    assert not torch.equal(shared[0].weight, other[0].weight)
    assert not shared.training and all(not p.requires_grad for p in shared.parameters())
    w = shared[vgg.layer_index("conv3_2") - 1].weight  # fan_in = 256 * 9
    assert w.std().item() == pytest.approx((2 / (256 * 9)) ** 0.5, rel=0.02)


def test_truncation_keeps_exactly_the_layers_needed_and_shares_weights(shared, untouched):
    before = [type(m) for m in shared]
    with untouched(shared):
        net = vgg.truncate(shared, last_layer="conv5_1", pooling="avg")
        assert len(net) == 30 and isinstance(net[-1], nn.ReLU)  # conv5_1 and its ReLU, no more
        assert sum(isinstance(m, nn.Conv2d) for m in net) == 13
        assert sum(isinstance(m, nn.AvgPool2d) for m in net) == 4
        assert all(net[i] is shared[i] for i in range(30) if isinstance(shared[i], nn.Conv2d))
        assert [type(m) for m in shared] == before and len(shared) == 37  # the shared one is intact
        assert len(vgg.truncate(shared, last_layer="conv1_1")) == 2
        assert len(vgg.truncate(shared, last_layer="conv4_2")) == 23
        with pytest.raises(ValueError, match="pooling must be one of max, avg, got 'median'"):
            vgg.truncate(shared, last_layer="conv1_1", pooling="median")


def test_extract_gives_the_relu_outputs(shared):
    torch.manual_seed(0)
    x = torch.randn(1, 3, 32, 48)
    feats = vgg.extract(vgg.truncate(shared, last_layer="conv4_2"), x, ["conv4_2", "conv1_1"])
    assert torch.equal(feats["conv1_1"], shared[:2](x))
    assert torch.allclose(feats["conv4_2"], shared[:23](x))
    assert feats["conv4_2"].shape == (1, 512, 4, 6) and (feats["conv4_2"] >= 0).all()
    with pytest.raises(ValueError, match="past the end"):
        vgg.extract(vgg.truncate(shared, last_layer="conv1_1"), x, ["conv2_1"])


def test_private_copy_converts_a_copy_only(shared, untouched):
    net = vgg.truncate(shared, last_layer="conv2_1")
    with untouched(shared), untouched(net):
        private = vgg.private_copy(net, device=torch.device("cpu"), dtype=torch.bfloat16,
                                  channels_last=True)
    assert private[0].weight.dtype == torch.bfloat16
    assert private[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert shared[0].weight.dtype == torch.float32 and shared[0].weight.is_contiguous()
    assert private[0].weight is not shared[0].weight
    assert all(not p.requires_grad for p in private.parameters())


def test_weights_path_name(hub_dir):
    path = vgg.vgg19_weights_path()
    assert path.name == "vgg19-dcbb9e9d.pth" == URL.rsplit("/", 1)[1]
    assert path.parent == hub_dir / "checkpoints"


def test_offline_download_failure_says_what_and_where(hub_dir, no_network):
    with pytest.raises(imagenet.WeightsUnavailableError) as info:
        vgg.load_vgg19(weights="imagenet")
    err = info.value
    assert no_network == [URL]  # torchvision tried its real download
    message = str(err)
    assert "vgg19-dcbb9e9d.pth" in message and str(hub_dir / "checkpoints") in message
    assert URL in message and "Random features" in message
    assert err.file_name == "vgg19-dcbb9e9d.pth" and err.directory == hub_dir / "checkpoints"


def test_download_false_does_not_try(hub_dir, no_network):
    with pytest.raises(imagenet.WeightsUnavailableError, match="vgg19-dcbb9e9d.pth"):
        vgg.load_vgg19(weights="imagenet", download=False)
    assert no_network == []


def test_cached_file_is_read_by_torchvisions_loader(hub_dir, no_network, monkeypatch):
    path = vgg.vgg19_weights_path()
    path.parent.mkdir(parents=True)
    torch.manual_seed(123)
    features = make_layers(cfgs["E"]).state_dict()
    state = {f"features.{k}": v for k, v in features.items()}
    state["classifier.6.bias"] = torch.zeros(1000)  # the real file also holds the classifier
    torch.save(state, path)

    import torchvision.models._api as tv_api
    real = tv_api.load_state_dict_from_url
    seen = []

    def spy(url, *args, **kwargs):
        seen.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(tv_api, "load_state_dict_from_url", spy)
    loaded = vgg.load_vgg19(weights="imagenet", download=False)

    assert seen == [URL] and no_network == []
    assert len(loaded) == 37 and not loaded.training
    assert all(not p.requires_grad for p in loaded.parameters())
    assert loaded.state_dict().keys() == features.keys()
    for name, tensor in features.items():
        assert torch.equal(loaded.state_dict()[name], tensor), name
    out = vgg.load_vgg19_features(weights="imagenet", last_layer="conv2_1", download=False)(
        torch.zeros(1, 3, 16, 16))
    assert out.shape == (1, 128, 8, 8)


def test_corrupt_or_foreign_cached_file_is_reported(hub_dir, no_network):
    path = vgg.vgg19_weights_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(imagenet.WeightsUnavailableError, match="could not be read"):
        vgg.load_vgg19(weights="imagenet")
    torch.save({"features.0.weight": torch.zeros(2, 2)}, path)
    with pytest.raises(imagenet.WeightsUnavailableError, match="does not hold VGG19 weights"):
        vgg.load_vgg19(weights="imagenet")


def test_unknown_weights():
    with pytest.raises(ValueError, match="weights must be one of imagenet, random, got 'places'"):
        vgg.load_vgg19(weights="places")
