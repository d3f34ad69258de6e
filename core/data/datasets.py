"""Datasets as in-memory uint8 tensors: scikit-learn digits, MNIST, Fashion-MNIST, CIFAR-10
and user image folders.

Every loader returns ``(train, test)`` `Dataset` pairs whose tensors are shared, read-only by
convention: callers must not modify ``images``/``labels`` in place (``load_digits`` returns the
same cached objects to every caller). `Dataset.normalize` always returns a new tensor.
"""

from __future__ import annotations

import functools
import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn.datasets
import torch
import torch.nn.functional as F
import torchvision.datasets as tvd
from PIL import Image
from sklearn.model_selection import train_test_split
from torchvision.datasets.utils import check_integrity

from core.checks import InputError, Keyed, check_int, plain
from core.data.catalog import DATASETS
from core.data.images import MAX_BYTES, ImageError, decode_image, to_tensor
from core.paths import data_dir as default_data_dir

__all__ = [
    "channel_stats",
    "Dataset",
    "DatasetUnavailableError",
    "FolderScan",
    "IMAGE_EXTENSIONS",
    "load_dataset",
    "load_digits",
    "load_image_folder",
    "MAX_FOLDER_BYTES",
    "scan_image_folder",
]


IMAGE_SIZE_MIN, IMAGE_SIZE_MAX = 8, 256
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif")
MAX_FOLDER_BYTES = 1 << 30  # decoded uint8 pixels of one image folder (N * C * S * S), 1 GiB


