"""Deletion and insertion curves: hand-computed values on a linear model, a direct unbatched
loop (one forward pass per step), ROAD's imputation against the sparse system of the paper's
reference code solved by scipy, the confidence interval against scipy, and Quantus's
PixelFlipping as the oracle of the deletion curve."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from scipy import sparse, stats
from scipy.sparse import linalg
from torch import nn

from core.checks import InputError
from core.interpret import faithfulness as fa
from core.interpret.occlusion import baseline_image
from tests.models import small_cnn


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def linear_model(w: torch.Tensor) -> nn.Module:
    """logits = [w . x, 0]: the target class 0 has probability sigmoid(w . x)."""
    model = nn.Sequential(nn.Flatten(), nn.Linear(w.numel(), 2, bias=False))
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].weight[0] = w.flatten()
    return model.eval().requires_grad_(False)


W = torch.tensor([[2.0, -1.0], [0.5, 3.0]])
X = torch.tensor([[[[1.0, 1.0], [2.0, 0.5]]]])  # (1, 1, 2, 2); w * x = [[2, -1], [1, 1.5]]


# --------------------------------------------------------------------------- counts and order
def test_pixel_counts():
    assert fa.pixel_counts(4, 0.25).tolist() == [0, 1, 2, 3, 4]
    assert fa.pixel_counts(784, 0.05).tolist() == [*range(0, 784, 40), 784]  # 40 px, then 24
    assert fa.pixel_counts(784, 1 / 16).tolist() == list(range(0, 785, 49))
    assert fa.pixel_counts(10, 1.0).tolist() == [0, 10]


@pytest.mark.parametrize("step", [0, -0.1, 1.5, float("nan"), "0.1", None])
def test_a_bad_step_is_refused(step):
    with pytest.raises(InputError, match="step"):
        fa.pixel_counts(784, step)


def test_too_many_steps_are_refused():
    with pytest.raises(InputError, match="more than the 1000 allowed") as err:
        fa.pixel_counts(224 * 224, 1e-4)
    assert err.value.key == "faithfulness_steps"


def test_pixel_order_is_descending_and_stable_on_ties():
    heat = np.array([[0.5, 2.0], [0.5, np.nan]])
    assert fa.pixel_order(heat).tolist() == [1, 0, 2, 3]  # ties keep row-major order, NaN last


# --------------------------------------------------------------------------- hand-set values
def test_deletion_and_insertion_of_a_linear_model_by_hand():
    model = linear_model(W)
    heat = (W * X[0, 0]).numpy()  # [[2, -1], [1, 1.5]]: order 0, 3, 2, 1
    c = fa.curves(model, X, {"wx": heat[None]}, [0], step=0.25, baseline="zero", mean=0.0,
                  std=1.0)
    # deletion removes 2, then 1.5, then 1, then -1 from the logit 3.5
    dele = [_sigmoid(z) for z in (3.5, 1.5, 0.0, -1.0, 0.0)]
    # insertion from the black image puts back 2, 1.5, 1, then -1
    ins = [_sigmoid(z) for z in (0.0, 2.0, 3.5, 4.5, 3.5)]
    np.testing.assert_allclose(c.fractions, [0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(c.deletion[0, 0], dele, rtol=1e-6)
    np.testing.assert_allclose(c.insertion[0, 0], ins, rtol=1e-6)
    trapezoid = lambda p: 0.25 * (p[0] / 2 + p[1] + p[2] + p[3] + p[4] / 2)  # noqa: E731
    assert c.auc("deletion")[0, 0] == pytest.approx(trapezoid(dele), rel=1e-6)
    assert c.auc("insertion")[0, 0] == pytest.approx(trapezoid(ins), rel=1e-6)
    assert c.passes == 2 + 2 * 3 and not c.stopped and c.done == 1


def test_w_times_x_is_the_best_deletion_order_of_a_linear_model():
    model = linear_model(W)
    heat = (W * X[0, 0]).numpy()
    # every one of the 24 orders of the 4 pixels, as a map that ranks them that way
    orders = {f"order{i}": np.argsort(perm).reshape(2, 2).astype(np.float32)[None] * -1
              for i, perm in enumerate(itertools.permutations(range(4)))}
    rng = np.random.default_rng(0)
    randoms = {f"random{i}": rng.random((1, 2, 2)) for i in range(20)}
    c = fa.curves(model, X, {"wx": heat[None], **orders, **randoms}, [0], step=0.25,
                  baseline="mean", mean=0.0, std=1.0)
    dele = c.auc("deletion")[0]
    assert dele[0] <= dele[1:].min() + 1e-9
    assert dele[0] < dele[1 + len(orders):].mean()  # better than a random map on average


def test_auc_is_the_trapezoid_rule():
    f = np.array([0.0, 0.4, 1.0])
    v = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 1.0]])
    np.testing.assert_allclose(fa.auc(f, v), [0.4 * 1.5 / 2 + 0.6 * 0.5 / 2,
                                              0.4 * 0.5 + 0.6 * 1.0])
    np.testing.assert_allclose(fa.auc(f, v), np.trapezoid(v, f, axis=-1))


# --------------------------------------------------------------------------- direct loop
def _road_reference(x: torch.Tensor, known: np.ndarray) -> torch.Tensor:
    """ROAD's imputation as the reference code sets it up: one sparse equation per removed
    pixel, -sum_valid(w) x_i + sum_{removed j} w_ij x_j = -sum_{known j} w_ij v_j, solved by
    scipy's sparse LU (x: (C, H, W) float64, known: (H, W) bool)."""
    c, h, w = x.shape
    offsets = [((1, 1), 1 / 12), ((0, 1), 1 / 6), ((-1, 1), 1 / 12), ((1, -1), 1 / 12),
               ((0, -1), 1 / 6), ((-1, -1), 1 / 12), ((1, 0), 1 / 6), ((-1, 0), 1 / 6)]
    missing = [(i, j) for i in range(h) for j in range(w) if not known[i, j]]
    var = {p: k for k, p in enumerate(missing)}
    a = sparse.lil_matrix((len(missing), len(missing)))
    b = np.zeros((len(missing), c))
    v = x.numpy()
    for k, (i, j) in enumerate(missing):
        total = 0.0
        for (di, dj), wt in offsets:
            ni, nj = i + di, j + dj
            if not (0 <= ni < h and 0 <= nj < w):
                continue
            total += wt
            if known[ni, nj]:
                b[k] -= wt * v[:, ni, nj]
            else:
                a[k, var[(ni, nj)]] = wt
        a[k, k] = -total
    out = v.copy()
    if missing:
        sol = linalg.spsolve(sparse.csc_matrix(a), b).reshape(len(missing), c)
        for k, (i, j) in enumerate(missing):
            out[:, i, j] = sol[k]
    return torch.from_numpy(out)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.95])
