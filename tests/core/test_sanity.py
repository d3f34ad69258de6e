"""Sanity check (Adebayo et al. 2018): rank correlation vs scipy, layer groups, cascading
randomisation on a private copy (the shared model untouched), stop and progress."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats
import torch
import torchvision

from core.interpret import saliency, sanity
from core.models import checkpoints
from core.models.builder import build_model
from tests.models import noise_image, small_cnn


# --------------------------------------------------------------------------- Spearman
@pytest.mark.parametrize("seed", range(5))
def test_rankdata_and_spearman_match_scipy(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 6, size=(9, 7)).astype(float)  # many ties
    b = rng.normal(size=(9, 7))
    b[b < 0] = 0.0  # ties at zero, like a ReLU'd map
    np.testing.assert_allclose(sanity.rankdata(a), scipy.stats.rankdata(a.ravel()))
    np.testing.assert_allclose(sanity.rankdata(b), scipy.stats.rankdata(b.ravel()))
    expected = scipy.stats.spearmanr(a.ravel(), b.ravel()).statistic
    assert sanity.spearman(a, b) == pytest.approx(expected, abs=1e-12)


def test_spearman_edge_cases():
    x = np.arange(10.0)
    assert sanity.spearman(x, x ** 3) == pytest.approx(1.0)
    assert sanity.spearman(x, -x) == pytest.approx(-1.0)
    assert np.isnan(sanity.spearman(x, np.zeros(10)))  # a constant map has no ranking
    with pytest.raises(ValueError, match="same size"):
        sanity.spearman(x, x[:5])


# --------------------------------------------------------------------------- groups
def test_layer_groups_top_down():
    assert sanity.layer_groups(small_cnn()) == ["fc2", "fc1", "conv2", "conv1"]
    assert sanity.layer_groups(small_cnn(batch_norm=True))[-2:] == ["bn1", "conv1"]
    resnet = torchvision.models.resnet18(weights=None).eval()
    assert sanity.layer_groups(resnet) == [
        "fc", "layer4.1", "layer4.0", "layer3.1", "layer3.0", "layer2.1", "layer2.0",
        "layer1.1", "layer1.0", "bn1", "conv1"]
    vgg = torchvision.models.vgg11(weights=None).eval()
    groups = sanity.layer_groups(vgg)
    assert groups[:3] == ["classifier.6", "classifier.3", "classifier.0"]
    assert groups[-1] == "features.0" and len(groups) == 11  # 8 convs + 3 linears


# --------------------------------------------------------------------------- the check
def test_cascading_randomization_on_a_private_copy(untouched):
    model = small_cnn(batch_norm=True)
    model.requires_grad_(False)
    x = noise_image(1)
    seen = []
    with untouched(model):
        r = sanity.cascading_randomization(
            model, x, methods=["vanilla", "guided", "gradcam"],
            params={"gradcam": {"layer": "relu1"}}, progress=lambda d, t: seen.append((d, t)))
    n = len(sanity.layer_groups(model))
    assert r.steps == ["original", *r.groups] and len(r.steps) == n + 1
    assert seen[-1] == (3 * (n + 1), 3 * (n + 1)) and len(seen) == 3 * (n + 1)
    assert r.target == saliency.vanilla_gradient(model, x).target
    for key in ("vanilla", "guided", "gradcam"):
        assert r.rank_corr[key][0] == pytest.approx(1.0)
        np.testing.assert_array_equal(r.maps[key][0], saliency.attribute(
            key, model, x, r.target, **({"layer": "relu1"} if key == "gradcam" else {})).heat)
        # each step's number is the Spearman correlation of |map| with the original |map|
        for step in range(1, n + 1):
            expected = scipy.stats.spearmanr(np.abs(r.maps[key][step]).ravel(),
                                             np.abs(r.maps[key][0]).ravel()).statistic
            np.testing.assert_allclose(r.rank_corr[key][step], expected, atol=1e-9)
    # randomising the output layer changes the vanilla map
    assert not np.allclose(r.maps["vanilla"][1], r.maps["vanilla"][0])
    # and the same seed gives the same check
    again = sanity.cascading_randomization(model, x, methods=["vanilla"], max_steps=2)
    np.testing.assert_array_equal(again.rank_corr["vanilla"], r.rank_corr["vanilla"][:3])


def test_guided_backprop_barely_depends_on_the_weights(_default_checkpoint):
    # Adebayo et al.'s finding, on the trained default model: as layers are randomised,
    # guided backprop's map stays far more similar to the original than the plain gradient's
    model, card = checkpoints.load_checkpoint(_default_checkpoint)
    from core.data import datasets, images

    _, test = datasets.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[0]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    r = sanity.cascading_randomization(model, x, methods=["vanilla", "guided"])
    assert np.mean(r.rank_corr["guided"][1:]) > np.mean(r.rank_corr["vanilla"][1:]) + 0.15


def test_should_stop_and_errors_leave_the_model_untouched(untouched):
    model = small_cnn()
    x = noise_image(1)
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 2

    with untouched(model):
        r = sanity.cascading_randomization(model, x, methods=["vanilla"], should_stop=stop)
        assert r.stopped and r.steps == ["original", "fc2"] and len(r.maps["vanilla"]) == 2
        with pytest.raises(ValueError, match="does not fit this model"):
            sanity.cascading_randomization(model, noise_image(1, size=20), methods=["vanilla"])


@pytest.mark.parametrize("kwargs,match", [
    ({"methods": []}, "methods must be"),
    ({"methods": "vanilla"}, "methods must be"),
    ({"methods": ["lime"]}, "methods must be"),
    ({"methods": ["vanilla"], "params": {"ig": {}}}, "params must"),
    ({"methods": ["vanilla"], "max_steps": 0}, r"max_steps must be an integer in 1\.\.4"),
    ({"methods": ["vanilla"], "max_steps": 5}, r"max_steps must be an integer in 1\.\.4"),
    ({"methods": ["vanilla"], "seed": 1.5}, "seed must be"),
])
def test_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sanity.cascading_randomization(small_cnn(), noise_image(1), **kwargs)


def test_reinit_is_seeded_and_keeps_default_scales():
    torch.manual_seed(0)
    m = build_model("small_cnn", in_channels=1, num_classes=10, image_size=28, batch_norm=True)
    trained = m.fc1.weight.detach().clone()
    sanity._reinit(m.fc1, torch.Generator().manual_seed(3))
    first = m.fc1.weight.detach().clone()
    sanity._reinit(m.fc1, torch.Generator().manual_seed(3))
    assert torch.equal(first, m.fc1.weight) and not torch.equal(first, trained)
    bound = 1 / np.sqrt(m.fc1.in_features)  # PyTorch's default Linear init range
    assert float(m.fc1.weight.detach().abs().max()) <= bound
    assert float(m.fc1.bias.detach().abs().max()) <= bound
    before = m.bn1.weight.detach().clone()  # a norm layer: Gaussian around its own values
    sanity._reinit(m.bn1, torch.Generator().manual_seed(3))
    assert not torch.equal(before, m.bn1.weight) and torch.isfinite(m.bn1.weight).all()
