"""Felt speed: how long each page takes to become idle in a real browser (issue 19).

Run from the repository root: ``python benchmarks/pages.py`` (in the venv; needs Debian's
Chromium, or CNNLAB_CHROMIUM=/path). It trains the default digits model into a temporary
CNNLAB_HOME, starts the real server as ``make run`` does (``python -m streamlit run
dashboard/app.py``) and opens each page in Chromium. A page is *idle* when the script run has
finished (``stApp`` data-test-script-state=notRunning), the page's heading is there, no
element is still a placeholder while its code loads (Streamlit draws each kind of element by
code it fetches on first use, showing a grey ``stSkeleton`` until then), every Plotly chart
has drawn its SVG and every image has loaded, and all of that has held for ``STABLE`` seconds
(the time reported is when it first held).

Printed per page, in seconds:

* ``first``: the first visit of the page after a warm-up visit of every page in another
  browser session (so torch is imported and the models are loaded, as for any user after the
  first);
* ``later``: the median of ``VISITS`` later visits (a reload of the page's URL: the browser
  starts Streamlit's front end again);
* ``sidebar``: the page opened from the home page by its link in the sidebar, in the same
  session (the front end keeps running; this is how a student moves between pages);
* ``SESSIONS`` browser sessions on this machine opening the page at the same moment, by a
  page load and by the sidebar: the median and the maximum, and for the sidebar round the CPU
  seconds it took in the server process and in Chromium. Here the 8 browsers run on the same
  2 cores as the server, unlike a class's own laptops, and most of the work is theirs;
* ``SESSIONS`` sessions at the same moment with the server alone: clients that speak
  Streamlit's websocket protocol as its front end does, without a browser, ask for the page
  and wait until the server says the run has finished (everything the page shows has been
  sent; the images the page links are not fetched). This is what the server can do for a
  class whose browsers run on their own machines.

The floor: the same rounds, in a new browser, on a bare Streamlit app (its home page, a page
with a heading and a line, and the same with one 128x128 Plotly heatmap), printed below the
pages as ``floor:home``, ``floor:bare`` and ``floor:plotly``. What a page of ours costs the 8
browsers beyond these is ours to cut; the floor itself is not.

Targets (issue 19), on a 2-core machine: each page's default view idle within **2 s** after
warm-up (``later``), and within **5 s** at the median with 8 concurrent sessions. The timings
depend on whatever else runs on the machine: run it more than once on a shared one.
``--pages layers saliency`` measures only those pages (and the home page).

The last line is ``ratio: X.XX`` = 2.0 s / the worst page's ``later`` time (higher is better;
>= 1 meets the single-session target). This is a measurement, not a test.

``python benchmarks/pages.py --capacity`` (issue 21, "Serving a class") measures instead what
more server processes buy, each started by ``deploy/serve.py`` behind nginx (Debian's nginx
needed): 1 replica; 2 replicas (torch's threads at one per core in each, the launcher's
default); 2 replicas with the cores split between them (OMP_NUM_THREADS=1 each on 2 cores).
For each it warms every replica, opens ``SESSIONS``
browser sessions one after the other (nginx spreads them over the replicas, as a class
arriving) and has them all open Layers, then Saliency, at the same moment, ``ROUNDS`` times.
It prints the median and maximum time until idle per page, each replica's memory (RSS and PSS)
after the run, and ``ratio:`` = the 1-replica medians' sum / the sum with 2 replicas as the
launcher starts them (higher is better).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._machine import machine_line  # noqa: E402

TARGET = 2.0  # s: a page's default view idle after warm-up, one session (issue 19)
TARGET_CONCURRENT = 5.0  # s: the median with SESSIONS sessions at once (issue 19)
SESSIONS = 8
VISITS = 3  # later visits per page, single session
STABLE = 0.25  # s the idle condition must hold
POLL_MS = 50  # how often the page checks it
TIMEOUT = 180.0  # s before a page counts as never idle
PAGES = ("home", "layers", "pooling", "train", "embeddings", "occlusion", "saliency", "trust",
         "style_transfer")
# The floor: a bare Streamlit app measured the same way, so that the figures of 8 browsers on
# these cores can be read against what any Streamlit page costs them. Its pages: a heading and
# a line, and the same with one Plotly heatmap of Layers' input size (Plotly's code is the
# largest that a page of ours loads).
FLOOR_APP = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")


def page(title, chart):
    def run():
        st.title(title)
        st.markdown("A bare page: a heading and this line.")
        if chart:
            z = np.random.default_rng(0).random((128, 128))
            st.plotly_chart(go.Figure(go.Heatmap(z=z)).update_layout(height=300))
    return run


st.navigation([st.Page(page("Floor", False), title="Floor", default=True),
               st.Page(page("Bare", False), title="Bare", url_path="bare"),
               st.Page(page("Bare plotly", True), title="Bare plotly",
                       url_path="bare_plotly")]).run()
"""
FLOOR_PAGES = ("home", "bare", "bare_plotly")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]