@dataclass(frozen=True, eq=False)  # eq=False: comparing tensors with == is ambiguous
class Dataset:
    """One split of a dataset, fully in memory.

    ``images`` (N, C, H, W) uint8 and ``labels`` (N,) int64 must not be modified in place: the
    same tensors may be shared by every caller. ``mean``/``std`` are per channel in [0, 1]
    units (pixel / 255), computed on the train split and copied to the test split.
    ``skipped`` lists ``(file, reason)`` for image-folder files that could not be used.
    """

    name: str
    split: str
    images: torch.Tensor = field(repr=False)
    labels: torch.Tensor = field(repr=False)
    classes: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    skipped: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        images, labels = self.images, self.labels
        if self.split not in ("train", "test"):
            raise InputError(f"split must be 'train' or 'test', got {self.split!r}", "choice",
                             name="split", value=plain(self.split), choices=("train", "test"))
        if images.dtype != torch.uint8 or images.dim() != 4:
            raise InputError(
                f"images must be (N, C, H, W) uint8, got {tuple(images.shape)} {images.dtype}",
                "dataset_images_tensor", value=tuple(images.shape), dtype=str(images.dtype),
            )
        if labels.dtype != torch.int64 or labels.shape != images.shape[:1]:
            raise InputError(
                f"labels must be (N,) int64 with N={len(images)}, "
                f"got {tuple(labels.shape)} {labels.dtype}",
                "dataset_labels_tensor", count=len(images), value=tuple(labels.shape),
                dtype=str(labels.dtype),
            )
        if not len(self.mean) == len(self.std) == images.shape[1]:
            raise InputError(
                f"mean/std need one value per channel ({images.shape[1]}), "
                f"got {self.mean}, {self.std}",
                "dataset_mean_std_channels", channels=int(images.shape[1]),
                mean=plain(tuple(self.mean)), std=plain(tuple(self.std)),
            )
        if any(s <= 0 for s in self.std):
            raise InputError(f"std must be > 0, got {self.std}", "dataset_std_positive",
                             value=plain(tuple(self.std)))
        if len(labels) and (labels.min() < 0 or labels.max() >= len(self.classes)):
            raise InputError(f"labels must lie in 0..{len(self.classes) - 1}",
                             "dataset_labels_range", high=len(self.classes) - 1)

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of every image."""
        _, c, h, w = self.images.shape
        return (c, h, w)

    def normalize(self, images_uint8: torch.Tensor) -> torch.Tensor:
        """Scale to [0, 1] and standardise with this dataset's mean/std.

        Args:
            images_uint8: (N, C, H, W) or (C, H, W) uint8 with C matching this dataset.

        Returns:
            A new float32 tensor of the same shape, ``(x / 255 - mean) / std``.
        """
        x = images_uint8
        if not isinstance(x, torch.Tensor) or x.dtype != torch.uint8:
            raise InputError(
                f"normalize expects a uint8 tensor, got {getattr(x, 'dtype', type(x))}",
                "normalize_not_uint8", value=str(getattr(x, "dtype", type(x).__name__)),
            )
        channels = len(self.mean)
        if x.dim() not in (3, 4) or x.shape[-3] != channels:
            raise InputError(
                f"normalize expects (N, {channels}, H, W) or ({channels}, H, W), "
                f"got {tuple(x.shape)}",
                "normalize_shape", channels=channels, value=tuple(x.shape),
            )
        mean = torch.tensor(self.mean, dtype=torch.float32, device=x.device)  # (C,)
        std = torch.tensor(self.std, dtype=torch.float32, device=x.device)
        mean, std = mean.view(-1, 1, 1), std.view(-1, 1, 1)  # (C, 1, 1) broadcasts over H, W
        return (x.float() / 255 - mean) / std


_TORCHVISION = {"mnist": tvd.MNIST, "fashion_mnist": tvd.FashionMNIST, "cifar10": tvd.CIFAR10}
# One lock per dataset: two sessions must not download/extract into the same files at once.
_DOWNLOAD_LOCKS = {key: threading.Lock() for key in _TORCHVISION}
# What torchvision raises for a failed download (URLError is an OSError) or missing/corrupt
# files: its readers use RuntimeError, assert, TypeError, ValueError and pickle errors.
_LOAD_ERRORS = (
    OSError,
    RuntimeError,
    ValueError,
    TypeError,
    AssertionError,
    EOFError,
    pickle.UnpicklingError,
)


class DatasetUnavailableError(Keyed, RuntimeError):
    """A dataset could not be downloaded or found on disk.

    Attributes: ``directory`` where the files belong, ``files`` their names, ``source_url``.
    ``key`` and ``values`` (``core.checks.Keyed``) say the same for a translation; the values
    always hold ``directory`` (as text), ``files`` and ``source_url``.
    """

    def __init__(self, message: str = "", key: str | None = None, *, directory: Path | str,
                 files: tuple[str, ...], source_url: str, **values) -> None:
        super().__init__(message, key, directory=str(directory), files=tuple(files),
                         source_url=source_url, **values)
        self.directory = Path(directory)
        self.files = tuple(files)
        self.source_url = source_url


# ---------------------------------------------------------------------------------------------
# Public loaders


def load_dataset(
    name: str, *, data_dir: Path | None = None, download: bool = True
) -> tuple[Dataset, Dataset]:
    """Load a registered dataset as in-memory tensors.

    Args:
        name: a key of `DATASETS` ("digits", "mnist", "fashion_mnist", "cifar10").
        data_dir: where torchvision keeps the files; default `core.paths.data_dir()`.
        download: fetch missing files with torchvision (needs a network).

    Returns:
        (train, test) `Dataset` pairs, images (N, C, H, W) uint8.

    Raises:
        ValueError: unknown name.
        DatasetUnavailableError: files missing and not downloadable (e.g. offline).
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise InputError(f"unknown dataset {name!r}; known datasets: {', '.join(DATASETS)}",
                         "choice", name="dataset", value=plain(name), choices=tuple(DATASETS))
    if name == "digits":
        return load_digits()
    root = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    return _load_torchvision(name, root, bool(download))


def load_digits(image_size: int = 28) -> tuple[Dataset, Dataset]:
    """scikit-learn's bundled 8x8 digits, upscaled to look like MNIST (white digit on black).

    Pixel values 0..16 are scaled to 0..255 and resized with bilinear interpolation
    (align_corners=False, antialiased). The split is fixed and stratified (random_state=0):
    1,437 train / 360 test. Cached in-process: every call returns the same objects, whose
    tensors must not be modified.

    Args:
        image_size: output height = width, 8..256 (28 matches MNIST).

    Returns:
        (train, test), images (N, 1, image_size, image_size) uint8, classes "0".."9".
    """
    check_int("image_size", image_size, IMAGE_SIZE_MIN, IMAGE_SIZE_MAX)
    return _digits(image_size)


