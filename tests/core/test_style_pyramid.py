"""Style transfer at scale: the coarse-to-fine pyramid, colour histogram matching, the peak
memory estimate against the measured peak, the budget, and the losses against a direct
computation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
import torch.nn.functional as F
from PIL import Image

from core.checks import InputError
from core.data import samples
from core.runtime.memory import TensorMemory, peak_bytes
from core.style import memory, pyramid, transfer, vgg
from core.style.losses import match_colours


@pytest.fixture(scope="module")
def shared():
    return vgg.load_vgg19(weights="random", seed=0)


def _photo(key: str, size: tuple[int, int]) -> Image.Image:
    return samples.sample_image(key).convert("RGB").resize(size)


@pytest.fixture(scope="module")
def content():
    return _photo("china", (90, 60))  # landscape, 3:2


@pytest.fixture(scope="module")
def style():
    return _photo("flower", (50, 70))


def _config(**kw) -> transfer.StyleConfig:
    base = {"size": 64, "steps": 3, "precision": "fp32", "device": "cpu"}
    return transfer.StyleConfig(**(base | kw))


# --------------------------------------------------------------------------- the pyramid
def test_stage_sides_halve_down_to_the_coarsest():
    assert _config(size=1024, stage_steps=(5, 5, 5)).stage_sizes() == (128, 256, 512, 1024)
    assert _config(size=300, stage_steps=(5, 5)).stage_sizes() == (75, 150, 300)
    assert _config(size=64).stage_sizes() == (64,)
    cfg = _config(size=512, steps=7, stage_steps=(200, 60))
    assert cfg.stages() == ((128, 200), (256, 60), (512, 7)) and cfg.total_steps() == 267


@pytest.mark.parametrize("wh", [(640, 427), (427, 640), (1000, 250), (333, 333)])
def test_every_stage_keeps_the_contents_aspect_ratio(wh):
    img = Image.new("RGB", wh)
    stages = pyramid.plan(img, _config(size=1024, stage_steps=(1, 1, 1)))
    w, h = wh
    for s in stages:
        sh, sw = s.size
        assert max(sh, sw) == s.side
        # each side is the exact scaled side rounded: within half a pixel
        assert abs(sh - h * s.side / max(wh)) <= 0.5 and abs(sw - w * s.side / max(wh)) <= 0.5
    for a, b in zip(stages, stages[1:], strict=False):  # about twice the stage before
        assert all(abs(2 * x - y) <= 1 for x, y in zip(a.size, b.size, strict=True))


def test_a_pyramid_too_deep_for_its_size_is_refused():
    with pytest.raises(InputError, match="start at 8 px") as err:
        _config(size=64, stage_steps=(1, 1, 1))
    assert err.value.key == "style_stage_too_small"


@pytest.mark.parametrize("colour", ["style", "luminance"])
def test_each_stage_starts_from_the_previous_stage_upsampled(shared, content, style, colour):
    run = pyramid.CoarseToFine(shared, content, style,
                               _config(size=64, steps=2, stage_steps=(3,), colour=colour))
    assert [s.size for s in run.stages] == [(21, 32), (43, 64)]
    run.run_steps(3)  # the coarse stage is done: the next one is built from its result
    first = run.results[0]
    assert first.steps_done == 3 and first.image.shape == (21, 32, 3)
    assert run.stage.index == 1 and len(run.current.history) == 0
    start = run.current.current()
    assert start.shape[1] == (1 if colour == "luminance" else 3)
    # the reference: torch's bilinear interpolation of the coarse stage's last good image
    expected = F.interpolate(first.final, size=(43, 64), mode="bilinear", align_corners=False)
    torch.testing.assert_close(start, expected, rtol=0, atol=0)
    run.run_steps(5)
    assert run.finished and len(run.history) == 5
    assert [h.stage for h in run.history] == [0, 0, 0, 1, 1]
    assert [h.step for h in run.history] == [1, 2, 3, 4, 5]
    assert run.image().shape == (43, 64, 3) and run.results[-1].steps_done == 2


def test_progress_counts_across_stages(shared, content, style):
    run = pyramid.CoarseToFine(shared, content, style, _config(size=64, steps=2,
                                                               stage_steps=(2,)))
    p = run.run_steps(1)
    assert (p.done_steps, p.total_steps, p.stage, p.stages, p.stage_done, p.stage_steps) == (
        1, 4, 0, 2, 1, 2)
    assert p.eta_s > 0
    p = run.run_steps(3)
    assert run.finished and p.done_steps == 4 and p.eta_s == 0


def test_a_diverging_stage_ends_the_run_with_its_last_good_image(shared, content, style,
                                                                 monkeypatch):
    run = pyramid.CoarseToFine(shared, content, style, _config(size=64, steps=4,
                                                               stage_steps=(4,)))
    run.run_steps(2)
    good = run.image().copy()
    real = run.current.losses
    monkeypatch.setattr(run.current, "losses",
                        lambda x: tuple(v * float("nan") for v in real(x)))
    run.step()
    assert run.finished and run.diverged.startswith("stage 1 (32 px):")
    assert len(run.stages) == 2 and len(run.results) == 1  # the next stage never started
    np.testing.assert_array_equal(run.image(), good)


def test_one_stage_is_a_plain_run(shared, content, style):
    cfg = _config(size=32, steps=4, seed=3, init="noise")
    a = pyramid.CoarseToFine(shared, content, style, cfg)
    b = transfer.StyleTransfer(shared, content, style, cfg)
    a.run_steps(4)
    b.run_steps(4)
    assert [h.total for h in a.history] == [h.total for h in b.history]
    np.testing.assert_array_equal(a.image(), b.image())


def test_style_transfer_refuses_a_config_with_stages(shared, content, style):
    with pytest.raises(InputError, match="CoarseToFine"):
        transfer.StyleTransfer(shared, content, style, _config(stage_steps=(2,)))


def test_a_cpu_stops_at_1024_px(shared, content, style):
    with pytest.raises(InputError, match="1536 px needs a GPU") as err:
        pyramid.CoarseToFine(shared, content, style, _config(size=1536, stage_steps=(1,)))
    assert err.value.key == "style_size_cpu"


# --------------------------------------------------------------------------- the losses
def test_losses_equal_a_direct_computation(shared, content, style):
    """Each layer's loss taken during the forward pass gives the losses of the tutorial's
    formulas applied after it: the Gram as view + mm, the MSEs by torch."""
    run = transfer.StyleTransfer(shared, content, style, _config(size=48, tv_weight=3.0))
    x = run._x.detach().clone().requires_grad_(True)
    total, c, s, t = run.losses(x)
    feats = run._features(x, list(run._style_weights) + ["conv4_2"])

    def gram(f):
        b, ch, h, w = f.shape
        m = f.reshape(b * ch, h * w)
        return (m @ m.t()).div(b * ch * h * w)

    ref_s = sum(F.mse_loss(gram(feats[n]), run._style_targets[n][0]) * w
                for n, w in run._style_weights.items()) * 1e6
    ref_c = F.mse_loss(feats["conv4_2"], run._content_target)
    ref_t = 3.0 * ((x[:, :, 1:] - x[:, :, :-1]).pow(2).mean()
                   + (x[..., 1:] - x[..., :-1]).pow(2).mean())
    torch.testing.assert_close(s, ref_s, rtol=1e-5, atol=0)
    torch.testing.assert_close(c, ref_c, rtol=1e-6, atol=0)
    torch.testing.assert_close(t, ref_t, rtol=1e-6, atol=0)
    grad, = torch.autograd.grad(total, x)
    ref_grad, = torch.autograd.grad(ref_s + ref_c + ref_t, x)
    # fp32 sums grouped differently (the losses taken between layers), with the style weight of
    # 1e6: where large terms cancel, an element keeps an error of fp32's rounding of the largest
    # (on a Xeon: max |grad| 1.87e3, differences up to 2.4e-4, i.e. 1.3e-7 of it)
    scale = float(ref_grad.abs().max())
    torch.testing.assert_close(grad, ref_grad, rtol=1e-4, atol=1e-6 * scale)


# --------------------------------------------------------------------------- colour
def test_histogram_matching_gives_the_style_the_contents_colour_statistics():
    gen = torch.Generator().manual_seed(0)
    style = torch.rand(1, 3, 30, 40, generator=gen) ** 2  # dark, correlated below
    style[:, 2] = 0.5 * style[:, 0] + 0.2 * style[:, 2]
    content = torch.rand(1, 3, 25, 20, generator=gen) * torch.tensor([0.3, 0.9, 0.6]).view(
        1, 3, 1, 1) + 0.1
    out = match_colours(style, content)
    s = out[0].reshape(3, -1).double().numpy()
    c = content[0].reshape(3, -1).double().numpy()
    np.testing.assert_allclose(s.mean(1), c.mean(1), atol=1e-6)  # per-channel mean
    np.testing.assert_allclose(s.std(1), c.std(1), atol=1e-6)  # and standard deviation
    np.testing.assert_allclose(np.cov(s, bias=True), np.cov(c, bias=True), atol=1e-6)
    # the map is Gatys et al.'s A = Sigma_c^(1/2) Sigma_s^(-1/2): scipy's matrix roots
    st = style[0].reshape(3, -1).double().numpy()
    a = scipy.linalg.sqrtm(np.cov(c, bias=True)) @ np.linalg.inv(
        scipy.linalg.sqrtm(np.cov(st, bias=True)))
    expected = a.real @ (st - st.mean(1, keepdims=True)) + c.mean(1, keepdims=True)
    np.testing.assert_allclose(s, expected, atol=1e-5)


def test_histogram_matching_is_used_for_the_style_targets(shared, content, style):
    plain = transfer.StyleTransfer(shared, content, style, _config(size=32))
    matched = transfer.StyleTransfer(shared, content, style, _config(size=32,
                                                                    colour="histogram"))
    rgb = transfer.to_batch(style, transfer.output_size(style, 32))
    ref = match_colours(rgb, matched._content_rgb)
    feats = matched._features(ref, ["conv1_1"])
    from core.style.losses import gram_matrix

    torch.testing.assert_close(matched._style_targets["conv1_1"],
                               gram_matrix(feats["conv1_1"]), rtol=1e-6, atol=0)
    assert not torch.allclose(plain._style_targets["conv1_1"], matched._style_targets["conv1_1"])
    assert matched._x.shape[1] == 3  # the whole image is optimised, not only its luminance


def test_histogram_matching_checks_its_inputs():
    with pytest.raises(InputError, match=r"style must be \(1, 3, H, W\)"):
        match_colours(torch.rand(1, 1, 4, 4), torch.rand(1, 3, 4, 4))


# --------------------------------------------------------------------------- memory
def test_tensor_memory_counts_what_is_alive_at_once():
    x = torch.randn(1000, 1000)  # 4 MB before: not counted
    with TensorMemory() as m:
        a = x * 2  # +4 MB
        b = a + 1  # +4 -> 8
        del a  # 4
        c = b.view(-1)  # a view: nothing new
        b.add_(1)  # in place: nothing new
        d = torch.empty(250_000)  # +1 -> 5
        d.resize_(500_000)  # +1 -> 6
    assert m.peak == 8_000_000 and m.live == 6_000_000
    del b, c, d
    assert peak_bytes(lambda: torch.ones(10, 10) + 1) == 800  # the ones and the sum


@pytest.mark.parametrize("kw", [
    {"size": 96},
    {"size": 128, "pooling": "avg"},
    {"size": 128, "optimizer": "adam"},
    {"size": 128, "colour": "luminance"},
    {"size": 96, "content_layer": "conv5_2"},
    {"size": 128, "style_layers": {"conv1_1": 1.0, "conv2_1": 1.0}, "content_weight": 0.0},
])
def test_the_memory_estimate_is_within_25_percent_of_the_measured_peak(shared, content, style,
                                                                     kw):
    cfg = _config(steps=30, **kw)
    with TensorMemory() as m:  # the whole stage: its set-up and 25 evaluations (L-BFGS full)
        run = transfer.StyleTransfer(shared, content, style, cfg)
        run.run_steps(25)
    est = memory.estimate(cfg, run.size, precision="fp32")
    assert est == run.memory
    assert 0.75 <= est.total / m.peak <= 1.25, (est, m.peak)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_the_memory_estimate_on_cuda(shared, content, style):
    cfg = _config(size=256, steps=30, device="cuda")
    measured = {}

    def work():
        measured["run"] = transfer.StyleTransfer(shared, content, style, cfg)
        measured["run"].run_steps(25)
    peak = peak_bytes(work, "cuda")
    est = memory.estimate(cfg, measured["run"].size, precision=measured["run"].precision)
    assert 0.75 <= est.total / peak <= 1.25, (est, peak)


def test_over_the_budget_the_run_is_refused_before_it_starts(shared, content, style,
                                                             monkeypatch):
    monkeypatch.setenv(memory.BUDGET_ENV, "0.01")  # 10 MB
    cfg = _config(size=128, stage_steps=(5,))
    with TensorMemory() as m, pytest.raises(InputError) as err:
        pyramid.CoarseToFine(shared, content, style, cfg)
    assert err.value.key == "style_memory"
    assert "over the budget of 0.01 GB" in str(err.value) and memory.BUDGET_ENV in str(err.value)
    assert m.peak < 1_000_000  # refused before the network was copied or any stage built
    monkeypatch.setenv(memory.BUDGET_ENV, "1")
    pyramid.CoarseToFine(shared, content, style, cfg)  # fits


@pytest.mark.parametrize("raw", ["lots", "-1", "0", "nan", "inf"])
def test_a_bad_budget_variable_is_named(monkeypatch, raw):
    monkeypatch.setenv(memory.BUDGET_ENV, raw)
    with pytest.raises(InputError, match=memory.BUDGET_ENV) as err:
        memory.budget_bytes("cpu")
    assert err.value.key == "style_memory_env"


def test_the_default_budget_is_one_and_a_half_gigabytes(monkeypatch):
    monkeypatch.delenv(memory.BUDGET_ENV, raising=False)
    assert memory.budget_bytes("cpu") == 1_500_000_000
    # the landscape sample at 1024 px fits in fp32 with max pooling; a square one does not
    cfg = transfer.StyleConfig(size=1024)
    assert memory.estimate(cfg, (683, 1024), precision="fp32").total < 1_500_000_000
    assert memory.estimate(cfg, (1024, 1024), precision="fp32").total > 1_500_000_000
