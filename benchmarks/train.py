"""Training throughput: the classic tutorial pipeline against core.train.training.Trainer.

Run from the repository root:  python benchmarks/train.py   (about 1 minute on 2 cores;
add --device cuda to time both pipelines on a GPU)

Both sides train the same model (small_cnn, 1x28x28 -> 10 classes, same initial weights) with
the same optimiser (Adam, lr 1e-3), batch 64, on the same 60,000 28x28 images: fake
Fashion-MNIST files in the real idx format, written to a temporary folder (class-dependent
blobs plus noise, so no network is needed and there is something to learn).

- reference: torchvision.datasets.FashionMNIST(transform=ToTensor + Normalize) + DataLoader
  (batch 64, shuffle, no workers, as in the tutorials), fp32, default Adam.
- ours: the same files read once by core.data.datasets into one uint8 tensor; Trainer indexes
  batches and normalises them as a whole; the layout (and for "auto" the precision) measured on
  this machine by core.runtime.tune (also timed with each layout forced).

Each pipeline is timed for a fixed number of steps (after a warm-up), several rounds
interleaved, best round kept (other engineers share the machine). Every other round runs the
pipelines in reverse order: on a shared machine a pipeline's place in the round can cost it
several per cent (the measured layout, when always timed last, came out 2-10% slower than the
same layout forced and timed just before it, in each of 4 runs on a 2-core AMD EPYC; with the
order alternating it still came out 0-8% slower in 6 runs on a Zen 5 EPYC, but two trainers
built each way and timed against each other in one process were not steadily apart). The second
section trains the default digits model and checks that bf16 holds its accuracy. The machine
line comes first. After the timings come the step's GFLOP against this machine's fp32 peak (the
faster of a large matrix product and a large convolution, same run); the ceiling that peak puts
on the ratio (the whole step at the peak against the reference's step, and how much of the
reference's step is its data loading, which depends on the CPU's speed at small Python and PIL
work: 2.5-3.6 ms of 20.3-26.0 on a Zen 5 EPYC capped at AVX2, so the rest of that step is the
same arithmetic as ours); where our step's time goes (each layer's forward + backward, the loss
and the Adam step timed alone, then a bare step, and what the issue's 2.5x leaves for the parts
that are not already near the peak); and the exact-fp32 ratio. The last line is `ratio: X.XX`
(ours samples/s / reference samples/s; ours = precision "auto", measured layout). For the
figures of an AVX2-only CPU on a CPU with more, cap every library at AVX2 (see
benchmarks/_machine.py).

What core.runtime.accel's "auto" rests on. Measured on a 2-core AMD EPYC (Zen 5, AVX-512 BF16, no
AMX), torch 2.14: a bare training step (forward, backward, fused Adam) at batch 64, milliseconds,
best of several runs (benchmarks/train.py times the whole Trainer for small_cnn):

    arch (input)          NCHW fp32  NCHW bf16  channels_last fp32  channels_last bf16
    small_cnn (1x28x28)      16.4       11.1          12.1                 6.1
    small_cnn (3x32x32)      21.3       14.1          15.6                 7.4
    tiny_vgg  (1x28x28)       5.5        8.1           3.4                 3.0
    seed_net  (1x28x28)       4.3        4.3           4.1                 2.4

So on the CPU channels_last always pays, and bf16 pays on top of it; bf16 without native
instructions (``avx512_bf16`` / ``amx_bf16``) is emulated and slow, so it is never assumed.

On an NVIDIA H100 (torch 2.11) the lab's models are launch-bound: per step, fp32 channels_last
2.28 ms, fp32 NCHW 2.56, bf16 3.0-3.3 (small_cnn, batch 64); 2.83 vs 3.1-3.2 for small_cnn
64/128 channels at batch 256; bf16's extra cast kernels cost more than its faster maths. So
"auto" stays fp32 on CUDA (bf16 can still be asked for) and channels_last is used there too.
"""

from __future__ import annotations