@functools.lru_cache(maxsize=4)
def _digits(image_size: int) -> tuple[Dataset, Dataset]:
    bunch = sklearn.datasets.load_digits()
    pixels = torch.from_numpy(bunch.images).to(torch.float64).unsqueeze(1)  # (N, 1, 8, 8)
    pixels = pixels * (255 / 16)  # sklearn's 0..16 ink levels -> 0..255
    pixels = F.interpolate(
        pixels, size=(image_size, image_size), mode="bilinear", align_corners=False, antialias=True
    )  # (N, 1, S, S)
    images = pixels.round().clamp(0, 255).to(torch.uint8)
    labels = torch.from_numpy(bunch.target).to(torch.int64)
    train_idx, test_idx = train_test_split(
        np.arange(len(labels)), test_size=0.2, stratify=bunch.target, random_state=0
    )
    classes = tuple(str(d) for d in range(10))
    return _make_splits("digits", images, labels, classes, train_idx, test_idx)


def load_image_folder(
    path: Path,
    *,
    image_size: int = 32,
    channels: int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    max_images: int = 20_000,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Dataset, Dataset]:
    """Load a folder with one sub-folder of images per class (sorted names = classes).

    Files that cannot be decoded are skipped and listed in each split's ``skipped``.
    Images are resized (not cropped) to image_size x image_size.

    Args:
        path: the root folder.
        image_size: output height = width, 8..256.
        channels: 1 or 3; None = 1 if every image is grayscale, else 3.
        test_fraction: share of each class held out for testing, 0 < f < 1. A class with a
            single image goes to train; any larger class keeps >= 1 image on each side.
        seed: seed of the per-class shuffle.
        max_images: refuse folders with more image files than this.
        progress: optional ``progress(done, total)`` called after each file.

    Returns:
        (train, test) with name "folder", images (N, C, image_size, image_size) uint8.

    Raises:
        ValueError: bad arguments, not a directory, < 2 classes, a class with no usable image,
            too many images, or every class has a single image (no test split possible).
    """
    check_int("image_size", image_size, IMAGE_SIZE_MIN, IMAGE_SIZE_MAX)
    if channels not in (None, 1, 3):
        raise InputError(f"channels must be None, 1 or 3, got {channels!r}",
                         "channels_auto_one_or_three", value=plain(channels))
    if not isinstance(test_fraction, (int, float)) or not 0 < test_fraction < 1:
        raise InputError(
            f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction!r}",
            "number_between_exclusive", name="test_fraction", value=plain(test_fraction),
            low=0, high=1,
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"seed must be an integer >= 0, got {seed!r}", "int_min", name="seed",
                         value=plain(seed), low=0)
    scan = scan_image_folder(path, max_images=max_images)
    decoded_bytes = len(scan.files) * (channels or 3) * image_size**2
    if decoded_bytes > MAX_FOLDER_BYTES:
        raise InputError(
            f"{len(scan.files)} images at {image_size}x{image_size} need "
            f"{decoded_bytes / 1e9:.1f} GB; the limit is {MAX_FOLDER_BYTES / 1e9:.1f} GB. "
            "Use fewer images or a smaller image_size.",
            "folder_too_much_memory", count=len(scan.files), size=image_size,
            needed_gb=round(decoded_bytes / 1e9, 1), limit_gb=round(MAX_FOLDER_BYTES / 1e9, 1),
        )
    pictures, labels, failed = _read_images(scan, image_size, progress)
    skipped = scan.skipped + failed
    _check_every_class_loaded(scan, labels, skipped)
    if channels is None:
        channels = 1 if all(_is_gray(p) for p in pictures) else 3
    images = torch.stack([to_tensor(p, channels=channels) for p in pictures])  # (N, C, S, S)
    labels_t = torch.tensor(labels, dtype=torch.int64)
    train_idx, test_idx = _stratified_split(np.asarray(labels), test_fraction, seed)
    skipped_text = tuple((str(p), reason) for p, reason in skipped)
    return _make_splits("folder", images, labels_t, scan.classes, train_idx, test_idx, skipped_text)


