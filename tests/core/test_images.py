"""core.data.images: every odd input either decodes to exact 8-bit pixels or raises ImageError."""

from __future__ import annotations

import io
import struct
import warnings
import zlib

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.data.images import ImageError, decode_image, to_8bit, to_tensor


def encode(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def pixels(img: Image.Image) -> np.ndarray:
    return np.array(img)  # a writable copy


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature + IHDR (8-bit RGB) + IEND and no pixel data at all."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


RNG = np.random.default_rng(0)
RGB_ARRAY = RNG.integers(0, 256, size=(6, 5, 3), dtype=np.uint8)  # (H, W, 3)


# --- formats that round-trip exactly -------------------------------------------------------


@pytest.mark.parametrize("fmt, kwargs", [("PNG", {}), ("BMP", {}), ("WEBP", {"lossless": True})])
def test_lossless_rgb_round_trip(fmt, kwargs):
    img = decode_image(encode(Image.fromarray(RGB_ARRAY), fmt, **kwargs))
    assert img.mode == "RGB"
    np.testing.assert_array_equal(pixels(img), RGB_ARRAY)


def test_grayscale_png_stays_l():
    gray = RGB_ARRAY[..., 0]
    img = decode_image(encode(Image.fromarray(gray, mode="L"), "PNG"))
    assert img.mode == "L"
    np.testing.assert_array_equal(pixels(img), gray)


def test_bilevel_image_becomes_l_0_255():
    bits = Image.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8)).convert("1")
    img = decode_image(encode(bits, "PNG"))
    assert img.mode == "L"
    np.testing.assert_array_equal(pixels(img), [[0, 255], [255, 0]])


# --- odd modes ----------------------------------------------------------------------------


def test_sixteen_bit_png_is_scaled_by_bit_depth():
    values = np.array([[0, 257, 32768, 65535]], dtype=np.uint16)
    source = Image.fromarray(values)
    assert source.mode == "I;16"
    img = decode_image(encode(source, "PNG"))
    assert img.mode == "L"
    # x * 255 / 65535 rounded: 257 -> 1, 32768 -> 127.5... -> 128, the maximum -> 255.
    np.testing.assert_array_equal(pixels(img), [[0, 1, 128, 255]])


def test_rgba_transparency_is_composited_on_white():
    rgba = np.array([[[255, 0, 0, 255], [0, 0, 255, 0], [0, 0, 0, 128]]], dtype=np.uint8)
    img = decode_image(encode(Image.fromarray(rgba, mode="RGBA"), "PNG"))
    assert img.mode == "RGB"
    out = pixels(img).astype(int)
    assert out[0, 0].tolist() == [255, 0, 0]  # opaque: unchanged
    assert out[0, 1].tolist() == [255, 255, 255]  # fully transparent: white, not blue
    expected_half = 255 * (255 - 128) / 255  # black at alpha 128 over white
    assert np.abs(out[0, 2] - expected_half).max() <= 1


def test_la_transparency_is_composited_on_white_and_stays_gray():
    la = np.array([[[10, 255], [10, 0]]], dtype=np.uint8)
    img = decode_image(encode(Image.fromarray(la, mode="LA"), "PNG"))
    assert img.mode == "L"
    np.testing.assert_array_equal(pixels(img), [[10, 255]])


def test_palette_png_with_transparent_index_becomes_white():
    palette_img = Image.new("P", (2, 1))
    palette_img.putpalette([255, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 6))
    palette_img.putdata([0, 1])
    data = encode(palette_img, "PNG", transparency=1)
    img = decode_image(data)
    assert img.mode == "RGB"
    assert pixels(img).tolist() == [[[255, 0, 0], [255, 255, 255]]]


