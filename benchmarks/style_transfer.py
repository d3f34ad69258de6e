"""Style transfer: ours (core.style) against the PyTorch tutorial's construction.

Run from the repo root: ``python benchmarks/style_transfer.py``. The reference is the
tutorial "Neural Transfer Using PyTorch" (https://pytorch.org/tutorials/advanced/
neural_style_tutorial.html), written out faithfully below: a Normalization module, then the
layers of a copy of ``vgg19().features`` with ContentLoss/StyleLoss modules inserted after the
chosen layers and the model truncated after the last loss, in fp32, and its
``run_style_transfer`` loop (L-BFGS with torch's defaults, the image clamped in every closure,
300 evaluations). Both use the paper's layers (style conv1_1, conv2_1, conv3_1, conv4_1,
conv5_1; content conv4_2, taken after their ReLUs: the tutorial's relu_1, relu_3, relu_5,
relu_9, relu_13 and relu_10), the same random-weight VGG19 (no download), the same square
images and the same weights (content 1, style 1e6).

1. Time to quality at 512x512 (the headline): the tutorial runs its 300 evaluations at full
   size; ours runs coarse-to-fine in **fp32** (core.style.pyramid: 128 -> 256 -> 512 px) and
   stops its full-size stage as soon as its image (clipped to [0, 1], as shown to the user)
   scores a total loss at or below the tutorial's final image, both scored by the tutorial's
   own loss modules. Scoring is checked every few evaluations and not counted in our time;
   set-up (targets, network copies) is counted on both sides. Printed: evaluations per stage,
   seconds, final losses; ``ratio`` = tutorial seconds / our seconds.
2. One forward+backward evaluation at 256x256 (best of several; the CPU is shared with other
   work, so timings are noisy): the tutorial, ours in fp32 and, where the CPU computes bf16
   natively, in bf16 with the final losses of 100 evaluations in both precisions.

3. Coarse to fine against our own single stage at 256x256 (no tutorial): the loss our L-BFGS
   reaches in 300 full-size evaluations, and how long coarse-to-fine (64 -> 128 -> 256 px)
   takes to reach it: what the pyramid itself buys, apart from the tutorial's clamping.

``--section=N`` (repeatable) runs only those sections. The last line, ``ratio: X.XX``, is the
time-to-quality ratio of section 1 (exact fp32 on both sides).
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

from benchmarks._machine import machine_line  # noqa: E402
from core.data import samples  # noqa: E402
from core.models.imagenet import IMAGENET_MEAN, IMAGENET_STD  # noqa: E402
from core.runtime import accel  # noqa: E402
from core.style import pyramid, transfer  # noqa: E402
from core.style.vgg import load_vgg19  # noqa: E402

SIZE = 256  # the per-evaluation section
QUALITY_SIZE = 512  # the time-to-quality section
TUTORIAL_STEPS = 300
# ours, coarse to fine: (side, evaluations) of the smaller stages; the full-size stage runs
# until it reaches the tutorial's final loss (at most FINAL_CAP evaluations), scored every CHECK
STAGES = ((128, 200), (256, 60))
FINAL_CAP, CHECK = 300, 5
# section 3: the pyramid against our own single stage (no tutorial), at a size that keeps the
# single stage's OWN_STEPS evaluations to minutes
OWN_SIZE, OWN_STEPS, OWN_STAGES = 256, 300, ((64, 200), (128, 60))
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


def tutorial_model(features, content_t, style_t):
    cnn = copy.deepcopy(features).eval()
    model, style_losses, content_losses = get_style_model_and_losses(
        cnn, IMAGENET_MEAN, IMAGENET_STD, style_t, content_t, TUTORIAL_CONTENT, TUTORIAL_STYLE)
    model.eval()
    model.requires_grad_(False)
    return model, style_losses, content_losses


def run_style_transfer(features, content_t, style_t, num_steps=TUTORIAL_STEPS):
    """The tutorial's run_style_transfer: L-BFGS (torch's defaults: up to 20 evaluations per
    step) while fewer than num_steps evaluations ran, clamping in the closure and at the end.
    Returns the image and the number of evaluations."""
    model, style_losses, content_losses = tutorial_model(features, content_t, style_t)
    input_img = content_t.clone().requires_grad_(True)
    optimizer = torch.optim.LBFGS([input_img])
    run = [0]
    while run[0] <= num_steps:
        def closure():
            with torch.no_grad():
                input_img.clamp_(0, 1)
            optimizer.zero_grad()
            model(input_img)
            style_score = sum(sl.loss for sl in style_losses) * STYLE_WEIGHT
            content_score = sum(cl.loss for cl in content_losses) * CONTENT_WEIGHT
            loss = style_score + content_score
            loss.backward()
            run[0] += 1
            return loss
        optimizer.step(closure)
    with torch.no_grad():
        input_img.clamp_(0, 1)
    return input_img.detach(), run[0]


def scorer(features, content_t, style_t):
    """The tutorial's total loss of an image (1, 3, H, W) in [0, 1], forward only."""
    model, style_losses, content_losses = tutorial_model(features, content_t, style_t)

    def score(img):
        with torch.no_grad():
            model(img)
            return float(sum(sl.loss for sl in style_losses) * STYLE_WEIGHT
                         + sum(cl.loss for cl in content_losses) * CONTENT_WEIGHT)
    return score