@dataclass(frozen=True)
class FolderScan:
    """What an image folder holds, found without decoding any image."""

    root: Path
    classes: tuple[str, ...]
    files: tuple[tuple[Path, int], ...]  # (image file, class index), sorted
    skipped: tuple[tuple[Path, str], ...]  # (file, reason) for files that are not images


def scan_image_folder(path: Path, *, max_images: int = 20_000) -> FolderScan:
    """List the classes and candidate image files of a one-sub-folder-per-class folder.

    Hidden files/folders (starting with ".") are ignored; sub-folders of a class folder are
    searched too; symlinked folders are not followed. Nothing is decoded here.

    Raises:
        ValueError: not a directory, fewer than 2 class folders, a class folder without image
            files, or more than ``max_images`` image files.
    """
    if isinstance(max_images, bool) or not isinstance(max_images, int) or max_images < 2:
        raise InputError(f"max_images must be an integer >= 2, got {max_images!r}", "int_min",
                         name="max_images", value=plain(max_images), low=2)
    root = Path(path).expanduser()
    if not root.is_dir():
        raise InputError(
            f"{str(root)!r} is not a directory; choose a folder with one sub-folder per class",
            "folder_not_a_directory", path=str(root),
        )
    try:
        entries = list(root.iterdir())
    except OSError as exc:
        raise InputError(f"cannot read the folder {str(root)!r}: {exc}", "folder_unreadable",
                         path=str(root), reason=str(exc)) from exc
    class_dirs = sorted(
        (p for p in entries if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name
    )
    if len(class_dirs) < 2:
        raise InputError(
            f"{str(root)!r} has {len(class_dirs)} class folder(s); at least 2 are needed "
            "(one sub-folder of images per class)",
            "folder_too_few_classes", path=str(root), count=len(class_dirs),
        )
    files: list[tuple[Path, int]] = []
    skipped: list[tuple[Path, str]] = []
    for index, class_dir in enumerate(class_dirs):
        found = 0
        for file in _walk_files(class_dir):
            if not file.is_file():  # a FIFO or socket would block or fail on read
                skipped.append((file, "not a regular file"))
                continue
            if file.suffix.lower() not in IMAGE_EXTENSIONS:
                skipped.append(
                    (file, f"not an image file (accepted: {', '.join(IMAGE_EXTENSIONS)})")
                )
                continue
            files.append((file, index))
            found += 1
            if len(files) > max_images:  # stop early: the folder may be huge
                raise InputError(
                    f"{str(root)!r} has more than {max_images} images; the limit is {max_images}",
                    "folder_too_many_images", path=str(root), limit=max_images,
                )
        if found == 0:
            raise InputError(
                f"class folder {class_dir.name!r} has no image files "
                f"({', '.join(IMAGE_EXTENSIONS)})",
                "folder_class_no_images", folder=class_dir.name,
                extensions=tuple(IMAGE_EXTENSIONS),
            )
    return FolderScan(root, tuple(p.name for p in class_dirs), tuple(files), tuple(skipped))


# ---------------------------------------------------------------------------------------------
# Helpers


def channel_stats(images: torch.Tensor) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and (population) std of uint8 images, in [0, 1] units.

    Counts the 256 possible values per channel, so it is exact and needs no float copy of
    the data (CIFAR-10's train split would need 1.2 GB as float64).

    Args:
        images: (N, C, H, W) uint8, N >= 1.

    Returns:
        (mean, std), one float per channel. A constant channel gets std 1.0 (not 0), so that
        normalising never divides by zero.
    """
    levels = torch.arange(256, dtype=torch.float64) / 255  # (256,)
    means, stds = [], []
    for c in range(images.shape[1]):
        counts = torch.bincount(images[:, c].reshape(-1), minlength=256).to(torch.float64)  # (256,)
        mean = (counts * levels).sum() / counts.sum()
        std = ((counts * (levels - mean) ** 2).sum() / counts.sum()).sqrt()
        means.append(float(mean))
        stds.append(float(std) if std > 1e-6 else 1.0)
    return tuple(means), tuple(stds)


def _make_splits(
    name: str,
    images: torch.Tensor,
    labels: torch.Tensor,
    classes: tuple[str, ...],
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    skipped: tuple[tuple[str, str], ...] = (),
) -> tuple[Dataset, Dataset]:
    """Index one (N, C, H, W) tensor into train/test Datasets sharing the train mean/std."""
    train_i = torch.as_tensor(np.asarray(train_idx), dtype=torch.int64)
    test_i = torch.as_tensor(np.asarray(test_idx), dtype=torch.int64)
    return _datasets(
        name, (images[train_i], labels[train_i]), (images[test_i], labels[test_i]), classes, skipped
    )


def _datasets(
    name: str,
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    classes: tuple[str, ...],
    skipped: tuple[tuple[str, str], ...] = (),
) -> tuple[Dataset, Dataset]:
    """Wrap (images, labels) tensors as train/test Datasets, both with the train mean/std."""
    mean, std = channel_stats(train[0])
    return (
        Dataset(name, "train", train[0], train[1], classes, mean, std, skipped),
        Dataset(name, "test", test[0], test[1], classes, mean, std, skipped),
    )


def _stratified_split(
    labels: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-class shuffled split; returns sorted (train, test) index arrays."""
    rng = np.random.default_rng(seed)
    train: list[int] = []
    test: list[int] = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        rng.shuffle(members)
        n = len(members)
        n_test = 0 if n < 2 else min(n - 1, max(1, int(n * test_fraction + 0.5)))
        test.extend(members[:n_test].tolist())
        train.extend(members[n_test:].tolist())
    if not test:
        raise InputError("every class has a single image, so no test split is possible; add images",
                         "folder_no_test_split")
    return np.sort(train), np.sort(test)


def _walk_files(folder: Path) -> list[Path]:
    """Non-hidden files under folder, in sorted order, without following symlinked folders."""
    found = []
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(current, f) for f in sorted(filenames) if not f.startswith("."))
    return found


def _read_images(
    scan: FolderScan, image_size: int, progress: Callable[[int, int], None] | None
) -> tuple[list[Image.Image], list[int], tuple[tuple[Path, str], ...]]:
    """Decode and resize every file; failures become (file, reason) instead of errors."""
    pictures: list[Image.Image] = []
    labels: list[int] = []
    failed: list[tuple[Path, str]] = []
    for done, (file, label) in enumerate(scan.files, start=1):
        try:
            picture = _read_one(file, image_size)
        except (OSError, ImageError) as exc:
            failed.append((file, str(exc)))
        else:
            pictures.append(picture)
            labels.append(label)
        if progress is not None:
            progress(done, len(scan.files))
    return pictures, labels, tuple(failed)


def _read_one(file: Path, image_size: int) -> Image.Image:
    if file.stat().st_size > MAX_BYTES:
        raise ImageError(f"the file is larger than {MAX_BYTES / 1e6:.0f} MB",
                         "folder_file_too_large", limit_mb=round(MAX_BYTES / 1e6))
    picture = decode_image(file.read_bytes())  # "L" or "RGB"
    # Resize now so that only small images stay in memory; channels are decided afterwards.
    return picture.resize((image_size, image_size), Image.Resampling.BILINEAR)


def _is_gray(picture: Image.Image) -> bool:
    """True for mode "L" and for RGB images whose three channels are identical."""
    if picture.mode == "L":
        return True
    rgb = np.asarray(picture)  # (H, W, 3)
    return bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())


