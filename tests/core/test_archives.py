"""core.data.archives: zips built in memory, hostile ones included, against load_image_folder."""

from __future__ import annotations

import io
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from core.data import archives
from core.data.archives import ArchiveError, extract_image_zip, load_image_zip
from core.data.datasets import load_image_folder

# --- helpers -------------------------------------------------------------------------------


def png(value: int, size: int = 8, mode: str = "L") -> bytes:
    rng = np.random.default_rng(value)
    shape = (size, size) if mode == "L" else (size, size, 3)
    pixels = rng.integers(0, 256, shape, dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels, mode=mode).save(buf, format="PNG")
    return buf.getvalue()


def class_files(prefix: str = "", classes=("cats", "dogs", "birds"), per_class: int = 3):
    return {
        f"{prefix}{name}/{i}.png": png(10 * c + i)
        for c, name in enumerate(classes)
        for i in range(per_class)
    }


def make_zip(entries, compression=zipfile.ZIP_DEFLATED, **kwargs) -> bytes:
    """entries: {name or ZipInfo: bytes} (a list of pairs allows duplicate names)."""
    buf = io.BytesIO()
    pairs = entries.items() if isinstance(entries, dict) else entries
    with zipfile.ZipFile(buf, "w", compression, **kwargs) as zf:
        for name, content in pairs:
            zf.writestr(name, content)
    return buf.getvalue()


def central_entry(data: bytes, name: str) -> int:
    """Offset of the central-directory record of `name`."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + n] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 1)
    raise KeyError(name)


def patch(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def file_data_offset(data: bytes, name: str) -> int:
    """Offset of a member's (compressed) data, after its local header."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    n, m = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + n + m


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# --- happy paths ------------------------------------------------------------------------------


def test_top_level_class_folders(dest):
    files = class_files()
    root = extract_image_zip(make_zip(files), dest)
    assert root == dest
    assert files_under(dest) == sorted(files)
    for name, content in files.items():
        assert (dest / name).read_bytes() == content


def test_one_wrapping_folder_is_detected(dest):
    entries = {"animals/": b"", "animals/cats/": b""} | class_files("animals/")
    assert extract_image_zip(make_zip(entries), dest) == dest / "animals"


def test_nested_wrapping_folders_are_descended(dest):
    assert extract_image_zip(make_zip(class_files("a/b/")), dest) == dest / "a" / "b"


def test_macos_and_windows_junk_is_skipped_silently(dest):
    entries = class_files("animals/") | {
        "__MACOSX/animals/cats/._0.png": b"\x00\x05\x16\x07junk",
        "__MACOSX/._animals": b"junk",
        "animals/.DS_Store": b"junk",
        "animals/cats/.hidden.png": b"junk",
        "animals/.git/config": b"junk",
        "animals/dogs/Thumbs.db": b"junk",
    }
    root = extract_image_zip(make_zip(entries), dest)
    assert root == dest / "animals"  # __MACOSX/ did not make the top level look like 2 folders
    assert files_under(dest) == sorted(class_files("animals/"))


def test_load_image_zip_matches_load_image_folder(tmp_path):
    files = class_files("photos/") | {"photos/cats/notes.txt": b"not an image"}
    folder = tmp_path / "ref"
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    ref_train, ref_test = load_image_folder(folder / "photos", image_size=16, seed=3)

    train, test = load_image_zip(make_zip(files), image_size=16, seed=3)
    for got, ref in ((train, ref_train), (test, ref_test)):
        assert got.name == "folder" and got.classes == ("birds", "cats", "dogs")
        assert torch.equal(got.images, ref.images) and torch.equal(got.labels, ref.labels)
        assert (got.mean, got.std) == (ref.mean, ref.std)
        # Skipped files are named by their path inside the zip (the temp folder is gone).
        assert [path for path, _ in got.skipped] == ["photos/cats/notes.txt"]
        assert "not an image file" in got.skipped[0][1]