def ours_to_quality(features, content, style, target: float, score, *, size=QUALITY_SIZE,
                    stages=STAGES):
    """Coarse to fine in fp32 until the full-size image scores <= target. Returns (seconds,
    evaluations per stage, final score, the run)."""
    config = transfer.StyleConfig(size=size, steps=FINAL_CAP, precision="fp32",
                                  device="cpu", style_weight=STYLE_WEIGHT,
                                  content_weight=CONTENT_WEIGHT,
                                  stage_steps=tuple(n for _, n in stages))
    assert config.stage_sizes()[:-1] == tuple(side for side, _ in stages)
    start = time.perf_counter()
    run = pyramid.CoarseToFine(features, content, style, config)
    last = len(run.stages) - 1
    seconds, final = 0.0, float("inf")
    while not run.finished:
        run.step()
        if run.stage.index == last and len(run.current.history) % CHECK == 0 and \
                len(run.current.history) > 0:
            seconds += time.perf_counter() - start
            final = score(run.image_tensor())  # not timed
            if final <= target:
                break
            start = time.perf_counter()
    else:
        seconds += time.perf_counter() - start
        final = score(run.image_tensor())
    per_stage = [sum(1 for h in run.history if h.stage == k) for k in range(len(run.stages))]
    return seconds, per_stage, final, run


def time_to_quality(features) -> float:
    content, style = square("china"), square("flower")
    content_t = transfer.to_batch(content, (QUALITY_SIZE, QUALITY_SIZE))
    style_t = transfer.to_batch(style, (QUALITY_SIZE, QUALITY_SIZE))
    score = scorer(features, content_t, style_t)
    print(f"1. time to quality at {QUALITY_SIZE}x{QUALITY_SIZE}, fp32, "
          f"start: the content image (total loss {score(content_t):.5g})")
    start = time.perf_counter()
    image, evaluations = run_style_transfer(features, content_t, style_t)
    tutorial_s = time.perf_counter() - start
    target = score(image)
    print(f"  tutorial: {evaluations} L-BFGS evaluations at {QUALITY_SIZE} px in "
          f"{tutorial_s:.1f} s ({tutorial_s / evaluations:.2f} s each); final total loss "
          f"{target:.5g}")
    ours_s, per_stage, final, run = ours_to_quality(features, content, style, target, score)
    sides = [s.side for s in run.stages]
    stages = ", ".join(f"{n} at {side} px" for side, n in zip(sides, per_stage, strict=True))
    reached = "reached" if final <= target else "NOT reached"
    print(f"  ours coarse-to-fine: {stages} ({sum(per_stage)} evaluations) in {ours_s:.1f} s; "
          f"final total loss {final:.5g} ({reached} the tutorial's)")
    full = per_stage[-1] + sum(n * (side / QUALITY_SIZE) ** 2
                               for side, n in zip(sides[:-1], per_stage[:-1], strict=True))
    print(f"  full-size evaluations: tutorial {evaluations}, ours {per_stage[-1]} "
          f"(+ {full - per_stage[-1]:.1f} in full-size pixels at the smaller stages)")
    ratio = tutorial_s / ours_s if final <= target else 0.0
    print(f"  time-to-quality ratio (exact fp32): {ratio:.2f}")
    return ratio


