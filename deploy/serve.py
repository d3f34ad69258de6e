"""Serve CNN Lab to a class: N Streamlit processes behind one nginx with sticky routing.

    make serve REPLICAS=4 PORT=8501          # or: python deploy/serve.py --replicas 4 --port 8501

starts ``REPLICAS`` Streamlit servers on internal loopback ports (``--first-port`` and up), each
with ``CNNLAB_REPLICA=<n>`` (the sidebar shows it) and its share of the cores as the heavy-job
cap ``CNNLAB_HEAVY_JOBS`` (unless set), waits until
every one answers ``/_stcore/health``, then runs nginx on the public port with a configuration
written from ``deploy/nginx.conf.template``. It restarts a replica that exits, polls their
health, and on Ctrl+C or SIGTERM stops nginx and every replica it started.

All replicas use one model library: ``$CNNLAB_HOME`` (put it on shared storage when replicas
run on several machines). ``--no-proxy`` starts only the replicas (one machine of many);
``--config-only`` only writes the nginx configuration for ``--upstream host:port`` replicas.
Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
INSTALL_HINT = ("nginx was not found. Install Debian's package (`sudo apt-get install nginx`; "
                "the launcher runs its own nginx with its own configuration, the system service "
                "is not needed), or pass --nginx /path/to/nginx.")
HEALTH_EVERY_S = 5.0  # how often a running replica's /_stcore/health is polled
START_TIMEOUT_S = 180.0  # a replica imports torch and Streamlit: slow on a cold disk
RESTARTS_PER_MINUTE = 3  # a replica that keeps dying is left down (its log says why)


def log(message: str) -> None:
    print(f"[serve {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- configuration
def max_upload_mb() -> int:
    """Streamlit's server.maxUploadSize from .streamlit/config.toml (its default is 200 MB)."""
    try:
        config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
        return int(config.get("server", {}).get("maxUploadSize", 200))
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return 200


def render_config(upstreams: list[str], listen: str, run_dir: Path) -> str:
    """The nginx configuration for replicas at ``upstreams`` ("host:port", replica n = index
    n - 1) on ``listen`` ("port" or "address:port")."""
    def server(address: str, *, backup: bool = False) -> str:
        return (f"        server {address} max_fails=3 fail_timeout=10s"
                f"{' backup' if backup else ''};")

    pinned = []
    for n, address in enumerate(upstreams, 1):
        lines = [server(address)] + [server(a, backup=True) for a in upstreams if a != address]
        pinned.append(f"    upstream cnnlab_r{n} {{\n" + "\n".join(lines) + "\n    }")
    fields = {
        "run_dir": str(run_dir),
        "listen": listen,
        "max_upload_mb": str(max_upload_mb()),
        "any_servers": "\n".join(server(a) for a in upstreams),
        "pinned_upstreams": "\n".join(pinned),
        "cookie_map": "\n".join(f"        r{n} cnnlab_r{n};" for n in range(1, len(upstreams) + 1)),
        "served_map": "\n".join(f'        "~(^|, ){re.escape(a)}$" r{n};'
                                for n, a in enumerate(upstreams, 1)),
        "health_locations": "\n".join(
            f"        location = /_replica/{n}/health {{\n"
            f"            proxy_pass http://{a}/_stcore/health;\n        }}"
            for n, a in enumerate(upstreams, 1)),
    }
    text = TEMPLATE.read_text("utf-8")
    for name, value in fields.items():
        text = text.replace("{{" + name + "}}", value)
    missing = re.findall(r"\{\{\w+\}\}", text)
    if missing:
        raise SystemExit(f"nginx template fields left unfilled: {missing}")
    return text


def find_nginx(given: str | None) -> str:
    for path in ([given] if given else []) + [shutil.which("nginx") or ""] + list(NGINX_CANDIDATES):
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    raise SystemExit(INSTALL_HINT)


def _cores() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def heavy_jobs_per_replica(replicas: int) -> str:
    """The heavy-job cap each replica gets unless CNNLAB_HEAVY_JOBS is set: the cores shared out."""
    return str(max(1, math.ceil(_cores() / replicas)))



