"""The live test server answering one request at a time, for browser tests that read or write
the database while the browser is talking to the server. Import `one_at_a_time_fixture` into the
test module and ask for `one_at_a_time`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(name="one_at_a_time")
def one_at_a_time_fixture(live_server) -> Iterator[threading.Lock]:
    """A lock the live server holds while it answers a request, and the test while it waits.

    On SQLite the test database lives in memory, one connection shared by every thread, so two
    requests at once (a form's beacon and the next page's) or a read beside a request would
    interleave their transactions; a deployed server has a connection per thread instead. The
    tests read only once every request they caused has been answered.
    """
    lock = threading.Lock()
    httpd = live_server.thread.httpd
    app = httpd.get_app()

    def serialized(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:
            return list(app(environ, start_response))

    httpd.set_app(serialized)
    yield lock
    with lock:  # a request still being answered finishes before the database is flushed
        httpd.set_app(app)
