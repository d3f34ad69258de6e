"""Server memory with an ImageNet ResNet-18 active after visiting every page, in a real browser.

Run from the repository root: ``python benchmarks/memory.py``. It starts the app as ``make run``
does (``python -m streamlit run dashboard/app.py``) in a temporary CNN Lab home and torch hub
cache holding a ResNet-18 weights file (random weights, written where torchvision looks for the
ImageNet file, so nothing is downloaded), opens it in Debian's Chromium, makes ResNet-18 the
active model in the sidebar, visits every page through the in-app links (which keep the
session) waiting for each default view, then reads the server's resident memory from
``/proc/<pid>/status``: VmRSS (now) and VmHWM (the peak). The reference is the same server
before any page was visited (the home page only). The last line is ``ratio: X.XX`` = the
1.5 GB budget / the peak (higher is better; above 1 means within budget).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._machine import machine_line  # noqa: E402

BUDGET_MB = 1536
PAGES = ("Layers", "Pooling Calculator", "Train", "Embeddings", "Occlusion", "Saliency",
         "Style Transfer")


def _rss(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _weights(hub: Path) -> None:
    import torch
    import torchvision

    os.environ["TORCH_HOME"] = str(hub)
    from core.models import imagenet

    path = imagenet.weights_path("resnet18")
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)


def _idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=180_000)


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(machine_line())
    with tempfile.TemporaryDirectory() as tmp:
        home, hub = Path(tmp) / "home", Path(tmp) / "torch"
        _weights(hub)
        port = _free_port()
        env = dict(os.environ, CNNLAB_HOME=str(home), TORCH_HOME=str(hub))
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless",
             "true", "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.25)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(url)
                _idle(page)
                base = _rss(proc.pid)
                print(f"home page only: RSS {base[0]:.0f} MB")
                page.locator(".st-key-active_model").click()
                page.get_by_role("option", name="ResNet-18 · ImageNet").click()
                _idle(page)
                for title in PAGES:  # in-app links: the session (and its model) is kept
                    nav = page.locator("[data-testid='stSidebarNav']")
                    nav.get_by_text(title, exact=True).last.click()
                    time.sleep(1)
                    _idle(page)
                    rss, peak = _rss(proc.pid)
                    print(f"after {title:<19} RSS {rss:6.0f} MB  peak {peak:6.0f} MB")
                browser.close()
            rss, peak = _rss(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"ResNet-18 active, every page visited: RSS {rss:.0f} MB, peak {peak:.0f} MB "
          f"(budget {BUDGET_MB} MB; home page only {base[0]:.0f} MB)")
    print(f"ratio: {BUDGET_MB / peak:.2f}")


if __name__ == "__main__":
    main()