# true when the run is over and everything the run sent has been drawn
# Run inside the page every POLL_MS by Playwright (no round trip to this process per check):
# once the page has been idle for ``stable`` ms, the wall-clock time (ms) it became idle, else
# false. ``heading``: the page's own h1 text, so that after a click in the sidebar the page
# left behind does not count.
IDLE_JS = """([heading, stable]) => {
  const idle = (() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const main = document.querySelector("[data-testid='stMain']");
    const h1 = main && main.querySelector('h1');
    if (!h1 || (heading && h1.textContent.trim() !== heading)) return false;
    const status = "[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']";
    if (document.querySelector(status)) return false;
    // an element whose code is still loading is a placeholder (Streamlit's Suspense fallback)
    if (app.querySelector("[data-testid='stSkeleton'], [data-testid='stAppSkeleton']")) {
      return false;
    }
    for (const c of main.querySelectorAll("[data-testid='stPlotlyChart']")) {
      if (!c.querySelector('.main-svg')) return false;
    }
    for (const img of main.querySelectorAll('img')) {
      if (!img.complete) return false;
    }
    return true;
  })();
  if (!idle) { window.__cnnlabIdleSince = null; return false; }
  window.__cnnlabIdleSince = window.__cnnlabIdleSince || Date.now();
  return Date.now() - window.__cnnlabIdleSince >= stable ? window.__cnnlabIdleSince : false;
}"""


