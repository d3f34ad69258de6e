"""t-SNE speed and quality: core.interpret.embeddings.tsne (openTSNE) vs scikit-learn's TSNE.

Run from the repository root: ``python benchmarks/tsne.py [ITERATIONS]``. The data are real
64-d CNN features: the ready default model (small_cnn trained on digits, into a temporary
directory) applied to 10,000 augmented digits (the 1,797 digits drawn with replacement, shifted
by up to 2 px in each direction and given Gaussian pixel noise, sigma 12 of 255), each vector
the global average of the 64 ``pool2`` maps. Both methods map the same vectors to 2-D in this
process: scikit-learn with its defaults (Barnes-Hut, 1,000 iterations), ours with
ITERATIONS iterations (default below: chosen by measuring, see the module docstring of
core/embeddings.py); each is timed as the best of a few runs, taken in turn (the machine is shared).
Trustworthiness: k = 10 on the same seeded 2,000-point subsample for both. The last line is
``ratio: X.XX`` = scikit-learn time / our time (higher is better); the target is >= 5 with
trustworthiness no more than 0.01 below scikit-learn's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.manifold import TSNE

from benchmarks._machine import machine_line  # noqa: E402
from core.data import datasets
from core.interpret import embeddings
from core.models import checkpoints
from core.train import training

N, SHIFT, NOISE = 10_000, 2, 12.0
ITERATIONS = 400  # our schedule: 133 early-exaggeration iterations, then 267
ROUNDS = 2  # each round: scikit-learn once, ours twice; best time of each kept


def augmented_digits(n: int, seed: int = 0) -> datasets.Dataset:
    """n digits drawn from all 1,797, shifted by up to SHIFT px and with pixel noise."""
    train, test = datasets.load_digits()
    images = torch.cat([train.images, test.images])  # (1797, 1, 28, 28) uint8
    labels = torch.cat([train.labels, test.labels])
    gen = torch.Generator().manual_seed(seed)
    pick = torch.randint(0, len(images), (n,), generator=gen)
    padded = F.pad(images[pick].float(), (SHIFT,) * 4)  # (n, 1, 32, 32)
    dy, dx = torch.randint(0, 2 * SHIFT + 1, (2, n), generator=gen).tolist()
    size = images.shape[-1]
    moved = torch.stack([padded[k, :, dy[k]:dy[k] + size, dx[k]:dx[k] + size] for k in range(n)])
    noisy = moved + NOISE * torch.randn(moved.shape, generator=gen)
    return datasets.Dataset("digits", "test", noisy.round().clamp(0, 255).to(torch.uint8),
                        labels[pick].clone(), train.classes, train.mean, train.std)


def features() -> tuple[np.ndarray, np.ndarray]:
    with tempfile.TemporaryDirectory() as tmp:
        model, _ = checkpoints.load_checkpoint(training.train_default_model(Path(tmp) / "default"))
    feats = embeddings.extract(model, augmented_digits(N), layer="pool2", mode="gap")
    return feats.vectors, feats.labels


def interleaved(runs: dict, rounds: int) -> dict:
    """{name: (best wall time in seconds, last result)}, the calls taken in turn for ``rounds``
    rounds: load from other processes (a shared machine) then hits both sides alike."""
    times = {name: [] for name in runs}
    results = {}
    for _ in range(rounds):
        for name, (fn, per_round) in runs.items():
            for _ in range(per_round):
                start = time.perf_counter()
                results[name] = fn()
                times[name].append(time.perf_counter() - start)
    return {name: (min(times[name]), results[name]) for name in runs}


def main() -> None:
    print(machine_line())
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else ITERATIONS
    x, labels = features()
    print(f"data: {x.shape[0]} x {x.shape[1]} CNN features (small_cnn pool2, global average "
          f"pooled) of augmented digits; {torch.get_num_threads()} torch threads")

    timed = interleaved({
        "sklearn": (lambda: TSNE(random_state=0).fit_transform(x), 1),
        "ours": (lambda: embeddings.tsne(x, 2, iterations=iterations), 2),
    }, ROUNDS)
    t_sk, y_sk = timed["sklearn"]
    t_ours, proj = timed["ours"]
    trust_sk = embeddings.trustworthiness(x, y_sk, k=10)
    knn_sk = embeddings.knn_accuracy(y_sk, labels)
    print(f"scikit-learn TSNE (defaults, Barnes-Hut, 1000 iterations): {t_sk:.2f} s, "
          f"trustworthiness {trust_sk:.4f}, 5-NN accuracy {knn_sk:.3f}")

    trust_ours = embeddings.trustworthiness(x, proj.coords, k=10)
    p = proj.params
    print(f"ours (openTSNE {p['gradient']}, {iterations} iterations = {p['early_iterations']} "
          f"early + {iterations - p['early_iterations']}): {t_ours:.2f} s, trustworthiness "
          f"{trust_ours:.4f}, 5-NN accuracy {embeddings.knn_accuracy(proj.coords, labels):.3f}")
    print(f"trustworthiness difference (ours - scikit-learn): {trust_ours - trust_sk:+.4f} "
          f"(allowed: >= -0.01)")
    print(f"ratio: {t_sk / t_ours:.2f}")


if __name__ == "__main__":
    main()
