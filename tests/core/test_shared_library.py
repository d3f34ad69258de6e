"""One model library for several server processes (issue 21): saves that race never leave a torn
or half-written checkpoint, a save in one process is listed and loadable in another, and the
default model is trained once, not once per process. Real processes, racing on one directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import torch

from core.models import cards, checkpoints
from core.models.cards import list_library, read_card
from core.train import training
from tests.core.test_models import make_card

ROOT = Path(__file__).resolve().parents[2]

# The start line of a race: each process says it is ready (imports done, models built), then
# waits for the go file that the test writes once all are ready.
BARRIER = textwrap.dedent("""
    import os, time
    from pathlib import Path

    def start_line(barrier, who):
        (Path(barrier) / f"ready-{who}").touch()
        while not (Path(barrier) / "go").exists():
            time.sleep(0.001)
""")

# A process of the race: at the go, saves COUNT times the same model (every process: one
# library entry, saved by all at once) and its own models (one entry each); prints the
# directories it got back as JSON.
WRITER = BARRIER + textwrap.dedent("""
    import json, sys
    import torch
    from core.models import checkpoints
    from core.models.builder import build_from_card
    from tests.core.test_models import make_card

    root, who, barrier, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    def model(seed, name):
        card = make_card(options={"channels": (2, 2), "hidden": 4}, name=name)
        torch.manual_seed(seed)
        m = build_from_card(card)
        with torch.no_grad():
            for p in m.parameters():
                p.normal_()
        return m, card

    same = model(0, "the same model")
    own = [model(100 + i, f"model {who} {i}") for i in range(count)]
    start_line(barrier, who)
    out = []
    for i in range(count):
        out.append(str(checkpoints.save_to_library(*same, root=root)))
        out.append(str(checkpoints.save_to_library(*own[i], root=root)))
    print(json.dumps(out))
""")

# Lists the library and loads every entry it lists, until the stop file appears; prints the
# number of loads and the problems it met.
READER = textwrap.dedent("""
    import json, os, sys, time
    from core.models import cards, checkpoints

    root, stop = sys.argv[1], sys.argv[2]
    loads, problems = 0, []
    while not os.path.exists(stop):
        for path, card in cards.list_library(root):
            try:
                model, loaded = checkpoints.load_checkpoint(path)
            except Exception as e:
                problems.append(f"{path.name}: {e!r}")
                continue
            loads += 1
            if loaded != card:
                problems.append(f"{path.name}: listed card is not the loaded one")
            if not path.name.endswith(checkpoints.model_id(loaded, model)):
                problems.append(f"{path.name}: weights and card are not the saved pair")
    print(json.dumps({"loads": loads, "problems": problems}))