def test_load_image_zip_passes_options_and_reports_progress():
    seen = []
    train, test = load_image_zip(
        make_zip(class_files()),
        image_size=8,
        channels=3,
        test_fraction=0.5,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert train.images.shape[1:] == (3, 8, 8)
    assert len(train) + len(test) == 9 and len(test) == 6  # 2 of 3 per class at 0.5
    assert seen[-1] == (9, 9)


def test_temporary_folder_is_removed_even_on_error(monkeypatch):
    made = []
    real = tempfile.TemporaryDirectory

    def recording(*args, **kwargs):
        tmp = real(*args, **kwargs)
        made.append(Path(tmp.name))
        return tmp

    monkeypatch.setattr(archives.tempfile, "TemporaryDirectory", recording)
    load_image_zip(make_zip(class_files()))
    with pytest.raises(ValueError):
        load_image_zip(make_zip(class_files(classes=("only",))))
    assert len(made) == 2 and not any(p.exists() for p in made)


def test_backslash_names_from_windows_tools(dest):
    entries = {name.replace("/", "\\"): content for name, content in class_files().items()}
    assert extract_image_zip(make_zip(entries), dest) == dest
    assert files_under(dest) == sorted(class_files())


# --- errors from load_image_folder pass through ---------------------------------------------


def test_class_with_only_non_images_passes_the_folder_error_through():
    files = class_files(classes=("cats", "dogs")) | {"empty/readme.txt": b"hello"}
    with pytest.raises(ValueError, match="class folder 'empty' has no image files") as info:
        load_image_zip(make_zip(files))
    assert not isinstance(info.value, ArchiveError)


def test_single_class_zip_names_the_rule():
    with pytest.raises(ValueError, match=r"has 1 class folder\(s\); at least 2 are needed"):
        load_image_zip(make_zip(class_files("wrap/", classes=("cats",))))


# --- not a zip, damaged, empty ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"hello, this is not a zip", png(1), make_zip(class_files())[:300]],
    ids=["text", "png", "truncated"],
)
def test_not_a_zip(data, dest):
    with pytest.raises(ArchiveError, match="This file is not a valid zip archive"):
        extract_image_zip(data, dest)


def test_empty_inputs(dest):
    with pytest.raises(ArchiveError, match="The file is empty"):
        extract_image_zip(b"", dest)
    with pytest.raises(ArchiveError, match="The zip is empty"):
        extract_image_zip(make_zip({}), dest)
    only_junk = make_zip({"__MACOSX/._x": b"junk", "folder/": b"", "folder/.DS_Store": b"x"})
    with pytest.raises(ArchiveError, match="The zip holds no files"):
        extract_image_zip(only_junk, dest)


def test_crc_error_is_reported_as_corrupt(dest):
    data = make_zip(class_files(), compression=zipfile.ZIP_STORED)
    offset = file_data_offset(data, "dogs/1.png") + 20
    bad = data[:offset] + bytes([data[offset] ^ 0xFF]) + data[offset + 1 :]
    with pytest.raises(ArchiveError, match=r"'dogs/1.png' in the zip is corrupt \(.*CRC"):
        extract_image_zip(bad, dest)


def test_damaged_deflate_stream_is_reported_as_corrupt(dest):
    data = make_zip({"cats/a.png": png(1, size=64), "dogs/b.png": png(2, size=64)})
    offset = file_data_offset(data, "cats/a.png")
    bad = data[:offset] + b"\xff" * 8 + data[offset + 8 :]
    with pytest.raises(ArchiveError, match="'cats/a.png' in the zip is corrupt"):
        extract_image_zip(bad, dest)


def test_unsupported_compression_method(dest):
    data = make_zip(class_files())
    bad = patch(data, central_entry(data, "cats/0.png") + 10, "<H", 9)  # Deflate64
    with pytest.raises(ArchiveError, match="'cats/0.png' uses an unsupported compression"):
        extract_image_zip(bad, dest)
    assert files_under(dest) == []


def test_too_large_upload(dest, monkeypatch):
    monkeypatch.setattr(archives, "MAX_ZIP_BYTES", 100)
    with pytest.raises(ArchiveError, match=r"The zip is 0.0 MB; the limit is 0 MB"):
        extract_image_zip(make_zip(class_files()), dest)