import argparse
import contextlib
import struct
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._machine import best_seconds, fp32_peak, machine_line  # noqa: E402
from core.data import datasets
from core.models import checkpoints
from core.runtime import accel
from core.train import evaluation, training

N_TRAIN, N_TEST, SIZE = 60_000, 2_000, 28
STEPS, WARMUP, ROUNDS = 300, 10, 2
BATCH, LR, SEED = 64, 1e-3, 0
RATIO_TARGET = 2.5  # issue 19: exact fp32 on AVX2, against the reference
NEAR_PEAK = 0.75  # a part at this share of the machine's fp32 peak is counted as near it


# --------------------------------------------------------------------------- fake data
def _blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(n, 28, 28) uint8 images: a Gaussian blob whose place and size depend on the class."""
    labels = rng.integers(0, 10, n).astype(np.uint8)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)  # (28, 28)
    images = np.empty((n, SIZE, SIZE), np.uint8)
    for start in range(0, n, 5000):
        lab = labels[start:start + 5000].astype(np.float32)
        m = len(lab)
        cy = 7 + (lab % 5) * 3.5 + rng.normal(0, 1.5, m)  # (m,)
        cx = 7 + (lab // 5) * 14 * 0.7 + rng.normal(0, 1.5, m)
        sigma = 2.5 + (lab % 3) + rng.uniform(0, 1, m)
        d2 = (yy - cy[:, None, None]) ** 2 + (xx - cx[:, None, None]) ** 2  # (m, 28, 28)
        pic = 255 * np.exp(-d2 / (2 * sigma[:, None, None] ** 2))
        pic += rng.normal(0, 20, (m, SIZE, SIZE))  # (m, 28, 28)
        images[start:start + m] = np.clip(pic, 0, 255).astype(np.uint8)
    return images, labels


def write_fake_fashion_mnist(root: Path) -> None:
    """Write the four Fashion-MNIST files (uncompressed idx) where torchvision looks for them."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", N_TRAIN), ("t10k", N_TEST)):
        images, labels = _blobs(n, rng)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(
            struct.pack(">IIII", 2051, n, SIZE, SIZE) + images.tobytes())
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
            struct.pack(">II", 2049, n) + labels.tobytes())


# --------------------------------------------------------------------------- pipelines
def _model(train_set: datasets.Dataset) -> torch.nn.Module:
    return training.build_for("small_cnn", train_set, training.TrainConfig(seed=SEED))


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _tutorial_loader(root: Path, train_set: datasets.Dataset):
    """The tutorial's data: torchvision's FashionMNIST with ToTensor + Normalize, a DataLoader
    (batch 64, shuffle, no workers)."""
    import torchvision.datasets as tvd
    from torch.utils.data import DataLoader
    from torchvision import transforms

    tf = transforms.Compose([transforms.ToTensor(),
                             transforms.Normalize(train_set.mean, train_set.std)])
    ds = tvd.FashionMNIST(str(root), train=True, download=False, transform=tf)
    return DataLoader(ds, batch_size=BATCH, shuffle=True)


def reference_data_s(root: Path, train_set: datasets.Dataset) -> float:
    """Seconds per batch of the tutorial's data loading alone (no model): best of 2 chunks."""
    loader = _tutorial_loader(root, train_set)
    best = float("inf")
    for _ in range(2):
        batches = iter(loader)  # 937 batches an epoch: STEPS fit
        start = time.perf_counter()
        for _ in range(STEPS):
            next(batches)
        best = min(best, (time.perf_counter() - start) / STEPS)
    return best


def reference_steps(root: Path, train_set: datasets.Dataset, device: torch.device):
    """A generator: each next() runs one timed chunk of STEPS tutorial steps, yields seconds."""
    loader = _tutorial_loader(root, train_set)
    model = _model(train_set).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    batches = iter(loader)

    def step() -> None:
        nonlocal batches
        try:
            x, y = next(batches)
        except StopIteration:
            batches = iter(loader)
            x, y = next(batches)
        x, y = x.to(device), y.to(device)
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(WARMUP):
        step()
    while True:
        _sync(device)
        start = time.perf_counter()
        for _ in range(STEPS):
            step()
        _sync(device)
        yield time.perf_counter() - start


