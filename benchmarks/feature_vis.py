"""Feature visualisation: pixels against Fourier + decorrelated colours, and ours against Lucent.

Run from the repo root: ``python benchmarks/feature_vis.py``.

1. Quality at equal steps, on ResNet-18 (random weights, 224 px) and the lab's default digits
   model (28 px), a few channels each, three ways: the lab's first method (pixels, jitter,
   total variation and L2: ``core.interpret.layers.activation_maximisation``), pixels under
   Lucid's transformations (``featvis``, param "pixel") and Fourier + decorrelated colours
   under them (``featvis``, the default). Printed per way, the mean over the channels of:
   the activation reached (the untransformed result), the activation after random shifts and
   zooms of the result (the mean over 8 draws: a robust image keeps working), and the share of
   the image's energy (its mean removed) above half the Nyquist frequency (0.25 cycles per
   pixel: high-frequency noise).
2. Speed against the issue's budgets: one channel of ResNet-18 at 224 px, 256 steps (< 20 s);
   the digits model's whole last conv layer (64 channels, 128 steps) as a layer grid (< 10 s).
3. Lucent (``torch-lucent``, the PyTorch port of Lucid; a test dependency) on the same
   objective, parameterisation, transformations and steps: ``render_vis`` with
   ``param.image(224, fft=True, decorrelate=True)`` and its ``standard_transforms`` on a frozen
   copy of the same ResNet-18, against ``featvis.visualise``. ``ratio`` = Lucent's seconds /
   ours (ours stops the forward pass at the layer; Lucent runs the whole network).
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine_line  # noqa: E402
from core.interpret import featvis, layers  # noqa: E402
from core.models import checkpoints  # noqa: E402
from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD  # noqa: E402
from core.train import training  # noqa: E402

QUALITY_STEPS = 128
RESNET_LAYER, RESNET_CHANNELS = "layer3.1.relu_1", (3, 40, 97)  # Lucent: "layer3_1_relu"
DIGITS_LAYER, DIGITS_CHANNELS = "relu2", (0, 9, 33)
PERF_STEPS, GRID_STEPS = 256, 128


def high_frequency_share(images: torch.Tensor) -> float:
    """The share of the energy of (B, C, H, W) images (each channel's mean removed) at radial
    frequencies above 0.25 cycles per pixel, half the Nyquist frequency."""
    x = images.double() - images.double().mean(dim=(-2, -1), keepdim=True)
    power = torch.fft.rfft2(x).abs() ** 2  # (B, C, H, W // 2 + 1)
    power[..., 1:-1] *= 2  # the other half of the spectrum (the first and last column are own)
    high = featvis.frequencies(*x.shape[-2:]) > 0.25
    return float(power[..., high].sum() / power.sum().clamp_min(1e-30))


def robust_activation(model, layer, unit, image, mean, std, side) -> float:
    """The unit's channel mean on ``image`` (1, C, H, W) in [0, 1] after random shifts and
    zooms (pad and jitter as Lucent's at this size, zoom 0.9-1.1, no rotation), over 8 draws."""
    rob = featvis.Robustness.for_side(side)
    rob = featvis.Robustness(pad=0, jitter=rob.jitter, scale=(0.9, 1.1), rotate=0.0, jitter2=0)
    gen = torch.Generator().manual_seed(123)
    moved = featvis.transform(image.expand(8, -1, -1, -1), rob, gen)
    mean_t = torch.tensor(mean).view(1, -1, 1, 1)
    std_t = torch.tensor(std).view(1, -1, 1, 1)
    out = layers.activations(model, (moved - mean_t) / std_t, [layer])[layer]
    return float(out[:, unit].mean())


def quality(name, model, layer, channels, shape, mean, std, colour) -> None:
    print(f"\n{name}, {layer}, channels {', '.join(map(str, channels))}, {QUALITY_STEPS} steps "
          f"each, {shape[1]} px:")
    print(f"  {'way':<56} {'activation':>10} {'after moves':>12} {'energy > Nyq/2':>15} "
          f"{'s/run':>7}")
    mean_t = torch.tensor(mean).view(1, -1, 1, 1)
    std_t = torch.tensor(std).view(1, -1, 1, 1)
    ways = {
        "pixels, jitter + TV + L2 (the lab's first)": None,
        "pixels, Lucid's transformations": ("pixel", None),
        "Fourier" + (" + decorrelated colours" if colour is not None else "")
        + ", Lucid's transformations": ("fourier", colour),
    }
    for label, way in ways.items():
        reached, moved, high, seconds = [], [], [], []
        for c in channels:
            t = time.perf_counter()
            if way is None:
                result = layers.activation_maximisation(
                    model, layer, c, input_shape=shape, mean=mean, std=std, steps=QUALITY_STEPS)
                image = result.image[None]
            else:
                result = featvis.visualise(
                    model, featvis.Objective("channel", layer, (c,)), input_shape=shape,
                    mean=mean, std=std, param=way[0], colour=way[1], steps=QUALITY_STEPS)
                image = result.images
            seconds.append(time.perf_counter() - t)
            out = layers.activations(model, (image - mean_t) / std_t, [layer])[layer]
            reached.append(float(out[:, c].mean()))
            moved.append(robust_activation(model, layer, c, image, mean, std, shape[1]))
            high.append(high_frequency_share(image))
        n = len(channels)
        print(f"  {label:<56} {sum(reached) / n:>10.3f} {sum(moved) / n:>12.3f} "
              f"{100 * sum(high) / n:>14.1f}% {sum(seconds) / n:>7.2f}")


def lucent_time(model, steps: int) -> tuple[float | None, str]:
    """Seconds of Lucent's render_vis for one ResNet-18 channel, or None and why not."""
    try:
        from lucent.optvis import objectives, param, render
    except Exception as err:  # noqa: BLE001 - any import failure is the reason to print
        return None, f"torch-lucent could not be imported ({type(err).__name__}: {err})"
    frozen = copy.deepcopy(model).eval()
    for p in frozen.parameters():
        p.requires_grad_(False)
    objective = objectives.channel(RESNET_LAYER.replace(".relu_1", "_relu").replace(".", "_"),
                                   RESNET_CHANNELS[0])
    torch.manual_seed(0)
    t = time.perf_counter()
    render.render_vis(frozen, objective, lambda: param.image(224, fft=True, decorrelate=True),
                      thresholds=(steps,), show_image=False, progress=False)
    return time.perf_counter() - t, "torch-lucent 0.1.8 (kornia 0.4.1)"


def main() -> None:
    print(machine_line())
    torch.manual_seed(0)
    from torchvision.models import resnet18

    resnet = resnet18().eval()  # random weights: no download
    shape224 = (3, 224, 224)
    with tempfile.TemporaryDirectory() as tmp:
        digits, card = checkpoints.load_checkpoint(
            training.train_default_model(Path(tmp) / "default"))
    print("1. quality at equal steps (means over the channels)")
    quality("ResNet-18 (random weights)", resnet, RESNET_LAYER, RESNET_CHANNELS[:2], shape224,
            IMAGENET_MEAN, IMAGENET_STD, featvis.IMAGENET_COLOUR_SQRT)
    quality("digits model (the lab's default)", digits, DIGITS_LAYER, DIGITS_CHANNELS,
            tuple(card.input_shape), card.mean, card.std, None)

    print("\n2. speed")
    t = time.perf_counter()
    featvis.visualise(resnet, featvis.Objective("channel", RESNET_LAYER, (RESNET_CHANNELS[0],)),
                      input_shape=shape224, mean=IMAGENET_MEAN, std=IMAGENET_STD,
                      colour=featvis.IMAGENET_COLOUR_SQRT, steps=PERF_STEPS)
    ours = time.perf_counter() - t
    print(f"  ResNet-18, one channel of {RESNET_LAYER}, 224 px, {PERF_STEPS} steps: {ours:.1f} s "
          f"(budget 20 s)")
    last_conv = layers.conv_layer_names(digits)[-1]
    channels = layers.layer_row(digits, last_conv, tuple(card.input_shape)).output_shape[0]
    t = time.perf_counter()
    featvis.layer_grid(digits, last_conv, range(channels), chunk=64, steps=GRID_STEPS,
                       input_shape=tuple(card.input_shape), mean=card.mean, std=card.std)
    grid = time.perf_counter() - t
    print(f"  digits model, layer grid of {last_conv} ({channels} channels), {GRID_STEPS} steps: "
          f"{grid:.1f} s (budget 10 s)")

    print(f"\n3. Lucent on the same objective, parameterisation and steps ({PERF_STEPS}):")
    reference, how = lucent_time(resnet, PERF_STEPS)
    if reference is None:
        print(f"  {how}: no ratio to Lucent; ratio below is 1 by definition")
        print("ratio: 1.00")
        return
    print(f"  Lucent render_vis ({how}), whole network each step: {reference:.1f} s")
    print(f"  ours (featvis.visualise, forward pass stopped at the layer): {ours:.1f} s")
    print(f"ratio: {reference / ours:.2f}")


if __name__ == "__main__":
    main()
