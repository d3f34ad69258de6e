"""Convolution by hand: preset kernels and the conv -> ReLU -> 2x2 max-pool walk-through.

Like a CNN layer (and torch's ``F.conv2d``) we compute cross-correlation: the kernel slides
over the zero-padded image without being flipped, and each output cell is the sum of the
window times the kernel (no bias). Each kernel is applied to each channel on its own, so a
student sees one feature map per (kernel, channel). The tests use torch as the oracle; this
module imports numpy only, so the page paints without paying for ``import torch``.

Reference: LeCun, Bottou, Bengio & Haffner (1998), "Gradient-Based Learning Applied to
Document Recognition", http://yann.lecun.com/exdb/publis/pdf/lecun-98.pdf
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.checks import InputError, check_int
from core.teach.matrices import check_matrix

__all__ = [
    "CHANNELS",
    "check_float_image",
    "check_kernel",
    "conv_relu_pool",
    "convolve",
    "LUMA",
    "MAX_FILTERS",
    "MAX_KERNEL",
    "max_pool_2x2",
    "MAX_SIDE",
    "MAX_STRIDE",
    "MODES",
    "output_size",
    "POOL",
    "to_gray",
    "Walkthrough",
]


MAX_KERNEL = 7  # largest kernel side; the editor offers 3x3 and 5x5
MAX_STRIDE = 8
MAX_SIDE = 1024  # largest image height/width; the page resizes bigger images first
MAX_FILTERS = 8  # kernels per walk-through: 8 x 3 channels of 1024x1024 float64 ~ 200 MB/stage
MODES = ("gray", "per_channel")
LUMA = (0.299, 0.587, 0.114)  # ITU-R 601-2, the weights of Pillow's convert("L")
CHANNELS = ("R", "G", "B")
POOL = 2  # the walk-through's max pool: 2x2 window, stride 2, floor


# ------------------------------------------------------------------------ checks


def _kernel_rule(found: str) -> str:
    return (f"{found}; a kernel must be square with an odd size from 1 to {MAX_KERNEL} "
            f"(e.g. 3x3 or 5x5) so that it has a centre cell")


def check_kernel(k) -> np.ndarray:
    """Check a custom kernel from a grid editor or a list of rows and copy it to float64.

    Args:
        k: a 2-D array, a list of rows, or a DataFrame of numbers.

    Returns:
        (k, k) float64 copy; k odd, 1 <= k <= MAX_KERNEL; all values finite.

    Raises:
        ValueError: ragged rows, an empty/NaN/inf/non-numeric cell (named by its 1-based row
            and column), not 2-D, not square, an even size or a size above MAX_KERNEL.
    """
    if isinstance(k, (str, bytes)):
        msg = "a kernel must be rows of numbers, got text; parse it first"
        raise InputError(msg, "kernel_is_text")
    shape = getattr(k, "shape", None)  # ndarray / DataFrame; np.shape fails on ragged lists
    rows = len(k) if isinstance(k, (list, tuple)) else shape[0] if shape else 0
    if rows > MAX_KERNEL:  # before check_matrix, whose size message speaks of matrices
        raise InputError(_kernel_rule(f"the kernel has {rows} rows"), "kernel_too_many_rows",
                         rows=int(rows), high=MAX_KERNEL)
    m = check_matrix(k)  # 2-D, rectangular, finite; names the cell at fault
    h, w = m.shape
    if h != w or h % 2 == 0 or h > MAX_KERNEL:
        raise InputError(_kernel_rule(f"the kernel is {h}x{w}"), "kernel_shape_rule",
                         value=(int(h), int(w)), high=MAX_KERNEL)
    return m


def _as_float(array, what: str) -> np.ndarray:
    """`array` as a float64 copy; real numbers only (bool and integers are converted)."""
    arr = np.asarray(array)
    if arr.dtype.kind not in "biuf":
        raise InputError(f"{what} must hold real numbers, got dtype {arr.dtype}",
                         "image_not_real", value=str(arr.dtype))
    out = arr.astype(np.float64)  # astype copies: the caller's array is never touched
    if not np.all(np.isfinite(out)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise InputError(f"{what} must be finite, got {out[bad]} at index {bad}",
                         "image_not_finite", value=str(out[bad]), index=str(bad))
    return out


def _check_sides(h: int, w: int, what: str) -> None:
    if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
        raise InputError(
            f"{what} is {h}x{w}; height and width must be 1..{MAX_SIDE} (resize it first)",
            "image_side_range", value=(int(h), int(w)), high=MAX_SIDE,
        )


def check_float_image(image) -> np.ndarray:
    """Check a student's image: (H, W) gray or (H, W, 3) RGB, floats in [0, 1].

    Args:
        image: array-like; an (H, W, 1) image counts as gray.

    Returns:
        (H, W) or (H, W, 3) float64 copy, 1 <= H, W <= MAX_SIDE.

    Raises:
        ValueError: another shape (channels-first, RGBA, ...), non-real or non-finite
            values, values outside [0, 1] (an 8-bit image must be divided by 255 first),
            or a side outside 1..MAX_SIDE.
    """
    img = _as_float(image, "the image")
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]  # (H, W)
    if not (img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)):
        raise InputError(
            f"the image must be (H, W) gray or (H, W, 3) RGB with channels last, "
            f"got shape {img.shape}",
            "float_image_shape", value=tuple(map(int, img.shape)),
        )
    _check_sides(img.shape[0], img.shape[1], "the image")
    lo, hi = float(img.min()), float(img.max())
    if lo < 0 or hi > 1:
        hint = " (an 8-bit image: divide it by 255)" if hi > 1 and hi <= 255 else ""
        raise InputError(f"image values must lie in [0, 1], got {lo:g}..{hi:g}{hint}",
                         "image_range_8bit" if hint else "image_range", lowest=lo, highest=hi)
    return img


def to_gray(image) -> np.ndarray:
    """Grayscale with ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B (Pillow's "L").

    Args:
        image: (H, W) gray or (H, W, 3) RGB float in [0, 1] (see `check_float_image`).

    Returns:
        (H, W) float64 in [0, 1]; a gray input comes back as a copy.
    """
    img = check_float_image(image)
    return _luma(img) if img.ndim == 3 else img


def _luma(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array(LUMA)  # (H, W, 3) @ (3,) -> (H, W)


def _check_stack(image) -> np.ndarray:
    """An input for `convolve`: (C, H, W) finite floats, any range."""
    x = _as_float(image, "the image")
    if x.ndim != 3 or x.shape[0] < 1:
        raise InputError(f"the image must be (C, H, W) with C >= 1, got shape {x.shape}",
                         "image_stack_shape", value=tuple(map(int, x.shape)))
    _check_sides(x.shape[1], x.shape[2], "the image")
    return x


def _kernel_items(kernels) -> list:
    if isinstance(kernels, np.ndarray):
        if kernels.ndim == 2:
            return [kernels]
        if kernels.ndim == 3:
            return list(kernels)
        raise InputError(f"kernels must be (F, k, k) or one (k, k), got shape {kernels.shape}",
                         "kernels_shape", value=tuple(map(int, kernels.shape)))
    if isinstance(kernels, (list, tuple)):
        return [kernels] if _is_rows(kernels) else list(kernels)
    raise InputError(f"kernels must be an array or a list of kernels, got {type(kernels).__name__}",
                     "kernels_type", value=type(kernels).__name__)


def _is_rows(seq) -> bool:
    """True for one kernel typed as rows of numbers, [[1, 0], ...], not a list of kernels."""
    return len(seq) > 0 and all(
        isinstance(row, (list, tuple))
        and not any(isinstance(v, (list, tuple, np.ndarray)) for v in row)
        for row in seq
    )


def _check_kernels(kernels, labels: Sequence[str] | None = None) -> np.ndarray:
    """(F, k, k) float64 from an array or a list of kernels, all the same size."""
    items = _kernel_items(kernels)
    if not 1 <= len(items) <= MAX_FILTERS:
        raise InputError(f"choose 1 to {MAX_FILTERS} kernels, got {len(items)}",
                         "kernels_count", value=len(items), high=MAX_FILTERS)
    names = labels or [f"kernel {i}" for i in range(1, len(items) + 1)]
    checked = []
    for name, item in zip(names, items, strict=True):
        try:
            checked.append(check_kernel(item))
        except ValueError as exc:  # keep the kernel's own rule, and say which kernel broke it
            raise InputError(f"{name}: {exc}", getattr(exc, "key", None),
                             **{**getattr(exc, "values", {}), "label": name}) from None
    sizes = [k.shape[0] for k in checked]
    if len(set(sizes)) > 1:
        listed = ", ".join(f"{n} is {s}x{s}" for n, s in zip(names, sizes, strict=True))
        other = next(i for i, s in enumerate(sizes) if s != sizes[0])
        raise InputError(
            f"all kernels must have the same size so their feature maps share one shape; "
            f"{listed}",
            "kernels_size_mismatch", first=names[0], first_size=(sizes[0], sizes[0]),
            other=names[other], other_size=(sizes[other], sizes[other]),
        )
    return np.stack(checked)  # (F, k, k)


def output_size(n: int, k: int, stride: int, padding: int) -> int:
    """Length of a convolution's output along one axis: ⌊(n + 2·padding − k) / stride⌋ + 1.

    Args:
        n: input height or width (>= 1); k: kernel size (>= 1); stride >= 1; padding >= 0.

    Returns:
        The output length (>= 1).

    Raises:
        ValueError: a non-integer or out-of-range argument, or a kernel larger than the
            padded input (n + 2·padding < k), which torch's conv2d also rejects.
    """
    n = check_int("the input size", n, 1, 10**9)
    k = check_int("the kernel size", k, 1, 10**9)
    stride = check_int("stride", stride, 1, 10**9)
    padding = check_int("padding", padding, 0, 10**9)
    if n + 2 * padding < k:
        raise InputError(
            f"the {k}x{k} kernel does not fit: input size {n} + 2·padding {padding} = "
            f"{n + 2 * padding} is smaller than the kernel size {k}",
            "conv_kernel_too_big", kernel=k, size=n, padding=padding, padded=n + 2 * padding,
        )
    return (n + 2 * padding - k) // stride + 1


def _check_conv(shape: tuple[int, int], k: int, stride, padding) -> tuple[int, int]:
    """Check stride/padding for a (H, W) input and a k x k kernel; return (stride, padding)."""
    stride = check_int("stride", stride, 1, MAX_STRIDE)
    padding = check_int("padding", padding, 0, k, where=f" (at most the kernel size {k})")
    for axis, n in zip(("height", "width"), shape, strict=True):
        if n + 2 * padding < k:
            raise InputError(
                f"the {k}x{k} kernel does not fit the padded image: {axis} {n} + 2·{padding} "
                f"= {n + 2 * padding} < {k}; add padding or use a smaller kernel",
                "conv_kernel_too_big_height" if axis == "height" else "conv_kernel_too_big_width",
                kernel=k, size=int(n), padding=padding, padded=int(n) + 2 * padding,
            )
    return stride, padding


# ------------------------------------------------------------------------ convolution


_BLOCK = 4_000_000  # window values copied per tensordot call (~32 MB of float64)


def _correlate(x: np.ndarray, w: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Checked (C, H, W) input and (F, k, k) kernels -> (F*C, H1, W1), filter-major."""
    (c, h, wd), (f, k, _) = x.shape, w.shape
    h1, w1 = (output_size(n, k, stride, padding) for n in (h, wd))
    x = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))  # (C, H+2p, W+2p)
    windows = sliding_window_view(x, (k, k), axis=(1, 2))[:, ::stride, ::stride]
    windows = windows[:, :h1, :w1]  # (C, H1, W1, k, k), a view
    out = np.empty((f, c, h1, w1))
    # tensordot copies the windows it multiplies, so go in blocks of rows to bound memory
    rows = max(1, _BLOCK // (c * w1 * k * k))
    for r in range(0, h1, rows):
        block = windows[:, r : r + rows]  # (C, rows, W1, k, k)
        out[:, :, r : r + rows] = np.tensordot(w, block, axes=([1, 2], [3, 4]))
    return out.reshape(f * c, h1, w1)  # map m = filter f * C + channel c


def convolve(image, kernels, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlate every channel with every kernel, zero padding, no bias.

    Args:
        image: (C, H, W) finite floats, 1 <= H, W <= MAX_SIDE.
        kernels: (F, k, k) array, one (k, k) kernel (array or rows of numbers), or a list
            of F same-size kernels; k odd,
            1..MAX_KERNEL; 1 <= F <= MAX_FILTERS.
        stride: 1..MAX_STRIDE, the step between windows (both axes).
        padding: 0..k rows/columns of zeros added on every side.

    Returns:
        (F*C, H1, W1) float64, filter-major (map f*C + c is kernel f on channel c), with
        H1 = ⌊(H + 2·padding − k) / stride⌋ + 1 and W1 likewise.

    Raises:
        ValueError: a bad image, kernel, stride or padding, or a kernel larger than the
            padded image.
    """
    x = _check_stack(image)
    w = _check_kernels(kernels)
    stride, padding = _check_conv(x.shape[1:], w.shape[1], stride, padding)
    return _correlate(x, w, stride, padding)


def max_pool_2x2(maps: np.ndarray) -> np.ndarray:
    """2x2 max pooling with stride 2; an odd last row/column is dropped (floor), as in torch.

    Args:
        maps: (M, H, W) with H, W >= 2.

    Returns:
        (M, H // 2, W // 2).
    """
    m, h, w = maps.shape
    h2, w2 = h // POOL, w // POOL
    blocks = maps[:, : h2 * POOL, : w2 * POOL].reshape(m, h2, POOL, w2, POOL)
    return blocks.max(axis=(2, 4))  # (M, H2, W2)


# ------------------------------------------------------------------------ walk-through


@dataclass(frozen=True)
class Walkthrough:
    """Every stage of conv -> ReLU -> 2x2 max pool, for the Layers page. Arrays are read-only."""

    image: np.ndarray  # (C, H, W) float64: the input actually convolved (C=1 gray, or 3)
    kernels: np.ndarray  # (F, k, k) float64, the checked kernels
    names: tuple[str, ...]  # one label per feature map: "Sobel x", or "Sobel x · R"
    conv: np.ndarray  # (M, H1, W1) after convolution; M = F*C, filter-major
    relu: np.ndarray  # (M, H1, W1) ReLU(x) = max(0, x): negatives become 0, the rest stay
    pooled: np.ndarray  # (M, H2, W2) after 2x2 max pooling, stride 2; H2 = ⌊H1 / 2⌋
    stride: int
    padding: int
    formula: str  # conv output size, numbers substituted: one line if H == W, else two
    shapes: tuple[tuple[str, tuple[int, ...]], ...]  # (stage, shape) from input to pool


def _formula(h: int, w: int, k: int, stride: int, padding: int) -> str:
    def filled(n: int) -> str:
        out = output_size(n, k, stride, padding)
        return f"⌊({n} + 2·{padding} − {k}) / {stride}⌋ + 1 = {out}"

    if h == w:
        return f"H1 = W1 = ⌊(H + 2·p − k) / s⌋ + 1 = {filled(h)}"
    return (f"H1 = ⌊(H + 2·p − k) / s⌋ + 1 = {filled(h)}\n"
            f"W1 = ⌊(W + 2·p − k) / s⌋ + 1 = {filled(w)}")


def _channels_first(image: np.ndarray, mode: str) -> np.ndarray:
    """A checked (H, W) / (H, W, 3) image as the (C, H, W) stack that gets convolved."""
    if image.ndim == 2:
        return image[None]  # (1, H, W)
    if mode == "gray":
        return _luma(image)[None]  # (1, H, W)
    return image.transpose(2, 0, 1).copy()  # (3, H, W)


def _map_names(names: Sequence[str], channels: int) -> tuple[str, ...]:
    if channels == 1:
        return tuple(names)
    return tuple(f"{n} · {c}" for n in names for c in CHANNELS)  # filter-major


def _check_names(names, count: int) -> list[str]:
    if names is None:
        return [f"Kernel {i}" for i in range(1, count + 1)]
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise InputError(f"names must be a list of strings, got {names!r}",
                         "kernel_names_not_strings", value=repr(names))
    if len(names) != count:
        raise InputError(f"need one name per kernel: {count} kernels, {len(names)} names",
                         "kernel_names_count", kernels=count, names=len(names))
    return list(names)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def conv_relu_pool(
    image,
    kernels,
    names: Sequence[str] | None = None,
    *,
    stride: int = 1,
    padding: int = 0,
    mode: str = "gray",
) -> Walkthrough:
    """Convolve an image with a few kernels, apply ReLU, then 2x2 max pooling (stride 2).

    Args:
        image: (H, W) gray or (H, W, 3) RGB float in [0, 1], 1 <= H, W <= MAX_SIDE.
        kernels: (F, k, k) array, a list of F same-size (k, k) kernels (see `check_kernel`),
            or one kernel (a (k, k) array or rows of numbers).
        names: one label per kernel (e.g. preset titles); None -> "Kernel 1", ...
        stride: 1..MAX_STRIDE.
        padding: 0..k zeros on every side.
        mode: "gray" converts RGB to luma (C=1); "per_channel" convolves R, G and B
            separately (C=3, F*3 maps, filter-major). A gray image has C=1 in either mode.

    Returns:
        A read-only Walkthrough.

    Raises:
        ValueError: a bad image, kernel, name list, stride, padding or mode; a kernel larger
            than the padded image; a convolution output smaller than 2x2 (nothing to pool).
    """
    if mode not in MODES:
        raise InputError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", "choice",
                         name="mode", value=mode, choices=MODES)
    img = check_float_image(image)
    items = _kernel_items(kernels)
    labels = _check_names(names, len(items))
    w = _check_kernels(items, labels)  # (F, k, k)
    x = _channels_first(img, mode)  # (C, H, W)
    (c, h, wd), k = x.shape, w.shape[1]
    stride, padding = _check_conv((h, wd), k, stride, padding)
    h1, w1 = output_size(h, k, stride, padding), output_size(wd, k, stride, padding)
    if h1 < POOL or w1 < POOL:
        raise InputError(
            f"the feature map after convolution is {h1}x{w1}, too small for 2x2 max pooling "
            f"(it needs at least 2x2): use a smaller stride, more padding or a bigger image",
            "conv_map_too_small_for_pool", value=(int(h1), int(w1)),
        )
    conv = _correlate(x, w, stride, padding)  # (M, H1, W1)
    relu = np.maximum(conv, 0.0)  # ReLU passes x through for x > 0 (not 1, as the notes say)
    pooled = max_pool_2x2(relu)  # (M, H1 // 2, W1 // 2)
    return Walkthrough(
        image=_frozen(x),
        kernels=_frozen(w),
        names=_map_names(labels, c),
        conv=_frozen(conv),
        relu=_frozen(relu),
        pooled=_frozen(pooled),
        stride=stride,
        padding=padding,
        formula=_formula(h, wd, k, stride, padding),
        shapes=(
            ("input", x.shape),
            ("conv", conv.shape),
            ("relu", relu.shape),
            ("max pool 2x2", pooled.shape),
        ),
    )