def _chromium() -> str:
    for path in (os.environ.get("CNNLAB_CHROMIUM"), "/usr/bin/chromium",
                 "/usr/bin/chromium-browser", shutil.which("chromium")):
        if path and Path(path).exists():
            return path
    sys.exit("Chromium not found: install Debian's chromium or set CNNLAB_CHROMIUM")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen, timeout: float) -> None:
    """Terminate a server (serve.py: it stops what it started), killing it after ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_server(home: Path, script: str = "dashboard/app.py") -> tuple[subprocess.Popen, str]:
    """The real server, as tests/e2e/conftest.py starts it (or another Streamlit ``script``,
    such as the floor's bare app); returns (process, url)."""
    port = _free_port()
    env = dict(os.environ, CNNLAB_HOME=str(home), PYTHONUNBUFFERED="1")
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script,
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit("server did not start:\n" + (home / "server.log").read_text())
        time.sleep(0.25)


def path(name: str) -> str:
    """The URL path of page ``name`` (the home page's is empty)."""
    return "" if name == "home" else name


async def visit(page, url: str) -> float:
    """Seconds from loading ``url`` (a new page load: the browser starts Streamlit's front end
    again) until the page is idle (inf if it never is)."""
    t0 = time.time()
    await page.goto(url)
    return await _until_idle(page, t0, None)


async def navigate(page, name: str, heading: str) -> float:
    """Seconds from a click on page ``name``'s link in the sidebar (Streamlit switches pages
    in the running front end, as a student moves from page to page) until it is idle."""
    await page.evaluate("() => { window.__cnnlabIdleSince = null; }")
    t0 = time.time()
    await page.locator(f"[data-testid='stSidebarNav'] a[href$='/{name}']").click()
    return await _until_idle(page, t0, heading)


async def heading(page) -> str:
    return (await page.locator("[data-testid='stMain'] h1").first.text_content() or "").strip()


async def _until_idle(page, t0: float, title: str | None) -> float:
    """Seconds from ``t0`` (wall clock, as the page's Date.now()) until the page became idle."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        since = await page.wait_for_function(IDLE_JS, arg=[title, STABLE * 1000], polling=POLL_MS,
                                             timeout=TIMEOUT * 1000)
    except PlaywrightTimeout:
        return float("inf")
    return await since.json_value() / 1000 - t0


def cpu_seconds(pids: set[int] | None = None, command: str | None = None) -> float:
    """CPU seconds (user + system) used so far by the processes ``pids`` and by every process
    whose command line contains ``command`` (Linux /proc; 0 elsewhere)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if not ((pids and int(entry.name) in pids) or
                    (command and command.encode() in (entry / "cmdline").read_bytes())):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return total


async def measure(url: str, server_pid: int, pages: tuple[str, ...]
                  ) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Every one of ``pages`` (the first the home page) as described above, in Chromium."""
    from playwright.async_api import async_playwright

    results: dict[str, dict[str, float]] = {p: {} for p in pages}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=_chromium(), headless=True,
                                           args=CHROMIUM_ARGS)

        async def new_page():
            ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
            return ctx, await ctx.new_page()

        ctx, page = await new_page()  # warm-up: every page once, in its own session
        headings = {}
        for name in pages:
            await visit(page, f"{url}/{path(name)}")
            headings[name] = await heading(page)
        await ctx.close()

        for name in pages:
            page_url = f"{url}/{path(name)}"
            ctx, page = await new_page()
            results[name]["first"] = await visit(page, page_url)
            later = [await visit(page, page_url) for _ in range(VISITS)]
            results[name]["later"] = statistics.median(later)
            if name != "home":  # from the home page by the sidebar, in the same session
                await visit(page, url)
                results[name]["nav"] = await navigate(page, name, headings[name])
            await ctx.close()
            print(f"  {name:15s} first {results[name]['first']:6.2f}  later "
                  f"{results[name]['later']:6.2f}  ({' '.join(f'{t:.2f}' for t in later)})"
                  f"  by the sidebar {results[name].get('nav', float('nan')):6.2f}", flush=True)

        pairs = [await new_page() for _ in range(SESSIONS)]
        binary = Path(_chromium()).name  # /usr/bin/chromium starts /usr/lib/chromium/chromium

        async def at_once(name: str, key: str, how: str, opening) -> None:
            """Every session opens page ``name`` at the same moment (``opening(page)``); the
            median, maximum and CPU seconds go into ``results[name]`` under ``key``."""
            server, chromium = cpu_seconds({server_pid}), cpu_seconds(command=binary)
            times = await asyncio.gather(*(opening(p) for _, p in pairs))
            r = results[name]
            r[key + "median8"], r[key + "max8"] = statistics.median(times), max(times)
            # where the machine's time went: the server's work, or the 8 browsers' own
            r[key + "server_cpu"] = cpu_seconds({server_pid}) - server
            r[key + "browser_cpu"] = cpu_seconds(command=binary) - chromium
            print(f"  {name:15s} {SESSIONS} sessions{how}: median {r[key + 'median8']:6.2f}  "
                  f"max {r[key + 'max8']:6.2f}  CPU s: server {r[key + 'server_cpu']:5.2f}, "
                  f"Chromium {r[key + 'browser_cpu']:5.2f}", flush=True)

        for name in pages:
            page_url = f"{url}/{path(name)}"
            await at_once(name, "", "", lambda p, u=page_url: visit(p, u))
        # the same sessions, as a class works: each has the app open and moves on to the next
        # page by the sidebar, all at the same moment (no new page load)
        await asyncio.gather(*(visit(p, url) for _, p in pairs))
        for name in pages[1:]:
            await at_once(name, "nav_", " by the sidebar",
                          lambda p, n=name: navigate(p, n, headings[n]))
        for ctx, _ in pairs:
            await ctx.close()
        await browser.close()
    return results, headings


# ------------------------------------------------------------- the server alone, 8 sessions
class ProtocolSession:
    """One session spoken to as Streamlit's front end speaks (protobuf over its websocket),
    without a browser: what the server alone takes to run a page and send all of it."""

    def __init__(self, url: str):
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = None
        self.texts: list[str] = []

    async def open(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"],
                                           max_size=None)

    async def run(self, page: str) -> float:
        """Seconds from asking for ``page`` (its URL path, as the front end does on a load
        or a click in the sidebar) until the server says the run has finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.page_name = page
        msg.rerun_script.query_string = ""
        self.texts = []
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                if element.WhichOneof("type") in ("markdown", "heading"):
                    self.texts.append(getattr(element, element.WhichOneof("type")).body)
            if kind == "script_finished":
                if fwd.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"the run of {page!r} ended with {fwd.script_finished}")
                return time.perf_counter() - t0

    async def close(self) -> None:
        await self.ws.close()


