"""Embeddings: feature vectors of a dataset split, PCA and t-SNE maps, their quality, nearest
neighbours and a CSV export.

The model is shared and read-only (see ``core.interpret.layers``): features and logits come from one
forward pass per batch through ``core.runtime.graph``'s node-by-node runner, without hooks, mode
switches or gradients. t-SNE is openTSNE's: Poličar, Stražar & Zupan (2024), "openTSNE: A Modular
Python Library for t-SNE Dimensionality Reduction and Embedding", JMLR 25(3),
https://jmlr.org/papers/v25/23-0092.html ; the method: van der Maaten & Hinton (2008),
"Visualizing Data using t-SNE", JMLR 9, https://jmlr.org/papers/v9/vandermaaten08a.html ;
FFT-accelerated interpolation: Linderman et al. (2019), "Fast interpolation-based t-SNE for
improved visualization of single-cell RNA-seq data", Nature Methods 16,
https://doi.org/10.1038/s41592-018-0308-4 ; Barnes-Hut: van der Maaten (2014), "Accelerating
t-SNE using Tree-Based Algorithms", JMLR 15, https://jmlr.org/papers/v15/vandermaaten14a.html
"""

from __future__ import annotations

import csv
import io
import numbers
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import openTSNE
import sklearn.manifold
import torch
from sklearn.decomposition import PCA
from sklearn.neighbors import NearestNeighbors
from torch import Tensor, fx, nn

from core.checks import InputError, check_choice, check_int, plain
from core.data import datasets
from core.models.archs import ARCHS
from core.runtime import graph

__all__ = [
    "CALLBACK_EVERY",
    "check_feature_bytes",
    "default_feature_layer",
    "EARLY_EXAGGERATION",
    "EARLY_ITERATIONS",
    "EXACT_KNN_MAX",
    "extract",
    "feature_layers",
    "Features",
    "FFT_MIN_POINTS",
    "join_features",
    "knn_accuracy",
    "MAX_FEATURE_BYTES",
    "MODES",
    "nearest_neighbours",
    "PARALLEL_MIN_POINTS",
    "pca",
    "Projection",
    "raw_pixels",
    "to_csv",
    "trustworthiness",
    "tsne",
    "TSNE_PCA_DIMS",
]


MODES = ("auto", "gap", "flatten", "vector")
MAX_FEATURE_BYTES = 512 << 20  # float32 vectors of one extraction (flatten of an early layer)
# t-SNE sees at most this many principal components: Kobak & Berens (2019), "The art of using
# t-SNE for single-cell transcriptomics", Nature Communications 10
TSNE_PCA_DIMS = 50
EARLY_EXAGGERATION = 12.0
EARLY_ITERATIONS = 250  # openTSNE's early-exaggeration phase; a third of a shorter run
# 2-D gradients: Barnes-Hut below this many points, FFT interpolation from it. Measured on
# 2 cores (CNN features, 750 iterations): 3,000 points BH 4.2 s vs FFT 6.2 s (FFT's grid costs
# ~5 ms an iteration whatever N); 5,000: 7.5 vs 8.2 s at 750 and 3.6 vs 2.9 s at 400
# iterations; 10,000: 25.7 vs 12.8 s.
FFT_MIN_POINTS = 5000
CALLBACK_EVERY = 25  # iterations between progress reports / stop checks
# Fewer points than this run on one thread (the result is the same on any number: checked).
# Threads gain 1.2-1.7x on an idle 2-core machine (1,000-10,000 points) but lose 2-8x when
# other processes keep the cores busy (load 4-6: 120 points 0.1 s vs 4-8 s, 1,200 points 1.0
# vs 8.3 s, 6,000 points 2.8 vs 6.5 s): each iteration's parallel loops wait for a descheduled
# thread. Only large maps, where one iteration is substantial work, use every core.
PARALLEL_MIN_POINTS = 5000
# exact neighbours (scikit-learn) up to here, else openTSNE's Annoy index: 10,000 x 50 takes
# 0.4 s exact vs 1.7 s with Annoy on 2 cores (brute force grows as N^2)
EXACT_KNN_MAX = 20_000


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, eq=False)  # eq=False: arrays do not compare with ==
class Features:
    """What a model computes for the first N samples of a split."""

    vectors: np.ndarray  # (N, D) float32 feature vectors
    indices: np.ndarray  # (N,) int64 indices into the split
    labels: np.ndarray  # (N,) int64 true classes (the dataset's)
    preds: np.ndarray  # (N,) int64 predicted classes (the model's K classes)
    probs: np.ndarray  # (N, K) float32 softmax probabilities over the model's classes
    layer: str  # the layer the vectors come from
    mode: str  # "gap" | "flatten" of a (C, H, W) map, or "vector" for a (D,) output