def against_one_stage(features) -> float:
    """Coarse to fine against our own single-stage run (no tutorial): the loss our L-BFGS
    reaches in OWN_STEPS evaluations at full size, and the time coarse-to-fine takes to reach
    it. This isolates what the pyramid itself buys."""
    content, style = square("china"), square("flower")
    content_t = transfer.to_batch(content, (OWN_SIZE, OWN_SIZE))
    style_t = transfer.to_batch(style, (OWN_SIZE, OWN_SIZE))
    score = scorer(features, content_t, style_t)
    print(f"3. coarse to fine against our own single stage at {OWN_SIZE}x{OWN_SIZE}, fp32")
    config = transfer.StyleConfig(size=OWN_SIZE, steps=OWN_STEPS, precision="fp32",
                                  device="cpu", style_weight=STYLE_WEIGHT,
                                  content_weight=CONTENT_WEIGHT)
    start = time.perf_counter()
    one = transfer.StyleTransfer(features, content, style, config)
    one.run_steps(OWN_STEPS)
    one_s = time.perf_counter() - start
    target = score(one.image_tensor())
    print(f"  single stage: {OWN_STEPS} evaluations at {OWN_SIZE} px in {one_s:.1f} s; final "
          f"total loss {target:.5g}")
    ours_s, per_stage, final, run = ours_to_quality(features, content, style, target, score,
                                                    size=OWN_SIZE, stages=OWN_STAGES)
    sides = [s.side for s in run.stages]
    stages = ", ".join(f"{n} at {side} px" for side, n in zip(sides, per_stage, strict=True))
    reached = "reached" if final <= target else "NOT reached"
    print(f"  coarse-to-fine: {stages} in {ours_s:.1f} s; final total loss {final:.5g} "
          f"({reached})")
    ratio = one_s / ours_s if final <= target else 0.0
    print(f"  coarse-to-fine vs single stage, same loss (exact fp32): {ratio:.2f}")
    return ratio


def per_evaluation(features) -> None:
    content, style = square("china"), square("flower")
    content_t = transfer.to_batch(content, (SIZE, SIZE))
    style_t = transfer.to_batch(style, (SIZE, SIZE))
    print(f"2. one evaluation at {SIZE}x{SIZE}")
    model, style_losses, content_losses = tutorial_model(features, content_t, style_t)
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
            total, c, s, _ = run.losses(run._to_image(run._x))
            total.backward()
            return c.detach(), s.detach()

        c, s = evaluate()
        if precision == "fp32":  # same maths as the tutorial: the same losses (ours from
            # its logits: the content within half a grey level, so style ~0.05% lower)
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
    print(f"  per-evaluation ratio, exact fp32: {tutorial_t / ours['fp32']:.2f}")
    best = min(ours, key=ours.get)
    print(f"  per-evaluation ratio, best ({best}): {tutorial_t / ours[best]:.2f}")


def main() -> None:
    torch.manual_seed(0)
    print(machine_line())
    features = load_vgg19(weights="random", seed=0)
    print("VGG19 random weights, style conv1_1..conv5_1, content conv4_2, style weight 1e6")
    only = [a.removeprefix("--section=") for a in sys.argv[1:] if a.startswith("--section=")]
    ratio = None
    if not only or "1" in only:
        ratio = time_to_quality(features)
    if not only or "2" in only:
        per_evaluation(features)
    if not only or "3" in only:
        against_one_stage(features)
    if ratio is not None:  # the headline: time to quality against the tutorial
        print(f"ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
