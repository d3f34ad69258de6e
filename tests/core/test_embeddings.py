"""Tests for core.interpret.embeddings: extraction against a manual forward pass and
core.train.evaluation, the shared model left untouched, PCA against scikit-learn, t-SNE
behaviour (shape, seed, progress, stop, quality), quality measures, nearest neighbours and the
CSV export."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
import sklearn.manifold
import torch
import torchvision
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier
from torch import nn

from core.data import datasets
from core.interpret import embeddings, layers
from core.models.builder import build_model
from core.train import evaluation
from tests.models import as_shared, shared


def _dataset(n: int = 40, shape=(1, 28, 28), classes: int = 10) -> datasets.Dataset:
    gen = torch.Generator().manual_seed(3)
    images = torch.randint(0, 256, (n, *shape), dtype=torch.uint8, generator=gen)
    labels = torch.arange(n, dtype=torch.int64) % classes
    c = shape[0]
    return datasets.Dataset("folder", "test", images, labels, tuple(str(i) for i in range(classes)),
                        (0.4,) * c, (0.3,) * c)


def _blobs(n_per: int = 40, k: int = 5, d: int = 20, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=10.0, size=(k, d))
    x = np.concatenate([c + rng.normal(size=(n_per, d)) for c in centres])
    return x.astype(np.float32), np.repeat(np.arange(k), n_per)


# --------------------------------------------------------------------------- layers
def test_feature_layers_are_the_inspectable_layers():
    model = shared()
    assert embeddings.feature_layers(model) == layers.layer_names(model)


def test_default_feature_layer():
    model = shared(dropout=0.3)
    assert embeddings.default_feature_layer(model, "small_cnn") == "relu_fc1"
    # unknown arch: the input of the last Linear, skipping the Dropout before it
    assert embeddings.default_feature_layer(model) == "relu_fc1"
    assert embeddings.default_feature_layer(model, "resnet18") == "relu_fc1"
    tiny = as_shared(build_model("tiny_vgg", in_channels=1, num_classes=10, image_size=28))
    assert embeddings.default_feature_layer(tiny) == "flatten"
    resnet = as_shared(torchvision.models.resnet18(weights=None, num_classes=10))
    assert embeddings.default_feature_layer(resnet) == "avgpool"  # through torch.flatten to fc
    with pytest.raises(ValueError, match="'relu_fc1', which this model lacks"):
        embeddings.default_feature_layer(tiny, "small_cnn")
    with pytest.raises(ValueError, match="no nn.Linear"):
        embeddings.default_feature_layer(as_shared(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())))


@pytest.mark.parametrize("arch, layer, dim", [
    ("mobilenet_v3_small", "classifier.1", 1024),  # Linear, Hardswish, Dropout, Linear
    ("efficientnet_b0", "avgpool", 1280),  # Dropout skipped, through torch.flatten
    # no Linear: the classifier is a 1x1 conv; through torch.cat to its first input
    ("squeezenet1_1", "features.12.expand1x1_activation", 256),
])
def test_default_feature_layer_of_torchvision_classifiers(arch, layer, dim):
    torch.manual_seed(0)
    model = as_shared(torchvision.models.get_model(arch, weights=None, num_classes=5))
    assert embeddings.default_feature_layer(model, arch) == layer
    feats = embeddings.extract(model, _dataset(3, (3, 64, 64), classes=5))
    assert feats.vectors.shape == (3, dim)


def test_a_conv_classifier_gives_the_layer_before_it():
    model = as_shared(nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Dropout(0.2),
                                    nn.Conv2d(4, 10, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten()))
    assert embeddings.default_feature_layer(model) == "1"


# --------------------------------------------------------------------------- extraction
@pytest.mark.parametrize("layer, mode, done, reduce", [
    ("pool2", "auto", "gap", lambda t: t.mean((2, 3))),
    ("relu2", "gap", "gap", lambda t: t.mean((2, 3))),
    ("pool1", "flatten", "flatten", lambda t: t.flatten(1)),
    ("relu_fc1", "auto", "vector", lambda t: t),
    ("relu_fc1", "gap", "vector", lambda t: t),  # a (D,) output is used as is
    ("fc2", "vector", "vector", lambda t: t),
])
def test_extract_equals_a_manual_forward(layer, mode, done, reduce):
    model = shared(batch_norm=True)
    ds = _dataset(37)
    feats = embeddings.extract(model, ds, layer=layer, mode=mode, batch_size=16)
    names = [n for n, _ in model.named_children()]
    prefix = model[: names.index(layer) + 1]
    with torch.no_grad():
        expected = reduce(prefix(ds.normalize(ds.images)))
    np.testing.assert_allclose(feats.vectors, expected.numpy(), rtol=1e-5, atol=1e-5)
    assert feats.vectors.dtype == np.float32 and (feats.layer, feats.mode) == (layer, done)
    ev = evaluation.evaluate(model, ds)
    np.testing.assert_array_equal(feats.preds, ev.preds)
    np.testing.assert_allclose(feats.probs, ev.probs, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(feats.labels, ev.labels)
    np.testing.assert_array_equal(feats.indices, np.arange(37))


def test_extract_defaults_on_the_digits_test_split():
    model = shared()
    _, test = datasets.load_digits()
    feats = embeddings.extract(model, test)
    assert feats.layer == "relu_fc1" and feats.mode == "vector"
    assert feats.vectors.shape == (len(test), 128) and feats.probs.shape == (len(test), 10)
    np.testing.assert_allclose(feats.probs.sum(1), 1.0, rtol=1e-5)


def test_extract_limit_and_progress():
    calls = []
    feats = embeddings.extract(shared(), _dataset(37), limit=25, batch_size=10,
                        progress=lambda done, total: calls.append((done, total)))
    assert feats.vectors.shape == (25, 128)
    np.testing.assert_array_equal(feats.indices, np.arange(25))
    assert calls == [(10, 25), (20, 25), (25, 25)]
    assert len(embeddings.extract(shared(), _dataset(12), limit=500).indices) == 12


def test_extract_through_a_traced_model():
    model = as_shared(torchvision.models.resnet18(weights=None, num_classes=4))
    ds = _dataset(6, (3, 32, 32), classes=4)
    feats = embeddings.extract(model, ds)
    assert feats.layer == "avgpool" and feats.mode == "gap" and feats.vectors.shape == (6, 512)
    with torch.no_grad():
        x = ds.normalize(ds.images)
        body = nn.Sequential(*list(model.children())[:-1])  # up to avgpool
        np.testing.assert_allclose(feats.vectors, body(x).flatten(1).numpy(), rtol=1e-4,
                                   atol=1e-5)
        np.testing.assert_allclose(feats.probs, model(x).softmax(1).numpy(), rtol=1e-4,
                                   atol=1e-6)


def _fit_reference(images: torch.Tensor, size: int, mean, std) -> torch.Tensor:
    """Grey uint8 (B, 1, h, w) -> RGB (B, 3, size, size) normalised: grey copied to three
    channels, antialiased bilinear resize, / 255, (x - mean) / std; written out, not fit_input."""
    import torch.nn.functional as F

    x = images.float().repeat(1, 3, 1, 1)
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False,
                      antialias=True) / 255
    return (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


def test_extract_with_a_transform_equals_a_direct_loop():
    """A 3x32x32 model of 5 classes on a grey 12x12 dataset of 10 classes, through core.data.fit:
    per image, the reference converts the image itself and runs torch's module."""
    from core.data.fit import fit_input

    model = as_shared(torchvision.models.resnet18(weights=None, num_classes=5))
    ds = _dataset(11, (1, 12, 12), classes=10)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    fit = fit_input((1, 12, 12), (3, 32, 32), mean=mean, std=std)
    calls = []
    feats = embeddings.extract(model, ds, transform=fit, batch_size=4,
                               progress=lambda done, total: calls.append(done))
    assert calls == [4, 8, 11] and feats.layer == "avgpool" and feats.vectors.shape == (11, 512)
    body = nn.Sequential(*list(model.children())[:-1])  # up to avgpool
    with torch.no_grad():
        for i in range(len(ds)):
            x = _fit_reference(ds.images[i:i + 1], 32, mean, std)  # (1, 3, 32, 32)
            np.testing.assert_allclose(feats.vectors[i], body(x).flatten(1)[0].numpy(),
                                       rtol=1e-4, atol=1e-4)
            np.testing.assert_allclose(feats.probs[i], model(x).softmax(1)[0].numpy(),
                                       rtol=1e-4, atol=1e-5)
    assert feats.probs.shape == (11, 5)  # the model's classes, not the dataset's 10
    np.testing.assert_array_equal(feats.labels, ds.labels.numpy())  # the dataset's
    np.testing.assert_array_equal(feats.preds, feats.probs.argmax(1))