def test_road_imputation_solves_the_reference_system(fraction):
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(2, 3, 9, 11, generator=gen, dtype=torch.float64)
    known = torch.rand(2, 9, 11, generator=gen) > fraction
    got = fa.road_impute(x, known, tol=1e-12)
    for i in range(2):
        torch.testing.assert_close(got[i], _road_reference(x[i], known[i].numpy()), atol=1e-8,
                                   rtol=0)
    assert torch.equal(got[known[:, None].expand_as(x)], x[known[:, None].expand_as(x)])


def test_road_imputation_ends():
    x = torch.randn(1, 2, 5, 5)
    assert torch.equal(fa.road_impute(x, torch.ones(1, 5, 5, dtype=torch.bool)), x)
    noise = torch.full_like(x, 0.25)
    got = fa.road_impute(x, torch.zeros(1, 5, 5, dtype=torch.bool), noise=noise)
    assert torch.equal(got, noise)  # nothing to impute from: the mean (0) plus the noise


def _direct(model, x, heat, target, counts, baseline, mean, std, seed, point_noise):
    """The curves one image and one map at a time, one forward pass per point, pixels
    replaced one by one in a Python loop."""
    n_pix = heat.size
    order = np.argsort(-heat.ravel(), kind="stable")
    base = None if baseline == "road" else baseline_image(x, baseline, mean=mean, std=std)[0]
    out = {}
    for kind in ("deletion", "insertion"):
        probs = []
        for i, k in enumerate(counts):
            chosen = set(order[:k].tolist())
            replaced = [p for p in range(n_pix) if (p in chosen) == (kind == "deletion")]
            img = x[0].clone()
            if baseline == "road":
                known = np.ones(heat.shape, bool)
                for p in replaced:
                    known[divmod(p, heat.shape[1])] = False
                img = _road_reference(img.double(), known).float()
                for p in replaced:
                    r, c = divmod(p, heat.shape[1])
                    img[:, r, c] += point_noise[i][:, r, c]
            else:
                for p in replaced:
                    r, c = divmod(p, heat.shape[1])
                    img[:, r, c] = base[:, r, c]
            with torch.no_grad():
                probs.append(float(model(img[None]).softmax(1)[0, target]))
        out[kind] = np.array(probs)
    return out


