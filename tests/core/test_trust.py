"""The Trust scoreboard's maps: batched maps equal each method run on one image at a time (the
methods themselves are checked against Captum in test_saliency.py and test_occlusion.py), the
references, stopping, bad input, and the shared model left untouched."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.checks import InputError
from core.interpret import faithfulness, occlusion, saliency, trust
from tests.models import as_shared, resnet18, shared, small_cnn

pytestmark = pytest.mark.filterwarnings("ignore:Setting backward hooks on ReLU")


def _images(n: int, channels: int, size: int = 28, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, channels, size, size, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("method", saliency.ONE_PASS)
def test_batch_heat_equals_one_image_at_a_time(method, channels):
    model = small_cnn(channels)
    x = _images(5, channels)
    targets = torch.tensor([0, 3, 3, 9, 1])
    got = saliency.batch_heat(method, model, x, targets)
    want = np.stack([saliency.attribute(method, model, x[i:i + 1], int(targets[i])).heat
                     for i in range(5)])
    assert got.shape == (5, 28, 28) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, atol=1e-6 * max(1.0, np.abs(want).max()), rtol=1e-5)


@pytest.mark.parametrize("method", ["guided", "guided_gradcam"])
def test_batch_heat_on_resnet18_with_inplace_relus(method, untouched):
    model = as_shared(resnet18(), frozen=True)
    x = _images(2, 3, 64)
    targets = torch.tensor([2, 5])
    with untouched(model):
        got = saliency.batch_heat(method, model, x, targets)
    want = np.stack([saliency.attribute(method, model, x[i:i + 1], int(targets[i])).heat
                     for i in range(2)])
    np.testing.assert_allclose(got, want, atol=1e-5 * np.abs(want).max(), rtol=1e-4)


def test_batch_heat_refuses_a_bad_target():
    with pytest.raises(InputError, match="target"):
        saliency.batch_heat("vanilla", small_cnn(1), _images(2, 1), torch.tensor([0, 10]))


PARAMS = {"smoothgrad": {"samples": 3, "batch_size": 2},
          "ig": {"steps": 4, "mean": 0.5, "std": 0.25, "baseline": "zero"},
          "occlusion": {"window": 7, "stride": 7, "baseline": "zero", "mean": 0.5, "std": 0.25,
                        "incremental": False}}


def test_pixel_maps_equal_each_method_on_one_image():
    model = small_cnn(1)
    x = _images(3, 1)
    targets = [4, 1, 1]
    maps = trust.pixel_maps(model, x, targets, methods=trust.MAP_METHODS, params=PARAMS,
                            seed=7, batch_size=2)
    assert maps.done == 3 and not maps.stopped and maps.targets.tolist() == targets
    for i in range(3):
        xi, t = x[i:i + 1], targets[i]
        for m in saliency.METHODS:
            want = saliency.attribute(m, model, xi, t, **PARAMS.get(m, {})).heat
            np.testing.assert_allclose(maps.maps[m][i], want, atol=1e-6, rtol=1e-5)
        occ = occlusion.occlusion(model, xi, target=t, **PARAMS["occlusion"])
        np.testing.assert_allclose(maps.maps["occlusion"][i],
                                   occlusion.attribution_map(occ, (28, 28)), atol=1e-7)
        np.testing.assert_array_equal(maps.maps["random"][i], trust.random_map((28, 28), 7 + i))
    np.testing.assert_array_equal(maps.maps["centre"], np.stack([trust.centre_map((28, 28))] * 3))


def test_references():
    a, b = trust.random_map((6, 5), 3), trust.random_map((6, 5), 3)
    assert np.array_equal(a, b) and not np.array_equal(a, trust.random_map((6, 5), 4))
    state = np.random.get_state()[1].copy()
    trust.random_map((6, 5), 3)
    assert np.array_equal(np.random.get_state()[1], state)  # the global RNG is left alone
    c = trust.centre_map((5, 7))
    assert c.argmax() == 2 * 7 + 3 and c[2, 3] == 1.0
    order = faithfulness.pixel_order(c)
    assert order[0] == 17 and set(order[1:5]) == {10, 16, 18, 24}  # then the 4 beside it


def test_stop_keeps_whole_images():
    model = small_cnn(1)
    calls = []
    maps = trust.pixel_maps(model, _images(5, 1), [0] * 5, methods=["vanilla", "random"],
                            batch_size=2, progress=lambda d, t: calls.append((d, t)),
                            should_stop=lambda: len(calls) >= 2)
    assert maps.stopped and maps.done == 2 and calls == [(2, 10), (4, 10)]
    assert not np.isnan(maps.maps["vanilla"][:2]).any()
    assert np.isnan(maps.maps["vanilla"][2:]).all()


def test_scoreboard_leaves_the_shared_model_untouched(untouched):
    model = shared("small_cnn", frozen=True)
    x = _images(3, 1)
    with untouched(model):
        sb = trust.scoreboard(model, x, methods=trust.MAP_METHODS, params=PARAMS,
                              baselines=faithfulness.BASELINES, step=0.25, mean=0.5, std=0.25)
    pred = model(x).argmax(1).numpy()
    assert sb.maps.targets.tolist() == pred.tolist()
    assert set(sb.curves) == set(faithfulness.BASELINES)
    for b, c in sb.curves.items():
        assert c.methods == trust.MAP_METHODS and c.done == 3
        again = faithfulness.curves(model, x, sb.maps.maps, pred, step=0.25, baseline=b,
                                    mean=0.5, std=0.25)
        np.testing.assert_allclose(c.deletion, again.deletion, atol=1e-6)
        assert [s.method for s in sb.scores(b)] == [s.method for s in faithfulness.scores(c)]
    np.testing.assert_allclose(sb.probs, model(x).softmax(1).max(1).values.detach(), atol=1e-6)


def test_scoreboard_refuses_bad_input():
    model, x = small_cnn(1), _images(2, 1)
    with pytest.raises(InputError) as err:
        trust.scoreboard(model, x, methods=["vanilla", "nope"])
    assert err.value.key == "trust_methods"
    with pytest.raises(InputError) as err:
        trust.scoreboard(model, x, methods=["vanilla"], baselines=["white"])
    assert err.value.key == "trust_baselines"
    with pytest.raises(InputError, match="step"):
        trust.scoreboard(model, x, methods=["vanilla"], step=0)
    with pytest.raises(InputError):
        trust.scoreboard(model, x, methods=["vanilla", "vanilla"])


def test_estimate_passes():
    assert trust.estimate_passes("ig", {"steps": 16}, (28, 28)) == 17
    assert trust.estimate_passes("occlusion", {"window": 4, "stride": 4}, (28, 28)) == 50
    assert trust.estimate_passes("random", {}, (28, 28)) == 0
