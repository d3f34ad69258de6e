"""Zipped image folders uploaded by a user: safe extraction, then
`core.data.datasets.load_image_folder`.

The zip is untrusted. Before anything is written, every member is checked: no absolute paths,
``..`` components or links (zip slip), no encryption, an accepted compression method, and
limits on the member count and the declared uncompressed size. While extracting, actual bytes
are counted against the same limits, so a header that lies about its size (a zip bomb) cannot
write more than allowed. macOS/Windows metadata (``__MACOSX/``, ``.DS_Store``, hidden files,
``Thumbs.db``) is skipped silently; other non-image files are left for `load_image_folder`,
which skips and reports them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import lzma
import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from core.checks import InputError, plain
from core.data.datasets import Dataset, load_image_folder

__all__ = [
    "ArchiveError",
    "extract_image_zip",
    "load_image_zip",
    "MAX_MEMBERS",
    "MAX_UNCOMPRESSED",
    "MAX_ZIP_BYTES",
]


MAX_ZIP_BYTES = 200 * 1024 * 1024  # the upload itself (Streamlit's default upload limit)
MAX_MEMBERS = 20_000  # entries in the zip, folders and metadata included
MAX_UNCOMPRESSED = 1 << 30  # bytes extracted, 1 GiB

_CHUNK = 1 << 20  # bytes per read while extracting
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
_JUNK_NAMES = ("__MACOSX", "Thumbs.db", "desktop.ini")
_DRIVE = re.compile(r"^[A-Za-z]:")
# What zipfile and its decompressors raise on damaged data.
_READ_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, OSError, ValueError)


class ArchiveError(InputError):
    """A zip that cannot be used; the message says what is wrong and what to do."""


def extract_image_zip(
    data: bytes,
    dest: Path,
    *,
    max_members: int = MAX_MEMBERS,
    max_uncompressed: int = MAX_UNCOMPRESSED,
) -> Path:
    """Safely extract a zip with one folder per class and return the dataset root.

    The class folders may sit at the top of the zip or inside one wrapping folder (what
    zipping a folder produces); the returned root is the folder that holds them. Nothing is
    written outside ``dest``. If extraction fails part-way, ``dest`` may hold partial output:
    the caller owns it and deletes it.

    Args:
        data: the uploaded zip file, at most `MAX_ZIP_BYTES`.
        dest: an existing, empty directory (e.g. a fresh temporary directory).
        max_members: most entries allowed in the zip (folders and metadata included).
        max_uncompressed: most bytes allowed to be extracted, declared and actual.

    Returns:
        The dataset root: ``dest`` or the single wrapping folder inside it.

    Raises:
        ArchiveError: not a zip, corrupt, empty, encrypted, unsupported compression, too many
            members, too large uncompressed, unsafe paths, or links.
    """
    _check_args(data, dest, max_members, max_uncompressed)
    dest, data = Path(dest), bytes(data)  # bytes(bytes) is the same object: no copy
    _check_entry_count(data, max_members)
    with _open_zip(data) as zf:
        infos = zf.infolist()
        if len(infos) > max_members:  # the pre-count may have missed a malformed directory
            raise _too_many(len(infos), max_members)
        folders, files = _plan(infos, max_uncompressed)
        for parts in folders:
            _make_dirs(dest, parts)
        left = max_uncompressed  # bytes still allowed, counted as they are written
        for info, parts in files:
            left -= _extract_file(zf, info, _make_dirs(dest, parts[:-1]) / parts[-1], left)
    return _dataset_root(dest)


def load_image_zip(
    data: bytes,
    *,
    image_size: int = 32,
    channels: int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    max_images: int = 20_000,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Dataset, Dataset]:
    """Load a zipped "one sub-folder per class" image folder as in-memory datasets.

    The zip is extracted into a temporary directory that is deleted before returning
    (`load_image_folder` decodes every image into memory). Files it skipped are reported in
    ``skipped`` with their path inside the zip.

    Args:
        data: the uploaded zip file (see `extract_image_zip` for the checks).
        image_size, channels, test_fraction, seed, max_images, progress: as for
            `core.data.datasets.load_image_folder`.

    Returns:
        (train, test) with name "folder", images (N, C, image_size, image_size) uint8.

    Raises:
        ArchiveError: the zip itself is unusable.
        ValueError: the folder inside is not a usable dataset (message from
            `load_image_folder`), or bad arguments.
    """
    with tempfile.TemporaryDirectory(prefix="cnnlab_zip_") as tmp:
        dest = Path(tmp)
        root = extract_image_zip(data, dest)
        train, test = load_image_folder(
            root,
            image_size=image_size,
            channels=channels,
            test_fraction=test_fraction,
            seed=seed,
            max_images=max_images,
            progress=progress,
        )
        skipped = tuple((_inside_zip(path, dest), reason) for path, reason in train.skipped)
    return (
        dataclasses.replace(train, skipped=skipped),
        dataclasses.replace(test, skipped=skipped),
    )


# ---------------------------------------------------------------------------------------------
# Checks before anything is written


def _check_args(data, dest: Path, max_members: int, max_uncompressed: int) -> None:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"extract_image_zip expects bytes, got {type(data).__name__}")
    for name, value in (("max_members", max_members), ("max_uncompressed", max_uncompressed)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{name} must be an integer >= 1, got {value!r}", "int_min",
                             name=name, value=plain(value), low=1)
    dest = Path(dest)
    if not dest.is_dir() or any(dest.iterdir()):
        raise InputError(f"dest must be an existing, empty directory, got {str(dest)!r}",
                         "zip_dest_not_empty_dir", value=str(dest))
    size = len(data)
    if size == 0:
        raise ArchiveError("The file is empty. Upload a .zip with one folder per class.",
                           "zip_file_empty")
    if size > MAX_ZIP_BYTES:
        raise ArchiveError(
            f"The zip is {size / 1e6:.1f} MB; the limit is {MAX_ZIP_BYTES / 1e6:.0f} MB. "
            "Use fewer or smaller images.",
            "zip_file_too_large", size_mb=round(size / 1e6, 1),
            limit_mb=round(MAX_ZIP_BYTES / 1e6),
        )


def _check_entry_count(data: bytes, max_members: int) -> None:
    """Count central-directory entries without building them, stopping past the limit.

    zipfile builds one object per entry when it opens a zip; a 200 MB zip of tiny entries
    would need gigabytes of memory before `infolist` could be counted.
    """
    directory = _central_directory(data)
    if directory is None:
        return  # not a zip (or a damaged one): zipfile reports it
    pos, end = directory
    count = 0
    while pos + 46 <= end and data[pos : pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + name_len + extra_len + comment_len
        count += 1
        if count > max_members:
            raise _too_many(f"more than {max_members}", max_members)


def _central_directory(data: bytes) -> tuple[int, int] | None:
    """(start, end) offsets of the central directory, found as zipfile finds it, or None."""
    n = len(data)
    if n >= 22 and data[n - 22 : n - 18] == b"PK\x05\x06" and data[-2:] == b"\0\0":
        eocd = n - 22  # end record without a comment
    else:
        eocd = data.rfind(b"PK\x05\x06", max(0, n - (1 << 16) - 22))  # after a comment
        if eocd < 0 or eocd + 22 > n:
            return None
    (size,) = struct.unpack_from("<I", data, eocd + 12)
    end = eocd
    # Zip64: a 56-byte end record and a 20-byte locator precede the end record.
    record = eocd - 20 - 56
    locator = data[eocd - 20 : eocd - 16] if eocd >= 20 else b""
    if record >= 0 and locator == b"PK\x06\x07" and data[record : record + 4] == b"PK\x06\x06":
        (size,) = struct.unpack_from("<Q", data, record + 40)
        end = record
    start = end - size  # like zipfile: measured back from the end, so prepended bytes are fine
    return (start, end) if start >= 0 else None


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except _READ_ERRORS as exc:
        raise ArchiveError(
            f"This file is not a valid zip archive ({_reason(exc)}). "
            "Upload a .zip with one folder of images per class.",
            "zip_invalid", reason=_reason(exc),
        ) from exc


def _plan(
    infos: list[zipfile.ZipInfo], max_uncompressed: int
) -> tuple[list[tuple[str, ...]], list[tuple[zipfile.ZipInfo, tuple[str, ...]]]]:
    """Check every member and decide what to write: (folders, (file info, path parts))."""
    if not infos:
        raise ArchiveError("The zip is empty. Put one folder of images per class in it.",
                           "zip_empty")
    folders: list[tuple[str, ...]] = []
    files: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    seen: set[tuple[str, ...]] = set()
    for info in infos:
        parts = _safe_parts(info.filename)
        _check_file_type(info)
        if not parts or _is_junk(parts):
            continue
        if parts in seen:
            raise ArchiveError(f"The zip lists {info.filename!r} twice; re-create the zip.",
                               "zip_duplicate_entry", entry=info.filename)
        seen.add(parts)
        if info.is_dir():
            folders.append(parts)
            continue
        _check_readable(info)
        files.append((info, parts))
    if not files:
        raise ArchiveError(
            "The zip holds no files (only folders or macOS/Windows metadata). "
            "Put one folder of images per class in it.",
            "zip_no_files",
        )
    declared = sum(info.file_size for info, _ in files)
    if declared > max_uncompressed:
        raise _too_big(declared, max_uncompressed)
    return folders, files


def _safe_parts(name: str) -> tuple[str, ...]:
    """Path components of a member name; refuses absolute paths and ``..`` (zip slip)."""
    # Windows tools may write backslashes; treat them as separators, as Windows would.
    text = name.replace("\\", "/")
    if text.startswith("/") or _DRIVE.match(text):
        raise ArchiveError(
            f"The zip holds an absolute path ({name!r}), which could write outside its folder. "
            "Re-create the zip from the folder itself.",
            "zip_absolute_path", entry=name,
        )
    parts = tuple(p for p in text.split("/") if p not in ("", "."))
    if ".." in parts:
        raise ArchiveError(
            f"The zip holds a path with '..' ({name!r}), which could write outside its folder. "
            "Re-create the zip from the folder itself.",
            "zip_parent_path", entry=name,
        )
    if any("\x00" in p for p in parts):
        raise ArchiveError(f"The zip holds a file name with a NUL character ({name!r}).",
                           "zip_nul_name", entry=name.replace("\x00", "\\x00"))
    return parts


def _check_file_type(info: zipfile.ZipInfo) -> None:
    """Refuse symbolic links and other non-regular entries (Unix mode in external_attr)."""
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError(
            f"The zip holds a symbolic link ({info.filename!r}); links are not accepted. "
            "Zip the image files themselves.",
            "zip_symlink", entry=info.filename,
        )
    if mode and stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise ArchiveError(f"The zip holds {info.filename!r}, which is not a regular file.",
                           "zip_not_regular_file", entry=info.filename)


def _is_junk(parts: tuple[str, ...]) -> bool:
    """macOS/Windows metadata and hidden files: skipped silently, never extracted."""
    return any(p.startswith(".") or p in _JUNK_NAMES for p in parts)


def _check_readable(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise ArchiveError(
            f"The zip is password-protected ({info.filename!r} is encrypted). "
            "Create it without a password.",
            "zip_encrypted", entry=info.filename,
        )
    if info.compress_type not in _METHODS:
        raise ArchiveError(
            f"{info.filename!r} uses an unsupported compression method "
            f"({info.compress_type}). Re-create the zip with ordinary (deflate) compression.",
            "zip_compression_unsupported", entry=info.filename, method=int(info.compress_type),
        )


# ---------------------------------------------------------------------------------------------
# Writing


def _make_dirs(dest: Path, parts: tuple[str, ...]) -> Path:
    folder = dest.joinpath(*parts)
    # Belt and braces: _safe_parts already refused anything that could leave dest.
    if not folder.resolve().is_relative_to(dest.resolve()):
        raise ArchiveError(f"The zip path {'/'.join(parts)!r} leads outside its folder.",
                           "zip_path_outside", entry="/".join(parts))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. a file and a folder with the same name
        raise ArchiveError(
            f"Cannot create the folder {'/'.join(parts)!r} from the zip ({_reason(exc)}).",
            "zip_cannot_create_folder", entry="/".join(parts), reason=_reason(exc),
        ) from exc
    return folder


def _extract_file(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, left: int) -> int:
    """Stream one member to target, counting actual bytes against its header and ``left``.

    Returns:
        The number of bytes written (== the header's file_size).
    """
    with _new_file(target, info) as out, _corrupt_as_archive_error(info), zf.open(info) as src:
        written = _copy(src, out, info, left)
    if written != info.file_size:
        raise ArchiveError(
            f"{info.filename!r} in the zip is corrupt (its header says {info.file_size} bytes, "
            f"it holds {written}). Re-create the zip.",
            "zip_member_size_mismatch", entry=info.filename, declared=info.file_size,
            written=written,
        )
    return written


def _copy(src, out, info: zipfile.ZipInfo, left: int) -> int:
    """Copy in chunks, stopping before a byte beyond the header's size or ``left`` is written."""
    written = 0
    while chunk := src.read(_CHUNK):
        written += len(chunk)
        if written > info.file_size:
            raise ArchiveError(
                f"{info.filename!r} in the zip holds more data than its header says "
                f"({info.file_size} bytes); the zip is corrupt or malicious.",
                "zip_member_overflow", entry=info.filename, declared=info.file_size,
            )
        if written > left:
            raise ArchiveError(
                "The zip extracts to more bytes than its headers declare, over the "
                "uncompressed limit; the zip is corrupt or malicious.",
                "zip_extract_over_limit",
            )
        try:
            out.write(chunk)
        except OSError as exc:  # e.g. the disk is full: not the zip's fault
            raise ArchiveError(f"Cannot extract {info.filename!r} ({_reason(exc)}).",
                               "zip_cannot_extract", entry=info.filename,
                               reason=_reason(exc)) from exc
    return written


def _new_file(target: Path, info: zipfile.ZipInfo):
    try:
        return open(target, "xb")  # "x": never overwrite or follow anything at the path
    except OSError as exc:
        raise ArchiveError(f"Cannot extract {info.filename!r} ({_reason(exc)}).",
                           "zip_cannot_extract", entry=info.filename,
                           reason=_reason(exc)) from exc


@contextlib.contextmanager
def _corrupt_as_archive_error(info: zipfile.ZipInfo):
    """Turn what zipfile and its decompressors raise on damaged data into ArchiveError."""
    try:
        yield
    except ArchiveError:
        raise
    except _READ_ERRORS as exc:  # CRC mismatch, truncated or invalid compressed data
        raise ArchiveError(
            f"{info.filename!r} in the zip is corrupt ({_reason(exc)}). Re-create the zip.",
            "zip_member_corrupt", entry=info.filename, reason=_reason(exc),
        ) from exc


def _dataset_root(dest: Path) -> Path:
    """Descend through single wrapping folders to the folder that holds the class folders.

    A folder with a single visible entry can never be a dataset (>= 2 classes are needed), so
    descending is safe; it stops at a folder without sub-folders (a lone class folder), so
    that load_image_folder's "1 class folder" message names the right thing.
    """
    root = dest
    while True:
        visible = [p for p in root.iterdir() if not p.name.startswith(".")]
        if len(visible) != 1 or not visible[0].is_dir():
            return root
        inner = visible[0]
        if not any(p.is_dir() and not p.name.startswith(".") for p in inner.iterdir()):
            return root
        root = inner


def _inside_zip(path: str, dest: Path) -> str:
    """A skipped file's path relative to the zip (the temporary folder is gone)."""
    try:
        return Path(path).relative_to(dest).as_posix()
    except ValueError:
        return path


def _too_many(count, limit: int) -> ArchiveError:
    exact = isinstance(count, int)  # or "more than N": the count stopped at the limit
    return ArchiveError(
        f"The zip has {count} entries; the limit is {limit}. Use fewer images per upload.",
        "zip_too_many_entries" if exact else "zip_too_many_entries_over",
        count=count if exact else None, limit=limit,
    )


def _too_big(size: int, limit: int) -> ArchiveError:
    return ArchiveError(
        f"The zip would extract to {_mb(size)}; the limit is {_mb(limit)} uncompressed. "
        "Use fewer or smaller images.",
        "zip_too_big_uncompressed", size_mb=_megabytes(size), limit_mb=_megabytes(limit),
    )


def _megabytes(size: int) -> float:
    """Bytes in MB to 3 significant digits (1 << 30 -> 1070.0), for a translated message."""
    return float(f"{size / 1e6:.3g}")


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