@contextlib.contextmanager
def forced_layout(channels_last: bool | None, precision: str, device: torch.device):
    """A Trainer built inside takes this layout instead of measuring one (None: it measures)."""
    if channels_last is None:
        yield
        return
    choose = training.tune.choose
    setup = training.tune.Setup(channels_last, accel.resolve_precision(precision, device),
                                BATCH)
    training.tune.choose = lambda *a, **k: training.tune.Choice(setup, {setup: 0.0})
    try:
        yield
    finally:
        training.tune.choose = choose


def ours_steps(train_set: datasets.Dataset, device: torch.device, precision: str,
               channels_last: bool | None, chosen: dict[str, bool] | None = None):
    """Like reference_steps, for a Trainer; ``chosen`` gets the layout it trains in."""
    config = training.TrainConfig(epochs=100, batch_size=BATCH, lr=LR, val_fraction=0.0,
                                  seed=SEED, device=device.type, precision=precision)
    with forced_layout(channels_last, precision, device):
        trainer = training.Trainer(_model(train_set), train_set, config)
    if channels_last is None:
        print(f"  Trainer(precision={precision!r}) measured {trainer.tuned.best} in "
              f"{trainer.tuned.cost_s:.2f} s: " + ", ".join(
                  f"{k} {v * 1e3:.2f} ms" for k, v in trainer.tuned.seconds_per_image.items())
              + " per image")
    if chosen is not None:
        chosen["channels_last"] = trainer.channels_last
    trainer.run_steps(WARMUP)
    while True:
        _sync(device)
        start = time.perf_counter()
        trainer.run_steps(STEPS)
        _sync(device)
        yield time.perf_counter() - start


def speed_section(root: Path, device: torch.device) -> float:
    train_set, _ = datasets.load_dataset("fashion_mnist", data_dir=root, download=False)
    fp32_peak(device)  # measured now and again after the timings; the higher counts
    has_bf16 = accel.has_bf16(device)
    if device.type == "cuda":
        print(f"{torch.cuda.get_device_name()}, native bf16: {has_bf16}")
    print(f"{len(train_set)} fake Fashion-MNIST images; timing {STEPS} batches of {BATCH} "
          f"(after {WARMUP} warm-up), best of {ROUNDS} interleaved rounds\n")
    layout: dict[str, bool] = {}  # the measured trainer's choice, for breakdown()
    runs = {"reference (torchvision + DataLoader, fp32)": reference_steps(root, train_set, device),
            "ours fp32, NCHW": ours_steps(train_set, device, "fp32", False),
            "ours fp32, channels_last": ours_steps(train_set, device, "fp32", True),
            "ours fp32, measured layout": ours_steps(train_set, device, "fp32", None, layout)}
    if has_bf16:
        runs["ours bf16, NCHW"] = ours_steps(train_set, device, "bf16", False)
        runs["ours bf16, channels_last"] = ours_steps(train_set, device, "bf16", True)
        runs["ours auto, measured"] = ours_steps(train_set, device, "auto", None)
    best = {name: float("inf") for name in runs}
    for round_ in range(ROUNDS):
        for name in list(runs)[::-1] if round_ % 2 else runs:  # no pipeline always timed last
            best[name] = min(best[name], next(runs[name]))
    rate = {name: STEPS * BATCH / seconds for name, seconds in best.items()}
    ref = rate["reference (torchvision + DataLoader, fp32)"]
    for name, value in rate.items():
        print(f"{name:45s} {value:8.0f} samples/s  {1000 * best[name] / STEPS:6.2f} ms/step  "
              f"x{value / ref:.2f}")
    peak = peak_share(train_set, device, best["ours fp32, measured layout"] / STEPS,
                      best["reference (torchvision + DataLoader, fp32)"] / STEPS,
                      reference_data_s(root, train_set))
    breakdown(train_set, device, layout["channels_last"], peak,
              best["ours fp32, measured layout"] / STEPS,
              best["reference (torchvision + DataLoader, fp32)"] / STEPS)
    exact = rate["ours fp32, measured layout"] / ref
    print(f"exact-fp32 ratio: {exact:.2f}")
    return rate["ours auto, measured"] / ref if has_bf16 else exact