def _check_every_class_loaded(
    scan: FolderScan, labels: list[int], skipped: tuple[tuple[Path, str], ...]
) -> None:
    loaded = set(labels)
    for index, name in enumerate(scan.classes):
        if index not in loaded:
            reasons = "; ".join(
                f"{p.name}: {r}" for p, r in skipped if p.relative_to(scan.root).parts[0] == name
            )
            raise InputError(f"class folder {name!r} has no usable image ({reasons})",
                             "folder_class_no_usable_image", folder=name, reasons=reasons)


# ---------------------------------------------------------------------------------------------
# torchvision datasets


def _load_torchvision(key: str, root: Path, download: bool) -> tuple[Dataset, Dataset]:
    """Read (and, if allowed, download) a torchvision dataset and convert it to tensors."""
    cls = _TORCHVISION[key]
    with _DOWNLOAD_LOCKS[key]:
        # Archives placed by hand (correct checksum) are extracted by torchvision's download
        # step without touching the network, so allow it even when download=False.
        fetch = download or _archives_present(cls, root)
        try:
            train_ds = cls(root=root, train=True, download=fetch)
            test_ds = cls(root=root, train=False, download=False)  # the download fetched both
        except _LOAD_ERRORS as exc:
            raise _unavailable(key, root, download, exc) from exc
    train, test = _as_tensors(train_ds), _as_tensors(test_ds)
    info = DATASETS[key]
    expected = (info.channels, info.image_size, info.image_size)
    for images, _ in (train, test):
        if tuple(images.shape[1:]) != expected:
            bad = ValueError(f"images have shape {tuple(images.shape[1:])}, expected {expected}")
            raise _unavailable(key, root, download, bad)
    # torchvision names MNIST's classes "0 - zero"...; plain digits match the digits dataset.
    classes = tuple(str(d) for d in range(10)) if key == "mnist" else tuple(train_ds.classes)
    return _datasets(key, train, test, classes)


