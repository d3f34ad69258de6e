"""Style transfer: ours (core.style.transfer) against the PyTorch tutorial's construction.

Run from the repo root: ``python benchmarks/style_transfer.py``. The reference is the
tutorial "Neural Transfer Using PyTorch" (https://pytorch.org/tutorials/advanced/
neural_style_tutorial.html), written out faithfully below: a Normalization module, then the
layers of a copy of ``vgg19().features`` with ContentLoss/StyleLoss modules inserted after the
chosen layers and the model truncated after the last loss, in fp32. Both use the paper's layers
(style conv1_1, conv2_1, conv3_1, conv4_1, conv5_1; content conv4_2, taken after their ReLUs:
the tutorial's relu_1, relu_3, relu_5, relu_9, relu_13 and relu_10), the same random-weight
VGG19 (no download), the same 256x256 images and the same weights (content 1, style 1e6).

Printed: one forward+backward evaluation (the tutorial's L-BFGS closure) for the tutorial and
for ours in fp32 and bf16 (best of several; the CPU is shared with other work, so timings are
noisy), that both compute the same losses, the final losses after 100 L-BFGS evaluations in
bf16 vs fp32 (the issue asks for within 5%), and finally ``ratio: X.XX`` = tutorial time /
our best time (higher is better).

Measured on the 2-core AMD EPYC (Zen 5, AVX-512 BF16, no AMX), torch 2.14, quiet machine:
tutorial 288-292 ms, ours fp32 240 ms (1.2x), ours bf16 128 ms (2.28x); final losses 2.7%
apart. Where the time goes in ours (bf16, profiled): the 13 convolutions forward+backward
~99 ms, at about the CPU's bf16 peak (~94 GFLOP per evaluation); the five Gram matrices
(float32 forward, bf16 backward) ~15 ms; the rest (pooling, ReLU, casts) ~15 ms. Without AMX,
AVX-512 bf16 at most doubles fp32's multiply-add rate, so the FLOPs the paper's layers need
cap the speed-up near 2.5x on this CPU; the issue's ~9x was measured on a CPU with AMX.
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.data import samples
from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD
from core.runtime import accel
from core.style import transfer
from core.style.vgg import load_vgg19

SIZE = 256
STYLE_WEIGHT, CONTENT_WEIGHT = 1e6, 1.0
TUTORIAL_CONTENT = ["relu_10"]  # conv4_2 after its ReLU
TUTORIAL_STYLE = ["relu_1", "relu_3", "relu_5", "relu_9", "relu_13"]  # conv1_1 ... conv5_1


# --------------------------------------------------------------------------- the tutorial
class ContentLoss(nn.Module):
    def __init__(self, target):
        super().__init__()
        self.target = target.detach()

    def forward(self, input):
        self.loss = F.mse_loss(input, self.target)
        return input


def gram_matrix(input):
    a, b, c, d = input.size()
    features = input.view(a * b, c * d)
    G = torch.mm(features, features.t())
    return G.div(a * b * c * d)


class StyleLoss(nn.Module):
    def __init__(self, target_feature):
        super().__init__()
        self.target = gram_matrix(target_feature).detach()

    def forward(self, input):
        G = gram_matrix(input)
        self.loss = F.mse_loss(G, self.target)
        return input


class Normalization(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)

    def forward(self, img):
        return (img - self.mean) / self.std


def get_style_model_and_losses(cnn, normalization_mean, normalization_std, style_img,
                               content_img, content_layers, style_layers):
    normalization = Normalization(normalization_mean, normalization_std)
    content_losses, style_losses = [], []
    model = nn.Sequential(normalization)
    i = 0
    for layer in cnn.children():
        if isinstance(layer, nn.Conv2d):
            i += 1
            name = f"conv_{i}"
        elif isinstance(layer, nn.ReLU):
            name = f"relu_{i}"
            layer = nn.ReLU(inplace=False)
        elif isinstance(layer, nn.MaxPool2d):
            name = f"pool_{i}"
        elif isinstance(layer, nn.BatchNorm2d):
            name = f"bn_{i}"
        else:
            raise RuntimeError(f"Unrecognized layer: {layer.__class__.__name__}")  # noqa: TRY004
        model.add_module(name, layer)
        if name in content_layers:
            target = model(content_img).detach()
            content_loss = ContentLoss(target)
            model.add_module(f"content_loss_{i}", content_loss)
            content_losses.append(content_loss)
        if name in style_layers:
            target_feature = model(style_img).detach()
            style_loss = StyleLoss(target_feature)
            model.add_module(f"style_loss_{i}", style_loss)
            style_losses.append(style_loss)
    for i in range(len(model) - 1, -1, -1):
        if isinstance(model[i], (ContentLoss, StyleLoss)):
            break
    return model[: (i + 1)], style_losses, content_losses


def tutorial_closure(model, style_losses, content_losses, input_img, optimizer):
    """The body of the tutorial's L-BFGS closure: one forward+backward evaluation."""
    with torch.no_grad():
        input_img.clamp_(0, 1)
    optimizer.zero_grad()
    model(input_img)
    style_score = sum(sl.loss for sl in style_losses) * STYLE_WEIGHT
    content_score = sum(cl.loss for cl in content_losses) * CONTENT_WEIGHT
    loss = style_score + content_score
    loss.backward()
    return style_score, content_score