def _first_batch(train_set: datasets.Dataset, device: torch.device,
                 channels_last: bool) -> tuple[Tensor, Tensor]:
    """The first BATCH images, normalised as the Trainer does, in the layout, and their labels."""
    x = train_set.normalize(train_set.images[:BATCH]).to(device)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    return x, train_set.labels[:BATCH].to(device)


def peak_share(train_set: datasets.Dataset, device: torch.device, step_s: float, ref_s: float,
               ref_data_s: float) -> float:
    """The step's multiply-adds (torch's FlopCounterMode: forward + backward) against this
    machine's fp32 peak (benchmarks/_machine.py: fp32_peak, in this run); and the ceiling
    that puts on the ratio: the whole step at the peak, against the reference's step, whose
    data loading (``ref_data_s``, timed alone) is the share no model arithmetic explains."""
    model = _model(train_set).to(device).train()
    x, y = _first_batch(train_set, device, channels_last=False)
    with FlopCounterMode(display=False) as fc:
        F.cross_entropy(model(x), y).backward()
    flops = fc.get_total_flops()
    peak, how = fp32_peak(device)
    print(f"\nthe step: {flops / 1e9:.2f} GFLOP (forward + backward, batch {BATCH}); this "
          f"machine's fp32 peak ({how}): {peak / 1e9:.0f} GFLOP/s; ours fp32 "
          f"runs {flops / step_s / 1e9:.0f} GFLOP/s = {flops / step_s / peak:.0%} of it")
    floor = flops / peak
    print(f"ceiling: at that peak the step takes at least {floor * 1e3:.2f} ms, so no exact "
          f"fp32 step can be more than {ref_s / floor:.2f}x the reference ({ref_s * 1e3:.2f} ms) "
          f"on this machine; the reference's data loading alone (DataLoader, ToTensor, "
          f"Normalize) takes {ref_data_s * 1e3:.2f} ms of its step")
    return peak


