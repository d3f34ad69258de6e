"""Small models the tests share: seeded, so expected values do not depend on test order.

    from tests.models import as_shared, build, noise_image, resnet18, shared, small_cnn
"""

from __future__ import annotations

import torch
import torchvision
from torch import nn

from core.models.builder import build_model


def build(arch: str = "small_cnn", in_channels: int = 1, **options) -> nn.Module:
    """build_model(arch) for 28x28 images and 10 classes, drawn after torch.manual_seed(0), in
    eval mode."""
    torch.manual_seed(0)
    return build_model(arch, in_channels=in_channels, num_classes=10, image_size=28,
                       **options).eval()


def small_cnn(in_channels: int = 1, **options) -> nn.Module:
    """The small_cnn architecture: build("small_cnn", ...)."""
    return build("small_cnn", in_channels, **options)


def as_shared(model: nn.Module, *, frozen: bool = False) -> nn.Module:
    """The model as dashboard.cache hands it out: eval mode, BatchNorm running statistics not
    trivial (drawn from their own generator, seed 1), parameters frozen if asked."""
    gen = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(0.1 * torch.randn(m.num_features, generator=gen))
            m.running_var.copy_(0.5 + torch.rand(m.num_features, generator=gen))
    return model.eval().requires_grad_(not frozen)


def shared(arch: str = "small_cnn", *, frozen: bool = False, **options) -> nn.Module:
    """as_shared(build(arch, **options), frozen=frozen): one-channel input."""
    return as_shared(build(arch, **options), frozen=frozen)


def resnet18(num_classes: int = 10) -> nn.Module:
    """A torchvision ResNet-18 with random weights drawn after torch.manual_seed(0), eval mode."""
    torch.manual_seed(0)
    return torchvision.models.resnet18(weights=None, num_classes=num_classes).eval()


def noise_image(in_channels: int, seed: int = 1, size: int = 28) -> torch.Tensor:
    """A (1, C, size, size) standard normal image drawn after torch.manual_seed(seed)."""
    torch.manual_seed(seed)
    return torch.randn(1, in_channels, size, size)