def test_extract_in_chunks_joins_to_one_extraction():
    model, ds = shared(), _dataset(23)
    whole = embeddings.extract(model, ds, layer="pool2")
    parts = [embeddings.extract(model, ds, layer="pool2", start=a, limit=b - a)
             for a, b in ((0, 10), (10, 20), (20, 23))]
    np.testing.assert_array_equal(parts[1].indices, np.arange(10, 20))
    np.testing.assert_array_equal(parts[1].labels, ds.labels[10:20].numpy())
    joined = embeddings.join_features(parts)
    for name in ("vectors", "indices", "labels", "preds", "probs"):
        np.testing.assert_allclose(getattr(joined, name), getattr(whole, name), rtol=1e-5,
                                   atol=1e-6)
    assert (joined.layer, joined.mode) == (whole.layer, whole.mode)
    with pytest.raises(ValueError, match="empty"):
        embeddings.extract(model, ds, start=23)
    with pytest.raises(ValueError, match="one extraction"):
        embeddings.join_features([parts[0], embeddings.extract(model, ds, layer="relu_fc1")])
    with pytest.raises(ValueError, match="transform must be callable"):
        embeddings.extract(model, ds, transform="resize")
    with pytest.raises(ValueError, match="MiB"):
        embeddings.check_feature_bytes(embeddings.MAX_FEATURE_BYTES // 4 + 1, 1)


class _Boom(Exception):
    pass


def _boom_at(n: int):
    def progress(done, total):
        if done >= n:
            raise _Boom
    return progress


@pytest.mark.parametrize("call, raises", [
    (lambda m, ds: embeddings.extract(m, ds, layer="relu2", mode="gap", batch_size=8), None),
    (lambda m, ds: embeddings.extract(m, ds, layer="pool1", mode="flatten"), None),
    (lambda m, ds: embeddings.extract(m, ds, layer="relu2", mode="vector"), ValueError),
    (lambda m, ds: embeddings.extract(m, ds, layer="nope"), ValueError),
    (lambda m, ds: embeddings.extract(m, _dataset(4, (3, 28, 28))), ValueError),  # wrong channels
    (lambda m, ds: embeddings.extract(m, ds, batch_size=8, progress=_boom_at(16)), _Boom),
    (lambda m, ds: embeddings.extract(m, ds, limit=0), ValueError),
])
def test_the_shared_model_is_left_untouched(call, raises, untouched):
    model = shared(batch_norm=True, dropout=0.5)
    model.fc1.weight.grad = torch.full_like(model.fc1.weight, 0.25)  # a caller's gradient
    model.conv1.requires_grad_(False)
    ds = _dataset(30)
    with untouched(model):
        if raises:
            with pytest.raises(raises):
                call(model, ds)
        else:
            call(model, ds)


def test_extract_passes_on_errors_of_the_progress_callback():
    def progress(done, total):
        raise RuntimeError("the page went away")  # not a shape mismatch: not a ValueError

    with pytest.raises(RuntimeError, match="the page went away"):
        embeddings.extract(shared(), _dataset(4), progress=progress)


def test_extract_needs_eval_mode_and_says_so(untouched):
    model = shared().train()
    with untouched(model), pytest.raises(ValueError, match="eval mode"):
        embeddings.extract(model, _dataset(4))
    assert all(m.training for m in model.modules())


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "pca"}, "mode must be one of"),
    ({"limit": 0}, "limit must be an integer >= 1, got 0"),
    ({"limit": 2.5}, "limit must be an integer"),
    ({"batch_size": 0}, "batch_size must be an integer >= 1"),
    ({"layer": "fc9"}, "unknown layer 'fc9'"),
    ({"layer": "relu1", "mode": "vector"}, r"mode 'vector' needs .* \(32, 28, 28\)"),
    ({"progress": 3}, "progress must be callable"),
])
def test_extract_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        embeddings.extract(shared(), _dataset(4), **kwargs)


