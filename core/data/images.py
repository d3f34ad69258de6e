"""Safe image decoding and image -> tensor conversion.

Every image a user uploads (or a dataset folder holds) passes through `decode_image`, which
either returns a fully loaded 8-bit ``"L"`` or ``"RGB"`` PIL image or raises `ImageError`
with a message a learner can act on. No raw Pillow exception escapes.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image, ImageOps

from core.checks import InputError, plain

__all__ = [
    "ACCEPTED_FORMATS",
    "ACCEPTED_TEXT",
    "decode_image",
    "denormalize",
    "ImageError",
    "MAX_BYTES",
    "MAX_PIXELS",
    "MAX_TENSOR_SIDE",
    "prepare_input",
    "tensor_to_image",
    "to_8bit",
    "to_display",
    "to_float_array",
    "to_tensor",
]


MAX_PIXELS = 40_000_000  # width * height; a 40-megapixel photo is ~120 MB decoded as RGB
MAX_BYTES = 20 * 1024 * 1024  # encoded file size
MAX_TENSOR_SIDE = 4096  # largest height/width `to_tensor` resizes to

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF")
ACCEPTED_TEXT = "PNG, JPEG, WebP, BMP or GIF"

_WHITE = 255
_EXIF_ORIENTATION = 0x0112


class ImageError(InputError):
    """An image that cannot be used; the message says what is wrong and what is accepted."""


def decode_image(
    data: bytes, *, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES
) -> Image.Image:
    """Decode untrusted image bytes into a loaded 8-bit ``"L"`` or ``"RGB"`` image.

    Only the first frame of an animation is used. EXIF orientation is applied, transparency
    is composited on white, and 16-bit / 32-bit / float grayscale is scaled to 8 bits (see
    `to_8bit`).

    Args:
        data: the encoded file (PNG, JPEG, WebP, BMP or GIF).
        max_pixels: largest width * height accepted, checked from the header before decoding
            (never above Pillow's own ``Image.MAX_IMAGE_PIXELS`` bomb threshold).
        max_bytes: largest encoded size accepted.

    Returns:
        A fully loaded PIL image in mode ``"L"`` or ``"RGB"``, size (width, height).

    Raises:
        ImageError: empty, too large, not an accepted format, truncated or corrupt data.
    """
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels < 1:
        raise InputError(f"max_pixels must be an integer >= 1, got {max_pixels!r}", "int_min",
                         name="max_pixels", value=plain(max_pixels), low=1)
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_image expects bytes, got {type(data).__name__}")
    size = len(data)
    if size == 0:
        raise ImageError(f"The file is empty. Upload a {ACCEPTED_TEXT} image.", "image_file_empty")
    if size > max_bytes:
        raise ImageError(
            f"The file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.1f} MB. "
            "Upload a smaller image.",
            "image_file_too_large", size_mb=round(size / 1e6, 1),
            limit_mb=round(max_bytes / 1e6, 1),
        )
    img = _open(bytes(data), max_pixels)
    _check_pixels(img, max_pixels)
    _load(img)
    img = _apply_exif_orientation(img)
    return to_8bit(img)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Read the header only (Pillow opens lazily), restricted to the accepted formats."""
    try:
        return Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own check (in open) fired first, for a size far above any sane limit.
        raise _bomb_error(limit=min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)) from exc
    except Image.UnidentifiedImageError as exc:
        raise ImageError(
            f"This file is not a recognised image. Accepted formats: {ACCEPTED_TEXT}.",
            "image_not_recognised",
        ) from exc
    except Exception as exc:  # Pillow raises many types on malformed headers
        raise ImageError(
            f"The image header is damaged ({_reason(exc)}). Accepted formats: {ACCEPTED_TEXT}.",
            "image_header_damaged", reason=_reason(exc),
        ) from exc


def _check_pixels(img: Image.Image, max_pixels: int) -> None:
    """Refuse decompression bombs from the header, before any pixel is decoded."""
    width, height = img.size
    # Our limit also stays under Pillow's own bomb threshold, so an image that would only
    # have triggered Pillow's DecompressionBombWarning is rejected here as an error, without
    # touching the (process-global, not thread-safe) warnings filters.
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    if width <= 0 or height <= 0:
        raise ImageError(f"The image claims a size of {width}x{height} pixels, which is invalid.",
                         "image_size_invalid", width=int(width), height=int(height))
    if width * height > limit:
        raise _bomb_error(width, height, limit)


def _bomb_error(width: int | None = None, height: int | None = None, limit: int | None = None):
    size = f" ({width}x{height} = {width * height:,} pixels)" if width and height else ""
    rule = f"at most {limit:,} pixels" if limit else "a smaller image"
    sized = bool(width and height)
    return ImageError(
        f"The image is too large{size}. Use {rule}.",
        ("image_too_many_pixels" if limit else "image_too_many_pixels_no_limit") if sized
        else ("image_pixel_limit" if limit else "image_too_large"),
        width=width, height=height, megapixels=_megapixels(width * height) if sized else None,
        limit=_megapixels(limit) if limit else None,
    )


