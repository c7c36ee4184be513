"""The same batch sent at once from two OS processes, to two server processes on one database,
is stored once, and the accepted counts of all responses add up to exactly the batch.

The servers are real `smarketing serve` processes: on PostgreSQL against this test database, on
SQLite against a database file of their own (an in-memory test database cannot be shared).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from smarketing.events.models import RawEvent
from tests.events.ingest_support import basic, message

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 400
ROUNDS = 3
SMARKETING = str(Path(sys.executable).with_name("smarketing"))

SENDER = """
import json, sys, time, urllib.error, urllib.request
url, auth, body_file, go_file, rounds = sys.argv[1:6]
body = open(body_file, "rb").read()
while True:
    try:
        open(go_file).close()
        break
    except FileNotFoundError:
        time.sleep(0.005)
results = []
for _ in range(int(rounds)):
    request = urllib.request.Request(
        url, data=body, headers={"Authorization": auth, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            results.append([response.status, json.loads(response.read())])
    except urllib.error.HTTPError as exc:
        results.append([exc.code, exc.read().decode()])
print(json.dumps(results))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(var: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(SMARKETING_VAR_DIR=str(var), SMARKETING_SECRET_KEY="concurrency-test")
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
            f"/{s['NAME']}"
        )
    return env


def _wait_ready(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


@pytest.fixture
def servers(tmp_path):
    """Two server processes on one database; yields (ports, env)."""
    env = _server_env(tmp_path / "var")
    subprocess.run([SMARKETING, "migrate"], env=env, check=True, capture_output=True)
    ports, processes = [_free_port(), _free_port()], []
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(
                    [SMARKETING, "serve", "--no-worker", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            _wait_ready(port, process)
        yield ports, env
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _stored_message_ids(env: dict[str, str]) -> list[str]:
    if connection.vendor == "postgresql":
        return list(RawEvent.objects.values_list("message_id", flat=True))
    db = sqlite3.connect(Path(env["SMARKETING_VAR_DIR"]) / "smarketing.sqlite3")
    try:
        return [row[0] for row in db.execute("SELECT message_id FROM events_rawevent")]
    finally:
        db.close()


def test_same_batch_from_two_processes_at_once_is_stored_once(servers, tmp_path):
    ports, env = servers
    created = subprocess.run(
        [SMARKETING, "writekey", "create", "--name", "Website", "--rate-limit", "1000000"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    raw_key = created.stdout.strip()
    batch = [message(properties={"n": i}) for i in range(EVENTS)]
    body_file = tmp_path / "batch.json"
    body_file.write_text(json.dumps({"batch": batch}))
    go_file = tmp_path / "go"
    senders = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                SENDER,
                f"http://127.0.0.1:{port}/v1/batch",
                basic(raw_key),
                str(body_file),
                str(go_file),
                str(ROUNDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    go_file.touch()  # both start together
    results = []
    for sender in senders:
        out, err = sender.communicate(timeout=120)
        assert sender.returncode == 0, err
        results.extend(json.loads(out))
    assert [status for status, _ in results] == [200] * (2 * ROUNDS), results
    assert sum(body["accepted"] for _, body in results) == EVENTS
    assert sum(body["duplicates"] for _, body in results) == EVENTS * (2 * ROUNDS - 1)
    stored = _stored_message_ids(env)
    assert len(stored) == EVENTS
    assert set(stored) == {m["messageId"] for m in batch}
