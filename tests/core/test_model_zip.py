"""Model download (zip) and upload: round trip, bare safetensors, and rejected files."""

from __future__ import annotations

import io
import zipfile

import pytest
import torch

from core.models import archs, builder, cards, checkpoints


@pytest.fixture
def checkpoint(tmp_path):
    torch.manual_seed(0)
    model = builder.build_model("seed_net", in_channels=1, num_classes=3, image_size=28)
    card = cards.ModelCard(arch="seed_net", options=archs.resolve_options("seed_net"),
                           dataset="digits", classes=["a", "b", "c"], input_shape=[1, 28, 28],
                           mean=[0.1], std=[0.3], metrics={}, created=cards.utc_now(), name="m")
    return model, card, checkpoints.save_checkpoint(model, card, tmp_path / "m")


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_round_trip(checkpoint):
    model, card, path = checkpoint
    loaded, loaded_card = checkpoints.import_upload(checkpoints.export_zip(path), "m.zip")
    assert loaded_card == card
    for k, v in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v)


def test_bare_safetensors_with_embedded_card(checkpoint):
    _, card, path = checkpoint
    _, loaded_card = checkpoints.import_upload((path / "model.safetensors").read_bytes())
    assert loaded_card == card


def test_zip_inside_a_folder_is_accepted(checkpoint):
    _, card, path = checkpoint
    data = _zip({"my model/model.safetensors": (path / "model.safetensors").read_bytes(),
                 "my model/card.json": (path / "card.json").read_bytes()})
    assert checkpoints.import_upload(data)[1] == card


@pytest.mark.parametrize("make, message", [
    (lambda p: b"", "empty"),
    (lambda p: b"not a model at all", "not a valid safetensors"),
    (lambda p: _zip({"card.json": (p / "card.json").read_bytes()}), "missing model.safetensors"),
    (lambda p: _zip({"archive/data.pkl": b"\x80\x04", "model.safetensors": b"",
                     "card.json": b"{}"}), "pickle"),
    (lambda p: _zip({"model.safetensors": (p / "model.safetensors").read_bytes(),
                     "card.json": b"{not json"}), "bad model card"),
])
def test_bad_uploads_are_rejected(checkpoint, make, message):
    _, _, path = checkpoint
    with pytest.raises(checkpoints.CheckpointError, match=message):
        checkpoints.import_upload(make(path))


def test_torch_save_file_is_rejected_without_unpickling(checkpoint, monkeypatch, tmp_path):
    model, _, _ = checkpoint
    torch.save(model.state_dict(), tmp_path / "evil.pt")
    data = (tmp_path / "evil.pt").read_bytes()
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load was called"))
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.import_upload(data, "evil.pt")