async def measure_protocol(url: str, server_pid: int, headings: dict[str, str]
                           ) -> dict[str, dict[str, float]]:
    """``SESSIONS`` protocol sessions (no browser) open each page at the same moment."""
    sessions = [ProtocolSession(url) for _ in range(SESSIONS)]
    for s in sessions:
        await s.open()
        await s.run("")
    results = {}
    for name in PAGES:
        server = cpu_seconds({server_pid})
        times = await asyncio.gather(*(s.run(path(name)) for s in sessions))
        for s in sessions:  # the page asked for is the page that ran
            if not any(headings[name] in t for t in s.texts):
                raise RuntimeError(f"{name}: its heading {headings[name]!r} was not sent")
        results[name] = {"median": statistics.median(times), "max": max(times),
                         "server_cpu": cpu_seconds({server_pid}) - server}
        print(f"  {name:15s} {SESSIONS} sessions, server alone: median "
              f"{results[name]['median']:6.2f}  max {results[name]['max']:6.2f}  CPU s: server "
              f"{results[name]['server_cpu']:5.2f}", flush=True)
    for s in sessions:
        await s.close()
    return results


# --------------------------------------------------------------------------- --capacity
CAPACITY_PAGES = ("layers", "saliency")
# (replicas, OMP_NUM_THREADS per replica; None: the launcher's default, torch's one per core)
CAPACITY_CONFIGS = ((1, None), (2, None), (2, "1"))
ROUNDS = 3  # concurrent rounds per page (each: SESSIONS sessions open it at once)