# --- hostile archives -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("../evil.png", "'..'"),
        ("cats/../../evil.png", "'..'"),
        ("..\\evil.png", "'..'"),
        ("/abs.png", "absolute path"),
        ("C:/evil.png", "absolute path"),
        ("__MACOSX/../../evil.png", "'..'"),  # junk names are checked too
    ],
)
def test_path_traversal_is_refused_before_writing(name, rule, dest):
    info = zipfile.ZipInfo(name)  # ZipInfo keeps the name as given (writestr(str) would too)
    data = make_zip([(info, png(1))] + list(class_files().items()))
    assert name in zipfile.ZipFile(io.BytesIO(data)).namelist()
    with pytest.raises(ArchiveError, match=rule) as exc:
        extract_image_zip(data, dest)
    assert "outside its folder" in str(exc.value) and repr(name) in str(exc.value)
    assert files_under(dest.parent) == []  # nothing written anywhere, not even good files


def test_symlink_member_is_refused(dest):
    link = zipfile.ZipInfo("cats/passwd.png")
    link.create_system = 3  # Unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = make_zip([(link, b"/etc/passwd")] + list(class_files().items()))
    with pytest.raises(ArchiveError, match=r"symbolic link \('cats/passwd.png'\)"):
        extract_image_zip(data, dest)
    assert files_under(dest) == [] and not any(p.is_symlink() for p in dest.rglob("*"))


def test_fifo_member_is_refused(dest):
    fifo = zipfile.ZipInfo("cats/pipe.png")
    fifo.create_system = 3
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    with pytest.raises(ArchiveError, match="not a regular file"):
        extract_image_zip(make_zip([(fifo, b"")] + list(class_files().items())), dest)


def test_encrypted_member_is_refused(dest):
    data = make_zip(class_files())
    flags_cd = central_entry(data, "dogs/2.png") + 8
    (flags,) = struct.unpack_from("<H", data, flags_cd)
    bad = patch(data, flags_cd, "<H", flags | 0x1)
    header = zipfile.ZipFile(io.BytesIO(data)).getinfo("dogs/2.png").header_offset
    bad = patch(bad, header + 6, "<H", flags | 0x1)  # the local header says so too
    with pytest.raises(ArchiveError, match=r"password-protected \('dogs/2.png' is encrypted\)"):
        extract_image_zip(bad, dest)
    assert files_under(dest) == []


def test_zip_bomb_is_refused_from_declared_sizes(dest):
    bomb = b"\0" * (5 * 1024 * 1024)
    data = make_zip(class_files() | {"cats/bomb.png": bomb})
    assert len(data) < 100_000  # 5 MB of zeros deflates to a few KB
    with pytest.raises(ArchiveError, match=r"would extract to 5\.2 MB; the limit is 1\.0 MB"):
        extract_image_zip(data, dest, max_uncompressed=1_000_000)
    assert files_under(dest) == []  # checked before anything was written


def test_header_that_understates_the_size_cannot_write_more(dest):
    bomb = b"\0" * (5 * 1024 * 1024)
    data = make_zip({"cats/bomb.png": bomb, "dogs/a.png": png(1)})
    # Central directory: uncompressed size (offset 24) says 1,000 bytes instead of 5 MB.
    lying = patch(data, central_entry(data, "cats/bomb.png") + 24, "<I", 1000)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("cats/bomb.png").file_size == 1000
    with pytest.raises(ArchiveError, match="'cats/bomb.png' in the zip is corrupt"):
        extract_image_zip(lying, dest, max_uncompressed=100_000)  # declared total passes
    written = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    assert written <= 1000


def test_header_that_overstates_the_size_is_refused(dest):
    data = make_zip(class_files())
    lying = patch(data, central_entry(data, "cats/0.png") + 24, "<I", 0xFFFF_FFF0)
    with pytest.raises(ArchiveError, match=r"would extract to 4295\.0 MB"):
        extract_image_zip(lying, dest)