@dataclass(frozen=True, eq=False)
class Projection:
    """A 2-D or 3-D map of N vectors."""

    coords: np.ndarray  # (N, dims) float32
    method: str  # "pca" | "tsne"
    dims: int
    explained_variance: np.ndarray | None  # PCA: (dims,) ratio of the variance per component
    params: dict  # what produced it (perplexity, iterations, seed, stopped, ...)
    seconds: float  # wall time of the computation


# --------------------------------------------------------------------------- checks
def _matrix(name: str, x: Any, min_rows: int = 1) -> np.ndarray:
    """x as a finite (N, D) float array with N >= min_rows (no copy when it already is one)."""
    arr = np.asarray(x.detach().cpu() if isinstance(x, Tensor) else x)
    if arr.ndim != 2 or arr.dtype.kind not in "fiu" or arr.shape[1] < 1:
        raise InputError(f"{name} must be a 2-D numeric array (N, D), got shape {arr.shape} "
                         f"{arr.dtype}", "vectors_not_matrix", name=name,
                         value=str(tuple(arr.shape)), dtype=str(arr.dtype))
    if len(arr) < min_rows:
        raise InputError(f"{name} must have at least {min_rows} rows, got {len(arr)}",
                         "vectors_too_few_rows", name=name, low=min_rows, value=len(arr))
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise InputError(f"{name} must be finite, got {int((~np.isfinite(arr)).sum())} "
                         "NaN/inf values", "vectors_not_finite", name=name,
                         count=int((~np.isfinite(arr)).sum()))
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _check_dataset(dataset: Any) -> None:
    if not isinstance(dataset, datasets.Dataset):
        raise InputError(
            f"dataset must be a core.data.datasets.Dataset, got {type(dataset).__name__}",
            "dataset_type", value=type(dataset).__name__)


def _labels(name: str, labels: Any, n: int) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.shape != (n,) or arr.dtype.kind not in "iu":
        raise InputError(f"{name} must be an integer array of shape ({n},), got {arr.shape} "
                         f"{arr.dtype}", "labels_array", name=name, count=n,
                         value=str(tuple(arr.shape)), dtype=str(arr.dtype))
    return arr.astype(np.int64)


# --------------------------------------------------------------------------- layers
def feature_layers(model: nn.Module) -> list[str]:
    """Layers whose output can be used as features: every leaf-module call, execution order."""
    return list(graph.model_graph(model).layers)


def default_feature_layer(model: nn.Module, arch: str | None = None) -> str:
    """The layer whose output is the model's feature vector.

    Args:
        model: shared model in eval mode; arch: a key of ``ARCHS`` (its ``feature_layer``), or
            None / an unknown key (a torchvision or ONNX model): the layer feeding the final
            classifier, i.e. the penultimate representation (Dropout/Identity in between
            skipped). The classifier is the last ``nn.Linear``, or, in a model without one
            (SqueezeNet's 1x1 convolution), the last ``nn.Conv2d``. Where a function such as
            ``torch.cat`` stands in between, the walk goes on through its first input
            (SqueezeNet: the last Fire module's expand1x1 branch).
    Returns:
        A name from `feature_layers`.
    """
    g = graph.model_graph(model)
    if arch is not None and not isinstance(arch, str):
        raise InputError(f"arch must be a string or None, got {arch!r}", "arch_not_string",
                         value=repr(arch))
    if arch in ARCHS:
        layer = ARCHS[arch].feature_layer
        if layer not in g.layers:
            raise InputError(f"arch {arch!r} takes its features from {layer!r}, which this model "
                             f"lacks; its layers: {', '.join(g.layers)}",
                             "feature_layer_missing", arch=arch, layer=layer,
                             choices=tuple(g.layers))
        return layer
    names = {node: name for name, node in g.layers.items()}
    kinds = {node: model.get_submodule(node.target) for node in names}
    linears = [node for node, m in kinds.items() if isinstance(m, nn.Linear)]
    convs = [node for node, m in kinds.items() if isinstance(m, nn.Conv2d)]
    node = linears[-1] if linears else convs[-1] if convs else None
    while node is not None and node.all_input_nodes:
        node = node.all_input_nodes[0]
        if node in names and not isinstance(kinds[node], (nn.Dropout, nn.Identity)):
            return names[node]
    if not linears:  # no classifier, or a convolution on the image itself
        raise InputError(f"the model has no nn.Linear layer to take features before; choose one "
                         f"of {', '.join(g.layers)}", "feature_no_linear",
                         choices=tuple(g.layers))
    raise InputError("the last nn.Linear reads the input image directly; choose a layer from "
                     f"{', '.join(g.layers)}", "feature_linear_on_input", choices=tuple(g.layers))