def start_served(home: Path, replicas: int,
                 threads: str | None = None) -> tuple[subprocess.Popen, str, Path]:
    """``deploy/serve.py --replicas N`` on free loopback ports; returns (process, url, run dir)."""
    port, first = _free_port(), _free_port()
    while first + replicas > 65535 or abs(first - port) <= replicas:
        first = _free_port()
    run = home / f"run-{replicas}"
    env = dict(os.environ, CNNLAB_HOME=str(home), PYTHONUNBUFFERED="1")
    env.pop("OMP_NUM_THREADS", None)
    if threads is not None:
        env["OMP_NUM_THREADS"] = threads
    log = (home / f"serve-{replicas}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--replicas", str(replicas), "--port", str(port),
         "--first-port", str(first), "--run-dir", str(run)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        up = 0
        for n in range(1, replicas + 1):
            try:
                with urllib.request.urlopen(f"{url}/_replica/{n}/health", timeout=2) as r:
                    up += r.status == 200
            except OSError:
                pass
        if up == replicas:
            return proc, url, home / f"serve-{replicas}.log"
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit("serve.py did not start:\n" + (home / f"serve-{replicas}.log").read_text())
        time.sleep(0.5)


def replica_memory(serve_log: Path) -> list[tuple[int, float, float]]:
    """(replica, RSS MiB, PSS MiB) of each replica process named in serve.py's log."""
    pids = dict(re.findall(r"replica (\d+): pid (\d+)", serve_log.read_text()))
    out = []
    for n, pid in sorted(pids.items(), key=lambda kv: int(kv[0])):
        fields = {}
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                name, value = line.split(":", 1)
                fields[name] = int(value.split()[0]) / 1024
        except OSError:
            continue
        out.append((int(n), fields.get("Rss", float("nan")), fields.get("Pss", float("nan"))))
    return out


async def measure_capacity(url: str, replicas: int) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {p: [] for p in CAPACITY_PAGES}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=_chromium(), headless=True,
                                           args=CHROMIUM_ARGS)
        host = url.split("//", 1)[1].split(":")[0]
        for n in range(1, replicas + 1):  # warm-up: every replica imports torch, loads models
            ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
            await ctx.add_cookies([{"name": "cnnlab_replica", "value": f"r{n}", "domain": host,
                                    "path": "/"}])
            page = await ctx.new_page()
            for name in ("",) + CAPACITY_PAGES:
                await visit(page, f"{url}/{name}")
            await ctx.close()
        pairs = []
        for _ in range(SESSIONS):  # a class arriving: nginx pins each to the least busy replica
            ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
            page = await ctx.new_page()
            await visit(page, url)
            pairs.append((ctx, page))
        spread = [c["value"] for ctx, _ in pairs for c in await ctx.cookies()
                  if c["name"] == "cnnlab_replica"]
        print(f"  {replicas} replica(s): sessions per replica "
              f"{ {v: spread.count(v) for v in sorted(set(spread))} }", flush=True)
        for name in CAPACITY_PAGES:
            for _ in range(ROUNDS):
                times[name] += await asyncio.gather(*(visit(p, f"{url}/{name}")
                                                      for _, p in pairs))
            mid = statistics.median(times[name])
            print(f"  {replicas} replica(s), {name:9s}: median {mid:6.2f}  max "
                  f"{max(times[name]):6.2f}", flush=True)
        for ctx, _ in pairs:
            await ctx.close()
        await browser.close()
    return times


def capacity() -> None:
    print(machine_line())
    from core.models import cards
    from core.train import training

    results, memory = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        training.train_default_model(home / "models" / cards.DEFAULT_MODEL_DIR)
        for replicas, threads in CAPACITY_CONFIGS:
            proc, url, serve_log = start_served(home, replicas, threads)
            threads_used = re.search(r"torch threads (\d+)", serve_log.read_text())
            label = f"{replicas} x {threads_used.group(1) if threads_used else '?'} threads"
            try:
                results[label] = asyncio.run(measure_capacity(url, replicas))
                memory[label] = replica_memory(serve_log)
            finally:
                _stop(proc, 60)

    print(f"\n{SESSIONS} sessions at once, {ROUNDS} rounds, seconds until idle "
          f"(target: median <= {TARGET_CONCURRENT:.0f})")
    print(f"{'replicas':>16s} " + " ".join(f"{p + ' median':>16s} {p + ' max':>13s}"
                                           for p in CAPACITY_PAGES))
    for label, times in results.items():
        print(f"{label:>16s} " + " ".join(
            f"{statistics.median(times[p]):16.2f} {max(times[p]):13.2f}" for p in CAPACITY_PAGES))
    for label, rows in memory.items():
        for n, rss, pss in rows:
            print(f"memory, {label}: replica {n} RSS {rss:.0f} MiB, PSS {pss:.0f} MiB")
    sums = [sum(statistics.median(t[p]) for p in CAPACITY_PAGES) for t in results.values()]
    print(f"ratio: {sums[0] / sums[1]:.2f}")


