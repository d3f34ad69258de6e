from __future__ import annotations

import torch

from core.models import snapshots


def test_round_trip_sorted_by_epoch(tmp_path):
    snaps = [(2, {"conv1": torch.ones(2, 1, 3, 3)}), (0, {"conv1": torch.zeros(2, 1, 3, 3)})]
    snapshots.save_snapshots(tmp_path, snaps)
    back = snapshots.load_snapshots(tmp_path)
    assert [e for e, _ in back] == [0, 2]
    assert torch.equal(back[1][1]["conv1"], torch.ones(2, 1, 3, 3))


def test_missing_or_corrupt_file_gives_nothing(tmp_path):
    assert snapshots.load_snapshots(tmp_path) == []
    (tmp_path / snapshots.SNAPSHOTS_FILE).write_bytes(b"garbage")
    assert snapshots.load_snapshots(tmp_path) == []