def test_extract_caps_the_memory_of_flattened_maps(monkeypatch):
    monkeypatch.setattr(embeddings, "MAX_FEATURE_BYTES", 10 * 32 * 28 * 28 * 4 - 1)
    with pytest.raises(ValueError, match="use mode 'gap'"):
        embeddings.extract(shared(), _dataset(10), layer="relu1", mode="flatten")


def test_raw_pixels():
    ds = _dataset(12)
    idx = np.array([3, 0, 11])
    x = embeddings.raw_pixels(ds, idx)
    assert x.shape == (3, 28 * 28) and x.dtype == np.float32
    np.testing.assert_allclose(x, ds.normalize(ds.images[[3, 0, 11]]).reshape(3, -1).numpy())
    with pytest.raises(ValueError, match="indices must be a non-empty array of integers in 0..11"):
        embeddings.raw_pixels(ds, np.array([12]))


# --------------------------------------------------------------------------- PCA
@pytest.mark.parametrize("dims", [2, 3])
def test_pca_matches_scikit_learn(dims):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(300, 40)) * np.linspace(5, 0.1, 40)).astype(np.float32)
    proj = embeddings.pca(x, dims)
    ref = PCA(n_components=dims, svd_solver="full").fit(x.astype(np.float64))
    expected = ref.transform(x.astype(np.float64))
    assert proj.coords.shape == (300, dims) and proj.coords.dtype == np.float32
    signs = np.sign((proj.coords * expected).sum(0))  # per-component sign
    np.testing.assert_allclose(proj.coords * signs, expected, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(proj.explained_variance, ref.explained_variance_ratio_, rtol=1e-5)
    assert proj.method == "pca" and proj.dims == dims and proj.seconds >= 0


@pytest.mark.parametrize("x, dims, message", [
    (np.ones((1, 4)), 2, "at least 2 rows"),
    (np.ones((5, 4)), 5, r"dims must be an integer in 1..4, got 5"),
    (np.array([[0.0, np.nan], [1.0, 2.0]]), 1, "finite"),
    (np.ones(5), 1, "2-D numeric array"),
])
def test_pca_validates(x, dims, message):
    with pytest.raises(ValueError, match=message):
        embeddings.pca(x, dims)


# --------------------------------------------------------------------------- t-SNE
@pytest.mark.parametrize("dims", [2, 3])
def test_tsne_shape_and_params(dims):
    x, _ = _blobs(24)
    proj = embeddings.tsne(x, dims, perplexity=10, iterations=250)
    assert proj.coords.shape == (120, dims) and proj.coords.dtype == np.float32
    assert np.isfinite(proj.coords).all()
    assert proj.method == "tsne" and proj.dims == dims and proj.explained_variance is None
    assert proj.params["perplexity"] == 10 and proj.params["iterations"] == 250
    assert proj.params["early_iterations"] == 83 and proj.params["stopped"] is False
    assert proj.params["iterations_run"] == 250 and proj.params["gradient"] == "bh"


def test_tsne_is_deterministic_for_a_seed():
    x, _ = _blobs(20, d=60)  # D > 50: the PCA step runs too
    a = embeddings.tsne(x, perplexity=8, iterations=250, seed=3)
    b = embeddings.tsne(x, perplexity=8, iterations=250, seed=3)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.params["pca_dims"] == 50 and a.params["seed"] == 3


def test_tsne_does_not_depend_on_the_thread_count(monkeypatch):
    x, _ = _blobs(20)

    def run():  # the first 100 iterations (2-thread runs are slow on a busy machine)
        calls = []
        return embeddings.tsne(x, perplexity=8,
                               should_stop=lambda: len(calls) == 3 or calls.append(1))

    one = run()  # small: one thread
    monkeypatch.setattr(embeddings, "PARALLEL_MIN_POINTS", 1)  # every core
    np.testing.assert_array_equal(run().coords, one.coords)
    assert one.params["stopped"]


def test_tsne_reports_progress():
    calls = []
    embeddings.tsne(_blobs(20)[0], perplexity=8, iterations=300,
             progress=lambda i, n: calls.append((i, n)))
    assert calls[0] == (0, 300) and calls[-1] == (300, 300)
    steps = [i for i, _ in calls]
    assert steps == sorted(steps) and len(calls) >= 300 // embeddings.CALLBACK_EVERY
    assert {n for _, n in calls} == {300}


def test_tsne_stops_when_asked():
    asked, calls = [], []

    def should_stop():
        asked.append(1)
        return len(asked) >= 2

    x, _ = _blobs(20)
    proj = embeddings.tsne(x, perplexity=8, iterations=1000, should_stop=should_stop,
                    progress=lambda i, n: calls.append(i))
    assert proj.params["stopped"] is True and len(asked) == 2
    assert calls[-1] == 2 * embeddings.CALLBACK_EVERY  # no iteration after the stop
    assert proj.params["iterations_run"] == 2 * embeddings.CALLBACK_EVERY - 1  # updates made
    assert proj.coords.shape == (100, 2) and np.isfinite(proj.coords).all()


def test_tsne_keeps_separated_blobs_apart():
    x, labels = _blobs(40)
    proj = embeddings.tsne(x, perplexity=20, iterations=500)
    assert embeddings.trustworthiness(x, proj.coords) > 0.9
    assert embeddings.knn_accuracy(proj.coords, labels) == pytest.approx(1.0)


def test_tsne_uses_fft_for_large_2d_maps(monkeypatch):
    monkeypatch.setattr(embeddings, "FFT_MIN_POINTS", 50)
    x, labels = _blobs(20)
    proj = embeddings.tsne(x, perplexity=8, iterations=250)
    assert proj.params["gradient"] == "fft"
    assert embeddings.knn_accuracy(proj.coords, labels) == pytest.approx(1.0)


@pytest.mark.parametrize("x, kwargs, message", [
    (np.ones((4, 3)), {}, "at least 5 points, got 4"),
    (np.ones((30, 3)), {"perplexity": 10}, r"perplexity must be < N/3 = 10.0 for 30 points"),
    (np.ones((30, 3)), {"perplexity": 1}, r"perplexity must be a number in 2..100, got 1"),
    (np.ones((900, 3)), {"perplexity": 101}, "perplexity must be a number in 2..100"),
    (np.ones((30, 3)), {"iterations": 100}, r"iterations must be an integer in 250..5000"),
    (np.ones((30, 3)), {"iterations": 6000}, r"iterations must be an integer in 250..5000"),
    (np.ones((30, 3)), {"dims": 4}, r"dims must be an integer in 2..3, got 4"),
    (np.ones((30, 3)), {"seed": -1}, "seed must be an integer"),
    (np.full((30, 3), np.inf), {}, "x must be finite"),
    (np.ones((30, 3)), {"progress": "yes"}, "progress must be callable"),
])
def test_tsne_validates(x, kwargs, message):
    kwargs.setdefault("perplexity", 5)
    with pytest.raises(ValueError, match=message):
        embeddings.tsne(x, **kwargs)


# --------------------------------------------------------------------------- quality
def test_trustworthiness_is_scikit_learns_on_a_seeded_subsample():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 10))
    y = x[:, :2] + 0.3 * rng.normal(size=(120, 2))
    assert embeddings.trustworthiness(x, y, k=7) == pytest.approx(
        sklearn.manifold.trustworthiness(x, y, n_neighbors=7))
    rows = np.sort(np.random.default_rng(4).choice(120, 50, replace=False))
    assert embeddings.trustworthiness(x, y, k=7, max_samples=50, seed=4) == pytest.approx(
        sklearn.manifold.trustworthiness(x[rows], y[rows], n_neighbors=7))
    with pytest.raises(ValueError, match=r"k must be < n/2 = 25.0"):
        embeddings.trustworthiness(x, y, k=25, max_samples=50)
    with pytest.raises(ValueError, match="same number of rows"):
        embeddings.trustworthiness(x, y[:-1])


