"""Feature visualisation (core.interpret.featvis): the Fourier and colour parameterisation
against Lucent's own (torch-lucent), the inverse, the spectrum's scale and the colour
covariance by hand, the transformations, the objectives against Lucent's, and runs on tiny
models that must leave the shared model untouched."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core.checks import InputError
from core.interpret import featvis, layers
from tests.models import shared

lucent_param = pytest.importorskip("lucent.optvis.param")
from lucent.optvis import objectives as lucent_objectives  # noqa: E402
from lucent.optvis.param import color as lucent_color  # noqa: E402
from lucent.optvis.param import spatial as lucent_spatial  # noqa: E402

SHAPE = (1, 28, 28)
GREY = dict(input_shape=SHAPE, mean=[0.5], std=[0.5])


# --------------------------------------------------------------------------- parameterisation
@pytest.mark.parametrize("h, w", [(8, 8), (16, 12), (9, 7), (224, 224)])
def test_the_fourier_image_is_lucents(h, w):
    torch.manual_seed(0)
    params, image = lucent_spatial.fft_image((2, 3, h, w), sd=0.5)
    ours = params[0].detach()[:, :, :, : w // 2 + 1]  # Lucent keeps one unused column when w is odd
    if w % 2:
        params[0].data[:, :, :, w // 2 + 1:] = 0  # irfftn ignores it; make that explicit
    expected = image().detach()
    got = featvis._spectrum_to_space(ours, h, w)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)
    rgb = lucent_color.to_valid_rgb(image, decorrelate=True)().detach()
    matrix = featvis.colour_matrix(featvis.IMAGENET_COLOUR_SQRT)
    torch.testing.assert_close(featvis.to_image(ours, "fourier", matrix, (h, w)), rgb,
                               rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(matrix, torch.tensor(lucent_color.color_correlation_normalized))


@pytest.mark.parametrize("param", featvis.PARAMS)
@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("h, w", [(10, 10), (9, 14)])
def test_image_to_parameters_and_back_is_the_image(param, colour, h, w):
    gen = torch.Generator().manual_seed(1)
    image = 0.05 + 0.9 * torch.rand((2, 3, h, w), generator=gen, dtype=torch.float64)
    matrix = featvis.colour_matrix(featvis.IMAGENET_COLOUR_SQRT).double() if colour else None
    params = featvis.from_image(image, param, matrix)
    torch.testing.assert_close(featvis.to_image(params, param, matrix, (h, w)), image)


def test_the_spectrum_is_scaled_by_one_over_frequency():
    h = w = 8
    scale = featvis.spectrum_scale(h, w)
    assert scale.shape == (8, 5)
    assert scale[0, 0] == pytest.approx(8.0)  # the constant: 1 / (1 / max(h, w))
    assert scale[0, 2] == pytest.approx(4.0)  # 2 cycles in 8 px: f = 0.25
    assert scale[3, 4] == pytest.approx(1 / math.hypot(3 / 8, 4 / 8))
    assert scale[5, 1] == pytest.approx(1 / math.hypot(3 / 8, 1 / 8))  # row 5 is frequency -3
    # one coefficient set: a cosine whose amplitude is its scale (x2 for the mirrored half, the
    # FFT's orthonormal 1 / sqrt(h w), Lucid's 1 / 4)
    coeffs = torch.zeros(1, 1, h, w // 2 + 1, 2)
    coeffs[0, 0, 0, 2, 0] = 1.0
    image = featvis._spectrum_to_space(coeffs, h, w)[0, 0]
    x = torch.arange(w, dtype=torch.float32)
    expected = (2 * 4.0 / (4 * math.sqrt(h * w)) * torch.cos(2 * math.pi * 2 * x / w)).expand(h, w)
    torch.testing.assert_close(image, expected, rtol=1e-5, atol=1e-6)


def test_decorrelation_gives_the_covariance_it_claims():
    gen = np.random.default_rng(0)
    # a dataset whose colours are correlated: grey levels plus a little colour noise
    grey = gen.integers(0, 200, size=(40, 1, 8, 8))
    images = np.clip(grey + gen.integers(0, 56, size=(40, 3, 8, 8)), 0, 255).astype(np.uint8)
    sqrt = featvis.colour_sqrt(torch.from_numpy(images)).double()
    pixels = images.transpose(1, 0, 2, 3).reshape(3, -1) / 255
    np.testing.assert_allclose((sqrt @ sqrt.T).numpy(), np.cov(pixels), rtol=1e-5, atol=1e-7)
    assert (torch.linalg.vector_norm(sqrt, dim=0).diff() <= 0).all()  # by decreasing variance
    # independent unit components mixed by the normalised matrix: its covariance, M M^T
    matrix = featvis.colour_matrix(sqrt)
    z = torch.randn(1, 3, 400, 500, generator=torch.Generator().manual_seed(2))
    mixed = featvis.decorrelate(z, matrix).reshape(3, -1).double()
    expected = (matrix @ matrix.T).double()
    torch.testing.assert_close(torch.cov(mixed), expected, atol=0.01 * expected.abs().max(),
                               rtol=0)
    torch.testing.assert_close(expected, torch.from_numpy(np.cov(pixels))
                               / torch.linalg.vector_norm(sqrt, dim=0).max() ** 2)


# --------------------------------------------------------------------------- transformations
def test_robustness_is_lucents_at_224_and_scaled_below():
    assert featvis.Robustness.for_side(224) == featvis.Robustness(12, 8, (0.9, 1.1), 10.0, 4)
    small = featvis.Robustness.for_side(28)
    assert (small.pad, small.jitter, small.jitter2) == (2, 1, 1)
    assert small.scale == (0.9, 1.1) and small.rotate == 10.0


def test_no_transformation_is_the_image_and_a_pad_is_the_padded_image_resized():
    x = torch.rand(2, 3, 12, 12, generator=torch.Generator().manual_seed(3))
    gen = torch.Generator().manual_seed(0)
    assert featvis.transform(x, featvis.Robustness.none(), gen) is x
    pad = featvis.Robustness(pad=3, jitter=0, scale=(1.0, 1.0), rotate=0.0, jitter2=0)
    expected = F.interpolate(F.pad(x, [3] * 4, value=0.5), size=(12, 12), mode="bilinear",
                             align_corners=False)
    torch.testing.assert_close(featvis.transform(x, pad, gen), expected)


def test_a_jitter_is_a_whole_pixel_shift_with_the_border_kept():
    x = torch.rand(1, 1, 9, 9, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    shift = featvis.Robustness(pad=0, jitter=2, scale=(1.0, 1.0), rotate=0.0, jitter2=0)
    padded = F.pad(x, [2] * 4, mode="replicate")
    shifts = {(dy, dx): padded[..., 2 + dy:11 + dy, 2 + dx:11 + dx]
              for dy in range(-2, 3) for dx in range(-2, 3)}
    gen = torch.Generator().manual_seed(5)
    seen = set()
    for _ in range(30):
        out = featvis.transform(x, shift, gen)
        match = [k for k, v in shifts.items() if torch.allclose(out, v, atol=1e-12)]
        assert len(match) == 1
        seen.add(match[0])
    assert len(seen) > 5  # the shifts vary


def test_a_rotation_turns_the_image_about_its_centre():
    # a bar through the centre, turned by a random angle of up to 180 degrees: the centre
    # stays where it is and the bar keeps about its ink
    x = torch.zeros(1, 1, 21, 21, dtype=torch.float64)
    x[..., 10, :] = 1.0
    turn = featvis.Robustness(pad=0, jitter=0, scale=(1.0, 1.0), rotate=180.0, jitter2=0)
    out = featvis.transform(x, turn, torch.Generator().manual_seed(6))
    assert float(out[0, 0, 10, 10]) == pytest.approx(1.0)  # the centre does not move
    # a turned bar, not a shifted one
    assert float(out.sum()) == pytest.approx(float(x.sum()), rel=0.15)
    zoom = featvis.Robustness(pad=0, jitter=0, scale=(2.0, 2.0), rotate=0.0, jitter2=0)
    dot = torch.zeros(1, 1, 20, 20, dtype=torch.float64)
    dot[..., 9:11, 9:11] = 1.0
    big = featvis.transform(dot, zoom, torch.Generator().manual_seed(7))
    # twice as wide, twice as high
    assert float(big.sum()) == pytest.approx(4 * float(dot.sum()), rel=0.05)


# --------------------------------------------------------------------------- objectives
def test_the_objectives_are_lucents():
    out = torch.randn(4, 6, 7, 7, generator=torch.Generator().manual_seed(8))
    maps = {"x": out}
    channel = featvis.Objective("channel", "x", (2, 2, 2, 2))
    assert float(featvis._scores(out, channel).mean()) == pytest.approx(
        -float(lucent_objectives.channel("x", 2)(maps.get)), rel=1e-6)
    neuron = featvis.Objective("neuron", "x", (5, 5, 5, 5))
    assert float(featvis._scores(out, neuron).mean()) == pytest.approx(
        -float(lucent_objectives.neuron("x", 5)(maps.get)), rel=1e-6)
    assert float(featvis._similarity(out)) == pytest.approx(
        -float(lucent_objectives.diversity("x")(maps.get)), rel=1e-5)
    mixed = featvis.Objective("channel", "x", (0, 1, 2, 3))  # a layer grid: each its own
    torch.testing.assert_close(featvis._scores(out, mixed),
                               torch.stack([out[i, i].mean() for i in range(4)]))


# --------------------------------------------------------------------------- runs
@pytest.mark.parametrize("param", featvis.PARAMS)
@pytest.mark.parametrize("kind, layer, unit", [("channel", "conv2", 3), ("neuron", "relu1", 1),
                                               ("logit", None, 7)])
def test_a_visualisation_raises_its_unit_and_leaves_the_model_untouched(param, kind, layer,
                                                                        unit, untouched):
    model = shared()
    with untouched(model):
        result = featvis.visualise(model, featvis.Objective(kind, layer, (unit,)), param=param,
                                   steps=40, lr=0.1, **GREY)
    assert len(result.trajectory) == 40 and not result.stopped
    assert result.images.shape == (1, *SHAPE)
    assert 0 <= result.images.min() and result.images.max() <= 1
    node = layers.layer_names(model)[-1] if kind == "logit" else layer
    grey = layers.activations(model, torch.zeros(1, *SHAPE), [node])[node]  # grey = 0.5
    x = (result.images - 0.5) / 0.5
    out = layers.activations(model, x, [node])[node]
    assert result.activation[0] == pytest.approx(float(featvis._scores(
        out, featvis.Objective(kind, layer, (unit,)))), rel=1e-4, abs=1e-5)
    assert result.activation[0] > float(featvis._scores(
        grey, featvis.Objective(kind, layer, (unit,))))


def test_runs_are_seeded_and_stoppable():
    model = shared()
    objective = featvis.Objective("channel", "conv2", (0, 5))
    a = featvis.visualise(model, objective, steps=6, **GREY)
    b = featvis.visualise(model, objective, steps=6, **GREY)
    c = featvis.visualise(model, objective, steps=6, seed=1, **GREY)
    assert torch.equal(a.images, b.images) and a.trajectory == b.trajectory
    assert not torch.equal(a.images, c.images)
    calls = []
    stopped = featvis.visualise(model, objective, steps=6,
                                should_stop=lambda: len(calls) >= 3,
                                progress=lambda i, n, v: calls.append((i, n)), **GREY)
    assert stopped.stopped and len(stopped.trajectory) == 3 and calls == [(1, 6), (2, 6), (3, 6)]
    assert stopped.trajectory == a.trajectory[:3]


def test_the_diversity_term_makes_the_images_differ():
    model = shared()
    same = featvis.Objective("channel", "conv2", (4,) * 4)
    plain = featvis.visualise(model, same, steps=30, lr=0.1, **GREY)
    diverse = featvis.visualise(model, featvis.Objective("channel", "conv2", (4,) * 4,
                                                         diversity=5.0), steps=30, lr=0.1, **GREY)

    def similarity(images):
        x = (images - 0.5) / 0.5
        return float(featvis._similarity(layers.activations(model, x, ["conv2"])["conv2"]))

    assert similarity(diverse.images) < similarity(plain.images)


def test_a_layer_grid_is_one_image_per_channel_in_chunks():
    model = shared()
    seen = []
    grid = featvis.layer_grid(model, "conv1", range(5), chunk=2, steps=3,
                              progress=lambda i, n: seen.append((i, n)), **GREY)
    assert grid.images.shape == (5, *SHAPE) and len(grid.activation) == 5
    assert seen == [(i, 9) for i in range(1, 10)]
    alone = featvis.visualise(model, featvis.Objective("channel", "conv1", (2, 3)), steps=3,
                              seed=2, **GREY)
    torch.testing.assert_close(grid.images[2:4], alone.images)  # chunk 2 draws from seed + 2
    calls = []
    stopped = featvis.layer_grid(model, "conv1", range(5), chunk=2, steps=3,
                                 should_stop=lambda: len(calls) >= 4,
                                 progress=lambda i, n: calls.append(i), **GREY)
    assert stopped.stopped and len(stopped.images) == 4


def test_rgb_models_take_a_colour_matrix_and_grey_ones_refuse_it():
    model = shared(in_channels=3)
    rgb = dict(input_shape=(3, 28, 28), mean=[0.5] * 3, std=[0.25] * 3)
    result = featvis.visualise(model, featvis.Objective("channel", "conv1", (0,)), steps=3,
                               colour=featvis.IMAGENET_COLOUR_SQRT, **rgb)
    assert result.images.shape == (1, 3, 28, 28)
    with pytest.raises(InputError) as err:
        featvis.visualise(shared(), featvis.Objective("channel", "conv1", (0,)), steps=3,
                          colour=featvis.IMAGENET_COLOUR_SQRT, **GREY)
    assert err.value.key == "featvis_colour_grey"


@pytest.mark.parametrize("change, key", [
    (dict(steps=0), "int_between"),
    (dict(param="noise"), "choice"),
    (dict(robustness=featvis.Robustness(rotate=181.0)), "number_between"),
    (dict(robustness=featvis.Robustness(scale=(1.2, 1.1))), "featvis_scale"),
    (dict(robustness=featvis.Robustness(pad=29)), "int_between"),
    (dict(objective=featvis.Objective("channel", "conv2", (0,), diversity=1.0)),
     "featvis_diversity_batch"),
    (dict(objective=featvis.Objective("channel", "fc1", (0, 1), diversity=1.0)),
     "featvis_diversity_maps"),
    (dict(objective=featvis.Objective("everything", "conv2", (0,))), "choice"),
    (dict(objective=featvis.Objective("channel", "conv2", ())), "featvis_units"),
    (dict(objective=featvis.Objective("channel", "conv2", (64,))), "int_between"),
])
def test_bad_settings_are_refused_with_a_keyed_error(change, key):
    settings = dict(objective=featvis.Objective("channel", "conv2", (0,)), steps=2, **GREY)
    settings.update(change)
    with pytest.raises(InputError) as err:
        featvis.visualise(shared(), settings.pop("objective"), **settings)
    assert err.value.key == key
