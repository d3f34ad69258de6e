"""Command line: train without the UI, same loop and checkpoint format as the Train page.

    python -m core.train --dataset digits --arch small_cnn --epochs 5 --out DIR
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.checks import InputError
from core.data import catalog, datasets
from core.models import archs, checkpoints
from core.runtime import accel
from core.train.evaluation import accuracy, make_card
from core.train.training import DEFAULT_ARCH, Progress, TrainConfig, Trainer, build_for


def _channels(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected integers separated by commas, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    p = argparse.ArgumentParser(prog="python -m core.train",
                                description="Train a CNN Lab model and save checkpoint + card.")
    p.add_argument("--dataset", default="digits", choices=[*catalog.DATASETS, "folder"])
    p.add_argument("--arch", default=DEFAULT_ARCH, choices=list(archs.ARCHS))
    p.add_argument("--out", type=Path, required=True, help="checkpoint directory to write")
    p.add_argument("--epochs", type=int, default=defaults.epochs)
    p.add_argument("--batch-size", type=int, default=defaults.batch_size)
    p.add_argument("--lr", type=float, default=defaults.lr)
    p.add_argument("--optimizer", default=defaults.optimizer, choices=["adam", "sgd"])
    p.add_argument("--momentum", type=float, default=defaults.momentum)
    p.add_argument("--nesterov", action="store_true")
    p.add_argument("--weight-decay", type=float, default=defaults.weight_decay)
    p.add_argument("--val-fraction", type=float, default=defaults.val_fraction)
    p.add_argument("--seed", type=int, default=defaults.seed)
    p.add_argument("--augment", action="store_true")
    p.add_argument("--device", default=defaults.device, choices=list(accel.DEVICES))
    p.add_argument("--precision", default=defaults.precision, choices=list(accel.PRECISIONS))
    p.add_argument("--channels", type=_channels, help="conv channels per block, e.g. 32,64")
    p.add_argument("--kernel-size", type=int)
    p.add_argument("--batch-norm", action="store_true")
    p.add_argument("--dropout", type=float)
    p.add_argument("--hidden", type=int)
    p.add_argument("--folder", type=Path, help="image folder (with --dataset folder)")
    p.add_argument("--image-size", type=int, help="digits and folder only")
    p.add_argument("--data-dir", type=Path, help="where torchvision datasets live")
    p.add_argument("--no-download", action="store_true", help="never try to download a dataset")
    p.add_argument("--name", help="model name on its card")
    return p


def _load_data(args: argparse.Namespace) -> tuple[datasets.Dataset, datasets.Dataset]:
    if args.dataset == "folder":
        if args.folder is None:
            raise InputError("--dataset folder needs --folder PATH")
        return datasets.load_image_folder(args.folder, image_size=args.image_size or 32,
                                          seed=args.seed)
    if args.folder is not None:
        raise InputError(f"--folder needs --dataset folder, got --dataset {args.dataset}")
    if args.dataset == "digits":
        return datasets.load_digits(args.image_size or 28)
    if args.image_size is not None:
        raise InputError("--image-size applies to digits and folder only, "
                         f"got --dataset {args.dataset}")
    return datasets.load_dataset(args.dataset, data_dir=args.data_dir,
                                 download=not args.no_download)


def _options(args: argparse.Namespace) -> dict:
    options = {"channels": args.channels, "kernel_size": args.kernel_size, "hidden": args.hidden,
               "batch_norm": args.batch_norm or None, "dropout": args.dropout}
    return {k: v for k, v in options.items() if v is not None}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: train, print one line per epoch, save; 0 ok, 1 diverged, 2 bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse has printed the usage and the error
        return int(stop.code or 0)
    try:
        config = TrainConfig(
            epochs=args.epochs, batch_size=args.batch_size, optimizer=args.optimizer, lr=args.lr,
            momentum=args.momentum, nesterov=args.nesterov, weight_decay=args.weight_decay,
            val_fraction=args.val_fraction, seed=args.seed, augment=args.augment,
            device=args.device, precision=args.precision)
        train_set, test_set = _load_data(args)
        options = _options(args)
        trainer = Trainer(build_for(args.arch, train_set, config, **options), train_set, config)
    except (ValueError, datasets.DatasetUnavailableError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.arch} on {train_set.name}: {len(trainer.train_indices)} train / "
          f"{len(trainer.val_indices)} validation images, {trainer.total_steps} steps, "
          f"{trainer.device.type} {trainer.precision}", flush=True)
    printed = 0

    def report(_: Progress) -> None:
        nonlocal printed
        for h in trainer.history[printed:]:
            val = ("" if h.val_loss is None
                   else f"  val loss {h.val_loss:.4f} acc {h.val_accuracy:.4f}")
            print(f"epoch {h.epoch}/{config.epochs}  train loss {h.train_loss:.4f} "
                  f"acc {h.train_accuracy:.4f}{val}  {h.seconds:.1f} s", flush=True)
        printed = len(trainer.history)

    trainer.run(report)
    if trainer.diverged:
        print(f"error: {trainer.diverged}", file=sys.stderr)
        return 1
    model = trainer.model_for_eval()
    test_acc = accuracy(model, test_set)
    metrics = {"test_accuracy": test_acc, "train_accuracy": trainer.history[-1].train_accuracy,
               "epochs": config.epochs}
    if trainer.history[-1].val_accuracy is not None:
        metrics["val_accuracy"] = trainer.history[-1].val_accuracy
    card = make_card(model, arch=args.arch, options=options, train_set=train_set, metrics=metrics,
                     name=args.name or f"{archs.ARCHS[args.arch].title} on {train_set.name}")
    out = checkpoints.save_checkpoint(model, card, args.out)
    print(f"test accuracy {test_acc:.4f}; saved {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