def test_rgb_png_with_transparent_colour_key_becomes_white():
    img = Image.fromarray(np.array([[[0, 0, 0], [9, 9, 9]]], dtype=np.uint8))
    decoded = decode_image(encode(img, "PNG", transparency=(0, 0, 0)))
    assert decoded.mode == "RGB"
    assert pixels(decoded).tolist() == [[[255, 255, 255], [9, 9, 9]]]


def test_animated_gif_uses_first_frame():
    red = Image.new("RGB", (4, 4), (255, 0, 0))
    blue = Image.new("RGB", (4, 4), (0, 0, 255))
    data = encode(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    img = decode_image(data)
    assert img.mode == "RGB"
    assert (pixels(img) == [255, 0, 0]).all()


def test_cmyk_jpeg_becomes_rgb():
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # no cyan, full magenta+yellow = red
    img = decode_image(encode(cmyk, "JPEG", quality=95))
    assert img.mode == "RGB"
    mean = pixels(img).reshape(-1, 3).mean(axis=0)
    np.testing.assert_allclose(mean, [255, 0, 0], atol=4)


def test_jpeg_exif_orientation_6_is_applied():
    # Stored 32 wide x 16 tall, left half black; orientation 6 = rotate 90 degrees clockwise
    # to display, so the shown image is 16 wide x 32 tall with the black half on top.
    stored = np.zeros((16, 32), dtype=np.uint8)
    stored[:, 16:] = 255
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(Image.fromarray(stored, mode="L"), "JPEG", quality=95, exif=exif.tobytes())
    img = decode_image(data)
    assert img.size == (16, 32)
    shown = pixels(img).astype(int)
    assert shown[:12].mean() < 10 and shown[20:].mean() > 245


def test_float_and_int_modes_via_to_8bit():
    unit = Image.fromarray(np.array([[0.0, 0.2, 1.0]], dtype=np.float32), mode="F")
    np.testing.assert_array_equal(pixels(to_8bit(unit)), [[0, 51, 255]])  # [0, 1] -> x * 255
    wide = Image.fromarray(np.array([[-1.0, 0.0, 4.0]], dtype=np.float32), mode="F")
    np.testing.assert_array_equal(pixels(to_8bit(wide)), [[0, 51, 255]])  # min..max stretched
    sixteen_in_i = Image.fromarray(np.array([[0, 65535]], dtype=np.int32), mode="I")
    np.testing.assert_array_equal(pixels(to_8bit(sixteen_in_i)), [[0, 255]])
    signed = Image.fromarray(np.array([[-100, 0, 155]], dtype=np.int32), mode="I")
    np.testing.assert_array_equal(pixels(to_8bit(signed)), [[0, 100, 255]])


def test_float_with_nan_is_refused():
    bad = Image.fromarray(np.array([[0.0, np.nan]], dtype=np.float32), mode="F")
    with pytest.raises(ImageError, match="NaN"):
        to_8bit(bad)


# --- refusals ------------------------------------------------------------------------------


def test_empty_bytes():
    with pytest.raises(ImageError, match="empty"):
        decode_image(b"")


def test_too_many_bytes():
    with pytest.raises(ImageError, match="MB"):
        decode_image(b"x" * 2000, max_bytes=1000)


def test_random_bytes_are_not_an_image():
    with pytest.raises(ImageError, match="not a recognised image.*PNG, JPEG, WebP, BMP or GIF"):
        decode_image(np.random.default_rng(1).bytes(500))


def test_unaccepted_format_is_refused():
    tiff = encode(Image.fromarray(RGB_ARRAY), "TIFF")
    with pytest.raises(ImageError, match="not a recognised image"):
        decode_image(tiff)


def test_truncated_png():
    data = encode(Image.fromarray(RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8)), "PNG")
    with pytest.raises(ImageError, match="truncated or corrupt") as info:
        decode_image(data[: len(data) // 2])
    assert "PNG" in str(info.value)


def test_header_claiming_100000_squared_pixels_is_refused():
    with pytest.raises(ImageError, match="too large"):
        decode_image(png_header_only(100_000, 100_000))


def test_pillow_bomb_warning_range_is_an_error_too():
    # 100 MP is above Pillow's warning threshold (~89 MP) but below its error threshold.
    header = png_header_only(10_000, 10_000)
    with (
        pytest.warns(Image.DecompressionBombWarning),
        pytest.raises(ImageError, match="10000x10000"),
    ):
        decode_image(header, max_pixels=200_000_000)  # clamped to Pillow's limit
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an app that turns warnings into errors
        with pytest.raises(ImageError, match="too large"):
            decode_image(header)


def test_pixel_limit_is_checked_from_header_before_decoding():
    # No pixel data at all: reaching load() would report "truncated"; the header check wins.
    with pytest.raises(ImageError, match=r"too large \(3000x3000 = 9,000,000 pixels\).*1,000,000"):
        decode_image(png_header_only(3000, 3000), max_pixels=1_000_000)


def test_small_image_over_a_low_pixel_limit():
    data = encode(Image.new("RGB", (100, 100)), "PNG")
    with pytest.raises(ImageError, match="100x100"):
        decode_image(data, max_pixels=5000)
    assert decode_image(data, max_pixels=10_000).size == (100, 100)


def test_image_error_is_a_value_error():
    assert issubclass(ImageError, ValueError)


VALID_PNG = encode(Image.fromarray(RGB_ARRAY), "PNG")


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(position=st.integers(0, len(VALID_PNG) - 1), value=st.integers(0, 255), cut=st.booleans())
def test_damaged_png_never_raises_a_raw_pillow_error(position, value, cut):
    data = bytearray(VALID_PNG)
    data[position] = value
    damaged = bytes(data[:position]) if cut else bytes(data)
    try:
        img = decode_image(damaged)
    except ImageError:
        return
    assert img.mode in ("L", "RGB")


# --- to_tensor -----------------------------------------------------------------------------


def test_to_tensor_rgb_keeps_pixels_in_chw_order():
    tensor = to_tensor(Image.fromarray(RGB_ARRAY), channels=3)
    assert tensor.dtype == torch.uint8 and tensor.shape == (3, 6, 5)
    assert torch.equal(tensor, torch.from_numpy(RGB_ARRAY).permute(2, 0, 1))


def test_to_tensor_rgb_to_gray_uses_pillow_luma():
    tensor = to_tensor(Image.fromarray(RGB_ARRAY), channels=1)
    expected = pixels(Image.fromarray(RGB_ARRAY).convert("L"))
    assert tensor.shape == (1, 6, 5)
    assert torch.equal(tensor[0], torch.from_numpy(expected))


def test_to_tensor_gray_to_rgb_repeats_the_channel():
    gray = RGB_ARRAY[..., 1]
    tensor = to_tensor(Image.fromarray(gray, mode="L"), channels=3)
    assert torch.equal(tensor, torch.from_numpy(gray).expand(3, -1, -1))


def test_to_tensor_resizes_to_height_width():
    img = Image.fromarray(RGB_ARRAY)
    tensor = to_tensor(img, channels=3, size=(4, 9))  # (height, width)
    expected = pixels(img.resize((9, 4), Image.Resampling.BILINEAR))
    assert tensor.shape == (3, 4, 9)
    assert torch.equal(tensor, torch.from_numpy(expected).permute(2, 0, 1))


def test_to_tensor_converts_odd_modes_first():
    rgba = Image.fromarray(np.array([[[0, 0, 255, 0]]], dtype=np.uint8), mode="RGBA")
    assert to_tensor(rgba, channels=3).flatten().tolist() == [255, 255, 255]


@pytest.mark.parametrize(
    "kwargs", [{"channels": 2}, {"channels": 3, "size": (0, 5)}, {"channels": 3, "size": (2.5, 5)}]
)
def test_to_tensor_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        to_tensor(Image.fromarray(RGB_ARRAY), **kwargs)
