"""Command line: train without the UI, same loop and checkpoint format as the Train page.

    python -m core.train --dataset digits --arch small_cnn --epochs 5 --out DIR
    python -m core.train --finetune resnet18 --folder PATH --mode head --epochs 10 --out DIR

``--finetune ARCH`` fine-tunes a torchvision ImageNet model (``core.train.finetune``) instead:
``--mode head`` trains only a new last layer on backbone features computed once, ``--mode all``
every layer; ``--image-size`` is then the network's input size (default 224; a folder is read at
that size). It starts from the ImageNet weights in the torch hub cache; when they are missing it
says where the file goes, and ``--download`` fetches it or ``--random-weights`` starts from
random weights instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.checks import InputError
from core.data import catalog, datasets
from core.models import archs, checkpoints, imagenet
from core.runtime import accel
from core.train import finetune
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
    p.add_argument("--dataset", choices=[*catalog.DATASETS, "folder"],
                   help="default: folder with --folder, else digits")
    p.add_argument("--arch", choices=list(archs.ARCHS), help=f"a lab arch (default {DEFAULT_ARCH})")
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
    p.add_argument("--image-size", type=int,
                   help="digits and folder only; with --finetune the network's input size (224)")
    p.add_argument("--data-dir", type=Path, help="where torchvision datasets live")
    p.add_argument("--no-download", action="store_true", help="never try to download a dataset")
    p.add_argument("--name", help="model name on its card")
    tune = p.add_argument_group("fine-tuning an ImageNet model")
    tune.add_argument("--finetune", choices=list(archs.TORCHVISION_ARCHS), metavar="ARCH",
                      help=f"one of {', '.join(archs.TORCHVISION_ARCHS)}")
    tune.add_argument("--mode", choices=list(finetune.MODES),
                      help="head: train only the new last layer (default); all: every layer")
    tune.add_argument("--random-weights", action="store_true",
                      help="start from random weights instead of the ImageNet ones")
    tune.add_argument("--download", action="store_true",
                      help="download the ImageNet weights if they are not in the torch hub cache")
    return p


def _dataset(args: argparse.Namespace) -> str:
    return args.dataset or ("folder" if args.folder is not None else "digits")


def _load_data(args: argparse.Namespace, *,
               finetune_size: int | None = None) -> tuple[datasets.Dataset, datasets.Dataset]:
    """The dataset's (train, test); ``finetune_size``: a folder is read at the network's input
    size, the other datasets at their own (the fine-tuning resizes them)."""
    dataset = _dataset(args)
    if dataset == "folder":
        if args.folder is None:
            raise InputError("--dataset folder needs --folder PATH")
        return datasets.load_image_folder(args.folder,
                                          image_size=finetune_size or args.image_size or 32,
                                          seed=args.seed)
    if args.folder is not None:
        raise InputError(f"--folder needs --dataset folder, got --dataset {dataset}")
    if dataset == "digits":
        return datasets.load_digits(28 if finetune_size else args.image_size or 28)
    if args.image_size is not None and finetune_size is None:
        raise InputError("--image-size applies to digits and folder only, "
                         f"got --dataset {dataset}")
    return datasets.load_dataset(dataset, data_dir=args.data_dir,
                                 download=not args.no_download)


def _options(args: argparse.Namespace) -> dict:
    options = {"channels": args.channels, "kernel_size": args.kernel_size, "hidden": args.hidden,
               "batch_norm": args.batch_norm or None, "dropout": args.dropout}
    return {k: v for k, v in options.items() if v is not None}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: train, print one line per epoch, save; 0 ok, 1 diverged, 2 bad input."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.finetune is None and (args.mode or args.random_weights or args.download):
            parser.error("--mode, --random-weights and --download need --finetune ARCH")
        if args.finetune is not None and (args.arch or _options(args)):
            parser.error("--arch, --channels, --kernel-size, --batch-norm, --dropout and "
                         "--hidden build a lab arch; --finetune uses the torchvision one")
    except SystemExit as stop:  # argparse has printed the usage and the error
        return int(stop.code or 0)
    if args.finetune is not None:
        return _finetune(args)
    args.arch = args.arch or DEFAULT_ARCH
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
        printed = _print_epochs(trainer.history, printed, config.epochs)

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


def _print_epochs(history: Sequence, printed: int, epochs: int, *, digits: int = 1) -> int:
    """Print the epochs finished since ``printed``; returns how many are printed now."""
    for h in history[printed:]:
        val = "" if h.val_loss is None else f"  val loss {h.val_loss:.4f} acc {h.val_accuracy:.4f}"
        print(f"epoch {h.epoch}/{epochs}  train loss {h.train_loss:.4f} "
              f"acc {h.train_accuracy:.4f}{val}  {h.seconds:.{digits}f} s", flush=True)
    return len(history)


def _finetune(args: argparse.Namespace) -> int:
    """``--finetune ARCH``: fine-tune, print the features' progress and one line per epoch,
    save; 0 ok, 1 diverged, 2 bad input or missing weights."""
    try:
        config = finetune.FinetuneConfig(
            arch=args.finetune, mode=args.mode or "head", pretrained=not args.random_weights,
            image_size=args.image_size or 224, epochs=args.epochs, batch_size=args.batch_size,
            optimizer=args.optimizer, lr=args.lr, momentum=args.momentum,
            nesterov=args.nesterov, weight_decay=args.weight_decay,
            val_fraction=args.val_fraction, seed=args.seed, augment=args.augment,
            device=args.device, precision=args.precision)
        train_set, test_set = _load_data(args, finetune_size=config.image_size)
        source = finetune.source_model(config, download=args.download)
        run = finetune.FinetuneRun(source, train_set, test_set, config)
    except imagenet.WeightsUnavailableError as err:
        print(f"error: {err}\nOr add --download to fetch it, or --random-weights to start from "
              "random weights (not pretrained).", file=sys.stderr)
        return 2
    except (ValueError, datasets.DatasetUnavailableError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    dataset = (f"folder:{args.folder.resolve().name}" if _dataset(args) == "folder"
               else train_set.name)
    prepare, label = (("features of", "features") if config.mode == "head"
                      else ("resizing", "resized"))
    print(f"{args.finetune} from {source.finetuned_from} on {train_set.name}, mode {config.mode}: "
          f"{len(run.train_indices)} train / {len(run.val_indices)} validation images, "
          f"{run.total_steps} steps; {prepare} {run.progress().images_total} images at "
          f"{config.image_size} px", flush=True)
    printed, shown = 0, -1

    def report(p: finetune.FinetuneProgress) -> None:
        nonlocal printed, shown
        if p.images_total and shown < 10:  # the preparation, in tenths
            tenth = 10 * p.images_done // p.images_total
            if tenth != shown:
                shown = tenth
                print(f"{label} {p.images_done}/{p.images_total} images, "
                      f"{p.images_per_s:.1f} images/s", flush=True)
        printed = _print_epochs(run.history, printed, config.epochs, digits=2)

    run.run(report)
    if run.diverged:
        print(f"error: {run.diverged}", file=sys.stderr)
        return 1
    title = archs.TORCHVISION_ARCHS[config.arch].title
    result = run.result(name=args.name or f"{title} fine-tuned on {train_set.name}",
                        dataset=dataset)
    out = checkpoints.save_checkpoint(result.model, result.card, args.out)
    acc = "n/a" if result.test_accuracy is None else f"{result.test_accuracy:.4f}"
    print(f"test accuracy {acc}; saved {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