def _output_node(g: graph.Graph) -> fx.Node:
    out = next(n for n in g.graph.nodes if n.op == "output")
    value = out.args[0]
    if not isinstance(value, fx.Node):
        # InputError, not TypeError, throughout: a wrong type is a user mistake the page shows
        raise InputError(
            f"the model must return one logits tensor (B, K), got {value!r}",
            "model_output_not_logits", value=repr(value))
    return value


# --------------------------------------------------------------------------- extraction
def _resolve_mode(mode: str, shape: tuple[int, ...], layer: str) -> str:
    """The mode actually applied to a layer output of shape (1, ...)."""
    if len(shape) == 2:
        return "vector"  # a (D,) output is its own vector: gap/flatten change nothing
    if mode == "vector":
        raise InputError(f"mode 'vector' needs a layer with (D,) outputs; {layer!r} outputs "
                         f"{tuple(shape[1:])}: use 'gap' or 'flatten'", "feature_mode_vector",
                         layer=layer, shape=str(tuple(shape[1:])))
    if mode == "gap" and len(shape) != 4:
        raise InputError(f"mode 'gap' needs (C, H, W) maps; {layer!r} outputs "
                         f"{tuple(shape[1:])}: use 'flatten'", "feature_mode_gap", layer=layer,
                         shape=str(tuple(shape[1:])))
    return "gap" if mode == "auto" and len(shape) == 4 else ("flatten" if mode == "auto" else mode)


def _keep(mode: str) -> Callable[[Any], Tensor]:
    """What run_nodes keeps of an output: a float32 copy, reduced for a conv map; applied to
    the feature layer and the logits alike (logits are (B, K): copied)."""
    def keep(v: Tensor) -> Tensor:  # a tensor: checked on the probe batch
        v = v.detach()
        if v.dim() == 4 and mode == "gap":
            return v.float().mean((2, 3))  # (B, C): a new tensor
        # a copy: a later in-place op (ReLU(inplace=True)) would overwrite a view
        return v.reshape(len(v), -1).to(torch.float32, copy=True)  # (B, C*H*W) or (B, D)
    return keep


