"""core.data.datasets: exact contents against scikit-learn / torchvision / numpy references,
offline."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import struct
from pathlib import Path
from urllib.error import URLError

import numpy as np
import pytest
import sklearn.datasets
import torch
import torchvision.datasets as tvd
import torchvision.transforms.functional as TF
from PIL import Image
from sklearn.model_selection import train_test_split

from core.data import datasets
from core.data.catalog import DATASETS
from core.data.datasets import (
    Dataset,
    DatasetUnavailableError,
    channel_stats,
    load_dataset,
    load_digits,
    load_image_folder,
    scan_image_folder,
)
from core.paths import data_dir

# --- helpers -------------------------------------------------------------------------------


def digits_split_indices():
    target = sklearn.datasets.load_digits().target
    return train_test_split(np.arange(len(target)), test_size=0.2, stratify=target, random_state=0)


def bilinear_reference(images: np.ndarray, size: int) -> np.ndarray:
    """Half-pixel-centre bilinear upsampling written out in numpy, (N, h, w) -> (N, S, S)."""

    def axis_weights(n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = np.maximum((np.arange(size) + 0.5) * n_in / size - 0.5, 0.0)
        low = np.floor(src).astype(int)
        high = np.minimum(low + 1, n_in - 1)
        return low, high, src - low

    r0, r1, wr = axis_weights(images.shape[1])
    c0, c1, wc = axis_weights(images.shape[2])
    rows = images[:, r0, :] * (1 - wr)[None, :, None] + images[:, r1, :] * wr[None, :, None]
    return rows[:, :, c0] * (1 - wc)[None, None, :] + rows[:, :, c1] * wc[None, None, :]


def direct_stats(images: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    x = images.double() / 255  # (N, C, H, W)
    return x.mean(dim=(0, 2, 3)).numpy(), x.std(dim=(0, 2, 3), unbiased=False).numpy()


def write_idx_images(path: Path, images: np.ndarray) -> None:
    n, h, w = images.shape
    path.write_bytes(struct.pack(">IIII", 0x00000803, n, h, w) + images.astype(np.uint8).tobytes())


def write_idx_labels(path: Path, labels: np.ndarray) -> None:
    path.write_bytes(
        struct.pack(">II", 0x00000801, len(labels)) + labels.astype(np.uint8).tobytes()
    )


def fake_mnist(root: Path, folder: str, n_train: int = 6, n_test: int = 4, gz: bool = False):
    """Tiny MNIST-format files in torchvision's layout; returns the arrays written."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(3)
    arrays = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = np.arange(n) % 10
        write_idx_images(raw / f"{prefix}-images-idx3-ubyte", images)
        write_idx_labels(raw / f"{prefix}-labels-idx1-ubyte", labels)
        arrays[prefix] = (images, labels)
    if gz:
        for file in list(raw.iterdir()):
            Path(f"{file}.gz").write_bytes(gzip.compress(file.read_bytes(), mtime=0))
            file.unlink()
    return arrays


