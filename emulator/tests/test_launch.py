"""launch.py's command line, as the Rust tests and xtask use it (a real process)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest

LAUNCH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "launch.py")


def _start(*args: str, cwd: str, code: str | None = None) -> subprocess.Popen:
    argv = [sys.executable, LAUNCH, *args] if code is None else [sys.executable, "-c", code, LAUNCH, *args]
    env = {k: v for k, v in os.environ.items() if k != "MOTO_PORT"}
    return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """Both slow processes start at once: one serving, one whose guard fails."""
    cwd = str(tmp_path_factory.mktemp("elsewhere"))  # not the repository: launch.py finds its package
    serving = _start("--host", "127.0.0.1", "--port", "0", cwd=cwd)
    # another moto: CertBundle.describe (rule 13) is gone
    broken = _start("--port", "0", cwd=cwd, code=(
        "import runpy, sys; import moto.acm.models as m; del m.CertBundle.describe; "
        "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"))
    yield serving, broken
    for proc in (serving, broken):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_ready_line_serve_and_sigterm(started):
    serving, _ = started
    line = serving.stdout.readline()
    match = re.fullmatch(r"READY (http://127\.0\.0\.1:(\d+))\n", line)
    assert match, line
    endpoint = match.group(1)
    with urllib.request.urlopen(endpoint + "/_switchyard/requests", timeout=10) as resp:
        assert json.load(resp) == []
    req = urllib.request.Request(endpoint + "/", method="POST", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/"
                                                           "us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert b"123456789012" in resp.read()
    with urllib.request.urlopen(endpoint + "/_switchyard/requests", timeout=10) as resp:
        assert json.load(resp) == [{"service": "sts", "action": "GetCallerIdentity", "method": "POST", "path": "/",
                                    "write": False, "access_key": "testing",
                                    "params": {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
                                    "status": 200}]
    serving.send_signal(signal.SIGTERM)
    assert serving.wait(10) == 0
    assert serving.stdout.read() == "", "stdout carries exactly one line"


def test_a_failed_guard_exits_3_before_binding(started):
    _, broken = started
    assert broken.wait(60) == 3
    assert broken.stdout.read() == ""
    err = broken.stderr.read()
    assert "launch.py: fidelity patch patch_acm_serial_hex: moto.acm.models.CertBundle.describe is missing" in err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com"])
def test_a_non_loopback_host_exits_2(tmp_path, host):
    proc = _start("--host", host, "--port", "0", cwd=str(tmp_path))
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out) == (2, "")
    assert "only loopback addresses are allowed" in err


def test_with_exit_with_stdin_it_ends_when_its_stdin_does(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MOTO_PORT"}
    proc = subprocess.Popen([sys.executable, LAUNCH, "--port", "0", "--exit-with-stdin"], cwd=str(tmp_path),
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert re.fullmatch(r"READY http://127\.0\.0\.1:\d+\n", proc.stdout.readline())
        assert proc.poll() is None, "it serves while its stdin is open"
        proc.stdin.close()  # as when the test process that holds the pipe exits
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
