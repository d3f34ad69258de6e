"""deploy/serve.py without starting anything: the nginx configuration it writes from the
template, and the arguments it refuses. (tests/e2e/test_serve.py runs it for real.)"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _serve():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "deploy" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


serve = _serve()


def test_the_configuration_names_every_replica_and_leaves_no_field(tmp_path):
    text = serve.render_config(["10.0.0.5:8601", "10.0.0.6:8601"], "0.0.0.0:80", tmp_path)
    assert re.findall(r"\{\{\w+\}\}", text) == []
    assert "listen 0.0.0.0:80;" in text
    assert text.count("server 10.0.0.5:8601 max_fails=3 fail_timeout=10s;") == 2  # any + own
    assert "server 10.0.0.5:8601 max_fails=3 fail_timeout=10s backup;" in text  # r2's backup
    assert "r1 cnnlab_r1;" in text and "r2 cnnlab_r2;" in text
    assert '"~(^|, )10\\.0\\.0\\.6:8601$" r2;' in text
    assert "location = /_replica/2/health" in text
    assert "proxy_pass http://10.0.0.6:8601/_stcore/health;" in text
    assert f"client_max_body_size {serve.max_upload_mb()}m;" in text
    assert serve.max_upload_mb() == 300  # .streamlit/config.toml's server.maxUploadSize


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx not installed")
def test_nginx_accepts_the_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.render_config(["127.0.0.1:18601", "127.0.0.1:18602"],
                                        "127.0.0.1:18500", tmp_path))
    out = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_config_only_writes_it_for_other_machines(tmp_path):
    out = subprocess.run([sys.executable, "deploy/serve.py", "--config-only", "--port", "80",
                          "--address", "0.0.0.0", "--upstream", "a.school:8601",
                          "--upstream", "b.school:8601", "--run-dir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "nginx.conf").read_text()
    assert "upstream cnnlab_r2" in text and "server b.school:8601" in text


@pytest.mark.parametrize("args", [["--replicas", "0"], ["--port", "70000"],
                                  ["--upstream", "a:1"], ["--config-only", "--upstream", "a b"]])
def test_nonsense_arguments_are_refused_with_a_message(args, capsys):
    with pytest.raises(SystemExit) as stop:
        serve.parse_args(args)
    assert stop.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_each_replica_gets_a_share_of_the_heavy_job_slots(monkeypatch):
    monkeypatch.setattr(serve, "_cores", lambda: 8)
    assert serve.heavy_jobs_per_replica(3) == "3" and serve.heavy_jobs_per_replica(8) == "1"
    monkeypatch.setattr(serve, "_cores", lambda: 2)
    assert serve.heavy_jobs_per_replica(4) == "1"