def breakdown(train_set: datasets.Dataset, device: torch.device, channels_last: bool,
              peak: float, step_s: float, ref_s: float) -> None:
    """Where our step's time goes: each layer's forward + backward timed alone on the input it
    gets in a training step (in the trainer's layout and layer order), then the loss and the
    fused Adam step; each with its GFLOP and speed against this machine's peak. The last line
    says what step time RATIO_TARGET x the reference needs, beside the part no reordering of
    the rest can remove (the layers that already run near the peak)."""
    model = _model(train_set).to(device).train()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    x, y = _first_batch(train_set, device, channels_last)
    calls: list[tuple[str, nn.Module, Tensor]] = []
    hooks = [m.register_forward_pre_hook(lambda m, a, name=name: calls.append((name, m, a[0])))
             for name, m in model.named_children()]
    forward = training.pool_before_relu(model)  # the trainer's layer order
    logits = forward(x)
    for h in hooks:
        h.remove()
    rows = []
    for i, (name, layer, inp) in enumerate(calls):
        inp = inp.detach().requires_grad_(i > 0)  # the first layer's input needs no gradient
        grad = torch.randn_like(layer(inp))

        def fwd_bwd(layer=layer, inp=inp, grad=grad) -> None:
            for p in layer.parameters():
                p.grad = None
            inp.grad = None
            layer(inp).backward(grad)

        with FlopCounterMode(display=False) as fc:
            fwd_bwd()
        rows.append((name, best_seconds(fwd_bwd, device), fc.get_total_flops()))
    logits = logits.detach().requires_grad_()
    rows.append(("loss", best_seconds(lambda: F.cross_entropy(logits, y).backward(), device), 0))
    for p in model.parameters():
        p.grad = torch.randn_like(p)
    opt = training.make_optimizer(model, training.TrainConfig(lr=LR))
    rows.append(("Adam step (fused)", best_seconds(opt.step, device), 0))

    def bare_step() -> None:  # the trainer's step on one fixed batch, without its bookkeeping
        loss = F.cross_entropy(forward(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    bare = best_seconds(bare_step, device)
    print(f"\nwhere our step goes: each part timed alone, forward + backward, batch {BATCH} "
          f"({'channels_last' if channels_last else 'NCHW'})")
    for name, seconds, flops in rows:
        speed = (f"{flops / 1e9:6.3f} GFLOP {flops / seconds / 1e9:5.0f} GFLOP/s = "
                 f"{flops / seconds / peak:4.0%} of the peak" if flops else "")
        print(f"  {name:18s} {seconds * 1e3:6.2f} ms  {speed}")
    total = sum(seconds for _, seconds, _ in rows)
    near = [(n, s) for n, s, f in rows if f and f / s >= NEAR_PEAK * peak]
    floor = sum(s for _, s in near)
    why = ("likely: each then finds the caches full of the others' data" if bare > total else
           "less than the parts timed alone: the machine was busier while they were timed; "
           "run it again")
    print(f"  the parts add up to {total * 1e3:.2f} ms; one after the other, as a bare step on a "
          f"fixed batch, they take {bare * 1e3:.2f} ms ({why}); the trainer's step takes "
          f"{step_s * 1e3:.2f} ms (with its batches and bookkeeping)")
    needed = ref_s / RATIO_TARGET
    print(f"  {RATIO_TARGET:g}x the reference ({ref_s * 1e3:.2f} ms) needs {needed * 1e3:.2f} "
          f"ms per step; the parts at >= {NEAR_PEAK:.0%} of the peak "
          f"({', '.join(n for n, _ in near) or 'none'}) take {floor * 1e3:.2f} ms of it, leaving "
          f"{(needed - floor) * 1e3:.2f} ms for everything else (now "
          f"{(step_s - floor) * 1e3:.2f} ms in the step, {(total - floor) * 1e3:.2f} ms timed "
          f"alone)")


# --------------------------------------------------------------------------- accuracy
def digits_run(config: training.TrainConfig) -> tuple[float, float]:
    train_set, test_set = datasets.load_digits()
    start = time.perf_counter()
    trainer = training.Trainer(training.build_for(training.DEFAULT_ARCH, train_set, config),
                               train_set, config)
    trainer.run()
    seconds = time.perf_counter() - start
    return evaluation.accuracy(trainer.model_for_eval(), test_set), seconds


def accuracy_section() -> None:
    print("\n-- default model: small_cnn on digits, DEFAULT_CONFIG "
          f"({training.DEFAULT_CONFIG.epochs} epochs, batch {training.DEFAULT_CONFIG.batch_size}, "
          f"lr {training.DEFAULT_CONFIG.lr:g}) --")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path = training.train_default_model(Path(tmp) / "default")
        seconds = time.perf_counter() - start
        _, card = checkpoints.load_checkpoint(path)
    print(f"train_default_model (fp32): test accuracy {card.metrics['test_accuracy']:.4f}, "
          f"{seconds:.2f} s wall (train + evaluate + save)")
    precisions = ["fp32", "bf16"] if accel.cpu_has_bf16() else ["fp32"]
    for seed in (0, 1, 2):
        parts = []
        for precision in precisions:
            config = training.TrainConfig(**{**training.DEFAULT_CONFIG.__dict__,
                                             "seed": seed, "precision": precision})
            acc, secs = digits_run(config)
            parts.append(f"{precision} {acc:.4f} in {secs:.2f} s")
        print(f"seed {seed}: " + ";  ".join(parts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"],
                        help="where both pipelines train (the accuracy section is CPU only)")
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args(argv)
    print(machine_line())
    device = accel.resolve_device(args.device)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        write_fake_fashion_mnist(root)
        print(f"wrote fake Fashion-MNIST idx files in {time.perf_counter() - start:.1f} s")
        ratio = speed_section(root, device)
    if not args.skip_accuracy:
        accuracy_section()
    print(f"ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