@pytest.mark.parametrize("baseline", ["zero", "mean", "blur", "road"])
def test_curves_equal_a_direct_loop(baseline):
    model = small_cnn(3)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 28, 28, generator=gen)
    maps = {"a": torch.rand(2, 28, 28, generator=gen).numpy(),
            "b": torch.randn(2, 28, 28, generator=gen).numpy()}
    mean, std = (0.4, 0.5, 0.6), (0.2, 0.25, 0.3)
    targets = [3, 7]
    step = 0.2
    got = fa.curves(model, x, maps, targets, step=step, baseline=baseline, mean=mean, std=std,
                    seed=5, batch_size=7)
    counts = fa.pixel_counts(28 * 28, step)
    assert got.passes == 2 * (2 + 2 * 2 * (len(counts) - 2))
    for i in range(2):
        # ROAD's noise: one field per point, seeded seed + image, as the module doc says
        noise = fa.ROAD_NOISE * torch.randn((len(counts), 3, 28, 28),
                                            generator=torch.Generator().manual_seed(5 + i))
        for j, key in enumerate(maps):
            want = _direct(model, x[i:i + 1], maps[key][i], targets[i], counts, baseline, mean,
                           std, 5 + i, noise)
            atol = 1e-4 if baseline == "road" else 1e-6  # the solver's tolerance
            np.testing.assert_allclose(got.deletion[i, j], want["deletion"], atol=atol, rtol=0)
            np.testing.assert_allclose(got.insertion[i, j], want["insertion"], atol=atol, rtol=0)


def test_curves_do_not_depend_on_the_batch_size():
    model = small_cnn(1)
    x = torch.randn(3, 1, 28, 28)
    maps = {"m": np.random.default_rng(1).random((3, 28, 28))}
    a = fa.curves(model, x, maps, [0, 1, 2], step=0.1, baseline="road", batch_size=1)
    b = fa.curves(model, x, maps, [0, 1, 2], step=0.1, baseline="road", batch_size=500)
    np.testing.assert_allclose(a.deletion, b.deletion, atol=1e-6)
    np.testing.assert_allclose(a.insertion, b.insertion, atol=1e-6)


def test_stop_keeps_the_images_finished():
    model = small_cnn(1)
    x = torch.randn(4, 1, 28, 28)
    maps = {"m": np.random.default_rng(1).random((4, 28, 28))}
    calls = []
    c = fa.curves(model, x, maps, [0] * 4, step=0.5, baseline="zero", batch_size=6,
                  should_stop=lambda: len(calls) >= 2, progress=lambda d, t: calls.append(d))
    # each image is 2 + 2 = 4 copies, one batch: the stop comes before image 2
    assert c.stopped and c.done == 2 and c.passes == 8
    assert not np.isnan(c.deletion[:2]).any() and np.isnan(c.deletion[2:]).all()
    s = fa.scores(c)[0]
    assert s.images == 2 and s.deletion == pytest.approx(c.auc("deletion")[:2, 0].mean())