def test_actual_bytes_are_counted_while_streaming(dest, monkeypatch):
    # Simulate a reader that ignores the header (zipfile itself stops at the declared size).
    data = make_zip(class_files())
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info: io.BytesIO(b"\0" * 10**6))
    with pytest.raises(ArchiveError, match="holds more data than its header says"):
        extract_image_zip(data, dest)
    assert all(p.stat().st_size <= 1024 for p in dest.rglob("*") if p.is_file())


def test_total_budget_is_counted_while_streaming():
    info = zipfile.ZipInfo("cats/a.png")
    info.file_size = 1000
    with pytest.raises(ArchiveError, match="more bytes than its headers declare"):
        archives._copy(io.BytesIO(b"x" * 1000), io.BytesIO(), info, left=500)


def test_too_many_members(dest):
    data = make_zip(class_files())  # 9 files
    with pytest.raises(ArchiveError, match="The zip has more than 5 entries; the limit is 5"):
        extract_image_zip(data, dest, max_members=5)
    assert extract_image_zip(data, dest, max_members=9) == dest


def test_member_count_is_checked_before_zipfile_parses_the_directory(dest, monkeypatch):
    def refuse(_data):
        raise AssertionError("zipfile must not parse an over-long directory")

    monkeypatch.setattr(archives, "_open_zip", refuse)
    entries = {f"cats/{i}.png": b"" for i in range(50)}
    for kwargs in ({}, {"prefix": b"#!/bin/sh self-extractor stub\n"}, {"comment": b"PK"}):
        data = make_zip(entries)
        if "prefix" in kwargs:
            data = kwargs["prefix"] + data
        if "comment" in kwargs:
            zf_buf = io.BytesIO(data)
            with zipfile.ZipFile(zf_buf, "a") as zf:
                zf.comment = b"a comment with PK inside"
            data = zf_buf.getvalue()
        with pytest.raises(ArchiveError, match="more than 10 entries"):
            extract_image_zip(data, dest, max_members=10)


def test_member_pre_count_reads_zip64_end_records(monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 4)  # force Zip64 end records
    data = make_zip(class_files())
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 9
    archives._check_entry_count(data, 9)
    with pytest.raises(ArchiveError, match="more than 8 entries"):
        archives._check_entry_count(data, 8)


def test_duplicate_names_are_refused(dest):
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = make_zip([("cats/a.png", png(1)), ("cats/a.png", png(2)), ("dogs/b.png", png(3))])
    with pytest.raises(ArchiveError, match="lists 'cats/a.png' twice"):
        extract_image_zip(data, dest)


def test_file_and_folder_with_the_same_name(dest):
    data = make_zip({"cats": b"file", "cats/a.png": png(1), "dogs/b.png": png(2)})
    with pytest.raises(ArchiveError, match="Cannot create the folder 'cats'"):
        extract_image_zip(data, dest)


# --- arguments --------------------------------------------------------------------------------


def test_argument_checks(dest, tmp_path):
    data = make_zip(class_files())
    with pytest.raises(ValueError, match="max_members must be an integer >= 1, got 0"):
        extract_image_zip(data, dest, max_members=0)
    with pytest.raises(ValueError, match="max_uncompressed must be an integer >= 1, got 1.5"):
        extract_image_zip(data, dest, max_uncompressed=1.5)
    with pytest.raises(TypeError, match="expects bytes, got str"):
        extract_image_zip("cats/a.png", dest)
    (dest / "left_over.txt").write_text("x")
    with pytest.raises(ValueError, match="dest must be an existing, empty directory"):
        extract_image_zip(data, dest)
    with pytest.raises(ValueError, match="dest must be an existing, empty directory"):
        extract_image_zip(data, tmp_path / "missing")


def test_bytearray_and_memoryview_are_accepted(tmp_path):
    data = make_zip(class_files())
    for i, view in enumerate((bytearray(data), memoryview(data))):
        out = tmp_path / str(i)
        out.mkdir()
        assert extract_image_zip(view, out) == out