def png_bytes(color, size=(10, 12), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def make_folder(root: Path, spec: dict[str, list[tuple[str, bytes]]]) -> Path:
    for class_name, files in spec.items():
        (root / class_name).mkdir(parents=True)
        for name, content in files:
            (root / class_name / name).write_bytes(content)
    return root


RED, BLUE = (255, 0, 0), (0, 0, 255)


# --- digits --------------------------------------------------------------------------------


def test_digits_shapes_dtypes_counts_and_classes():
    train, test = load_digits()
    assert (len(train), len(test)) == (1437, 360)
    assert train.images.shape == (1437, 1, 28, 28) and test.images.shape == (360, 1, 28, 28)
    assert train.images.dtype == torch.uint8 and train.labels.dtype == torch.int64
    assert train.image_shape == (1, 28, 28)
    assert train.classes == tuple("0123456789") and train.name == "digits"
    assert (train.split, test.split) == ("train", "test")
    assert test.mean == train.mean and test.std == train.std


def test_digits_is_cached_and_deterministic():
    first = load_digits()
    assert load_digits() is first  # the same frozen objects
    datasets._digits.cache_clear()
    fresh = load_digits()
    assert fresh is not first
    for a, b in zip(first, fresh, strict=True):
        assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
        assert a.mean == b.mean and a.std == b.std


def test_digits_split_matches_sklearn_stratified_split():
    train, test = load_digits()
    train_idx, test_idx = digits_split_indices()
    target = sklearn.datasets.load_digits().target
    np.testing.assert_array_equal(train.labels.numpy(), target[train_idx])
    np.testing.assert_array_equal(test.labels.numpy(), target[test_idx])
    assert set(train.labels.tolist()) == set(test.labels.tolist()) == set(range(10))
    # Stratified: each class's share of the test split is within one image of 20 %.
    totals = np.bincount(target, minlength=10)
    test_counts = np.bincount(test.labels.numpy(), minlength=10)
    assert np.all(np.abs(test_counts - totals * 0.2) <= 1)


def test_digits_pixels_match_an_independent_bilinear_resize():
    train, _ = load_digits()
    train_idx, _ = digits_split_indices()
    source = sklearn.datasets.load_digits().images[train_idx] * (255 / 16)  # (N, 8, 8) in 0..255
    reference = bilinear_reference(source, 28)  # (N, 28, 28) float
    expected = np.clip(np.rint(reference), 0, 255).astype(np.uint8)
    actual = train.images[:, 0].numpy()
    differ = actual != expected
    # Only exact ties (x.5, e.g. a source value of 8 -> 127.5) may round either way, because
    # the two computations differ in the last bits of floating point.
    assert np.abs(actual.astype(int) - expected)[differ].max(initial=0) <= 1
    np.testing.assert_allclose(np.abs(reference[differ] % 1 - 0.5), 0, atol=1e-9)
    assert differ.mean() < 0.001


def test_digits_are_white_on_black_like_mnist():
    train, _ = load_digits()
    corners = train.images[:, 0, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.float().mean() < 5  # background is black
    assert train.images.amax(dim=(1, 2, 3)).float().mean() > 240  # strokes are near white


def test_digits_other_size():
    train, _ = load_digits(image_size=8)
    train_idx, _ = digits_split_indices()
    expected = np.rint(sklearn.datasets.load_digits().images[train_idx] * (255 / 16)).astype(
        np.uint8
    )
    np.testing.assert_array_equal(train.images[:, 0].numpy(), expected)  # 8 -> 8 is exact


@pytest.mark.parametrize("bad", [7, 257, 28.0, True, "28"])
def test_image_size_is_validated(bad):
    with pytest.raises(ValueError, match=rf"image_size must be .*got {bad!r}"):
        load_digits(image_size=bad)


# --- mean / std / normalize -----------------------------------------------------------------


def test_mean_std_match_a_direct_computation():
    train, _ = load_digits()
    mean, std = direct_stats(train.images)
    np.testing.assert_allclose(train.mean, mean, rtol=1e-10)
    np.testing.assert_allclose(train.std, std, rtol=1e-10)


def test_channel_stats_three_channels_and_constant_channel():
    images = torch.randint(
        0, 256, (5, 3, 4, 6), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )
    images[:, 2] = 7
    mean, std = channel_stats(images)
    ref_mean, ref_std = direct_stats(images)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-10)
    np.testing.assert_allclose(std[:2], ref_std[:2], rtol=1e-10)
    assert std[2] == 1.0  # constant channel: no division by zero later


def test_normalize_matches_torchvision_and_does_not_mutate():
    train, _ = load_digits()
    batch = train.images[:16]
    before = batch.clone()
    out = train.normalize(batch)
    assert out.dtype == torch.float32 and out.shape == batch.shape
    expected = TF.normalize(batch.float() / 255, list(train.mean), list(train.std))
    torch.testing.assert_close(out, expected, rtol=1e-6, atol=1e-6)
    assert torch.equal(batch, before)
    torch.testing.assert_close(train.normalize(batch[3]), out[3])  # (C, H, W) works too


def test_normalize_rejects_float_and_wrong_channels():
    train, _ = load_digits()
    with pytest.raises(ValueError, match="uint8"):
        train.normalize(train.images.float())
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        train.normalize(torch.zeros(2, 3, 28, 28, dtype=torch.uint8))


def test_dataset_validates_and_repr_is_short():
    images = torch.zeros(2, 1, 4, 4, dtype=torch.uint8)
    with pytest.raises(ValueError, match="labels"):
        Dataset("x", "train", images, torch.zeros(3, dtype=torch.int64), ("a",), (0.0,), (1.0,))
    with pytest.raises(ValueError, match="labels must lie"):
        Dataset("x", "train", images, torch.tensor([0, 5]), ("a", "b"), (0.0,), (1.0,))
    ok = Dataset("x", "train", images, torch.tensor([0, 1]), ("a", "b"), (0.0,), (1.0,))
    assert "tensor" not in repr(ok) and len(ok) == 2


# --- registry / load_dataset -----------------------------------------------------------------


def test_registry():
    assert list(DATASETS) == ["digits", "mnist", "fashion_mnist", "cifar10"]
    assert DATASETS["cifar10"].channels == 3 and DATASETS["cifar10"].image_size == 32
    assert not DATASETS["digits"].needs_download and DATASETS["mnist"].needs_download
    assert all(info.key == key and info.num_classes == 10 for key, info in DATASETS.items())


def test_unknown_dataset_lists_known_names():
    with pytest.raises(ValueError, match="'imagenet'.*digits, mnist, fashion_mnist, cifar10"):
        load_dataset("imagenet")


def test_load_dataset_digits_needs_no_files():
    assert load_dataset("digits", download=False) is load_digits()


# --- offline: failures say where the files go ------------------------------------------------


def no_network(*args, **kwargs):
    raise URLError("no network (test)")


def test_offline_mnist_download_names_the_directory_and_files(monkeypatch, tmp_path):
    monkeypatch.setattr(tvd.mnist, "download_and_extract_archive", no_network)
    with pytest.raises(DatasetUnavailableError) as info:
        load_dataset("mnist", data_dir=tmp_path, download=True)
    message = str(info.value)
    raw = tmp_path / "MNIST" / "raw"
    assert "could not be downloaded" in message and str(raw) in message
    assert "train-images-idx3-ubyte.gz" in message and "t10k-labels-idx1-ubyte.gz" in message
    assert DATASETS["mnist"].source_url in message
    assert info.value.directory == raw and len(info.value.files) == 4


def test_missing_fashion_mnist_without_download_uses_default_data_dir():
    with pytest.raises(DatasetUnavailableError) as info:
        load_dataset("fashion_mnist", download=False)
    assert str(data_dir() / "FashionMNIST" / "raw") in str(info.value)
    assert "could not be read from disk" in str(info.value)


def test_offline_cifar10_names_the_tarball_and_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(tvd.cifar, "download_and_extract_archive", no_network)
    with pytest.raises(DatasetUnavailableError) as info:
        load_dataset("cifar10", data_dir=tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "cifar-10-python.tar.gz" in message
    assert "cifar-10-batches-py" in message and "data_batch_1" in message
    assert info.value.directory == tmp_path


def test_corrupt_mnist_files_are_reported_not_raised_raw(tmp_path):
    fake_mnist(tmp_path, "MNIST")
    (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"garbage!")
    with pytest.raises(DatasetUnavailableError, match="MNIST"):
        load_dataset("mnist", data_dir=tmp_path, download=False)


# --- fake files read through torchvision's real readers ---------------------------------------


def test_fake_mnist_loads_through_torchvision(tmp_path):
    arrays = fake_mnist(tmp_path, "MNIST")
    train, test = load_dataset("mnist", data_dir=tmp_path, download=False)
    assert train.images.shape == (6, 1, 28, 28) and test.images.shape == (4, 1, 28, 28)
    assert train.images.dtype == torch.uint8 and train.labels.dtype == torch.int64
    np.testing.assert_array_equal(train.images[:, 0].numpy(), arrays["train"][0])
    np.testing.assert_array_equal(test.labels.numpy(), arrays["t10k"][1])
    assert train.classes == tuple("0123456789") and train.name == "mnist"
    np.testing.assert_allclose(train.mean, direct_stats(train.images)[0], rtol=1e-10)
    assert test.mean == train.mean


def test_fake_fashion_mnist_uses_torchvision_class_names(tmp_path):
    fake_mnist(tmp_path, "FashionMNIST")
    train, _ = load_dataset("fashion_mnist", data_dir=tmp_path, download=False)
    assert train.classes == tuple(tvd.FashionMNIST.classes)
    assert train.classes[0] == "T-shirt/top"


def test_hand_placed_gz_files_are_extracted_without_network(monkeypatch, tmp_path):
    arrays = fake_mnist(tmp_path, "MNIST", gz=True)
    raw = tmp_path / "MNIST" / "raw"
    # The real checksums belong to the real files: point them at our fakes instead.
    resources = [
        (name, hashlib.md5((raw / name).read_bytes()).hexdigest())
        for name, _ in tvd.MNIST.resources
    ]
    monkeypatch.setattr(tvd.MNIST, "resources", resources)
    monkeypatch.setattr(tvd.utils, "_urlretrieve", no_network)  # prove nothing is fetched
    train, test = load_dataset("mnist", data_dir=tmp_path, download=False)
    np.testing.assert_array_equal(test.images[:, 0].numpy(), arrays["t10k"][0])
    assert len(train) == 6


def write_fake_cifar(root: Path) -> dict[str, np.ndarray]:
    """CIFAR-10 python batches: rows of 3072 bytes = R plane, G plane, B plane (32x32 each)."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(5)
    rows = {}
    for index, name in enumerate([f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]):
        batch = rng.integers(0, 256, size=(2, 3072), dtype=np.uint8)
        labels = [(2 * index) % 10, (2 * index + 1) % 10]
        with open(folder / name, "wb") as f:
            pickle.dump({"data": batch, "labels": labels}, f)
        rows[name] = batch
    names = [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ]
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": names}, f)
    return rows


def test_fake_cifar10_loads_through_torchvision(monkeypatch, tmp_path):
    rows = write_fake_cifar(tmp_path)
    # torchvision checks the md5 of every batch against the real files; only that check is
    # replaced (by "the file exists"), the real pickle reader and HWC layout are kept.
    monkeypatch.setattr(tvd.cifar, "check_integrity", lambda fpath, md5=None: os.path.isfile(fpath))
    train, test = load_dataset("cifar10", data_dir=tmp_path, download=False)
    assert train.images.shape == (10, 3, 32, 32) and test.images.shape == (2, 3, 32, 32)
    expected_train = np.concatenate([rows[f"data_batch_{i}"] for i in range(1, 6)]).reshape(
        10, 3, 32, 32
    )
    np.testing.assert_array_equal(train.images.numpy(), expected_train)  # CHW planes restored
    np.testing.assert_array_equal(test.images.numpy(), rows["test_batch"].reshape(2, 3, 32, 32))
    assert train.labels.tolist() == list(range(10)) and test.labels.tolist() == [0, 1]
    assert train.classes[0] == "airplane" and len(train.mean) == 3
    np.testing.assert_allclose(train.std, direct_stats(train.images)[1], rtol=1e-10)


# --- image folders -------------------------------------------------------------------------


def test_image_folder_happy_path_with_a_corrupt_file(tmp_path):
    noise = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="PNG")
    good = buffer.getvalue()  # big enough that cutting it in half lands inside the pixel data
    root = make_folder(
        tmp_path / "pets",
        {
            "cats": [(f"c{i}.png", png_bytes(RED)) for i in range(3)],
            "dogs": [(f"d{i}.png", png_bytes(BLUE)) for i in range(3)]
            + [("broken.png", good[: len(good) // 2]), ("notes.txt", b"hello")],
        },
    )
    calls = []
    train, test = load_image_folder(
        root,
        image_size=16,
        test_fraction=0.34,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert train.classes == ("cats", "dogs") and train.name == "folder"
    assert train.images.shape == (4, 3, 16, 16) and test.images.shape == (2, 3, 16, 16)
    assert sorted(test.labels.tolist()) == [0, 1]  # one of each class held out
    for split in (train, test):  # labels line up with the pixels: cats red, dogs blue
        colours = split.images[:, :, 0, 0].tolist()
        assert colours == [list(RED) if y == 0 else list(BLUE) for y in split.labels.tolist()]
    reasons = dict(train.skipped)
    assert set(reasons) == {str(root / "dogs" / "broken.png"), str(root / "dogs" / "notes.txt")}
    assert "truncated or corrupt" in reasons[str(root / "dogs" / "broken.png")]
    assert "not an image file" in reasons[str(root / "dogs" / "notes.txt")]
    assert calls[-1] == (7, 7)
    np.testing.assert_allclose(train.mean, [0.5, 0.0, 0.5])  # 2 red + 2 blue in train


def test_image_folder_split_is_seeded(tmp_path):
    spec = {c: [(f"{i}.png", png_bytes((i * 20, 0, 0))) for i in range(5)] for c in ("a", "b")}
    root = make_folder(tmp_path / "f", spec)
    first = load_image_folder(root, image_size=8, seed=1)[1]
    again = load_image_folder(root, image_size=8, seed=1)[1]
    assert torch.equal(first.images, again.images)
    assert first.labels.tolist() == [0, 1]  # round(5 * 0.2) = 1 test image per class


def test_image_folder_channels(tmp_path):
    gray = {
        "a": [("1.png", png_bytes(10, mode="L"))],
        "b": [("1.png", png_bytes((30, 30, 30))), ("2.png", png_bytes(40, mode="L"))],
    }
    root = make_folder(tmp_path / "g", gray)
    train, test = load_image_folder(root, image_size=8)
    assert train.image_shape == (1, 8, 8)  # gray PNGs and an RGB PNG with equal channels
    assert len(train) + len(test) == 3 and test.labels.tolist() == [1]  # single "a" stays in train
    assert load_image_folder(root, image_size=8, channels=3)[0].image_shape == (3, 8, 8)


def test_image_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="not a directory"):
        load_image_folder(tmp_path / "missing")
    one = make_folder(tmp_path / "one", {"only": [("1.png", png_bytes(RED))]})
    with pytest.raises(ValueError, match="1 class folder.*at least 2"):
        load_image_folder(one)
    empty = make_folder(
        tmp_path / "empty", {"a": [("1.png", png_bytes(RED))], "b": [("x.txt", b"x")]}
    )
    with pytest.raises(ValueError, match="class folder 'b' has no image files"):
        load_image_folder(empty)
    bad = make_folder(
        tmp_path / "bad", {"a": [("1.png", png_bytes(RED))] * 1, "b": [("1.png", b"not a png")]}
    )
    with pytest.raises(ValueError, match="class folder 'b' has no usable image.*1.png"):
        load_image_folder(bad)
    singles = make_folder(
        tmp_path / "singles", {"a": [("1.png", png_bytes(RED))], "b": [("1.png", png_bytes(BLUE))]}
    )
    with pytest.raises(ValueError, match="single image"):
        load_image_folder(singles)
    many = make_folder(
        tmp_path / "many", {c: [(f"{i}.png", png_bytes(RED)) for i in range(3)] for c in "ab"}
    )
    with pytest.raises(ValueError, match="more than 5 images"):
        load_image_folder(many, max_images=5)
    for kwargs in ({"channels": 2}, {"test_fraction": 1.0}, {"image_size": 300}, {"seed": -1}):
        with pytest.raises(ValueError):
            load_image_folder(many, **kwargs)


def test_scan_image_folder_lists_without_decoding(tmp_path):
    root = make_folder(
        tmp_path / "s",
        {"b": [("x.png", b"anything")], "a": [("y.JPG", b"z"), (".hidden.png", b"")]},
    )
    (root / "a" / "nested").mkdir()
    (root / "a" / "nested" / "z.png").write_bytes(b"z")
    (root / ".git").mkdir()
    os.mkfifo(root / "b" / "pipe.png")  # reading it would block forever
    scan = scan_image_folder(root)
    assert scan.classes == ("a", "b")
    # A folder's own files first, then its sub-folders (os.walk order), all sorted.
    assert scan.files == (
        (root / "a" / "y.JPG", 0),
        (root / "a" / "nested" / "z.png", 0),
        (root / "b" / "x.png", 1),
    )
    assert scan.skipped == ((root / "b" / "pipe.png", "not a regular file"),)
