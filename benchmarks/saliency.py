"""Saliency maps: ours (core.interpret.saliency) against Captum.

Run from the repo root: ``python benchmarks/saliency.py``. Prints (best of a few runs; the CPU
is shared, so timings are noisy):

* the default-sized model (small_cnn, 1x28x28, as the default digits model): all six methods
  for one image, total time;
* ResNet-18 (weights=None) at 224x224, SmoothGrad n=25 and Integrated Gradients steps=50:
  Captum (NoiseTunnel(Saliency), IntegratedGradients; one batch each, its default) and ours
  in fp32 (batches of 25) and, where the CPU computes bf16 natively, bf16 (a private bf16
  channels_last copy of the model); the runs take turns, best of 3 after a warm-up; the
  largest difference of ours from Captum (fp32) and of bf16 from fp32;
* finally ``ratio: X.XX`` = Captum's time / our best time for SmoothGrad + IG together.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch
import torchvision
from captum.attr import IntegratedGradients, NoiseTunnel, Saliency

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import machine_line  # noqa: E402
from core.interpret import saliency
from core.interpret.sanity import spearman
from core.models.builder import build_model
from core.runtime import accel


def best_of(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def digits_case() -> None:
    torch.manual_seed(0)
    model = build_model("small_cnn", in_channels=1, num_classes=10, image_size=28).eval()
    model.requires_grad_(False)
    x = torch.randn(1, 1, 28, 28)

    def run():
        return [saliency.attribute(k, model, x) for k in saliency.METHODS]

    run()  # warm-up
    t, results = best_of(run, 5)
    parts = ", ".join(f"{r.method} {r.seconds * 1000:.0f} ms" for r in results)
    print(f"small_cnn 1x28x28, all six methods (SmoothGrad n=25, IG steps=50): {t:.3f} s "
          f"({parts})")


def interleaved(runs: dict, repeats: int) -> tuple[dict, dict]:
    """Best time of each run over ``repeats`` rounds, the runs taking turns within a round
    (so a busy spell of the shared CPU hits all of them alike); one untimed warm-up round."""
    times = {name: [] for name in runs}
    out = {}
    for rnd in range(repeats + 1):
        for name, fn in runs.items():
            start = time.perf_counter()
            out[name] = fn()
            if rnd:
                times[name].append(time.perf_counter() - start)
    return {name: min(v) for name, v in times.items()}, out


def rel(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


def resnet_case() -> None:
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    model.requires_grad_(False)
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        target = int(model(x).argmax())
    sigma = 0.15 * float(x.max() - x.min())
    print(f"resnet18 224x224 (weights=None), target {target}, SmoothGrad n=25 "
          f"(sigma {sigma:.3f}), IG steps=50 (Gauss-Legendre, zero baseline)")

    def captum_sg():
        torch.manual_seed(0)
        return NoiseTunnel(Saliency(model)).attribute(
            x.clone().requires_grad_(), nt_type="smoothgrad", nt_samples=25, stdevs=sigma,
            target=target)

    def captum_ig():
        return IntegratedGradients(model).attribute(x, baselines=torch.zeros_like(x),
                                                    target=target, n_steps=50)

    def ours_sg(prec, bs=25):
        return saliency.smoothgrad(model, x, target, samples=25, noise_level=0.15, batch_size=bs,
                              precision=prec)

    def ours_ig(prec, bs=25):
        return saliency.integrated_gradients(model, x, target, steps=50, batch_size=bs,
                                        precision=prec)

    runs = {"captum SmoothGrad": captum_sg, "captum IG": captum_ig,
            "ours fp32 SmoothGrad": lambda: ours_sg("fp32"),
            "ours fp32 IG": lambda: ours_ig("fp32")}
    bf16 = accel.cpu_has_bf16()
    if bf16:
        runs |= {"ours bf16 SmoothGrad": lambda: ours_sg("bf16"),
                 "ours bf16 IG": lambda: ours_ig("bf16")}
    t, out = interleaved(runs, 3)
    for name in runs:
        print(f"  {name:22s} {t[name]:6.2f} s")
    c_sg, c_ig = out["captum SmoothGrad"], out["captum IG"]
    sg, ig = out["ours fp32 SmoothGrad"], out["ours fp32 IG"]
    print(f"  max |ours fp32 - captum| / max|captum|: SmoothGrad {rel(sg.attr, c_sg):.1e}, "
          f"IG {rel(ig.attr, c_ig):.1e}; IG completeness gap {ig.info['delta']:+.2e} "
          f"(score diff {ig.info['score_diff']:.3f})")
    captum = t["captum SmoothGrad"] + t["captum IG"]
    ours = {"fp32": t["ours fp32 SmoothGrad"] + t["ours fp32 IG"]}
    if bf16:
        bsg, big = out["ours bf16 SmoothGrad"], out["ours bf16 IG"]
        ours["bf16"] = t["ours bf16 SmoothGrad"] + t["ours bf16 IG"]
        print(f"  bf16 vs fp32: max |diff| / max|fp32| SmoothGrad {rel(bsg.attr, sg.attr):.2e} "
              f"(Spearman of maps {spearman(bsg.heat, sg.heat):.3f}), IG "
              f"{rel(big.attr, ig.attr):.2e} (Spearman {spearman(big.heat, ig.heat):.3f}, "
              f"completeness gap {big.info['delta']:+.2e})")
    else:
        print("  bf16: this CPU has no native bf16 (avx512_bf16 / amx_bf16): not timed")
    print(f"  SmoothGrad + IG: captum {captum:.2f} s, ours fp32 {ours['fp32']:.2f} s"
          + (f", ours bf16 {ours['bf16']:.2f} s" if bf16 else ""))
    t_csg, t_cig = t["captum SmoothGrad"], t["captum IG"]
    best = min(ours, key=ours.get)
    print(f"  best ours: {best}")
    print(f"exact-fp32 ratio: {(t_csg + t_cig) / ours['fp32']:.2f}")
    print(f"ratio: {(t_csg + t_cig) / ours[best]:.2f}")


if __name__ == "__main__":
    print(machine_line())
    torch.manual_seed(0)
    digits_case()
    resnet_case()