def test_knn_accuracy_is_leave_one_out():
    rng = np.random.default_rng(2)
    y = rng.normal(size=(60, 2))
    labels = rng.integers(0, 3, 60)
    expected = np.mean([
        KNeighborsClassifier(5).fit(np.delete(y, i, 0), np.delete(labels, i)).predict(y[i:i + 1])[0]
        == labels[i] for i in range(60)])
    assert embeddings.knn_accuracy(y, labels, k=5) == pytest.approx(expected)
    blobs, blob_labels = _blobs(30, d=2)
    assert embeddings.knn_accuracy(blobs, blob_labels) == 1.0
    with pytest.raises(ValueError, match=r"k must be an integer in 1..59"):
        embeddings.knn_accuracy(y, labels, k=60)


def test_knn_accuracy_with_duplicate_points():
    y = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0], [5.0, 5.0]])
    assert embeddings.knn_accuracy(y, np.array([0, 0, 0, 1, 1, 1]), k=2) == 1.0


# --------------------------------------------------------------------------- neighbours
@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_nearest_neighbours_match_brute_force(metric):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(80, 16)).astype(np.float32)
    x[10] = 0.0  # a zero vector (an all-dead ReLU layer): cosine similarity 0
    for i in (0, 10, 79):
        rows, dist = embeddings.nearest_neighbours(x, i, k=6, metric=metric)
        ref = cdist(x[i:i + 1].astype(np.float64), x.astype(np.float64), metric)[0]
        if metric == "cosine":
            ref = np.nan_to_num(ref, nan=1.0)  # scipy gives nan for a zero vector
        ref[i] = np.inf
        expected = np.argsort(ref, kind="stable")[:6]
        np.testing.assert_array_equal(rows, expected)
        np.testing.assert_allclose(dist, ref[expected], rtol=1e-6, atol=1e-9)
        assert i not in rows and np.all(np.diff(dist) >= 0)


