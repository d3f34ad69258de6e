"""core.style.losses and core.style.transfer: Grams by hand, losses, colour, the runner."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from core.data import samples
from core.models import imagenet
from core.runtime import accel
from core.style import explain, transfer, vgg
from core.style.losses import (
    _Gram,
    content_loss,
    gram_matrix,
    match_luminance,
    rgb_to_yiq,
    style_loss,
    tv_loss,
    with_chroma,
    yiq_to_rgb,
)


@pytest.fixture(scope="module")
def shared():
    return vgg.load_vgg19(weights="random", seed=0)


def _photo(key: str, size: tuple[int, int]) -> Image.Image:
    return samples.sample_image(key).convert("RGB").resize(size)


@pytest.fixture(scope="module")
def content():
    return _photo("china", (64, 48))


@pytest.fixture(scope="module")
def style():
    return _photo("flower", (40, 60))  # another size and aspect than the content


def _config(**kw) -> transfer.StyleConfig:
    base = {"size": 32, "steps": 10, "precision": "fp32", "device": "cpu"}
    return transfer.StyleConfig(**(base | kw))


# --------------------------------------------------------------------------- maths
def test_gram_matrix_by_hand():
    # two channels over a 2x2 map: F = [[1, 2, 3, 4], [0, 1, 0, 1]]
    f = torch.tensor([[1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.0, 1.0]]).view(1, 2, 2, 2)
    # F F^T = [[1+4+9+16, 2+4], [2+4, 1+1]] = [[30, 6], [6, 2]], divided by C*H*W = 8
    expected = torch.tensor([[[30.0, 6.0], [6.0, 2.0]]]) / 8
    assert torch.equal(gram_matrix(f), expected)
    assert torch.equal(gram_matrix(f.contiguous(memory_format=torch.channels_last)), expected)
    g = gram_matrix(f.to(torch.bfloat16))
    assert g.dtype == torch.float32 and torch.equal(g, expected)  # exact small integers
    batch = gram_matrix(torch.cat([f, 2 * f]))
    assert torch.equal(batch[1], 4 * expected[0])
    with pytest.raises(ValueError, match=r"\(B, C, H, W\), got shape \(2, 4\)"):
        gram_matrix(torch.zeros(2, 4))


def test_gram_backward_is_autograds():
    torch.manual_seed(0)
    f = torch.randn(2, 7, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_Gram.apply, (f,))
    x = torch.randn(1, 5, 4, 6, requires_grad=True)
    target = torch.randn(1, 5, 5)
    (ours,) = torch.autograd.grad(((gram_matrix(x) - target) ** 2).sum(), x)
    flat = x.view(5, 24)
    (ref,) = torch.autograd.grad((((flat @ flat.t()) / 120 - target[0]) ** 2).sum(), x)
    torch.testing.assert_close(ours, ref)
    # bf16 maps: the Gram in float32 from the exact bf16 values, the gradient in bf16
    xb = x.detach().to(torch.bfloat16).requires_grad_(True)
    assert gram_matrix(xb).dtype == torch.float32
    torch.testing.assert_close(gram_matrix(xb), gram_matrix(xb.detach().float()))
    (gb,) = torch.autograd.grad(((gram_matrix(xb) - target) ** 2).sum(), xb)
    xf = xb.detach().float().requires_grad_(True)
    (gf,) = torch.autograd.grad(((gram_matrix(xf) - target) ** 2).sum(), xf)
    assert gb.dtype == torch.bfloat16
    torch.testing.assert_close(gb.float(), gf, rtol=2e-2, atol=1e-3)


def test_losses_by_hand():
    a = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    b = torch.tensor([[[0.0, 0.0], [0.0, 3.0]]])
    # layer x: mean((a-b)^2) = (1 + 4) / 4; layer y: 0
    assert style_loss({"x": a, "y": b}, {"x": b, "y": b}, {"x": 2.0, "y": 5.0}).item() == 2.5
    assert content_loss(torch.ones(1, 2, 2, 2), torch.zeros(1, 2, 2, 2)).item() == 1.0
    assert tv_loss(torch.full((1, 3, 4, 4), 0.7)).item() == 0.0
    img = torch.tensor([[0.0, 1.0], [0.0, 1.0]]).view(1, 1, 2, 2)
    assert tv_loss(img).item() == 1.0  # vertical differences 0, horizontal all 1
    with pytest.raises(ValueError, match="at least one layer"):
        style_loss({}, {}, {})


def test_yiq_round_trip_and_luminance_matching():
    torch.manual_seed(0)
    rgb = torch.rand(1, 3, 5, 6, dtype=torch.float64)
    torch.testing.assert_close(yiq_to_rgb(rgb_to_yiq(rgb)), rgb)
    gray = torch.full((1, 3, 2, 2), 0.4, dtype=torch.float64)
    yiq = rgb_to_yiq(gray)
    torch.testing.assert_close(yiq[:, 0], gray[:, 0])  # Y of a gray is the gray, no chroma
    torch.testing.assert_close(yiq[:, 1:], torch.zeros_like(yiq[:, 1:]))
    s, c = torch.rand(1, 1, 8, 8) * 0.2, torch.rand(1, 1, 6, 6) * 0.8 + 0.1
    m = match_luminance(s, c)
    assert m.mean().item() == pytest.approx(c.mean().item(), abs=1e-6)
    assert m.std(unbiased=False).item() == pytest.approx(c.std(unbiased=False).item(), rel=1e-5)
    y = torch.rand(1, 1, 5, 6, dtype=torch.float64)
    out = rgb_to_yiq(with_chroma(y, rgb))
    torch.testing.assert_close(out[:, :1], y)
    torch.testing.assert_close(out[:, 1:], rgb_to_yiq(rgb)[:, 1:])


# --------------------------------------------------------------------------- config
@pytest.mark.parametrize(("kw", "message"), [
    ({"style_weight": -1.0}, "style_weight must be a finite number >= 0, got -1.0"),
    ({"tv_weight": math.nan}, "tv_weight must be a finite number >= 0, got nan"),
    ({"style_layers": {"conv9_9": 1.0}}, "unknown VGG19 layer 'conv9_9'"),
    ({"style_layers": {"conv1_1": -2.0}}, "style weight of conv1_1 must be a finite number >= 0"),
    ({"content_layer": "fc7"}, "unknown VGG19 layer 'fc7'"),
    ({"optimizer": "sgd"}, "optimizer must be one of lbfgs, adam, got 'sgd'"),
    ({"steps": 0}, r"steps must be an integer in 1..5000, got 0"),
    ({"lr": 0.0}, "lr must be a finite number > 0"),
    ({"init": "zeros"}, "init must be one of content, style, noise, got 'zeros'"),
    ({"colour": True}, "colour must be one of style, luminance, histogram, got True"),
    ({"colour": "sepia"}, "colour must be one of style, luminance, histogram, got 'sepia'"),
    ({"style_blend": 1.5}, r"style_blend must be in \[0, 1\], got 1.5"),
    ({"size": 4096}, r"size must be an integer in 16..2048, got 4096"),
    ({"stage_steps": [10]}, "stage_steps must be a tuple of step counts"),
    ({"stage_steps": (10, 0)}, r"steps must be an integer in 1..5000, got 0"),
    ({"stage_steps": (1,) * 5}, r"stages must be an integer in 1..5, got 6"),
    ({"size": 48, "stage_steps": (5, 5)}, "3 stages up to 48 px start at 12 px, below the "
                                          "minimum 16"),
    ({"pooling": "min"}, "pooling must be one of max, avg, got 'min'"),
    ({"precision": "fp16"}, "precision must be one of fp32, bf16, auto, got 'fp16'"),
    ({"content_weight": 0.0, "style_weight": 0.0}, "nothing to optimise"),
])
def test_config_rejects_bad_values(kw, message):
    with pytest.raises(ValueError, match=message):
        _config(**kw)


def test_config_layers_used():
    cfg = transfer.StyleConfig()
    assert list(cfg.active_style_layers()) == list(transfer.STYLE_LAYERS)
    assert cfg.layers_used() == [*transfer.STYLE_LAYERS, "conv4_2"]
    cfg = transfer.StyleConfig(style_layers={"conv3_1": 1.0, "conv1_1": 0.5, "conv5_1": 0.0})
    assert cfg.active_style_layers() == {"conv1_1": 0.5, "conv3_1": 1.0}


def test_output_size_keeps_the_aspect_and_refuses_slivers():
    assert transfer.output_size(Image.new("RGB", (640, 427)), 256) == (171, 256)
    assert transfer.output_size(Image.new("RGB", (20, 50)), 100) == (100, 40)
    with pytest.raises(ValueError, match="shorter side would be 5 px, below the minimum 16"):
        transfer.output_size(Image.new("RGB", (400, 20)), 100)


# --------------------------------------------------------------------------- the runner
@pytest.mark.parametrize("optimizer", ["lbfgs", "adam"])
def test_losses_decrease_with_random_weights(shared, content, style, optimizer):
    run = transfer.StyleTransfer(shared, content, style,
                           _config(optimizer=optimizer, steps=15, tv_weight=1.0))
    progress = run.run_steps(15)
    assert progress.done_steps == 15 and run.finished and len(run.history) == 15
    first, last = run.history[0], run.history[-1]
    assert last.total < 0.5 * first.total
    assert last.style < first.style
    for h in run.history:
        assert h.total == pytest.approx(h.content + h.style + h.tv, rel=1e-5)
    # initialised with the content image itself (L-BFGS: within half a grey level of it)
    assert first.content == pytest.approx(0.0, abs=1e-5)
    assert run.step() is None  # finished: nothing more


def test_sizes_snapshots_and_png(shared, content, style):
    run = transfer.StyleTransfer(shared, content, style, _config(steps=20))
    assert run.size == (24, 32)  # content 64x48 (w x h) at longer side 32
    np.testing.assert_array_equal(run.snapshots[0][1], transfer.to_uint8(transfer.to_batch(content,
                                                                               (24, 32))))
    run.run_for(60.0)  # stops at the end, well before 60 s
    assert run.finished and [s for s, _ in run.snapshots] == [0, 2, 4, 6, 8, 10, 12, 14, 16,
                                                             18, 20]
    image = run.image()
    assert image.shape == (24, 32, 3) and image.dtype == np.uint8
    with Image.open(io.BytesIO(run.png())) as png:
        assert png.size == (32, 24) and png.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(png), image)
    p = run.progress()
    assert p.done_steps == p.total_steps == 20 and p.eta_s == 0 and p.last == run.history[-1]


def test_run_for_takes_at_least_one_step(shared, content, style):
    run = transfer.StyleTransfer(shared, content, style, _config(steps=50))
    assert run.run_for(0.0).done_steps == 1
    with pytest.raises(ValueError, match="seconds must be a finite number >= 0, got -1"):
        run.run_for(-1)


def test_colour_preservation_keeps_the_contents_chroma(shared, content, style):
    kw = {"steps": 10, "init": "noise", "style_weight": 1e8}
    kept = transfer.StyleTransfer(shared, content, style, _config(colour="luminance", **kw))
    free = transfer.StyleTransfer(shared, content, style, _config(**kw))
    kept.run_steps(10)
    free.run_steps(10)
    reference = rgb_to_yiq(transfer.to_batch(content, kept.size))[:, 1:]  # (1, 2, H, W) I, Q
    # before clipping for display the chroma is the content's exactly
    raw = with_chroma(kept._good, kept._content_rgb)
    torch.testing.assert_close(rgb_to_yiq(raw)[:, 1:], reference, atol=1e-5, rtol=0)
    shown = rgb_to_yiq(kept.image_tensor())[:, 1:]
    free_iq = rgb_to_yiq(free.image_tensor())[:, 1:]
    kept_err = (shown - reference).abs().mean().item()
    free_err = (free_iq - reference).abs().mean().item()
    # clipping for display costs a little chroma where a colour leaves [0, 1]
    assert kept_err < 0.02 and free_err > 5 * kept_err
    assert kept._x.shape[1] == 1  # only the luminance is optimised


def test_style_blend_mixes_the_grams(shared, content, style):
    other = _photo("china", (50, 50))
    one = transfer.StyleTransfer(shared, content, other, _config())
    blended = transfer.StyleTransfer(shared, content, style, _config(style_blend=1.0), style2=other)
    half = transfer.StyleTransfer(shared, content, style, _config(style_blend=0.5), style2=other)
    pure = transfer.StyleTransfer(shared, content, style, _config())
    for name in transfer.STYLE_LAYERS:
        torch.testing.assert_close(blended._style_targets[name], one._style_targets[name])
        torch.testing.assert_close(half._style_targets[name], 0.5 * (
            one._style_targets[name] + pure._style_targets[name]))
    with pytest.raises(ValueError, match="style_blend is 0.5 but no second style image"):
        transfer.StyleTransfer(shared, content, style, _config(style_blend=0.5))


def test_inits(shared, content, style):
    a = transfer.StyleTransfer(shared, content, style, _config(init="noise", seed=3))
    b = transfer.StyleTransfer(shared, content, style, _config(init="noise", seed=3))
    c = transfer.StyleTransfer(shared, content, style, _config(init="noise", seed=4))
    assert torch.equal(a.current(), b.current()) and not torch.equal(a.current(), c.current())
    s = transfer.StyleTransfer(shared, content, style, _config(init="style"))
    assert s.current().shape == (1, 3, 24, 32)
    assert (s.current() - transfer.to_batch(content, (24, 32))).abs().mean() > 0.05
    # from the content: its image (L-BFGS starts from its logits, within half a grey level)
    start = transfer.StyleTransfer(shared, content, style, _config()).current()
    assert torch.equal(start, transfer.to_batch(content, (24, 32)))


@pytest.mark.parametrize("colour", ["style", "luminance"])
def test_l_bfgs_scores_the_image_it_shows(shared, content, style, colour):
    """L-BFGS moves logits: every image it scores is in (0, 1), so the image shown (clipped)
    is the image whose loss the history records, and the loss falls."""
    run = transfer.StyleTransfer(shared, content, style, _config(steps=8, colour=colour))
    run.run_steps(7)
    shown = run.current()  # what the page shows now, and where the next step evaluates
    assert 0 < shown.min() and shown.max() < 1
    run.step()
    assert float(run.losses(shown)[0]) == pytest.approx(run.history[-1].total, rel=1e-5)
    assert run.history[-1].total < run.history[0].total


def test_nan_stops_and_keeps_the_last_good_image(shared, content, style, monkeypatch):
    run = transfer.StyleTransfer(shared, content, style, _config(optimizer="adam", steps=10))
    run.run_steps(2)
    good = run.image().copy()
    real = run.losses

    def broken(x):
        total, c, s, t = real(x)
        return total * math.nan, c, s, t

    monkeypatch.setattr(run, "losses", broken)
    assert run.step() is None
    assert run.finished and "became nan at step 3" in run.diverged
    assert len(run.history) == 2
    np.testing.assert_array_equal(run.image(), good)


def test_the_shared_model_is_never_changed(shared, content, style, untouched):
    precision = "bf16" if accel.cpu_has_bf16() else "fp32"
    with untouched(shared):  # values bit for bit, modes, hooks, grads
        run = transfer.StyleTransfer(shared, content, style,
                                     _config(pooling="avg", precision=precision, steps=3))
        run.run_steps(3)
    assert run.precision == precision
    assert len(run._net) == vgg.layer_index("conv5_1") + 1  # truncated after the last loss
    assert sum(isinstance(m, nn.MaxPool2d) for m in shared) == 5  # avg pooling: a copy's
    assert not any(isinstance(m, nn.AvgPool2d) for m in shared)
    for k, v in shared.state_dict().items():
        assert v.dtype == torch.float32 and v.is_contiguous(), k
    assert all(p.grad is None and not p.requires_grad for p in shared.parameters())


def test_truncation_follows_the_layers_in_use(shared, content, style):
    only_low = _config(content_weight=0.0, style_layers={"conv1_1": 1.0, "conv2_1": 1.0})
    assert len(transfer.StyleTransfer(shared, content, style, only_low)._net) == 7
    content_only = _config(style_weight=0.0, content_layer="conv3_2")
    assert len(transfer.StyleTransfer(shared, content, style, content_only)._net) == 14


@pytest.mark.skipif(not accel.cpu_has_bf16(), reason="no native bf16 on this CPU")
def test_bf16_runs_with_fp32_grams(shared, content, style):
    run = transfer.StyleTransfer(shared, content, style, _config(precision="bf16", steps=15))
    assert run._net[0].weight.dtype == torch.bfloat16
    assert run._style_targets["conv1_1"].dtype == torch.float32
    run.run_steps(15)
    assert run.history[-1].total < 0.1 * run.history[0].total


def test_gram_for_layer(shared, content):
    g = explain.gram_for_layer(shared, content, "conv2_1", size=32)
    assert g.shape == (128, 128) and g.dtype == np.float32
    np.testing.assert_allclose(g, g.T, rtol=1e-5, atol=1e-7)
    x = ((transfer.to_batch(content, (24, 32))
          - torch.tensor(imagenet.IMAGENET_MEAN).view(1, 3, 1, 1))
         / torch.tensor(imagenet.IMAGENET_STD).view(1, 3, 1, 1))
    f = shared[:7](x)[0].reshape(128, -1)  # (C, H*W) after relu2_1
    np.testing.assert_allclose(g, (f @ f.T / f.numel()).numpy(), rtol=1e-4, atol=1e-6)


def test_reconstructions(shared, content):
    r = explain.reconstruct(shared, content, content_layer="conv2_2", size=32, steps=8)
    assert r.layers == ("conv2_2",) and r.image.shape == (24, 32, 3) and np.isfinite(r.loss)
    s = explain.reconstruct(shared, content, style_layers=("conv1_1", "conv2_1"), size=32, steps=8)
    assert s.layers == ("conv1_1", "conv2_1") and s.image.shape == (24, 32, 3)
    assert explain.figure1_style_sets()[1] == ("conv1_1", "conv2_1")
    assert len(explain.figure1_style_sets()) == 5
    assert explain.figure1_style_sets()[-1] == transfer.STYLE_LAYERS
    with pytest.raises(ValueError, match="either content_layer or style_layers"):
        explain.reconstruct(shared, content, size=32)


def test_rejects_a_config_of_the_wrong_type(shared, content, style):
    with pytest.raises(ValueError, match="config must be a StyleConfig, got dict"):
        transfer.StyleTransfer(shared, content, style, {})
