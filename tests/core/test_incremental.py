"""Incremental forward passes (core.runtime.incremental): equal to full passes of the changed
copies, for every kind of layer the runner windows and for layers it does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from core.interpret import occlusion
from core.runtime.incremental import LocalRunner
from tests.models import resnet18


def _copies(x: torch.Tensor, boxes: list[tuple[int, int, int, int]], seed: int = 0):
    """Changed copies of x: random values in each box (top, left, h, w) of the same size."""
    gen = torch.Generator().manual_seed(seed)
    h, w = boxes[0][2:]
    crops = torch.randn(len(boxes), x.shape[1], h, w, generator=gen)
    full = x.repeat(len(boxes), 1, 1, 1)
    for i, (top, left, _, _) in enumerate(boxes):
        full[i, :, top:top + h, left:left + w] = crops[i]
    y0 = torch.tensor([b[0] for b in boxes])
    x0 = torch.tensor([b[1] for b in boxes])
    return crops, y0, x0, full


class _Residual(nn.Module):
    """A block with a strided 1x1 shortcut (stride larger than its kernel), sub and mul."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.short = nn.Conv2d(4, 6, 1, stride=2)
        self.scale = nn.Parameter(torch.randn(1, 6, 1, 1))

    def forward(self, x):
        y = torch.relu(self.bn(self.a(x)))
        return (y - self.short(x)) * self.scale + y


def _models() -> dict[str, nn.Module]:
    torch.manual_seed(0)
    seq = nn.Sequential(
        nn.Conv2d(3, 4, 5, padding=2), nn.ReLU(inplace=True),
        nn.Conv2d(4, 4, 3, dilation=2, padding=2, groups=2), nn.LeakyReLU(),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.Conv2d(4, 4, 1, stride=3), nn.Tanh(),
        nn.AvgPool2d(3, stride=1, padding=1),
        nn.Conv2d(4, 4, (3, 1), stride=(1, 2), padding=(0, 1)),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, 5))
    block = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), _Residual(), nn.Conv2d(6, 4, 3),
                          _Residual(), nn.Flatten(), nn.LazyLinear(5))
    block(torch.zeros(1, 3, 40, 40))  # materialise the lazy layer
    for m in block.modules():
        if isinstance(m, nn.BatchNorm2d):  # non-trivial running statistics
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(0.5, 2)
    return {"sequential": seq.eval(), "residual": block.eval()}


@pytest.mark.parametrize("name", ["sequential", "residual"])
@pytest.mark.parametrize("size", [(3, 3), (8, 5), (1, 1)])
def test_windows_equal_full_passes(name, size):
    model = _models()[name]
    torch.manual_seed(1)
    x = torch.randn(1, 3, 40, 40)
    h, w = size
    boxes = [(0, 0, h, w), (40 - h, 40 - w, h, w), (17, 3, h, w), (5, 40 - w, h, w),
             (40 - h, 21, h, w)]
    crops, y0, x0, full = _copies(x, boxes)
    with torch.no_grad():
        runner = LocalRunner(model, x)
        torch.testing.assert_close(runner.logits0, model(x), atol=1e-6, rtol=0)
        torch.testing.assert_close(runner.run(crops, y0, x0), model(full), atol=2e-5, rtol=0)


@pytest.mark.parametrize("arch", ["resnet18", "vgg11", "mobilenet_v3_small"])
def test_torchvision_models_with_inplace_relus(arch):
    torch.manual_seed(0)
    model = getattr(torchvision.models, arch)(weights=None, num_classes=7).eval()
    x = torch.randn(1, 3, 64, 64)
    boxes = [(0, 0, 12, 12), (52, 52, 12, 12), (30, 9, 12, 12)]
    crops, y0, x0, full = _copies(x, boxes)
    with torch.no_grad():
        want = model(full)
        got = LocalRunner(model, x).run(crops, y0, x0)
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)


def test_base_activations_not_changed_by_runs():
    model = _models()["residual"]
    x = torch.randn(1, 3, 40, 40)
    crops, y0, x0, _ = _copies(x, [(2, 2, 6, 6), (30, 30, 6, 6)])
    with torch.no_grad():
        runner = LocalRunner(model, x)
        before = {n: v.clone() for n, v in runner.base.items() if isinstance(v, torch.Tensor)}
        runner.run(crops, y0, x0)
        runner.run(crops, y0, x0)
    for n, v in before.items():
        assert torch.equal(runner.base[n], v), n


# --------------------------------------------------------------------------- in occlusion
@pytest.mark.parametrize("window,stride", [(16, 8), (7, 5), (30, 13)])
def test_occlusion_incremental_equals_full(window, stride):
    model = resnet18()
    x = torch.randn(1, 3, 64, 72)
    kw = dict(window=window, stride=stride, baseline="blur", mean=0.5, std=0.25, batch_size=23)
    inc = occlusion.occlusion(model, x, **kw)
    full = occlusion.occlusion(model, x, incremental=False, **kw)
    assert inc.incremental and not full.incremental
    np.testing.assert_allclose(inc.prob_map, full.prob_map, atol=1e-5, rtol=0)
    np.testing.assert_array_equal(inc.class_map, full.class_map)


class _Dynamic(nn.Module):
    """Control flow on tensor values: FX cannot trace it."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)

    def forward(self, x):
        y = self.conv(x)
        if y.mean() > 100:
            y = -y
        return y.flatten(1)


def test_untraceable_model_runs_full_passes():
    model = _Dynamic().eval()
    x = torch.randn(1, 1, 8, 8)
    r = occlusion.occlusion(model, x, window=2, stride=2, mean=0.0, std=1.0)
    full = occlusion.occlusion(model, x, window=2, stride=2, mean=0.0, std=1.0, incremental=False)
    assert not r.incremental
    np.testing.assert_array_equal(r.prob_map, full.prob_map)


def test_disagreeing_runner_falls_back(monkeypatch):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(72, 3)).eval()
    x = torch.randn(1, 1, 8, 8)
    real_run = LocalRunner.run
    monkeypatch.setattr(LocalRunner, "run", lambda self, *a: real_run(self, *a) * 3.0)
    r = occlusion.occlusion(model, x, window=2, stride=2, mean=0.0, std=1.0)
    full = occlusion.occlusion(model, x, window=2, stride=2, mean=0.0, std=1.0, incremental=False)
    assert not r.incremental
    np.testing.assert_array_equal(r.prob_map, full.prob_map)
