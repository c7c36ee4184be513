"""`smarketing serve` really starts: migrates a fresh database, serves pages and the API."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, *, proc: subprocess.Popen, attempts: int = 150) -> int:
    for _ in range(attempts):
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = {
        **os.environ,
        "SMARKETING_VAR_DIR": str(tmp_path),
        # Always the embedded default here, whatever database the suite runs on.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "smarketing.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_migrates_and_answers(server):
    base, proc = server
    assert wait_for(f"{base}/healthz", proc=proc) == 200
    # Anonymous: the pages send to the login page, the API answers 401.
    with urllib.request.urlopen(f"{base}/") as response:
        assert response.url.startswith(f"{base}/login/")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{base}/api/contacts")
    assert exc.value.code == 401
    with urllib.request.urlopen(f"{base}/api/openapi.json") as response:
        assert b'"openapi"' in response.read()
