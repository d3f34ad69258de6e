"""Real-browser fixtures: a real `streamlit run` server and Debian's Chromium via Playwright.

In CI (CI=true) a missing Chromium is a failure; on a laptop the browser tests are skipped with
a message saying how to enable them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
LOG_TAIL = 6000  # characters of the server's log shown with a failed browser test
_server_log: list[Path] = []  # the running server's log, for failure reports


def _chromium() -> str | None:
    env = os.environ.get("CNNLAB_CHROMIUM")
    for path in ((env,) if env else ()) + CHROMIUM_CANDIDATES:
        if path and Path(path).exists():
            return path
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if path is None:
        message = (
            "Chromium not found: the real-browser tests need Debian's chromium "
            "(`sudo apt-get install chromium`) or CNNLAB_CHROMIUM=/path/to/chromium."
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, chromium_path, _default_checkpoint) -> str:
    """Start the app exactly as `make run` does (python -m streamlit run dashboard/app.py),
    with the default model already trained (its first-use training is tested by AppTest)."""
    from core.models import cards

    home = tmp_path_factory.mktemp("e2e_home")
    shutil.copytree(_default_checkpoint, home / "models" / cards.DEFAULT_MODEL_DIR)
    port = _free_port()
    env = dict(os.environ, CNNLAB_HOME=str(home), PYTHONUNBUFFERED="1")
    log = (home / "server.log").open("w")
    _server_log[:] = [home / "server.log"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("streamlit server did not start:\n" + (home / "server.log").read_text())
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test reports what the page showed and the end of the server's log, so
    that a failure on a CI machine can be understood without rerunning it there."""
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            try:
                state = page.locator("[data-testid='stApp']").get_attribute(
                    "data-test-script-state", timeout=2_000)
                text = page.locator("[data-testid='stMain']").inner_text(timeout=5_000)
                report.sections.append(("browser page", f"{page.url}\nscript state: {state}\n"
                                        f"{text}"))
            except Exception as e:  # the page itself may be what broke
                report.sections.append(("browser page", f"could not read the page: {e!r}"))
        if _server_log and _server_log[0].exists():
            log = _server_log[0].read_text(errors="replace")
            report.sections.append(("streamlit server log", log[-LOG_TAIL:]))
    return report


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-quic",
                  "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def wait_idle(page) -> None:
    """Wait until the Streamlit script run has finished."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=120_000)


def wait_charts(page, selector: str = ".js-plotly-plot", at_least: int = 1) -> None:
    """Wait until ``at_least`` Plotly charts match ``selector``: Streamlit loads Plotly on
    its own after the run has finished, so a chart can still be missing at idle."""
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length >= n",
                           arg=[selector, at_least], timeout=60_000)


def open_page(page, app_url: str, title: str) -> None:
    """Start at the home page and open ``title`` with the sidebar's navigation, as a user
    would; return once its heading is there and the run has finished."""
    page.goto(app_url)
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title,
                                                               exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
    wait_idle(page)
