"""Real browser through nginx: `deploy/serve.py` with 2 replicas behind sticky routing.

Four browser contexts each open the lab through nginx, visit two pages and compute; every one
stays on the replica it first reached (the sidebar names it), both replicas serve someone, and a
model uploaded through one replica shows in the sidebar of a session on the other (one model
library in CNNLAB_HOME).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, _free_port, _server_log, wait_idle

NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
SHARED_NAME = "Shared across replicas"


def _nginx() -> str | None:
    found = shutil.which("nginx")
    return found or next((p for p in NGINX_CANDIDATES if Path(p).is_file()), None)


def _two_free_ports() -> int:
    """A port p with p + 1 free too (the replicas' internal ports)."""
    import socket

    for _ in range(50):
        p = _free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p + 1))
            except OSError:
                continue
        return p
    raise RuntimeError("no two consecutive free ports")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory, chromium_path, _default_checkpoint):
    """`python deploy/serve.py --replicas 2` on loopback ports; yields (url, run directory)."""
    from core.models import cards

    if _nginx() is None:
        message = "nginx not found: the serving test needs Debian's nginx (apt-get install nginx)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path_factory.mktemp("serve_home")
    shutil.copytree(_default_checkpoint, home / "models" / cards.DEFAULT_MODEL_DIR)
    run = home / "run"
    port, first = _free_port(), _two_free_ports()
    env = dict(os.environ, CNNLAB_HOME=str(home), PYTHONUNBUFFERED="1")
    out = (home / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--replicas", "2", "--port", str(port),
         "--first-port", str(first), "--run-dir", str(run)],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    before = list(_server_log)
    _server_log[:] = [run / "replica-1.log"]  # a failed test reports a replica's log
    try:
        deadline = time.monotonic() + 180
        while not all(_answers(f"{url}/_replica/{n}/health") for n in (1, 2)):
            if proc.poll() is not None or time.monotonic() > deadline:
                out.flush()
                pytest.fail("serve.py did not start:\n" + (home / "serve.log").read_text())
            time.sleep(0.5)
        yield url, run
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()
        _server_log[:] = before
    assert proc.returncode == 0, (home / "serve.log").read_text()
    # a clean stop: nothing it started still answers
    assert not _answers(f"{url}/_stcore/health")
    assert not any(_answers(f"http://127.0.0.1:{first + i}/_stcore/health") for i in (0, 1))


def _replica(page) -> str:
    """The replica number the sidebar names ("Served by replica 2 (process 123).")."""
    text = page.locator(".st-key-sidebar_replica").inner_text(timeout=60_000)
    found = re.search(r"replica (\d+) \(process (\d+)\)", text)
    assert found, text
    return found.group(1)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _no_traceback(page) -> None:
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "Traceback" not in text and "Error" not in page.title(), text[-2000:]


def _zip_of_a_named_copy(tmp_path: Path, source: Path) -> Path:
    """The default checkpoint under another name, as the library's download zip."""
    from core.models import checkpoints

    model, card = checkpoints.load_checkpoint(source)
    directory = checkpoints.save_checkpoint(model, dataclasses.replace(card, name=SHARED_NAME),
                                            tmp_path / "shared")
    path = tmp_path / "shared.zip"
    path.write_bytes(checkpoints.export_zip(directory))
    return path


def test_sessions_stick_to_one_replica_and_share_the_library(served, browser, tmp_path,
                                                            _default_checkpoint):
    url, run = served
    sessions = []
    try:
        for _ in range(4):  # one after the other: each newcomer goes to the least busy replica
            context, page = _new_page(browser)
            page.goto(url)
            wait_idle(page)
            page.get_by_role("heading", name="CNN Lab").first.wait_for()
            sessions.append((context, page, _replica(page)))
        assert {r for _, _, r in sessions} == {"1", "2"}, [r for _, _, r in sessions]

        for _, page, replica in sessions:  # a second page and a computation on it
            page.locator("[data-testid='stSidebarNav']").get_by_text("Pooling Calculator").click()
            page.get_by_role("heading", name="Pooling Calculator").wait_for()
            wait_idle(page)
            stride = page.get_by_label("Stride")
            stride.fill("1")
            stride.press("Enter")
            page.locator(".st-key-pooling_result pre").filter(has_text="[[4, 5, 8],").wait_for()
            wait_idle(page)
            assert _replica(page) == replica
            page.reload()  # a new session over a new WebSocket: the cookie keeps the replica
            wait_idle(page)
            assert _replica(page) == replica
            _no_traceback(page)

        # a model uploaded through replica A is listed by a session on replica B
        upload_page = next(p for _, p, r in sessions if r == "1")
        other_page = next(p for _, p, r in sessions if r == "2")
        upload_page.goto(f"{url}/train")
        wait_idle(upload_page)
        upload_page.get_by_role("tab", name="Model library").click()
        upload_page.locator(".st-key-train_library_upload input[type='file']").set_input_files(
            str(_zip_of_a_named_copy(tmp_path, _default_checkpoint)))
        upload_page.get_by_text(f"Uploaded {SHARED_NAME}").wait_for(timeout=120_000)
        wait_idle(upload_page)
        assert _replica(upload_page) == "1"

        other_page.reload()
        wait_idle(other_page)
        assert _replica(other_page) == "2"
        other_page.locator(
            "[data-testid='stSidebarUserContent'] [data-testid='stSelectbox']").nth(1).click()
        other_page.get_by_role("option", name=SHARED_NAME).wait_for(timeout=30_000)
    finally:
        for context, _, _ in sessions:
            context.close()
    for log in sorted(run.glob("replica-*.log")):
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text()[-4000:]