def _as_tensors(ds) -> tuple[torch.Tensor, torch.Tensor]:
    """torchvision dataset -> (N, C, H, W) uint8 images and (N,) int64 labels."""
    if isinstance(ds.data, torch.Tensor):  # MNIST family: (N, H, W) uint8
        images = ds.data.unsqueeze(1)  # (N, 1, H, W)
    else:  # CIFAR: numpy (N, H, W, C) uint8
        images = torch.from_numpy(np.ascontiguousarray(ds.data)).permute(0, 3, 1, 2)  # (N, C, H, W)
    labels = torch.as_tensor(ds.targets, dtype=torch.int64)
    return images.to(torch.uint8).contiguous(), labels


def _archives_present(cls: type, root: Path) -> bool:
    if issubclass(cls, tvd.CIFAR10):
        return check_integrity(str(root / cls.filename), cls.tgz_md5)
    raw = root / cls.__name__ / "raw"
    return all(check_integrity(str(raw / name), md5) for name, md5 in cls.resources)


def _expected_files(cls: type, root: Path) -> tuple[Path, tuple[str, ...], str, dict]:
    """(directory, file names, how to place them, the same as values for a translation) in
    torchvision's layout; the values hold ``folder`` and ``members`` for an archive."""
    if issubclass(cls, tvd.CIFAR10):
        members = tuple(name for name, _ in cls.train_list + cls.test_list) + (
            cls.meta["filename"],
        )
        how = (
            f"put {cls.filename} in {root}{os.sep} (it is extracted automatically), "
            f"or its extracted folder {cls.base_folder}{os.sep} ({', '.join(members)}) "
            f"in {root}{os.sep}"
        )
        return root, (cls.filename,), how, {"folder": cls.base_folder, "members": members}
    raw = root / cls.__name__ / "raw"
    names = tuple(name for name, _ in cls.resources)
    how = f"put {', '.join(names)} (as downloaded, or gunzipped without .gz) in {raw}{os.sep}"
    return raw, names, how, {}


def _unavailable(
    key: str, root: Path, download: bool, exc: BaseException
) -> DatasetUnavailableError:
    info = DATASETS[key]
    directory, files, how, layout = _expected_files(_TORCHVISION[key], root)
    if download:
        problem = "could not be downloaded (no network?)"
    else:
        problem = "could not be read from disk (missing or damaged files; download is off)"
    reason = " ".join(str(exc).split()) or type(exc).__name__
    message = (
        f"{info.title} {problem}. To use it offline, download it from {info.source_url} "
        f"and {how}, then load it again. Details: {reason}"
    )
    archive = bool(layout)
    return DatasetUnavailableError(
        message,
        ("dataset_download_failed_archive" if archive else "dataset_download_failed_files")
        if download else
        ("dataset_not_on_disk_archive" if archive else "dataset_not_on_disk_files"),
        directory=directory, files=files, source_url=info.source_url, dataset=info.title,
        reason=reason, folder=layout.get("folder", ""), members=layout.get("members", ()),
    )