def extract(model: nn.Module, dataset: datasets.Dataset, *, layer: str | None = None,
            mode: str = "auto", limit: int | None = None, batch_size: int = 512,
            progress: Callable[[int, int], None] | None = None,
            transform: Callable[[Tensor], Tensor] | None = None, start: int = 0) -> Features:
    """Feature vectors, predictions and probabilities of consecutive samples of a split.

    One no-grad pass per batch runs the model node by node up to its logits, keeping the
    chosen layer on the way; the shared model is not changed (it must be in eval mode).
    Args:
        model: maps its input (B, C, H, W) to logits (B, K). K may differ from the dataset's
            classes (an ImageNet model on the digits): ``preds``/``probs`` are then the
            model's classes, ``labels`` the dataset's.
        dataset: the split; images are normalised with its mean/std, unless ``transform``.
        transform: uint8 (B, C, H, W) batch -> the model's input, used instead of the
            dataset's normalisation: a ``core.data.fit.InputFit`` for a model of other
            channels, size or normalisation (applied batch by batch, so the split is never
            held at the model's size).
        layer: a name from `feature_layers`; None = `default_feature_layer(model)`.
        mode: "auto" ("gap" for a (C, H, W) map, "vector" for a (D,) output, else
            "flatten"), "gap" (global average pool: (C,)), "flatten" (C*H*W) or "vector". A
            (D,) output is used as is whatever the mode; ``Features.mode`` says what was done.
        limit: use ``limit`` samples from ``start`` on (no sampling); None = all the rest.
        batch_size: images per forward pass; progress: called as progress(done, N) per batch.
        start: the first sample (``Features.indices`` count from 0 of the split, not of
            ``start``), so that a split can be extracted in chunks (see `join_features`).
    Returns:
        `Features` with vectors (N, D) float32, N = min(limit, len(dataset) - start).
    """
    g = graph.model_graph(model)  # also checks eval mode
    _check_dataset(dataset)
    check_choice("mode", mode, MODES)
    check_int("batch_size", batch_size, 1)
    start = check_int("start", start, 0)
    rest = max(len(dataset) - start, 0)
    n = rest if limit is None else min(check_int("limit", limit, 1), rest)
    if n == 0:
        raise InputError("the dataset is empty; feature extraction needs at least one image",
                         "features_dataset_empty")
    for name, fn in (("progress", progress), ("transform", transform)):
        if fn is not None and not callable(fn):
            raise InputError(f"{name} must be callable or None, got {fn!r}", "not_callable",
                             name=name, value=repr(fn))
    layer = default_feature_layer(model) if layer is None else layer
    feat_node = graph.resolve_layers(g, [layer])[layer]
    out_node = _output_node(g)
    targets = {feat_node, out_node}
    like = graph.probe(model, (1,))  # the model's float dtype and device

    def run(i: int, j: int, keep: Callable[[Any], Any]) -> list:  # [features, logits]
        batch = dataset.images[start + i:start + j]  # (B, C, H, W) uint8
        x = (dataset.normalize(batch.to(like.device)) if transform is None
             else transform(batch).to(like.device)).to(like.dtype)  # (B, C', H', W')
        shape = tuple(x.shape[1:])
        with torch.no_grad(), graph.fits(f"images of shape {shape}", shape=shape):
            out = graph.run_nodes(model, g, x, targets, keep)
        return [out[feat_node], out[out_node]]

    mode = _check_outputs(run(0, 1, _shape), mode, layer, n)
    feats, logits = [], []
    for i in range(0, n, batch_size):
        j = min(i + batch_size, n)
        f, z = run(i, j, _keep(mode))
        feats.append(f.cpu())
        logits.append(z.cpu())
        if progress is not None:
            progress(j, n)
    probs = torch.cat(logits).softmax(1).numpy().astype(np.float32, copy=False)  # (N, K)
    return Features(vectors=torch.cat(feats).numpy(),
                    indices=np.arange(start, start + n, dtype=np.int64),
                    labels=dataset.labels[start:start + n].numpy().astype(np.int64),
                    preds=probs.argmax(1).astype(np.int64), probs=probs, layer=layer, mode=mode)


def check_feature_bytes(count: int, dim: int) -> None:
    """InputError when ``count`` float32 vectors of ``dim`` values exceed MAX_FEATURE_BYTES."""
    if count * dim * 4 > MAX_FEATURE_BYTES:
        raise InputError(f"{count} vectors of {dim} floats need {count * dim * 4 / 2**20:.0f} "
                         f"MiB; the limit is {MAX_FEATURE_BYTES >> 20} MiB: use mode 'gap', a "
                         "later layer or a smaller limit", "features_too_much_memory",
                         count=count, dim=int(dim), needed_mib=round(count * dim * 4 / 2**20),
                         limit_mib=MAX_FEATURE_BYTES >> 20)


def _check_outputs(shapes: list, mode: str, layer: str, n: int) -> str:
    """Check the (1, ...) shapes of the layer and the logits on one image; the mode to apply."""
    feat, logits = shapes
    if feat is None:
        raise InputError(f"layer {layer!r} does not output a tensor; choose another",
                         "layer_output_not_tensor", layer=layer)
    if logits is None or len(logits) != 2:
        raise InputError(f"the model must return logits (B, K), got {logits}",
                         "model_output_not_logits", value=str(logits))
    mode = _resolve_mode(mode, feat, layer)
    check_feature_bytes(n, feat[1] if mode == "gap" else int(np.prod(feat[1:])))
    return mode