""")


def _python(code: str, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                            env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen, timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return out


def _go(barrier: Path, who: list[str], procs: list[subprocess.Popen],
        timeout: float = 120) -> None:
    """Start the race once every process in ``who`` is at the start line."""
    deadline = time.monotonic() + timeout
    while not all((barrier / f"ready-{w}").exists() for w in who):
        for p in procs:
            assert p.poll() is None, p.communicate()[1]  # died before the start
        assert time.monotonic() < deadline, "the processes never got ready"
        time.sleep(0.01)
    (barrier / "go").touch()


def test_two_processes_saving_at_once_never_leave_a_torn_checkpoint(tmp_path):
    root = tmp_path / "models"
    count = 12
    stop = tmp_path / "stop"
    reader = _python(READER, root, stop)
    writers = [_python(WRITER, root, who, tmp_path, count) for who in ("a", "b")]
    try:
        _go(tmp_path, ["a", "b"], writers)
        results = [json.loads(_finish(w)) for w in writers]
    finally:
        stop.touch()
    report = json.loads(_finish(reader))

    assert report["problems"] == []
    assert report["loads"] > 0  # it read while they wrote
    same = {r for result in results for r in result[0::2]}
    assert len(same) == 1  # every save of the same model: one entry
    entries = list_library(root)
    assert len(entries) == 1 + 2 * count
    names = {p.name for p, _ in entries}
    assert same <= {str(root / n) for n in names}
    for path, card in entries:
        model, loaded = checkpoints.load_checkpoint(path)
        assert loaded == card and path.name.endswith(checkpoints.model_id(card, model))
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_a_staging_directory_is_never_listed_and_an_old_one_is_cleaned_up(tmp_path):
    root = tmp_path / "models"
    card = make_card(name="left over")
    torch.manual_seed(0)
    from core.models.builder import build_from_card

    model = build_from_card(card)
    # a save that crashed after writing its files into the staging directory
    crashed = checkpoints.save_checkpoint(model, card, root / ".crashed.abc.saving")
    assert read_card(crashed) is None and list_library(root) == []
    old = time.time() - 2 * checkpoints.STALE_STAGING_S
    os.utime(crashed, (old, old))
    fresh = root / ".in-progress.def.saving"
    fresh.mkdir()  # another process's save now: left alone

    saved = checkpoints.save_to_library(model, card, root=root)
    assert [p for p, _ in list_library(root)] == [saved]
    assert not crashed.exists() and fresh.exists()


def test_a_model_saved_by_one_process_is_listed_and_loadable_in_another(tmp_path):
    root = tmp_path / "models"
    (tmp_path / "go").touch()  # one writer on its own, no waiting: its directories come back
    saved = json.loads(_finish(_python(WRITER, root, "solo", tmp_path, 1)))
    assert {p.name for p, _ in list_library(root)} == {Path(s).name for s in saved}
    for s in saved:
        model, card = checkpoints.load_checkpoint(Path(s))
        assert Path(s).name.endswith(checkpoints.model_id(card, model))


def test_re_saving_a_checkpoint_gives_a_new_cache_key_and_loads_the_new_weights(tmp_path):
    """dashboard.cache keys a loaded model by its weights file's (st_mtime_ns, st_ino): a
    re-save at once (the same clock tick) still changes it, as each save is a new file."""
    from core.models.builder import build_from_card
    from dashboard.cache import weights_version

    card = make_card(name="resaved")
    model = build_from_card(card)
    directory = checkpoints.save_checkpoint(model, card, tmp_path / "run")
    before = weights_version(directory)
    with torch.no_grad():
        next(model.parameters()).add_(1.0)
    checkpoints.save_checkpoint(model, card, directory)
    assert weights_version(directory) != before
    loaded, _ = checkpoints.load_checkpoint(directory)
    assert torch.equal(next(loaded.parameters()), next(model.parameters()))


def test_a_pair_read_across_a_re_save_is_read_again(tmp_path, monkeypatch):
    """A card.json that is not the weights' embedded card (a re-save between the two reads)
    makes load_checkpoint read both again."""
    from core.models.builder import build_from_card

    card = make_card(name="first")
    directory = checkpoints.save_checkpoint(build_from_card(card), card, tmp_path / "run")
    second = make_card(name="second")
    real = Path.read_text
    calls = []

    def read_text(self, *args, **kwargs):
        calls.append(self.name)
        if self.name == cards.CARD_FILE and len(calls) == 1:
            return second.to_json()  # as if a re-save landed between the two reads
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    _, loaded = checkpoints.load_checkpoint(directory)
    assert loaded.name == "first" and calls.count(cards.CARD_FILE) == 2


ENSURE = BARRIER + textwrap.dedent("""
    import json, sys
    from core.train import training

    directory, barrier, who = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    waited = []
    start_line(barrier, who)
    path, trained = training.ensure_default_model(directory, on_wait=lambda: waited.append(1))
    print(json.dumps({"path": str(path), "trained": trained, "waited": bool(waited)}))
""")


def test_the_default_model_is_trained_once_by_two_processes(tmp_path):
    directory = tmp_path / "models" / cards.DEFAULT_MODEL_DIR
    procs = [_python(ENSURE, directory, tmp_path, who) for who in ("a", "b")]
    _go(tmp_path, ["a", "b"], procs)
    results = [json.loads(_finish(p, timeout=300)) for p in procs]
    assert sorted(r["trained"] for r in results) == [False, True]
    assert all(r["path"] == str(directory) for r in results)
    assert [r["waited"] for r in results if not r["trained"]] == [True]  # it saw the lock
    model, card = checkpoints.load_checkpoint(directory)
    assert card.arch == training.DEFAULT_ARCH
    # a third call finds it and trains nothing
    assert training.ensure_default_model(directory) == (directory, False)
