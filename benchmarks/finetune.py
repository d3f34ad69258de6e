"""Fine-tuning the last layer of ResNet-18: cached backbone features against the naive loop.

Run from the repository root:  python benchmarks/finetune.py   (about 2 minutes on 2 quiet cores)

Both sides train the same new last layer (ResNet-18's ``fc``, 512 -> 10 classes, the same initial
weights and batch order, SGD lr 0.01 momentum 0.9, batch 32) on the same 1,000 generated 224-px
RGB images (a class-dependent colour plus noise), random backbone weights (the speed is that of
the ImageNet ones), fp32 on the CPU:

- naive: the usual "freeze the backbone" loop (with the same channels_last input as ours, so
  that the ratio measures the caching alone). Every epoch runs every image through the whole
  network (eval mode, only ``fc`` trainable), so an epoch costs 1,000 backbone forward passes.
  Only its first epoch(s) are timed: every epoch costs the same.
- ours: ``core.train.finetune.FinetuneRun`` in "head" mode: one pass of feature extraction
  (images/s), then the epochs on the cached 512-d features (seconds per epoch).

It prints images/s and seconds per epoch for both, the extraction's cost, the epochs after
which ours is ahead (extraction + E cached epochs vs E naive epochs) and checks that both
trained the same weights. Last line: ``ratio: X.XX`` = naive seconds per epoch / ours seconds
per epoch once the features are cached (higher = better).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from benchmarks._machine import machine_line  # noqa: E402
from core.data import datasets  # noqa: E402
from core.models import imagenet  # noqa: E402
from core.train import finetune  # noqa: E402

N, CLASSES, SIZE, BATCH = 1000, 10, 224, 32


def _images(n: int, seed: int = 0) -> datasets.Dataset:
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % CLASSES
    colours = torch.rand(CLASSES, 3, 1, 1, generator=gen) * 160  # (K, 3, 1, 1)
    noise = torch.rand(n, 3, SIZE, SIZE, generator=gen) * 95  # (N, 3, S, S)
    images = (colours[labels] + noise).to(torch.uint8)
    return datasets.Dataset("generated", "train", images, labels,
                            tuple(f"c{k}" for k in range(CLASSES)), (0.5,) * 3, (0.25,) * 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-epochs", type=int, default=1, help="naive epochs timed (1-2)")
    parser.add_argument("--epochs", type=int, default=10, help="epochs on the cached features")
    args = parser.parse_args()
    print(machine_line())
    train = _images(N)
    test = datasets.Dataset("generated", "test", train.images[:0], train.labels[:0],
                            train.classes, train.mean, train.std)
    config = finetune.FinetuneConfig(arch="resnet18", mode="head", pretrained=False,
                                     image_size=SIZE, epochs=args.epochs, batch_size=BATCH,
                                     optimizer="sgd", lr=0.01, momentum=0.9, val_fraction=0.0)
    source = finetune.Source(imagenet.random_imagenet("resnet18"), finetune.RANDOM_WEIGHTS,
                             "benchmark-random-resnet18")
    run = finetune.FinetuneRun(source, train, test, config)
    initial = copy.deepcopy(run.head)
    print(f"ResNet-18, {N} images of 3x{SIZE}x{SIZE}, {CLASSES} classes, batch {BATCH}, fp32, "
          f"feature batch {finetune.FEATURE_BATCH}")

    # ours: extraction, then epochs on the cached features
    extracted = []

    def note(p: finetune.FinetuneProgress) -> None:
        if p.phase != "features" and not extracted:
            extracted.append(time.perf_counter())

    start = time.perf_counter()
    run.run(note)
    end = time.perf_counter()
    extract_s = extracted[0] - start
    ours_epoch = (end - extracted[0]) / args.epochs
    print(f"ours:  feature extraction {N / extract_s:7.1f} images/s ({extract_s:.1f} s, once); "
          f"then {ours_epoch * 1000:.2f} ms per epoch ({N / ours_epoch:,.0f} images/s)")

    # naive: a full forward pass of every image at every step
    model = copy.deepcopy(source.model)
    model.fc = initial
    model.eval().requires_grad_(False)
    initial.requires_grad_(True)
    opt = torch.optim.SGD(initial.parameters(), lr=config.lr, momentum=config.momentum)
    fit = run.fit
    start = time.perf_counter()
    for epoch in range(args.naive_epochs):
        order = run.order(epoch)
        for b in range(0, N, BATCH):
            idx = order[b:b + BATCH]
            x = fit(train.images[idx]).contiguous(memory_format=torch.channels_last)
            loss = F.cross_entropy(model(x), train.labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    naive_epoch = (time.perf_counter() - start) / args.naive_epochs
    print(f"naive: {N / naive_epoch:7.1f} images/s, {naive_epoch:.1f} s per epoch "
          f"({args.naive_epochs} timed)")

    # the same weights after the naive epochs? (replay ours for as many epochs)
    check = finetune.FinetuneRun(source, train, test,
                                 dataclasses.replace(config, epochs=args.naive_epochs),
                                 features=run.features)
    check.run()
    same = torch.allclose(check.head.weight, initial.weight, rtol=1e-4, atol=1e-5)
    print(f"same fc weights after {args.naive_epochs} epoch(s) as the naive loop: {same}")
    ahead = next((e for e in range(1, 10_000)
                  if extract_s + e * ours_epoch < e * naive_epoch), None)
    print(f"ours is ahead from epoch {ahead}: extraction {extract_s:.1f} s "
          f"= {extract_s / naive_epoch:.2f} naive epochs")
    print(f"ratio: {naive_epoch / ours_epoch:.2f}")


if __name__ == "__main__":
    main()