def join_features(parts: Sequence[Features]) -> Features:
    """Chunks of one extraction (`extract` with consecutive ``start``/``limit``) as one.

    Args:
        parts: non-empty, same layer and mode, in order.
    Returns:
        `Features` with the parts' rows one after the other.
    """
    parts = list(parts)
    if not parts or any(not isinstance(p, Features) for p in parts) or len(
            {(p.layer, p.mode, p.vectors.shape[1], p.probs.shape[1]) for p in parts}) != 1:
        # a caller's bug, not a user's input: no InputError
        raise ValueError("join_features needs chunks of one extraction (same layer, mode, sizes)")
    if len(parts) == 1:
        return parts[0]
    return Features(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                      ("vectors", "indices", "labels", "preds", "probs")),
                    layer=parts[0].layer, mode=parts[0].mode)


def _shape(v: Any) -> tuple[int, ...] | None:
    return tuple(v.shape) if isinstance(v, Tensor) else None


def raw_pixels(dataset: datasets.Dataset, indices: np.ndarray) -> np.ndarray:
    """The normalised pixels of some samples, one row each: the baseline map's input.

    Args:
        dataset: the split; indices: (N,) integer indices into it (e.g. ``Features.indices``).
    Returns:
        (N, C*H*W) float32, ``(x / 255 - mean) / std`` per channel, flattened C, H, W.
    """
    _check_dataset(dataset)
    idx = _labels("indices", indices, np.asarray(indices).size)
    if idx.size == 0 or idx.min() < 0 or idx.max() >= len(dataset):
        raise InputError(f"indices must be a non-empty array of integers in 0..{len(dataset) - 1}",
                         "indices_range", high=len(dataset) - 1)
    if idx.size * int(np.prod(dataset.image_shape)) * 4 > MAX_FEATURE_BYTES:
        raise InputError(f"{idx.size} images of {dataset.image_shape} exceed "
                         f"{MAX_FEATURE_BYTES >> 20} MiB as floats: use fewer",
                         "pixels_too_much_memory", count=int(idx.size),
                         shape=tuple(dataset.image_shape), limit_mib=MAX_FEATURE_BYTES >> 20)
    x = dataset.normalize(dataset.images[torch.from_numpy(idx)])  # (N, C, H, W)
    return x.reshape(len(idx), -1).numpy()  # (N, C*H*W)


