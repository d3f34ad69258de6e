"""The dataset registry: what each dataset is, without loading it.

Torch-free on purpose: the sidebar's dataset picker renders on every page, the home page
included, before torch is imported. ``core.data.datasets`` loads the datasets themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DatasetInfo",
    "DATASETS",
]



@dataclass(frozen=True)
class DatasetInfo:
    """Registry entry: what a dataset is, without loading it."""

    key: str
    title: str
    channels: int
    image_size: int
    num_classes: int
    needs_download: bool
    description: str
    source_url: str


DATASETS: dict[str, DatasetInfo] = {
    "digits": DatasetInfo(
        key="digits",
        title="Digits (scikit-learn)",
        channels=1,
        image_size=28,
        num_classes=10,
        needs_download=False,
        description="1,797 handwritten digits, 8x8 pixels, bundled with scikit-learn and "
        "upscaled to 28x28 like MNIST. Works offline; trains in seconds.",
        source_url="https://scikit-learn.org/stable/modules/generated/sklearn.datasets.load_digits.html",
    ),
    "mnist": DatasetInfo(
        key="mnist",
        title="MNIST",
        channels=1,
        image_size=28,
        num_classes=10,
        needs_download=True,
        description="70,000 handwritten digits, 28x28 grayscale (60,000 train / 10,000 test).",
        source_url="https://ossci-datasets.s3.amazonaws.com/mnist/",
    ),
    "fashion_mnist": DatasetInfo(
        key="fashion_mnist",
        title="Fashion-MNIST",
        channels=1,
        image_size=28,
        num_classes=10,
        needs_download=True,
        description="70,000 Zalando clothing images in 10 classes, 28x28 grayscale; "
        "a harder drop-in for MNIST.",
        source_url="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    ),
    "cifar10": DatasetInfo(
        key="cifar10",
        title="CIFAR-10",
        channels=3,
        image_size=32,
        num_classes=10,
        needs_download=True,
        description="60,000 small colour photos in 10 classes (plane, car, bird, ...), 32x32 RGB.",
        source_url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    ),
}