# --------------------------------------------------------------------------- processes
@dataclass
class Replica:
    number: int
    address: str
    port: int
    log_path: Path
    env: dict[str, str]
    proc: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)
    failing: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
                   "--server.headless", "true", "--server.address", self.address,
                   "--server.port", str(self.port), "--server.fileWatcherType", "none",
                   "--browser.gatherUsageStats", "false"]
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        log(f"replica {self.number}: pid {self.proc.pid} on {self.url} (log {self.log_path})")

    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=timeout) as r:
                return r.status == 200
        except OSError:
            return False


def stop_process(proc: subprocess.Popen | None, sig: int = signal.SIGTERM,
                 wait_s: float = 10.0) -> None:
    """Signal ``proc``'s process group, then kill it if it has not ended within ``wait_s``."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def wait_healthy(replicas: list[Replica]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    waiting = list(replicas)
    while waiting:
        for r in list(waiting):
            if r.proc is not None and r.proc.poll() is not None:
                raise SystemExit(f"replica {r.number} exited (code {r.proc.returncode}) while "
                                 f"starting; see {r.log_path}")
            if r.healthy():
                log(f"replica {r.number}: healthy")
                waiting.remove(r)
        if waiting and time.monotonic() > deadline:
            raise SystemExit(f"replicas {[r.number for r in waiting]} did not answer "
                             f"/_stcore/health within {START_TIMEOUT_S:.0f} s")
        time.sleep(0.25)


def wait_proxy(nginx: subprocess.Popen, args: argparse.Namespace, run_dir: Path) -> None:
    """Wait until nginx answers /_stcore/health on the public port (a replica's answer)."""
    host = "127.0.0.1" if args.address in ("0.0.0.0", "") else args.address
    host = "[::1]" if host == "::" else host
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if nginx.poll() is not None:
            out = (run_dir / "nginx.out").read_text(errors="replace")
            errors = (run_dir / "nginx-error.log")
            more = errors.read_text(errors="replace")[-2000:] if errors.exists() else ""
            raise SystemExit(f"nginx exited (code {nginx.returncode}):\n{out}{more}")
        try:
            with urllib.request.urlopen(f"http://{host}:{args.port}/_stcore/health",
                                        timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nginx did not answer on port {args.port} within 15 s")


class Stop(Exception):
    """Raised by the signal handler to leave the supervision loop."""


def _on_signal(signum, _frame) -> None:
    raise Stop(signal.Signals(signum).name)


def supervise(replicas: list[Replica], nginx: subprocess.Popen | None) -> int:
    """Keep the replicas up until a signal (0) or nginx's exit (1)."""
    next_health = time.monotonic() + HEALTH_EVERY_S
    while True:
        time.sleep(0.5)
        if nginx is not None and nginx.poll() is not None:
            log(f"nginx exited with code {nginx.returncode}; stopping")
            return 1
        now = time.monotonic()
        for r in replicas:
            if r.proc is not None and r.proc.poll() is not None:
                r.restarts = [t for t in r.restarts if now - t < 60]
                if len(r.restarts) >= RESTARTS_PER_MINUTE:
                    if r.proc.returncode is not None and r.failing >= 0:
                        log(f"replica {r.number} exited {RESTARTS_PER_MINUTE} times within a "
                            f"minute; left down (see {r.log_path})")
                        r.failing = -1  # said once
                    continue
                log(f"replica {r.number} exited (code {r.proc.returncode}); restarting")
                r.restarts.append(now)
                r.start()
        if now >= next_health:
            next_health = now + HEALTH_EVERY_S
            for r in replicas:
                if r.proc is None or r.proc.poll() is not None or r.failing < 0:
                    continue
                if r.healthy():
                    if r.failing:
                        log(f"replica {r.number}: healthy again")
                    r.failing = 0
                else:
                    r.failing += 1
                    if r.failing == 3:  # nginx stops sending it newcomers on its own
                        log(f"replica {r.number}: /_stcore/health failing (busy or hung?)")


# --------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    p.add_argument("--port", type=int, default=8501, help="public port of nginx (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="public address nginx listens on (0.0.0.0 for a class network)")
    p.add_argument("--first-port", type=int, default=None,
                   help="internal port of replica 1, then +1 each (default: public port + 100)")
    p.add_argument("--replica-address", default="127.0.0.1",
                   help="address the replicas listen on (0.0.0.0 with --no-proxy on a machine "
                        "of many)")
    p.add_argument("--run-dir", type=Path, default=None,
                   help="where the nginx configuration and the logs go (default: a new "
                        "temporary directory)")
    p.add_argument("--nginx", default=None, help="the nginx binary (default: found on PATH)")
    p.add_argument("--no-proxy", action="store_true",
                   help="start only the replicas, for a machine behind a shared nginx")
    p.add_argument("--config-only", action="store_true",
                   help="write the nginx configuration for --upstream replicas and exit")
    p.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT",
                   help="a replica on another machine (with --config-only; repeat per replica)")
    args = p.parse_args(argv)
    if not 1 <= args.replicas <= 64:
        p.error("--replicas must be between 1 and 64")
    for port in (args.port, args.first_port):
        if port is not None and not 1 <= port <= 65535:
            p.error(f"port {port} is not between 1 and 65535")
    if args.upstream and not args.config_only:
        p.error("--upstream goes with --config-only")
    for u in args.upstream:
        if not re.fullmatch(r"[\w.\-\[\]:]+:\d{1,5}", u):
            p.error(f"--upstream {u!r} is not HOST:PORT")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    first = args.first_port or args.port + 100
    listen = f"{args.address}:{args.port}"
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="cnnlab-serve-"))
    run_dir = run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)

    if args.config_only:
        upstreams = args.upstream or [f"{args.replica_address}:{first + i}"
                                      for i in range(args.replicas)]
        conf = run_dir / "nginx.conf"
        conf.write_text(render_config(upstreams, listen, run_dir), "utf-8")
        print(conf)
        return 0

    nginx_bin = None if args.no_proxy else find_nginx(args.nginx)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.setdefault("CNNLAB_HEAVY_JOBS", heavy_jobs_per_replica(args.replicas))
    # torch's threads are left at one per core in every replica: splitting the cores between
    # replicas (OMP_NUM_THREADS=1 each on 2 cores) made 8 sessions slower, not faster
    # (benchmarks/pages.py --capacity; README "Serving a class")
    # one secret for all: a browser re-pinned to another replica keeps a valid XSRF cookie
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    replicas = [Replica(n, args.replica_address, first + n - 1, run_dir / f"replica-{n}.log",
                        dict(env, CNNLAB_REPLICA=str(n)))
                for n in range(1, args.replicas + 1)]
    nginx = None
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    code = 0
    try:
        home = env.get("CNNLAB_HOME") or "~/.cache/cnn-lab"
        threads = env.get("OMP_NUM_THREADS", str(_cores()))
        log(f"{args.replicas} replicas, model library in {home}, per replica: heavy jobs "
            f"{env['CNNLAB_HEAVY_JOBS']}, torch threads {threads}; files in {run_dir}")
        for r in replicas:
            r.start()
        wait_healthy(replicas)
        if nginx_bin is not None:
            conf = run_dir / "nginx.conf"
            conf.write_text(render_config([f"{r.address}:{r.port}" for r in replicas], listen,
                                          run_dir), "utf-8")
            test = subprocess.run([nginx_bin, "-t", "-q", "-p", str(run_dir), "-c", str(conf)],
                                  capture_output=True, text=True)
            if test.returncode != 0:
                raise SystemExit(f"nginx rejected {conf}:\n{test.stderr}")
            with (run_dir / "nginx.out").open("ab") as out:
                nginx = subprocess.Popen([nginx_bin, "-p", str(run_dir), "-c", str(conf)],
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            log(f"nginx: pid {nginx.pid}, config {conf}")
            wait_proxy(nginx, args, run_dir)
            log(f"CNN Lab is at http://{listen} ({args.replicas} replicas). Ctrl+C stops all.")
        else:
            log("replicas up (no proxy): " + ", ".join(r.url for r in replicas))
        code = supervise(replicas, nginx)
    except Stop as why:
        log(f"{why}: stopping")
    except SystemExit as err:
        if isinstance(err.code, str):
            log(err.code)
            code = 2
        else:
            code = err.code or 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stop_process(nginx, signal.SIGQUIT, wait_s=5)  # SIGQUIT: nginx's graceful stop
        for r in replicas:
            stop_process(r.proc)
        log("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