# --------------------------------------------------------------------------- PCA
def _pca(x: np.ndarray, dims: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    model = PCA(n_components=dims, random_state=seed)
    coords = model.fit_transform(x)  # (N, dims)
    return coords, model.explained_variance_ratio_


def pca(x: np.ndarray, dims: int = 2) -> Projection:
    """Principal component analysis: the directions of largest variance (scikit-learn's PCA,
    its solver chosen by the data's shape; signs follow its deterministic svd_flip).

    Pearson (1901), "On lines and planes of closest fit to systems of points in space".
    Args:
        x: (N, D) finite vectors, N >= 2; dims: 1..min(N, D) (the page uses 2 or 3).
    Returns:
        `Projection` with coords (N, dims) float32 and explained_variance (dims,) ratios.
    """
    x = _matrix("x", x, min_rows=2)
    dims = check_int("dims", dims, 1, min(x.shape))
    start = time.perf_counter()
    coords, ratio = _pca(x, dims)
    return Projection(coords=coords.astype(np.float32), method="pca", dims=dims,
                      explained_variance=np.asarray(ratio, dtype=np.float64), params={},
                      seconds=time.perf_counter() - start)


# --------------------------------------------------------------------------- t-SNE
def _n_jobs(n: int) -> int:
    """openTSNE threads for n points: the cores this process may use (affinity-aware: a
    container's share, not the host's), or 1 below PARALLEL_MIN_POINTS."""
    if n < PARALLEL_MIN_POINTS:
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _check_tsne(n: int, dims: Any, perplexity: Any, iterations: Any, seed: Any) -> None:
    check_int("dims", dims, 2, 3)
    check_int("iterations", iterations, 250, 5000)
    check_int("seed", seed, 0, 2**32 - 1)
    if n < 5:
        raise InputError(f"t-SNE needs at least 5 points, got {n}", "tsne_too_few_points",
                         value=n, low=5)
    if (isinstance(perplexity, bool) or not isinstance(perplexity, numbers.Real)
            or not 2 <= perplexity <= 100):
        raise InputError(f"perplexity must be a number in 2..100, got {perplexity!r}",
                         "number_between", name="perplexity", value=plain(perplexity), low=2,
                         high=100)
    if perplexity >= n / 3:
        raise InputError(f"perplexity must be < N/3 = {n / 3:.1f} for {n} points (each point's "
                         f"affinities use its 3 x perplexity nearest neighbours), got {perplexity}",
                         "perplexity_too_large", value=plain(perplexity), limit=round(n / 3, 1),
                         count=n)


def tsne(x: np.ndarray, dims: int = 2, *, perplexity: float = 30.0, iterations: int = 750,
         seed: int = 0, progress: Callable[[int, int], None] | None = None,
         should_stop: Callable[[], bool] | None = None) -> Projection:
    """t-SNE map: neighbours in x stay neighbours in 2-D/3-D (van der Maaten & Hinton, 2008).

    openTSNE (Poličar et al., 2024): x reduced to its first 50 principal components when
    D > 50; perplexity-based affinities on the 3 x perplexity nearest neighbours (exact up to
    20,000 points, else Annoy); PCA initialisation; min(250, iterations // 3) iterations of
    early exaggeration 12, then the rest without; momentum 0.8; learning rate N/12 throughout
    (Belkina et al., 2019, Nature Communications 10: N / early exaggeration, as scikit-learn's
    "auto"). Gradients: FFT-accelerated interpolation (Linderman et al., 2019) for 2-D maps of
    >= 5,000 points; Barnes-Hut (van der Maaten, 2014) for smaller 2-D maps (faster there,
    measured: see FFT_MIN_POINTS) and for 3-D (openTSNE's FFT is 1-D/2-D only). One thread
    below 5,000 points, else every core (see PARALLEL_MIN_POINTS); the result does not depend
    on the thread count. Cost: about 4 s for 10,000 points at 400 iterations, 13 s at 750 (2-D,
    2 idle cores). Deterministic for a seed.
    Args:
        x: (N, D) finite vectors, N >= 5; dims: 2 or 3; perplexity: 2..100 and < N/3;
        iterations: 250..5000 in all; seed: PCA solver and neighbour-index seed.
        progress: progress(iteration, iterations) every 25 iterations and at the end.
        should_stop: checked every 25 iterations; True stops early (params["stopped"],
            params["iterations_run"]).
    Returns:
        `Projection` with coords (N, dims) float32 and params of the run.
    """
    x = _matrix("x", x)
    _check_tsne(len(x), dims, perplexity, iterations, seed)
    for name, fn in (("progress", progress), ("should_stop", should_stop)):
        if fn is not None and not callable(fn):
            raise InputError(f"{name} must be callable or None, got {fn!r}", "not_callable",
                             name=name, value=repr(fn))
    start = time.perf_counter()
    method = "fft" if dims == 2 and len(x) >= FFT_MIN_POINTS else "bh"
    embedding = _prepare(x, dims, float(perplexity), seed, method)
    early, rate = min(EARLY_ITERATIONS, iterations // 3), len(x) / EARLY_EXAGGERATION
    reached = [0]  # the last iteration completed, set by the callback
    if progress is not None:
        progress(0, iterations)  # affinities and initialisation are done
    try:
        for offset, n_iter, exaggeration in ((0, early, EARLY_EXAGGERATION),
                                             (early, iterations - early, None)):
            embedding.optimize(n_iter, exaggeration=exaggeration, momentum=0.8,
                               learning_rate=rate, inplace=True, propagate_exception=True,
                               callbacks=_callback(offset, iterations, reached, progress,
                                                   should_stop),
                               callbacks_every_iters=CALLBACK_EVERY)
        reached[0], stopped = iterations, False
    except openTSNE.tsne.OptimizationInterrupt:
        stopped = True  # inplace: ``embedding`` holds the positions reached
    if progress is not None and not stopped:
        progress(iterations, iterations)
    params = {"perplexity": float(perplexity), "iterations": iterations, "seed": seed,
              "iterations_run": reached[0], "stopped": stopped,
              "early_exaggeration": EARLY_EXAGGERATION, "early_iterations": early,
              "learning_rate": rate, "gradient": method, "initialization": "pca",
              "pca_dims": min(x.shape[1], TSNE_PCA_DIMS), "threads": _n_jobs(len(x))}
    return Projection(coords=np.asarray(embedding, dtype=np.float32), method="tsne", dims=dims,
                      explained_variance=None, params=params,
                      seconds=time.perf_counter() - start)


def _prepare(x: np.ndarray, dims: int, perplexity: float, seed: int,
             method: str) -> openTSNE.TSNEEmbedding:
    """PCA to 50 dims, affinities and the PCA initialisation: an embedding ready to optimise."""
    reduced = _pca(x, TSNE_PCA_DIMS, seed)[0] if x.shape[1] > TSNE_PCA_DIMS else x
    return openTSNE.TSNE(
        n_components=dims, perplexity=perplexity, initialization="pca",
        neighbors="exact" if len(x) <= EXACT_KNN_MAX else "auto",
        negative_gradient_method=method, n_jobs=_n_jobs(len(x)), random_state=seed,
    ).prepare_initial(np.ascontiguousarray(reduced, dtype=np.float64))


def _callback(offset: int, total: int, reached: list[int],
              progress: Callable[[int, int], None] | None,
              should_stop: Callable[[], bool] | None) -> Callable[..., bool] | None:
    """An openTSNE callback (it stops the run when one returns True); None when not needed.

    openTSNE calls it with the phase's 1-based iteration, before that iteration's update.
    """
    if progress is None and should_stop is None:
        return None  # without callbacks openTSNE skips the error evaluation they trigger

    def callback(iteration: int, error: float, embedding: np.ndarray) -> bool:
        reached[0] = offset + iteration - 1
        if progress is not None:
            progress(offset + iteration, total)
        return bool(should_stop()) if should_stop is not None else False
    return callback


# --------------------------------------------------------------------------- quality
def trustworthiness(x: np.ndarray, y: np.ndarray, *, k: int = 10, max_samples: int = 2000,
                    seed: int = 0) -> float:
    """How far a map's k nearest neighbours are also neighbours in the original space (1 = all).

    Venna & Kaski (2001), "Neighborhood preservation in nonlinear projection methods: an
    experimental study", ICANN; computed by ``sklearn.manifold.trustworthiness`` on a seeded
    random subsample of at most ``max_samples`` points (the same rows of x and y; neighbours
    are found within the subsample), which keeps it O(max_samples^2).
    Args:
        x: (N, D) original vectors; y: (N, dims) the map; k: neighbours, < n/2 (n: points used).
    Returns:
        Trustworthiness in [0, 1].
    """
    x = _matrix("x", x)
    y = _matrix("y", y)
    if len(x) != len(y):
        raise InputError(f"x and y must have the same number of rows, got {len(x)} and {len(y)}",
                         "trust_rows_mismatch", first=len(x), second=len(y))
    max_samples = check_int("max_samples", max_samples, 3)
    seed = check_int("seed", seed, 0, 2**32 - 1)
    n = min(len(x), max_samples)
    k = check_int("k", k, 1)
    if k >= n / 2:
        raise InputError(f"k must be < n/2 = {n / 2:.1f} for the {n} points used, got {k}",
                         "trust_k_too_large", value=k, limit=round(n / 2, 1), count=n)
    if len(x) > n:
        rows = np.sort(np.random.default_rng(seed).choice(len(x), n, replace=False))
        x, y = x[rows], y[rows]
    return float(sklearn.manifold.trustworthiness(x, y, n_neighbors=k))


def knn_accuracy(y: np.ndarray, labels: np.ndarray, *, k: int = 5) -> float:
    """Leave-one-out k-NN accuracy in the map: how often a point's k nearest other points
    (Euclidean) vote for its true class; ties go to the lowest class index, as scikit-learn's
    KNeighborsClassifier.

    Args:
        y: (N, dims) map coordinates; labels: (N,) integer classes; k: 1..N-1.
    Returns:
        Accuracy in [0, 1].
    """
    y = _matrix("y", y, min_rows=2)
    labels = _labels("labels", labels, len(y))
    if labels.min() < 0:
        raise InputError(f"labels must be >= 0, got {labels.min()}", "labels_negative",
                         value=int(labels.min()))
    k = check_int("k", k, 1, len(y) - 1)
    nbrs = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)
    own = nbrs == np.arange(len(y))[:, None]  # (N, k+1): the query point itself
    own[~own.any(1), -1] = True  # a duplicate point may displace it: drop the farthest instead
    votes = labels[nbrs[~own].reshape(len(y), k)]  # (N, k)
    n_classes = int(labels.max()) + 1
    counts = np.zeros((len(y), n_classes), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(len(y)), k), votes.ravel()), 1)
    return float((counts.argmax(1) == labels).mean())