def test_nearest_neighbours_validates_and_caps_k():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    rows, _ = embeddings.nearest_neighbours(x, 0, k=10)
    np.testing.assert_array_equal(rows, [1, 2, 3])
    with pytest.raises(ValueError, match=r"i must be an integer in 0..3, got 4"):
        embeddings.nearest_neighbours(x, 4)
    with pytest.raises(ValueError, match="metric must be 'euclidean' or 'cosine'"):
        embeddings.nearest_neighbours(x, 0, metric="manhattan")


# --------------------------------------------------------------------------- CSV
def test_to_csv_header_and_rows():
    feats = embeddings.Features(vectors=np.zeros((3, 4), np.float32), indices=np.array([5, 9, 2]),
                         labels=np.array([0, 1, 2]), preds=np.array([0, 2, 2]),
                         probs=np.full((3, 3), 1 / 3, np.float32), layer="fc1", mode="vector")
    coords = np.array([[0.5, -1.25, 2.0], [1.0, 2.0, 3.0], [0.1, 0.2, 0.3]], np.float32)
    proj = embeddings.Projection(coords, "pca", 3, None, {}, 0.0)
    rows = list(csv.reader(io.StringIO(embeddings.to_csv(feats, proj, ["cat", "dog, big", "eel"]))))
    assert rows[0] == ["index", "label", "prediction", "x", "y", "z"]
    assert rows[1] == ["5", "cat", "cat", "0.5", "-1.25", "2"]
    assert rows[2][:3] == ["9", "dog, big", "eel"]
    assert len(rows) == 4 and float(rows[3][4]) == pytest.approx(0.2)
    flat = embeddings.Projection(coords[:, :2], "tsne", 2, None, {}, 0.0)
    header = embeddings.to_csv(feats, flat, ["a", "b", "c"]).splitlines()[0]
    assert header == "index,label,prediction,x,y"
    with pytest.raises(ValueError, match="classes must name every class"):
        embeddings.to_csv(feats, flat, ["a", "b"])


def test_to_csv_names_predictions_with_the_models_own_classes():
    feats = embeddings.Features(vectors=np.zeros((2, 4), np.float32), indices=np.array([0, 1]),
                                labels=np.array([1, 0]), preds=np.array([999, 3]),
                                probs=np.zeros((2, 1000), np.float32), layer="avgpool",
                                mode="gap")
    proj = embeddings.Projection(np.zeros((2, 2), np.float32), "pca", 2, None, {}, 0.0)
    imagenet = [f"n{i}" for i in range(1000)]
    rows = list(csv.reader(io.StringIO(embeddings.to_csv(feats, proj, ["0", "1"],
                                                         model_classes=imagenet))))
    assert [r[:3] for r in rows[1:]] == [["0", "1", "n999"], ["1", "0", "n3"]]
    with pytest.raises(ValueError, match="classes must name every class"):
        embeddings.to_csv(feats, proj, ["0", "1"])  # 999 is no dataset class