# --------------------------------------------------------------------------- helpers
def best_of(fn, repeats: int) -> float:
    fn()  # warm-up: oneDNN builds its kernels for a new shape on the first call
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def square(key: str):
    img = samples.sample_image(key).convert("RGB")
    side = min(img.size)
    return img.crop((0, 0, side, side))  # square, so both runs see exactly SIZE x SIZE


def our_run(features, content, style, precision: str, steps: int = 100) -> transfer.StyleTransfer:
    config = transfer.StyleConfig(size=SIZE, steps=steps, precision=precision, device="cpu",
                            style_weight=STYLE_WEIGHT, content_weight=CONTENT_WEIGHT)
    return transfer.StyleTransfer(features, content, style, config)


def main() -> None:
    torch.manual_seed(0)
    features = load_vgg19(weights="random", seed=0)
    content, style = square("china"), square("flower")
    content_t = transfer.to_batch(content, (SIZE, SIZE))
    style_t = transfer.to_batch(style, (SIZE, SIZE))
    print(f"VGG19 random weights, {SIZE}x{SIZE}, style conv1_1..conv5_1, content conv4_2, "
          f"{torch.get_num_threads()} threads, bf16 native: {accel.cpu_has_bf16()}")

    cnn = copy.deepcopy(features).eval()
    model, style_losses, content_losses = get_style_model_and_losses(
        cnn, IMAGENET_MEAN, IMAGENET_STD, style_t, content_t, TUTORIAL_CONTENT, TUTORIAL_STYLE)
    model.eval()
    model.requires_grad_(False)
    input_img = content_t.clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS([input_img])
    scores = [v.detach() for v in tutorial_closure(model, style_losses, content_losses,
                                                   input_img, optimizer)]
    tutorial_t = best_of(lambda: tutorial_closure(model, style_losses, content_losses,
                                                  input_img, optimizer), 5)
    print(f"  tutorial fp32 (NCHW, loss modules)  {tutorial_t * 1e3:7.1f} ms per evaluation")

    ours = {}
    for precision in ("fp32", "bf16") if accel.cpu_has_bf16() else ("fp32",):
        run = our_run(features, content, style, precision)

        def evaluate(run=run):
            run._optimizer.zero_grad(set_to_none=True)
            total, c, s, _ = run.losses(run._x)
            total.backward()
            return c.detach(), s.detach()

        c, s = evaluate()
        if precision == "fp32":  # same maths as the tutorial: the same losses
            print(f"  losses at the content image: tutorial style {scores[0].item():.6g} "
                  f"content {scores[1].item():.6g}; ours fp32 style {float(s):.6g} "
                  f"content {float(c):.6g}")
        ours[precision] = best_of(evaluate, 5)
        print(f"  ours {precision} (channels_last, private copy) {ours[precision] * 1e3:7.1f} ms "
              f"per evaluation  ({tutorial_t / ours[precision]:.2f}x the tutorial)")

    if "bf16" in ours:
        finals = {}
        for precision in ("fp32", "bf16"):
            run = our_run(features, content, style, precision)
            start = time.perf_counter()
            run.run_steps(100)
            finals[precision] = run.history[-1]
            last = run.history[-1]
            print(f"  100 L-BFGS evaluations {precision}: {time.perf_counter() - start:6.1f} s; "
                  f"final total {last.total:.5g} (content {last.content:.5g}, style "
                  f"{last.style:.5g}); first total {run.history[0].total:.5g}")
        diff = abs(finals["bf16"].total - finals["fp32"].total) / finals["fp32"].total
        print(f"  final total loss bf16 vs fp32: {diff:.1%} apart "
              f"({'within' if diff <= 0.05 else 'NOT within'} 5%)")

    best = min(ours, key=ours.get)
    print(f"  best ours: {best} {ours[best] * 1e3:.1f} ms; tutorial {tutorial_t * 1e3:.1f} ms")
    print(f"ratio: {tutorial_t / ours[best]:.2f}")


if __name__ == "__main__":
    main()