def main() -> None:
    global PAGES
    parser = argparse.ArgumentParser(description="Felt speed of the pages in a real browser.")
    parser.add_argument("--capacity", action="store_true",
                        help="1 vs 2 replicas behind nginx, 8 sessions at once (issue 21)")
    parser.add_argument("--pages", nargs="+", choices=PAGES, metavar="PAGE",
                        help=f"measure only these pages (the home page always): {PAGES}")
    args = parser.parse_args()
    if args.capacity:
        capacity()
        return
    if args.pages:
        PAGES = ("home",) + tuple(p for p in PAGES[1:] if p in args.pages)
    print(machine_line())
    from core.models import cards
    from core.train import training

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        training.train_default_model(home / "models" / cards.DEFAULT_MODEL_DIR)
        proc, url = start_server(home)
        try:
            results, headings = asyncio.run(measure(url, proc.pid, PAGES))
            alone = asyncio.run(measure_protocol(url, proc.pid, headings))
        finally:
            _stop(proc, 10)
        print("  the floor: a bare Streamlit app, measured the same way", flush=True)
        (Path(tmp) / "floor.py").write_text(FLOOR_APP)
        proc, url = start_server(home, str(Path(tmp) / "floor.py"))
        try:
            floor, _ = asyncio.run(measure(url, proc.pid, FLOOR_PAGES))
        finally:
            _stop(proc, 10)

    nan = float("nan")
    print(f"\nseconds until idle (targets: later <= {TARGET:.0f}; the median of {SESSIONS} "
          f"sessions <= {TARGET_CONCURRENT:.0f}), and the CPU seconds of the {SESSIONS}-session "
          f"rounds")
    print(f"{'':15s} {'one session':^23s} | {SESSIONS} sessions, in Chromium on this machine"
          f"{'':26s} | {SESSIONS} sessions, server alone")
    print(f"{'page':15s} {'first':>7s} {'later':>7s} {'sidebar':>7s} | {'load med':>8s} "
          f"{'max':>6s} {'sidebar med':>11s} {'max':>6s} {'server':>7s} {'Chromium':>8s} | "
          f"{'median':>6s} {'max':>6s} {'server':>7s}")
    rows = list(results.items()) + [(f"floor:{n.replace('bare_', '')}", r)
                                    for n, r in floor.items()]
    for name, r in rows:
        a = alone.get(name, {})
        if name == "floor:home":
            print("the floor (a bare Streamlit app; 'bare': a heading and a line, 'bare_plotly': "
                  "the same and one Plotly heatmap):")
        print(f"{name:15s} {r['first']:7.2f} {r['later']:7.2f} {r.get('nav', nan):7.2f} | "
              f"{r['median8']:8.2f} {r['max8']:6.2f} {r.get('nav_median8', nan):11.2f} "
              f"{r.get('nav_max8', nan):6.2f} {r.get('nav_server_cpu', nan):7.2f} "
              f"{r.get('nav_browser_cpu', nan):8.2f} | {a.get('median', nan):6.2f} "
              f"{a.get('max', nan):6.2f} {a.get('server_cpu', nan):7.2f}")
    server = sum(r["server_cpu"] + r.get("nav_server_cpu", 0) for r in results.values())
    browser = sum(r["browser_cpu"] + r.get("nav_browser_cpu", 0) for r in results.values())
    if server + browser > 0:  # cpu_seconds reads Linux's /proc: 0 elsewhere
        print(f"{SESSIONS} sessions in Chromium, page loads and the sidebar: the server used "
              f"{server:.1f} CPU s, the {SESSIONS} Chromium sessions {browser:.1f} "
              f"({browser / (server + browser):.0%} of the machine's work)")
    worst8 = max(alone, key=lambda n: alone[n]["median"])
    print(f"worst median of {SESSIONS} sessions, server alone: {worst8} "
          f"({alone[worst8]['median']:.2f} s)")
    worst = max(results, key=lambda n: results[n]["later"])
    print(f"worst page after warm-up: {worst} ({results[worst]['later']:.2f} s)")
    print(f"ratio: {TARGET / results[worst]['later']:.2f}")


if __name__ == "__main__":
    main()
