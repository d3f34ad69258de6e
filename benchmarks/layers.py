"""Layers page speed: feature maps for one input, activation maximisation, conv walk-through.

Run from the repository root: ``python benchmarks/layers.py``. The reference for feature maps
is torchvision's ``create_feature_extractor`` (built once, then called), the usual way to read
every layer's output; ours is ``core.interpret.layers.activations``. The last line is
``ratio: X.XX`` = reference time / our time (higher is better).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torchvision.models.feature_extraction import create_feature_extractor  # noqa: E402

from core.data import datasets, images, samples
from core.interpret import layers as inspect
from core.models import checkpoints
from core.teach import filters, kernels
from core.train import training


def best_of(fn, repeat: int = 30) -> float:
    """Best wall time of ``repeat`` calls (seconds), after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = training.train_default_model(Path(tmp) / "default")
        model, card = checkpoints.load_checkpoint(path)
    _, test = datasets.load_digits()
    _, x = images.prepare_input(images.tensor_to_image(test.images[0]),
                                input_shape=card.input_shape, mean=card.mean, std=card.std)
    layers = inspect.layer_names(model)

    def ours():
        acts = inspect.activations(model, x, layers)
        inspect.predict(model, x)
        return acts

    extractor = create_feature_extractor(model, return_nodes=layers)

    def reference():
        with torch.no_grad():
            out = extractor(x)
            torch.softmax(model(x), 1)
        return out

    t_ours, t_ref = best_of(ours), best_of(reference)
    t_table = best_of(lambda: inspect.layer_table(model, tuple(card.input_shape)))
    print(f"feature maps of all {len(layers)} layers + prediction, one 28x28 input:")
    print(f"  ours (core.interpret.layers.activations + predict): {t_ours * 1e3:.2f} ms")
    print(f"  reference (create_feature_extractor, built once): {t_ref * 1e3:.2f} ms")
    print(f"  layer table: {t_table * 1e3:.2f} ms (budget for the whole view: 300 ms)")

    from dashboard import charts

    act = ours()["relu1"][0]
    order = inspect.channel_order(act)
    t_fig = best_of(lambda: charts.feature_maps(act[order].numpy(), [f"ch {c}" for c in order])
                    .to_json(), repeat=5)
    print(f"  Plotly figure of the 32 relu1 maps (built + serialised): {t_fig * 1e3:.0f} ms; "
          f"whole view ~{(t_ours + t_table + t_fig) * 1e3:.0f} ms")

    t = time.perf_counter()
    result = inspect.activation_maximisation(model, "relu2", 0, input_shape=tuple(card.input_shape),
                                             mean=card.mean, std=card.std)
    t_actmax = time.perf_counter() - t
    print(f"activation maximisation, relu2 channel 0, defaults ({len(result.trajectory)} steps): "
          f"{t_actmax:.2f} s (budget 10 s); activation {result.trajectory[0]:.3f} -> "
          f"{result.trajectory[-1]:.3f}")

    image = images.to_float_array(samples.sample_image("china"), max_side=512)
    bank = [kernels.KERNELS[k].weights for k in kernels.DEFAULT_FILTER_BANK]
    t_walk = best_of(lambda: filters.conv_relu_pool(image, bank, None, padding=1,
                                                    mode="per_channel"), repeat=5)
    print(f"convolution walk-through, {image.shape[1]}x{image.shape[0]} RGB, 4 kernels per "
          f"channel: {t_walk * 1e3:.1f} ms")
    print(f"ratio: {t_ref / t_ours:.2f}")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
