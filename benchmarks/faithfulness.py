"""Deletion and insertion scores of all 9 maps: the Trust page's scoreboard against the direct loop.

Run from the repository root:  python benchmarks/faithfulness.py   (about 4 minutes on 2 quiet
cores; --no-resnet skips the ResNet-18 part)

Both sides score the same 9 maps (vanilla gradient, guided backprop, SmoothGrad 25 samples,
Integrated Gradients 50 steps, Grad-CAM, Guided Grad-CAM, occlusion 4 px windows at stride 2,
random, centre) of the first 50 digits test images on the default model (the digits CNN, trained
here in a few seconds), target = the predicted class, 20 steps (5% of the pixels each), black
baseline, fp32 on the CPU:

- direct: what one writes with a one-image API: a deletion metric and an insertion metric, each
  computing each image's map with the method's one-image function and then running one forward
  pass per step on one perturbed copy (pixels replaced by fancy indexing).
- ours: ``core.interpret.trust.scoreboard``: every map computed once (the one-pass gradient
  methods for 32 images per pass), then every perturbed copy of an image, for every map and both
  curves, in batches of 32 (``core.interpret.faithfulness.curves``).

It checks that both give the same curves, prints the times of the maps and the curves on each
side (the curves alone: "exact-fp32 curves ratio"), the page's default run (its light settings,
``trust.default_settings``) and ResNet-18 at 224 px on 8 images (random weights: the speed is
that of the ImageNet ones; the large-model settings with 20 steps). Last line: ``ratio: X.XX`` =
direct seconds / ours seconds for the whole scoreboard (higher = better).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from benchmarks._machine import machine_line  # noqa: E402
from core.data import datasets  # noqa: E402
from core.interpret import faithfulness, occlusion, saliency, trust  # noqa: E402
from core.interpret.occlusion import baseline_image  # noqa: E402
from core.models import checkpoints, imagenet  # noqa: E402
from core.train import training  # noqa: E402

N, STEP = 50, 0.05


def _params(mean, std) -> dict:
    return {"smoothgrad": {"samples": 25}, "ig": {"steps": 50, "mean": mean, "std": std},
            "occlusion": {"window": 4, "stride": 2, "baseline": "zero", "mean": mean,
                          "std": std, "batch_size": 64, "incremental": False}}


def _one_map(model, method, xi, target, params, i):
    if method == "random":
        return trust.random_map(tuple(xi.shape[-2:]), i)
    if method == "centre":
        return trust.centre_map(tuple(xi.shape[-2:]))
    if method == "occlusion":
        r = occlusion.occlusion(model, xi, target=target, **params["occlusion"])
        return occlusion.attribution_map(r, tuple(xi.shape[-2:]))
    return saliency.attribute(method, model, xi, target, **params.get(method, {})).heat


def _direct_curve(model, xi, heat, target, counts, base, kind):
    order = torch.as_tensor(np.argsort(-heat.ravel(), kind="stable"))
    probs = []
    with torch.inference_mode():
        for k in counts:
            img = (xi.clone() if kind == "deletion" else base.clone()).flatten(2)  # (1, C, HW)
            src = (base if kind == "deletion" else xi).flatten(2)
            img[..., order[:k]] = src[..., order[:k]]
            probs.append(float(model(img.view_as(xi)).softmax(1)[0, target]))
    return np.array(probs)


def direct(model, x, targets, params, mean, std, counts) -> tuple[dict, float, float]:
    """{kind: (N, M, S + 1)} curves, map seconds, curve seconds."""
    maps_s = curves_s = 0.0
    out = {k: np.zeros((len(x), len(trust.MAP_METHODS), len(counts)))
           for k in ("deletion", "insertion")}
    for kind in out:  # two metrics, each computing its maps
        for i in range(len(x)):
            xi, t = x[i:i + 1], int(targets[i])
            base = baseline_image(xi, "zero", mean=mean, std=std)
            for j, m in enumerate(trust.MAP_METHODS):
                start = time.perf_counter()
                heat = _one_map(model, m, xi, t, params, i)
                maps_s += time.perf_counter() - start
                start = time.perf_counter()
                out[kind][i, j] = _direct_curve(model, xi, heat, t, counts, base, kind)
                curves_s += time.perf_counter() - start
    return out, maps_s, curves_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-resnet", action="store_true", help="skip ResNet-18 at 224 px")
    args = parser.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory() as tmp:
        path = training.train_default_model(Path(tmp) / "model")
        model, card = checkpoints.load_checkpoint(path)
    model.requires_grad_(False)
    _, test = datasets.load_digits()
    x = test.normalize(test.images[:N])
    mean, std = tuple(card.mean), tuple(card.std)
    params = _params(mean, std)
    counts = faithfulness.pixel_counts(28 * 28, STEP)
    print(f"{N} digits test images, {len(trust.MAP_METHODS)} maps, {len(counts) - 1} steps, "
          f"black baseline, default model (digits CNN)")

    trust.scoreboard(model, x[:2], methods=trust.MAP_METHODS, params=params, baselines=["zero"],
                     step=STEP, mean=mean, std=std)  # warm-up
    start = time.perf_counter()
    sb = trust.scoreboard(model, x, methods=trust.MAP_METHODS, params=params,
                          baselines=["zero"], step=STEP, mean=mean, std=std)
    ours = time.perf_counter() - start
    c = sb.curves["zero"]
    ours_maps = sum(sb.maps.seconds.values())
    print(f"ours:   {ours:7.2f} s  (maps once {ours_maps:.2f} s, curves {c.seconds:.2f} s, "
          f"{c.passes} forward passes in batches of 32)")

    want, maps_s, curves_s = direct(model, x, sb.maps.targets, params, mean, std, counts)
    total = maps_s + curves_s
    print(f"direct: {total:7.2f} s  (maps per metric {maps_s:.2f} s, curves {curves_s:.2f} s, "
          f"one forward pass per step)")
    gap = max(np.abs(want["deletion"] - c.deletion).max(),
              np.abs(want["insertion"] - c.insertion).max())
    print(f"largest difference of the curves: {gap:.2e} (probability)")
    if gap > 1e-4:
        raise SystemExit("the two sides disagree")
    print(f"exact-fp32 curves ratio (curves only, same maps): {curves_s / c.seconds:.2f}")

    s = trust.default_settings(card.input_shape, large=False, mean=mean, std=std)
    xd = test.normalize(test.images[:s.count])
    start = time.perf_counter()
    trust.scoreboard(model, xd, methods=trust.MAP_METHODS, params=s.params,
                     baselines=[s.baseline], step=s.step, mean=mean, std=std,
                     batch_size=s.batch_size, map_batch=s.map_batch)
    print(f"page's default run ({s.count} images, step {s.step:g}, {s.baseline} baseline, "
          f"light maps): {time.perf_counter() - start:.2f} s")

    if not args.no_resnet:
        resnet = imagenet.random_imagenet("resnet18")
        resnet.requires_grad_(False)
        gen = torch.Generator().manual_seed(0)
        xr = torch.randn(8, 3, 224, 224, generator=gen)
        r = trust.default_settings((3, 224, 224), large=True, mean=imagenet.IMAGENET_MEAN,
                                   std=imagenet.IMAGENET_STD)
        start = time.perf_counter()
        rb = trust.scoreboard(resnet, xr, methods=trust.MAP_METHODS, params=r.params,
                              baselines=["zero"], step=STEP, mean=imagenet.IMAGENET_MEAN,
                              std=imagenet.IMAGENET_STD, batch_size=r.batch_size,
                              map_batch=r.map_batch)
        print(f"ResNet-18 at 224 px, 8 images, 9 maps, 20 steps: "
              f"{time.perf_counter() - start:.1f} s (maps {sum(rb.maps.seconds.values()):.1f} s, "
              f"curves {rb.curves['zero'].seconds:.1f} s, {rb.curves['zero'].passes} passes)")
    print(f"ratio: {total / ours:.2f}")


if __name__ == "__main__":
    main()