def nearest_neighbours(x: np.ndarray, i: int, *, k: int = 8,
                       metric: str = "euclidean") -> tuple[np.ndarray, np.ndarray]:
    """The k rows of x nearest to row i (i itself excluded), by brute force.

    Args:
        x: (N, D) vectors; i: a row in 0..N-1; k: 1..N-1 (fewer rows: all of them).
        metric: "euclidean" or "cosine" (1 - cosine similarity; a zero vector has similarity 0).
    Returns:
        (rows (k,) int64, distances (k,) float64), nearest first; ties by row index.
    """
    x = _matrix("x", x, min_rows=2)
    i = check_int("i", i, 0, len(x) - 1)
    k = min(check_int("k", k, 1), len(x) - 1)
    if metric not in ("euclidean", "cosine"):
        raise InputError(f"metric must be 'euclidean' or 'cosine', got {metric!r}", "choice",
                         name="metric", value=plain(metric), choices=("euclidean", "cosine"))
    xd = x.astype(np.float64, copy=False)
    if metric == "euclidean":
        dist = np.sqrt(np.square(xd - xd[i]).sum(1))  # (N,)
    else:
        norms = np.linalg.norm(xd, axis=1)  # (N,)
        safe = np.where(norms > 0, norms, 1.0)
        dist = 1.0 - (xd @ xd[i]) / (safe * safe[i])
        dist = np.clip(dist, 0.0, 2.0)
    dist[i] = np.inf
    order = np.lexsort((np.arange(len(x)), dist))[:k]
    return order.astype(np.int64), dist[order]