@pytest.mark.parametrize("kind", ["deletion", "insertion"])
def test_perturbed_is_a_point_of_the_curve(kind):
    model = small_cnn(1)
    x = torch.randn(1, 1, 28, 28)
    heat = np.random.default_rng(2).random((28, 28))
    c = fa.curves(model, x, {"m": heat[None]}, [4], step=0.1, baseline="blur")
    img = fa.perturbed(x, heat, float(c.fractions[3]), kind=kind, baseline="blur")
    with torch.no_grad():
        p = float(model(img).softmax(1)[0, 4])
    assert p == pytest.approx(getattr(c, kind)[0, 0, 3], abs=1e-6)
    assert torch.equal(fa.perturbed(x, heat, 0.0, baseline="blur"), x)


def test_bad_inputs_are_refused():
    model = small_cnn(1)
    x = torch.randn(2, 1, 28, 28)
    good = {"m": np.zeros((2, 28, 28))}
    with pytest.raises(InputError, match="shape"):
        fa.curves(model, x, {"m": np.zeros((2, 7, 28))}, [0, 1])
    with pytest.raises(InputError, match="one class per image"):
        fa.curves(model, x, good, [0])
    with pytest.raises(InputError, match="baseline"):
        fa.curves(model, x, good, [0, 1], baseline="white")
    with pytest.raises(InputError, match="maps"):
        fa.curves(model, x, {}, [0, 1])


# --------------------------------------------------------------------------- scores
def test_mean_ci_is_students_t_interval():
    v = np.array([0.2, 0.5, 0.3, 0.9, 0.4])
    mean, half = fa.mean_ci(v)
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
    assert mean == pytest.approx(v.mean()) and half == pytest.approx((hi - lo) / 2)
    assert math.isnan(fa.mean_ci([0.3])[1]) and fa.mean_ci([0.3])[0] == 0.3
    assert fa.mean_ci([0.2, np.nan, 0.4])[0] == pytest.approx(0.3)


def test_scores_are_sorted_best_first():
    model = linear_model(W)
    heat = (W * X[0, 0]).numpy()
    c = fa.curves(model, X, {"anti": -heat[None], "wx": heat[None]}, [0], step=0.25,
                  baseline="zero")
    s = fa.scores(c)
    assert [r.method for r in s] == ["wx", "anti"]
    auc_d, auc_i = c.auc("deletion"), c.auc("insertion")
    assert s[0].deletion == pytest.approx(auc_d[0, 1])
    assert s[0].difference == pytest.approx(auc_i[0, 1] - auc_d[0, 1])


# --------------------------------------------------------------------------- Quantus oracle
def test_deletion_equals_quantus_pixel_flipping():
    quantus = pytest.importorskip("quantus")
    model = small_cnn(1)
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(3, 1, 28, 28, generator=gen)
    maps = torch.rand(3, 28, 28, generator=gen).numpy()  # no ties: any sort gives one order
    targets = model(x).argmax(1).numpy()
    mean, std = 0.3, 0.5
    ours = fa.curves(model, x, {"m": maps}, targets, step=1 / 16, baseline="zero", mean=mean,
                     std=std)
    metric = quantus.PixelFlipping(features_in_step=49, normalise=False, abs=False,
                                   perturb_baseline=(0 - mean) / std, disable_warnings=True)
    theirs = np.array(metric(model=model, x_batch=x.numpy(), y_batch=targets,
                             a_batch=maps[:, None], channel_first=True, softmax=True,
                             device="cpu"))
    # Quantus's curve has the points after each step (not the unchanged image's)
    np.testing.assert_allclose(ours.deletion[:, 0, 1:], theirs, atol=1e-6)
