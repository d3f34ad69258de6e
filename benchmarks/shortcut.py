"""The shortcut lab's default experiment, end to end, against a plain PyTorch version of it.

Run from the repository root:  python benchmarks/shortcut.py   (about a minute on 2 quiet cores)

The default experiment (``core.train.shortcut.Plan()``): snow on every training image of class 0
of the digits, none on the others; two small CNNs with the same seed and settings (5 epochs,
batch 64, Adam), one on the cued data and one on the clean data; the catch (clean test accuracy,
the cue-swapped test set, the target class without its cue); the maps of 50 cue-swapped test
images under the six gradient methods, occlusion and the random reference for both models
(the Trust page's light map settings), scored by relevance mass and the pointing game.

- ours: ``core.train.shortcut.start`` / ``train`` (the lab's Trainer: the data as one uint8
  tensor, a batch an index), ``catch`` (batched evaluation), ``core.interpret.shortcut.explain``
  (the one-pass gradient methods 32 images per pass).
- direct: what one writes with plain PyTorch: a DataLoader over a TensorDataset of the
  normalised images with the same optimiser, epochs and batch size; evaluation one image per
  forward pass; every map with the method's one-image function; the scores in a loop.

It prints each stage's time on both sides, checks that both sides' maps agree for the same
models (all but a tie-broken few), and the experiment's outcome. Last line: ``ratio: X.XX`` =
direct seconds / ours seconds for the whole experiment (higher = better). Everything runs in
exact fp32 on the CPU, so that ratio is also the exact-fp32 ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from benchmarks._machine import machine_line  # noqa: E402
from core.data import cues, datasets  # noqa: E402
from core.interpret import localisation, occlusion, saliency, trust  # noqa: E402
from core.interpret import shortcut as explain_shortcut  # noqa: E402
from core.train import shortcut, training  # noqa: E402

N = 50


def _ours(train, test, plan, params) -> tuple[dict, dict, dict, explain_shortcut.Explained]:
    times = {}
    start = time.perf_counter()
    pair = shortcut.start(train, plan)
    times["plant"] = time.perf_counter() - start
    start = time.perf_counter()
    shortcut.train(pair)
    times["train"] = time.perf_counter() - start
    models = {m: t.model_for_eval() for m, t in pair.trainers.items()}
    start = time.perf_counter()
    caught = shortcut.catch(models, test, plan.cue, plan.target)
    times["catch"] = time.perf_counter() - start
    start = time.perf_counter()
    sub, masks, _ = cues.cued_test(test, plan.cue, plan.target, count=N)
    ex = explain_shortcut.explain(models, sub.normalize(sub.images), masks.numpy(),
                                  target=plan.target, params=params)
    ex.scores()
    times["maps"] = time.perf_counter() - start
    return times, models, caught, ex


def _direct_train(train, planted, plan) -> None:
    """Both models, the textbook way (DataLoader, a normalised float copy of the images)."""
    cfg = plan.config
    for data in (planted.dataset, train):
        model = training.build_for(plan.arch, data, cfg)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        loader = DataLoader(TensorDataset(data.normalize(data.images), data.labels),
                            batch_size=cfg.batch_size, shuffle=True,
                            generator=torch.Generator().manual_seed(cfg.seed))
        model.train()
        for _ in range(cfg.epochs):
            for xb, yb in loader:
                opt.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                opt.step()


def _predict_one_by_one(model, split) -> np.ndarray:
    with torch.no_grad():
        return np.array([int(model(split.normalize(split.images[i:i + 1])).argmax())
                         for i in range(len(split))])


def _direct_catch(models, test, cue, target) -> None:
    others = torch.nonzero(test.labels != target).flatten()
    own = torch.nonzero(test.labels == target).flatten()
    swapped, _ = cues.stamp_split(test, others, cue)
    cued_own, _ = cues.stamp_split(test, own, cue)
    for model in models.values():
        for split in (test, swapped, cued_own):
            _predict_one_by_one(model, split)


def _direct_maps(models, x, masks, params) -> dict:
    out = {}
    for name, model in models.items():
        with torch.no_grad():
            targets = [int(model(x[i:i + 1]).argmax()) for i in range(len(x))]
        out[name] = {}
        for m in explain_shortcut.DEFAULT_METHODS:
            maps = []
            for i in range(len(x)):
                xi, kw = x[i:i + 1], dict(params.get(m, {}))
                if m == "random":
                    maps.append(trust.random_map(tuple(xi.shape[-2:]), i))
                elif m == "occlusion":
                    r = occlusion.occlusion(model, xi, target=targets[i], **kw)
                    maps.append(occlusion.attribution_map(r, tuple(xi.shape[-2:])))
                else:
                    maps.append(saliency.attribute(m, model, xi, targets[i], **kw).heat)
            out[name][m] = np.stack(maps)
            [localisation.relevance_mass(a, k) for a, k in zip(maps, masks, strict=True)]
            [localisation.pointing_game(a, k) for a, k in zip(maps, masks, strict=True)]
    return out


def main() -> None:
    print(machine_line())
    train, test = datasets.load_digits()
    plan = shortcut.Plan()
    params = trust.default_settings((1, 28, 28), large=False, mean=train.mean,
                                    std=train.std).params
    print(f"default experiment: {plan.cue.kind} on class {plan.target}, "
          f"{plan.config.epochs} epochs at batch {plan.config.batch_size}, {N} cue-swapped "
          f"images x {len(explain_shortcut.DEFAULT_METHODS)} maps x 2 models")
    sub, masks, _ = cues.cued_test(test, plan.cue, plan.target, count=2)
    warm = shortcut.start(train, plan)
    warm.run_for(0.2)  # warm-up: the trainers' first steps, the map methods' first calls
    explain_shortcut.explain({m: t.model_for_eval() for m, t in warm.trainers.items()},
                             sub.normalize(sub.images), masks.numpy(), target=plan.target,
                             params=params)

    times, models, caught, ex = _ours(train, test, plan, params)
    ours = sum(times.values())
    print(f"ours:   {ours:6.2f} s  (plant and build {times['plant']:.2f} s, train both "
          f"{times['train']:.2f} s, catch {times['catch']:.2f} s, maps and scores "
          f"{times['maps']:.2f} s)")

    direct = {}
    start = time.perf_counter()
    planted = cues.plant(train, plan.cue, plan.target, seed=plan.config.seed)
    _direct_train(train, planted, plan)
    direct["train"] = time.perf_counter() - start
    start = time.perf_counter()
    _direct_catch(models, test, plan.cue, plan.target)
    direct["catch"] = time.perf_counter() - start
    start = time.perf_counter()
    sub, masks, _ = cues.cued_test(test, plan.cue, plan.target, count=N)
    want = _direct_maps(models, sub.normalize(sub.images), masks.numpy(), params)
    direct["maps"] = time.perf_counter() - start
    total = sum(direct.values())
    print(f"direct: {total:6.2f} s  (plant and train both {direct['train']:.2f} s, catch "
          f"{direct['catch']:.2f} s, maps and scores {direct['maps']:.2f} s)")
    # a map agrees when every pixel is within 1e-4; batched and one-image kernels may resolve a
    # tie (two equal values in a max-pool window, a ReLU input at exactly 0) differently and
    # route one image's gradient elsewhere, so a few maps in a hundred may differ
    maps = [(k, m, i) for k in want for m in want[k] for i in range(N)]
    off = [(k, m, i) for k, m, i in maps
           if np.abs(want[k][m][i] - ex.maps[k].maps[m][i]).max() > 1e-4]
    print(f"maps that agree to 1e-4: {len(maps) - len(off)} of {len(maps)}"
          + (f" (differ: {off})" if off else ""))
    if len(off) > 0.02 * len(maps):
        raise SystemExit("the two sides disagree")
    for name, c in caught.items():
        print(f"{name:5s}: clean test accuracy {c.accuracy:.3f}, cue-swapped called "
              f"{plan.target}: {c.swapped_share:.1%}, class {plan.target} without the cue "
              f"recalled: {c.reverse_share:.1%}")
    for s in ex.scores():
        print(f"  {s.method:15s} mass cued {s.mass['cued']:.3f} clean {s.mass['clean']:.3f}  "
              f"pointing cued {s.pointing['cued']:.2f} clean {s.pointing['clean']:.2f}")
    print(f"mask share of the image (a random map's mass): {ex.mask_share():.3f}")
    print(f"default experiment: {ours:.1f} s (target: under 40 s)")
    print(f"ratio: {total / ours:.2f}")


if __name__ == "__main__":
    main()
