"""Convolution walk-through: our numpy conv/ReLU/pool against torch as the oracle."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import event, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.teach.filters import (
    MAX_FILTERS,
    MAX_KERNEL,
    MAX_SIDE,
    MAX_STRIDE,
    Walkthrough,
    check_float_image,
    check_kernel,
    conv_relu_pool,
    convolve,
    max_pool_2x2,
    output_size,
    to_gray,
)
from core.teach.kernels import DEFAULT_FILTER_BANK, KERNELS

REPO = Path(__file__).resolve().parents[2]
PROPERTY = settings(max_examples=300, deadline=None)
SOBEL_X = KERNELS["sobel_x"].weights


# --------------------------------------------------------------------- oracle


def torch_convolve(image: np.ndarray, kernels: np.ndarray, stride: int, padding: int):
    """Each kernel on each channel via conv2d; raises what torch raises."""
    x = torch.from_numpy(image)[:, None]  # (C, 1, H, W): every channel its own batch item
    w = torch.from_numpy(kernels)[:, None]  # (F, 1, k, k)
    y = F.conv2d(x, w, stride=stride, padding=padding)  # (C, F, H1, W1)
    return y.transpose(0, 1).reshape(-1, *y.shape[2:]).numpy()  # (F*C, H1, W1), filter-major


def step_image(n: int = 5) -> np.ndarray:
    """(n, n): columns left of n // 2 are 0, the rest 1 (a dark-to-bright vertical edge)."""
    img = np.zeros((n, n))
    img[:, n // 2 :] = 1
    return img


# --------------------------------------------------------------------- property vs torch


@st.composite
def conv_cases(draw):
    c, h, w = draw(st.integers(1, 3)), draw(st.integers(1, 20)), draw(st.integers(1, 20))
    f, k = draw(st.integers(1, 4)), draw(st.sampled_from([1, 3, 5]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    image = rng.standard_normal((c, h, w))
    if draw(st.booleans()):  # small integers: ties and exact sums
        kernels = rng.integers(-2, 3, size=(f, k, k)).astype(np.float64)
    else:
        kernels = rng.standard_normal((f, k, k))
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, k // 2 + 1))
    return image, kernels, stride, padding


@PROPERTY
@given(conv_cases())
def test_convolve_equals_torch_and_rejects_what_torch_rejects(case):
    image, kernels, stride, padding = case
    try:
        expected = torch_convolve(image, kernels, stride, padding)
    except RuntimeError:
        event("torch rejects")
        with pytest.raises(ValueError, match="does not fit"):
            convolve(image, kernels, stride=stride, padding=padding)
        return
    event("torch accepts")
    got = convolve(image, kernels, stride=stride, padding=padding)
    assert got.shape == expected.shape
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@PROPERTY
@given(
    st.integers(1, 40), st.integers(1, 7), st.integers(1, 8), st.integers(0, 7)
)
def test_output_size_matches_torch(n, k, stride, padding):
    x = torch.zeros(1, 1, n, 1, dtype=torch.float64)
    try:
        expected = F.conv2d(x, torch.zeros(1, 1, k, 1, dtype=torch.float64),
                            stride=(stride, 1), padding=(padding, 0)).shape[2]
    except RuntimeError:
        with pytest.raises(ValueError, match="smaller than the kernel size"):
            output_size(n, k, stride, padding)
        return
    assert output_size(n, k, stride, padding) == expected


def test_convolve_does_not_touch_its_inputs_and_accepts_a_single_kernel():
    image, kernel = np.arange(12.0).reshape(1, 3, 4), SOBEL_X.copy()
    before = image.copy()
    out = convolve(image, kernel, padding=1)  # one (k, k) kernel = F of 1
    assert out.shape == (1, 3, 4)
    np.testing.assert_array_equal(image, before)
    np.testing.assert_array_equal(out, convolve(image, [kernel], padding=1))
    rows = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # one kernel typed as rows, not 3 kernels
    np.testing.assert_array_equal(out, convolve(image, rows, padding=1))


# --------------------------------------------------------------------- walk-through vs torch


@pytest.mark.parametrize(
    ("shape", "mode", "stride", "padding", "keys"),
    [
        ((9, 7), "gray", 1, 1, DEFAULT_FILTER_BANK),
        ((9, 7, 3), "gray", 2, 2, ("emboss", "box_blur")),
        ((11, 10, 3), "per_channel", 1, 0, ("sobel_x", "sharpen")),
        ((13, 12, 3), "per_channel", 3, 2, ("gaussian_blur_5",)),
        ((8, 8), "per_channel", 1, 1, ("laplacian", "outline", "identity")),
    ],
)
def test_walkthrough_stages_equal_torch(shape, mode, stride, padding, keys):
    image = np.random.default_rng(7).random(shape)
    kernels = [KERNELS[key].weights for key in keys]
    wt = conv_relu_pool(image, kernels, [KERNELS[key].title for key in keys],
                        stride=stride, padding=padding, mode=mode)
    gray_in = len(shape) == 2 or mode == "gray"
    c = 1 if gray_in else 3
    expected_input = to_gray(image)[None] if gray_in else image.transpose(2, 0, 1)
    np.testing.assert_array_equal(wt.image, expected_input)
    conv = torch_convolve(expected_input, np.stack(kernels), stride, padding)
    np.testing.assert_allclose(wt.conv, conv, rtol=1e-10, atol=1e-12)
    relu = F.relu(torch.from_numpy(wt.conv.copy()))  # torch wants a writable array
    np.testing.assert_array_equal(wt.relu, relu.numpy())
    np.testing.assert_array_equal(wt.pooled, F.max_pool2d(relu, 2, 2).numpy())  # floor
    m, h1, w1 = len(keys) * c, *conv.shape[1:]
    h, w = shape[:2]
    assert wt.shapes == (
        ("input", (c, h, w)),
        ("conv", (m, h1, w1)),
        ("relu", (m, h1, w1)),
        ("max pool 2x2", (m, h1 // 2, w1 // 2)),
    )
    assert len(wt.names) == m and (wt.stride, wt.padding) == (stride, padding)
    np.testing.assert_array_equal(wt.kernels, np.stack(kernels))


def test_relu_keeps_positive_values_not_ones():
    # the course notes say ReLU outputs 1 for x > 0; it outputs x
    wt = conv_relu_pool(step_image(), [SOBEL_X], ["Sobel x"], padding=1)
    assert wt.conv.max() == 4 and wt.relu.max() == 4 and wt.relu.min() == 0
    np.testing.assert_array_equal(wt.relu, np.where(wt.conv > 0, wt.conv, 0))


def test_per_channel_is_filter_major_with_names():
    image = np.random.default_rng(3).random((6, 6, 3))
    keys = ("sobel_x", "sobel_y")
    wt = conv_relu_pool(image, [KERNELS[k].weights for k in keys], ["Sobel x", "Sobel y"],
                        padding=1, mode="per_channel")
    assert wt.names == ("Sobel x · R", "Sobel x · G", "Sobel x · B",
                        "Sobel y · R", "Sobel y · G", "Sobel y · B")
    for f, key in enumerate(keys):
        for c in range(3):
            one = convolve(image[None, :, :, c], KERNELS[key].weights, padding=1)[0]
            np.testing.assert_allclose(wt.conv[f * 3 + c], one, rtol=1e-14, atol=1e-15)


def test_gray_image_has_one_channel_in_per_channel_mode():
    wt = conv_relu_pool(np.full((4, 4), 0.5), [SOBEL_X], ["Sobel x"], mode="per_channel")
    assert wt.image.shape == (1, 4, 4) and wt.names == ("Sobel x",)


def test_formula_substitutes_the_numbers():
    square = conv_relu_pool(np.zeros((28, 28)), [SOBEL_X], ["Sobel x"], padding=1)
    expected = "H1 = W1 = ⌊(H + 2·p − k) / s⌋ + 1 = ⌊(28 + 2·1 − 3) / 1⌋ + 1 = 28"
    assert square.formula == expected
    oblong = conv_relu_pool(np.zeros((28, 31)), [KERNELS["gaussian_blur_5"].weights], ["G"],
                            stride=2)
    assert oblong.formula.splitlines() == [
        "H1 = ⌊(H + 2·p − k) / s⌋ + 1 = ⌊(28 + 2·0 − 5) / 2⌋ + 1 = 12",
        "W1 = ⌊(W + 2·p − k) / s⌋ + 1 = ⌊(31 + 2·0 − 5) / 2⌋ + 1 = 14",
    ]
    assert oblong.conv.shape == (1, 12, 14)


def test_walkthrough_arrays_are_read_only_and_inputs_untouched():
    image = np.random.default_rng(1).random((6, 6, 3))
    before = image.copy()
    wt = conv_relu_pool(image, [SOBEL_X], ["Sobel x"], mode="per_channel")
    np.testing.assert_array_equal(image, before)
    for name in ("image", "kernels", "conv", "relu", "pooled"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(wt, name)[(0,) * getattr(wt, name).ndim] = 1
    assert isinstance(wt, Walkthrough)


def test_default_names_and_max_pool_helper():
    wt = conv_relu_pool(np.zeros((5, 5)), np.stack([SOBEL_X, SOBEL_X.T]), padding=1)
    assert wt.names == ("Kernel 1", "Kernel 2")
    maps = np.arange(2 * 5 * 7, dtype=np.float64).reshape(2, 5, 7)
    expected = F.max_pool2d(torch.from_numpy(maps), 2, 2).numpy()
    np.testing.assert_array_equal(max_pool_2x2(maps), expected)


def test_512_rgb_per_channel_is_fast():
    image = np.random.default_rng(0).random((512, 512, 3))
    kernels = [KERNELS[k].weights for k in DEFAULT_FILTER_BANK]
    conv_relu_pool(image, kernels, list(DEFAULT_FILTER_BANK), padding=1, mode="per_channel")
    start = time.perf_counter()
    conv_relu_pool(image, kernels, list(DEFAULT_FILTER_BANK), padding=1, mode="per_channel")
    assert time.perf_counter() - start < 1.0  # ~0.07 s on a laptop; loose for busy CI


# --------------------------------------------------------------------- gray conversion


def test_to_gray_matches_pillow_luma():
    rgb = np.random.default_rng(5).integers(0, 256, size=(17, 13, 3), dtype=np.uint8)
    rgb[0, :3] = [[255, 255, 255], [0, 0, 0], [255, 0, 0]]
    pil = np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.float64)
    ours = to_gray(rgb / 255) * 255
    # Pillow rounds a fixed-point version of the same weights to whole levels
    np.testing.assert_allclose(ours, pil, atol=0.502)
    assert ours[0, 0] == pytest.approx(255) and ours[0, 1] == 0
    assert ours[0, 2] == pytest.approx(0.299 * 255)


def test_to_gray_keeps_gray_images_and_reads_h_w_1():
    gray = np.random.default_rng(2).random((4, 5))
    np.testing.assert_array_equal(to_gray(gray), gray)
    np.testing.assert_array_equal(to_gray(gray[:, :, None]), gray)
    assert to_gray(gray) is not gray


@pytest.mark.parametrize(
    ("image", "match"),
    [
        (np.zeros((3, 8, 8)), r"channels last, got shape \(3, 8, 8\)"),
        (np.zeros((8, 8, 4)), r"\(H, W, 3\) RGB"),
        (np.zeros(8), "got shape"),
        (np.full((4, 4), 255.0), r"\[0, 1\], got 255..255 \(an 8-bit image: divide it by 255\)"),
        (np.full((4, 4), -0.5), r"\[0, 1\], got -0.5"),
        (np.array([[0.1, np.nan]]), "finite, got nan at index"),
        (np.zeros((MAX_SIDE + 1, 4)), f"{MAX_SIDE + 1}x4; height and width must be 1..{MAX_SIDE}"),
        (np.zeros((0, 4)), "0x4"),
        (np.array([["a", "b"]]), "real numbers"),
    ],
)
def test_bad_images_are_rejected(image, match):
    with pytest.raises(ValueError, match=match):
        check_float_image(image)
    with pytest.raises(ValueError, match=match):
        conv_relu_pool(image, [SOBEL_X], ["Sobel x"], padding=1)


# --------------------------------------------------------------------- hand-checked values


def test_identity_returns_the_image():
    image = np.random.default_rng(4).random((2, 6, 5))
    out = convolve(image, KERNELS["identity"].weights, padding=1)
    np.testing.assert_array_equal(out, image)
    np.testing.assert_array_equal(convolve(image, [[2.0]]), 2 * image)  # a 1x1 kernel scales


def test_sobel_x_on_a_vertical_step_edge():
    # columns 0-1 are 0, columns 2-4 are 1; a window centred on column 1 or 2 sees
    # (right − left) = 1 in each row, weighted 1 + 2 + 1 = 4; on column 3 it sees 1 − 1 = 0
    out = convolve(step_image()[None], SOBEL_X)
    np.testing.assert_array_equal(out[0], [[4, 4, 0], [4, 4, 0], [4, 4, 0]])
    # the same edge from bright to dark gives −4: the sign tells the direction
    np.testing.assert_array_equal(convolve(1 - step_image()[None], SOBEL_X)[0], -out[0])
    # Sobel y sees the transposed (horizontal) edge the same way, and none of this one
    horizontal = convolve(step_image().T[None], KERNELS["sobel_y"].weights)[0]
    np.testing.assert_array_equal(horizontal, out[0].T)
    np.testing.assert_array_equal(convolve(step_image()[None], KERNELS["sobel_y"].weights), 0)


def test_sobel_x_with_padding_sees_the_zero_border():
    out = convolve(step_image()[None], SOBEL_X, padding=1)[0]  # (5, 5)
    # top row, column 1: only rows 0-1 are in the image -> weights 2 + 1 = 3
    np.testing.assert_array_equal(out[0], [0, 3, 3, 0, -3])
    np.testing.assert_array_equal(out[2], [0, 4, 4, 0, -4])  # the right border reads as dark


def test_box_blur_of_a_constant():
    c = 0.6
    out = convolve(np.full((1, 4, 4), c), KERNELS["box_blur"].weights, padding=1)[0]
    expected = c / 9 * np.array([[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]])
    np.testing.assert_allclose(out, expected, rtol=1e-15)
    np.testing.assert_allclose(out[1:3, 1:3], c, rtol=1e-15)  # interior keeps the constant


def test_high_pass_kernels_ignore_flat_areas():
    flat = np.full((1, 5, 5), 0.3)
    for key in ("laplacian", "outline", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y"):
        np.testing.assert_allclose(convolve(flat, KERNELS[key].weights), 0, atol=1e-15)
    for key in ("sharpen", "box_blur", "gaussian_blur", "gaussian_blur_5", "identity"):
        np.testing.assert_allclose(convolve(flat, KERNELS[key].weights), 0.3, rtol=1e-14)


# --------------------------------------------------------------------- presets


def test_preset_values():
    w = {key: p.weights for key, p in KERNELS.items()}
    np.testing.assert_array_equal(w["sobel_x"], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(w["sobel_x"][:, ::-1], -w["sobel_x"])  # antisymmetric
    np.testing.assert_array_equal(w["sobel_y"], w["sobel_x"].T)
    np.testing.assert_array_equal(w["prewitt_y"], w["prewitt_x"].T)
    np.testing.assert_array_equal(w["laplacian"], [[0, -1, 0], [-1, 4, -1], [0, -1, 0]])
    np.testing.assert_array_equal(w["outline"], 9 * (w["identity"]) - 1)
    np.testing.assert_array_equal(w["sharpen"], w["identity"] + w["laplacian"])
    np.testing.assert_array_equal(w["emboss"], [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    np.testing.assert_array_equal(w["box_blur"], np.full((3, 3), 1 / 9))
    np.testing.assert_array_equal(w["gaussian_blur"] * 16, [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    assert w["gaussian_blur_5"].shape == (5, 5)
    assert w["gaussian_blur_5"][2, 2] == 36 / 256 and w["gaussian_blur_5"][0, 0] == 1 / 256
    np.testing.assert_array_equal(w["gaussian_blur_5"], w["gaussian_blur_5"].T)
    for key in ("gaussian_blur", "gaussian_blur_5", "sharpen", "identity"):
        assert w[key].sum() == 1, key  # dyadic fractions: exact
    assert w["box_blur"].sum() == pytest.approx(1, rel=1e-15)
    for key in ("laplacian", "outline", "sobel_x", "sobel_y", "prewitt_x", "prewitt_y"):
        assert w[key].sum() == 0, key


def test_every_preset_is_well_formed_and_read_only():
    assert set(DEFAULT_FILTER_BANK) <= set(KERNELS)
    for key, preset in KERNELS.items():
        assert preset.key == key and preset.title and 20 < len(preset.description) < 250
        k = preset.weights.shape[0]
        assert preset.weights.shape == (k, k) and k % 2 == 1 and k <= MAX_KERNEL
        assert preset.weights.dtype == np.float64
        with pytest.raises(ValueError, match="read-only"):
            preset.weights[0, 0] = 5
        np.testing.assert_array_equal(check_kernel(preset.weights), preset.weights)


# --------------------------------------------------------------------- input checks


def test_check_kernel_copies_a_list_or_grid():
    out = check_kernel([[1, 2, 3], ["4", 5, 6.5], [7, 8, 9]])
    assert out.dtype == np.float64 and out[1, 0] == 4 and out[1, 2] == 6.5
    weights = np.eye(3)
    copy = check_kernel(weights)
    copy[0, 0] = 9
    assert weights[0, 0] == 1


@pytest.mark.parametrize(
    ("kernel", "match"),
    [
        ([[1, 2, 3], [4, 5], [7, 8, 9]], "row 2 has 2 values, row 1 has 3"),
        ([[1, 2, 3], [4, float("nan"), 6], [7, 8, 9]], "row 2, column 2 is nan"),
        ([[1, 2, 3], [4, 5, 6], [7, 8, "x"]], "row 3, column 3: 'x' is not a number"),
        ([[1, 2, 3], [4, 5, None], [7, 8, 9]], "row 2, column 3 is empty"),
        ([[1, 2, 3], [4, 5, 6], [7, 8, np.inf]], "row 3, column 3 is inf"),
        (np.ones((4, 4)), "the kernel is 4x4; a kernel must be square with an odd size"),
        (np.ones((3, 5)), "the kernel is 3x5"),
        (np.ones((9, 9)), "the kernel has 9 rows"),
        ([[1] * 3] * 40, "the kernel has 40 rows"),
        ([1, 2, 3], "2-D"),
        ("1 2 3", "got text"),
    ],
)
def test_check_kernel_rejects(kernel, match):
    with pytest.raises(ValueError, match=match):
        check_kernel(kernel)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stride": 0}, "stride must be an integer in 1..8, got 0"),
        ({"stride": MAX_STRIDE + 1}, "stride must be an integer in 1..8, got 9"),
        ({"stride": 1.5}, "stride must be an integer in 1..8, got 1.5"),
        ({"stride": True}, "stride must be an integer in 1..8, got True"),
        ({"padding": -1},
         r"padding must be an integer in 0..3 \(at most the kernel size 3\), got -1"),
        ({"padding": 4},
         r"padding must be an integer in 0..3 \(at most the kernel size 3\), got 4"),
        ({"mode": "rgb"}, "unknown mode 'rgb'; choose one of gray, per_channel"),
    ],
)
def test_bad_settings_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        conv_relu_pool(np.zeros((8, 8)), [SOBEL_X], ["Sobel x"], **kwargs)


def test_kernel_larger_than_the_padded_image():
    msg = r"the 5x5 kernel does not fit the padded image: height 3 \+ 2·0 = 3 < 5"
    with pytest.raises(ValueError, match=msg):
        conv_relu_pool(np.zeros((3, 8)), [KERNELS["gaussian_blur_5"].weights], ["G"])
    with pytest.raises(ValueError, match="width 2"):
        convolve(np.zeros((1, 9, 2)), np.ones((1, 7, 7)), padding=2)


def test_output_too_small_to_pool():
    with pytest.raises(ValueError, match="is 1x2, too small for 2x2 max pooling"):
        conv_relu_pool(np.zeros((3, 4)), [SOBEL_X], ["Sobel x"])
    with pytest.raises(ValueError, match="is 1x1"):
        conv_relu_pool(np.zeros((8, 8)), [SOBEL_X], ["Sobel x"], stride=8)
    assert conv_relu_pool(np.zeros((4, 4)), [SOBEL_X], ["Sobel x"]).pooled.shape == (1, 1, 1)


@pytest.mark.parametrize(
    ("kernels", "names", "match"),
    [
        ([SOBEL_X, KERNELS["gaussian_blur_5"].weights], ["Sobel x", "Blur"],
         "same size .*Sobel x is 3x3, Blur is 5x5"),
        ([SOBEL_X, [[1, 2, 3], [4, np.nan, 6], [7, 8, 9]]], ["Sobel x", "Mine"],
         "Mine: row 2, column 2 is nan"),
        ([SOBEL_X], ["Sobel x", "extra"], "1 kernels, 2 names"),
        ([SOBEL_X], "Sobel x", "names must be a list of strings"),
        ([], [], f"choose 1 to {MAX_FILTERS} kernels, got 0"),
        ([SOBEL_X] * (MAX_FILTERS + 1), None,
         f"choose 1 to {MAX_FILTERS} kernels, got {MAX_FILTERS + 1}"),
        ("sobel_x", None, "kernels must be an array or a list"),
        (np.ones((1, 1, 3, 3)), None, r"got shape \(1, 1, 3, 3\)"),
    ],
)
def test_bad_kernel_lists_are_rejected(kernels, names, match):
    with pytest.raises(ValueError, match=match):
        conv_relu_pool(np.zeros((8, 8)), kernels, names, padding=1)


def test_convolve_checks_its_image():
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        convolve(np.zeros((4, 4)), SOBEL_X)
    with pytest.raises(ValueError, match="finite"):
        convolve(np.full((1, 4, 4), np.inf), SOBEL_X)


def test_output_size_rejects_bad_arguments():
    assert output_size(28, 3, 1, 1) == 28 and output_size(28, 5, 2, 0) == 12
    with pytest.raises(ValueError, match="stride must be"):
        output_size(28, 3, 0, 1)
    with pytest.raises(ValueError, match="padding must be"):
        output_size(28, 3, 1, -1)


def test_importing_filters_does_not_import_torch():
    code = "import sys, core.teach.filters; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