# --------------------------------------------------------------------------- export
def to_csv(features: Features, projection: Projection, classes: Sequence[str],
           model_classes: Sequence[str] | None = None) -> str:
    """The map as CSV: header index,label,prediction,x,y[,z]; one row per point.

    Args:
        features: the points' indices, labels and predictions; projection: their coordinates.
        classes: the dataset's class names (labels are written as names).
        model_classes: the model's class names for the predictions; None: ``classes`` (a
            model of the dataset's classes).
    Returns:
        CSV text (RFC 4180 quoting, "\\n" line ends).
    """
    if not isinstance(features, Features) or not isinstance(projection, Projection):
        raise InputError("to_csv needs a Features and a Projection", "csv_inputs")
    n = len(features.indices)
    if projection.coords.shape != (n, projection.dims):
        raise InputError(f"the projection has {projection.coords.shape[0]} points, the features "
                         f"{n}", "csv_points_mismatch", points=int(projection.coords.shape[0]),
                         count=n)
    names = [str(c) for c in classes]
    predicted = names if model_classes is None else [str(c) for c in model_classes]
    for given, top in ((names, int(features.labels.max(initial=0))),
                       (predicted, int(features.preds.max(initial=0)))):
        if top >= len(given):
            raise InputError(f"classes must name every class (at least {top + 1}), got "
                             f"{len(given)}", "csv_class_names", low=top + 1, value=len(given))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["index", "label", "prediction", *"xyz"[:projection.dims]])
    for index, label, pred, point in zip(features.indices, features.labels, features.preds,
                                         projection.coords, strict=True):
        writer.writerow([int(index), names[label], predicted[pred],
                         *(format(float(v), ".7g") for v in point)])
    return out.getvalue()