def _megapixels(pixels: int) -> float:
    """Pixels in millions, to 3 significant digits (40_000_000 -> 40.0), for a message."""
    return float(f"{pixels / 1e6:.3g}")


def _load(img: Image.Image) -> None:
    """Decode every pixel now, so truncated or corrupt data fails here and not later."""
    try:
        img.seek(0)  # first frame of an animated GIF/WebP/PNG
        img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb_error(*img.size) from exc
    except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, ...
        raise ImageError(
            f"The {img.format or 'image'} file is truncated or corrupt ({_reason(exc)}). "
            f"Re-save it as {ACCEPTED_TEXT} and try again.",
            "image_truncated_format" if img.format else "image_truncated",
            format=img.format or "", reason=_reason(exc),
        ) from exc


def _apply_exif_orientation(img: Image.Image) -> Image.Image:
    """Rotate/flip as the camera's EXIF orientation tag says (phones store photos sideways)."""
    try:
        if img.getexif().get(_EXIF_ORIENTATION, 1) == 1:
            return img  # upright already: skip exif_transpose's full-size copy
        return ImageOps.exif_transpose(img)
    except (OSError, ValueError, TypeError, KeyError, SyntaxError):
        # Damaged EXIF metadata should not reject otherwise good pixels: keep them as stored.
        return img


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def to_8bit(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to 8-bit ``"L"`` (grayscale) or ``"RGB"``.

    Rules: ``"1"`` -> L (0/255); ``"LA"`` -> L and ``"P"``, ``"PA"``, ``"RGBA"`` -> RGB with
    transparency composited on white; ``"CMYK"``, ``"YCbCr"`` ... -> RGB; 16-bit ``"I;16*"``
    scaled by its bit depth (65535 -> 255); 32-bit ``"I"`` scaled as 16-bit when its values lie
    in 0..65535 (Pillow's historic mode for 16-bit files), otherwise its min..max stretched to
    0..255; float ``"F"`` scaled by 255 when in [0, 1], otherwise min..max stretched.

    Args:
        img: a loaded PIL image of any mode.

    Returns:
        A new (or the same, when already L/RGB) image in mode ``"L"`` or ``"RGB"``.
    """
    mode = img.mode
    if mode in ("L", "RGB") and "transparency" not in img.info:
        return img
    if mode in ("L", "RGB"):  # a PNG tRNS colour key marks one colour as transparent
        return _on_white(img.convert("RGBA")).convert(mode)
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I;16"):
        return _gray_from_array(np.asarray(img).astype(np.int64), 65535)
    if mode == "I":
        return _int_gray(np.asarray(img).astype(np.int64))
    if mode == "F":
        return _float_gray(np.asarray(img, dtype=np.float64))
    if mode in ("LA", "La"):
        return _on_white(img.convert("LA").convert("RGBA")).convert("L")
    if mode == "P" and "transparency" not in img.info:
        return img.convert("RGB")
    if mode in ("P", "PA", "RGBA", "RGBa"):
        return _on_white(img.convert("RGBA"))
    try:
        return img.convert("RGB")  # CMYK, YCbCr, RGBX, HSV ...
    except (ValueError, OSError) as exc:
        raise ImageError(
            f"Images with colour mode {mode!r} are not supported. Use an RGB or grayscale image.",
            "image_mode_unsupported", mode=mode,
        ) from exc


def _on_white(rgba: Image.Image) -> Image.Image:
    """Composite an RGBA image over an opaque white background -> RGB."""
    background = Image.new("RGBA", rgba.size, (_WHITE, _WHITE, _WHITE, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _gray_from_array(values: np.ndarray, max_value: int) -> Image.Image:
    """Scale integers in 0..max_value to 0..255 with round-half-up, in exact integer maths."""
    scaled = (values * 255 + max_value // 2) // max_value  # (H, W) int64
    return Image.fromarray(scaled.astype(np.uint8), mode="L")


def _int_gray(values: np.ndarray) -> Image.Image:
    if values.size and values.min() >= 0 and values.max() <= 65535:
        return _gray_from_array(values, 65535)
    return _stretch(values.astype(np.float64))


def _float_gray(values: np.ndarray) -> Image.Image:
    if not np.isfinite(values).all():
        raise ImageError("The image contains NaN or infinite values. Use an 8- or 16-bit image.",
                         "image_nan_values")
    if values.size and values.min() >= 0.0 and values.max() <= 1.0:
        return Image.fromarray(np.rint(values * 255).astype(np.uint8), mode="L")
    return _stretch(values)


def _stretch(values: np.ndarray) -> Image.Image:
    """Map the actual min..max range to 0..255 (a constant image becomes black)."""
    low, high = float(values.min()), float(values.max())
    span = high - low
    scaled = np.zeros_like(values) if span == 0 else (values - low) * (255.0 / span)
    return Image.fromarray(np.rint(scaled).astype(np.uint8), mode="L")


def to_tensor(
    img: Image.Image, *, channels: int, size: tuple[int, int] | None = None
) -> torch.Tensor:
    """Convert a PIL image to a uint8 tensor with the requested channels and size.

    Args:
        img: a loaded PIL image, any mode (converted with `to_8bit` first).
        channels: 1 (RGB -> L with Pillow's ITU-R 601-2 luma) or 3 (L is repeated).
        size: ``(height, width)`` to resize to with antialiased bilinear filtering, or None to
            keep the image's size. Note the order: like the tensor, not like PIL's (w, h).

    Returns:
        A new uint8 tensor of shape (channels, H, W).
    """
    if channels not in (1, 3):
        raise InputError(f"channels must be 1 or 3, got {channels!r}", "channels_one_or_three",
                         value=plain(channels))
    img = to_8bit(img)
    if size is not None:
        height, width = _check_size(size)
        if img.size != (width, height):
            # Pillow's BILINEAR widens its filter when shrinking, i.e. it is antialiased.
            img = img.resize((width, height), Image.Resampling.BILINEAR)
    img = img.convert("L" if channels == 1 else "RGB")
    array = np.array(img, dtype=np.uint8)  # (H, W) or (H, W, 3), a fresh copy
    if array.ndim == 2:
        return torch.from_numpy(array).unsqueeze(0)  # (1, H, W)
    return torch.from_numpy(array).permute(2, 0, 1).contiguous()  # (3, H, W)


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(s, int) and not isinstance(s, bool) for s in size)
    ):
        raise InputError(f"size must be a (height, width) pair of integers, got {size!r}",
                         "resize_size_pair", value=repr(size))
    height, width = size
    if not (1 <= height <= MAX_TENSOR_SIDE and 1 <= width <= MAX_TENSOR_SIDE):
        raise InputError(f"size must have 1 <= height, width <= {MAX_TENSOR_SIDE}, got {size!r}",
                         "resize_size_range", value=plain(size), high=MAX_TENSOR_SIDE)
    return height, width


def tensor_to_image(image: torch.Tensor) -> Image.Image:
    """A (C, H, W) uint8 tensor (C = 1 or 3) as an 8-bit PIL image ("L" or "RGB")."""
    if image.dtype != torch.uint8 or image.dim() != 3 or image.shape[0] not in (1, 3):
        raise InputError(f"expected a (1|3, H, W) uint8 tensor, got {tuple(image.shape)} "
                         f"{image.dtype}", "uint8_image_tensor", value=tuple(image.shape),
                         dtype=str(image.dtype))
    array = image.permute(1, 2, 0).contiguous().numpy()  # (H, W, C)
    return Image.fromarray(array[:, :, 0] if array.shape[2] == 1 else array)


def to_float_array(img: Image.Image, *, max_side: int | None = None) -> np.ndarray:
    """A PIL image as float64 in [0, 1]: (H, W) for grayscale, (H, W, 3) for colour.

    Args:
        max_side: shrink (keeping the aspect ratio, antialiased) so neither side exceeds it.
    """
    img = to_8bit(img)
    if max_side is not None and max(img.size) > max_side:
        scale = max_side / max(img.size)
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.BILINEAR)
    return np.asarray(img, dtype=np.float64) / 255.0


def prepare_input(img: Image.Image, *, input_shape, mean, std) -> tuple[torch.Tensor, torch.Tensor]:
    """Turn an image into what a model expects: its channels and size, normalised.

    Args:
        img: any 8-bit PIL image (from ``decode_image``, a sample or a dataset).
        input_shape: the model's (C, H, W) (a model card's ``input_shape``).
        mean, std: per-channel normalisation in [0, 1] units (the model card's).
    Returns:
        (pixels, x): the resized image as (C, H, W) uint8 for display, and the model input
        (1, C, H, W) float32, ``(pixels / 255 - mean) / std``.
    """
    c, h, w = (int(v) for v in input_shape)
    pixels = to_tensor(img, channels=c, size=(h, w))  # (C, H, W) uint8
    m = torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1)  # (C, 1, 1)
    s = torch.tensor(std, dtype=torch.float32).view(-1, 1, 1)
    return pixels, ((pixels.float() / 255 - m) / s).unsqueeze(0)


def to_display(image: torch.Tensor) -> np.ndarray:
    """A (C, H, W) image tensor (uint8, or float in [0, 1]) as (H, W) or (H, W, 3) for drawing."""
    return image.detach().permute(1, 2, 0).squeeze(-1).cpu().numpy()  # (H, W, C) -> drop C=1


def denormalize(x: torch.Tensor, mean, std) -> torch.Tensor:
    """Undo ``prepare_input``'s normalisation: (1, C, H, W) or (C, H, W) -> (C, H, W) in [0, 1]."""
    x = x[0] if x.dim() == 4 else x
    m = torch.tensor(mean, dtype=x.dtype).view(-1, 1, 1)  # (C, 1, 1)
    s = torch.tensor(std, dtype=x.dtype).view(-1, 1, 1)
    return (x * s + m).clamp(0, 1)
