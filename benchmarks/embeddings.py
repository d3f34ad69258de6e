"""Feature extraction speed: core.interpret.embeddings.extract vs the usual ways of getting
features.

Run from the repository root: ``python benchmarks/embeddings.py``. 10,000 digits-sized images
(1x28x28: the 1,797 digits tiled) through small_cnn (random init, eval mode): the 128-d
``relu_fc1`` vectors plus the softmax probabilities. References, each on a private copy of the
model: torchvision's ``create_feature_extractor`` (returning relu_fc1 and the logits) fed by a
``DataLoader`` at the same batch size, and a naive loop of one forward pass per image with a
forward hook. Times are the best of a few runs taken in turn (the machine is shared). The last
line is ``ratio: X.XX`` = create_feature_extractor time / our time (higher is better); our
absolute time must stay under 2 s.
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from torchvision.models.feature_extraction import create_feature_extractor

from benchmarks._machine import machine_line  # noqa: E402
from core.data import datasets
from core.interpret import embeddings
from core.models import builder

N, BATCH, ROUNDS = 10_000, 512, 3


def digits(n: int) -> datasets.Dataset:
    train, test = datasets.load_digits()
    images = torch.cat([train.images, test.images])  # (1797, 1, 28, 28) uint8
    labels = torch.cat([train.labels, test.labels])
    reps = -(-n // len(images))
    return datasets.Dataset("digits", "test", images.repeat(reps, 1, 1, 1)[:n].contiguous(),
                        labels.repeat(reps)[:n].contiguous(), train.classes, train.mean,
                        train.std)


def main() -> None:
    print(machine_line())
    torch.manual_seed(0)
    model = builder.build_model("small_cnn", in_channels=1, num_classes=10, image_size=28).eval()
    ds = digits(N)

    def ours():
        f = embeddings.extract(model, ds, layer="relu_fc1", batch_size=BATCH)
        return f.vectors, f.probs

    extractor = create_feature_extractor(copy.deepcopy(model),
                                         return_nodes=["relu_fc1", "fc2"]).eval()
    loader = DataLoader(TensorDataset(ds.images), batch_size=BATCH)

    @torch.no_grad()
    def feature_extractor():
        vecs, probs = [], []
        for (images,) in loader:
            out = extractor(ds.normalize(images))
            vecs.append(out["relu_fc1"])
            probs.append(out["fc2"].softmax(1))
        return torch.cat(vecs).numpy(), torch.cat(probs).numpy()

    private = copy.deepcopy(model)

    @torch.no_grad()
    def naive():
        vecs, probs = [], []
        handle = private.relu_fc1.register_forward_hook(lambda m, i, o: vecs.append(o.clone()))
        try:
            for k in range(len(ds)):
                probs.append(private(ds.normalize(ds.images[k:k + 1])).softmax(1))
        finally:
            handle.remove()
        return torch.cat(vecs).numpy(), torch.cat(probs).numpy()

    runs = {"ours": ours, "create_feature_extractor + DataLoader": feature_extractor}
    times = {name: [] for name in runs}
    results = {}
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    start = time.perf_counter()
    results["naive"] = naive()
    t_naive = time.perf_counter() - start
    for name in ("create_feature_extractor + DataLoader", "naive"):
        np.testing.assert_allclose(results[name][0], results["ours"][0], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(results[name][1], results["ours"][1], rtol=1e-4, atol=1e-6)

    t_ours, t_ref = min(times["ours"]), min(times["create_feature_extractor + DataLoader"])
    print(f"{N} images 1x28x28, small_cnn, relu_fc1 (128-d) + probabilities, batch {BATCH}, "
          f"{torch.get_num_threads()} torch threads (same results from all three)")
    print(f"  ours (core.interpret.embeddings.extract): {t_ours:.2f} s (budget 2 s); runs "
          f"{', '.join(f'{t:.2f}' for t in times['ours'])}")
    print(f"  create_feature_extractor + DataLoader: {t_ref:.2f} s")
    print(f"  naive loop, one image per forward pass + hook: {t_naive:.2f} s "
          f"(ratio {t_naive / t_ours:.2f})")
    print(f"ratio: {t_ref / t_ours:.2f}")


if __name__ == "__main__":
    main()
