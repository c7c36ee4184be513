"""One processing worker of bench/ingest.py: sets Django up against DATABASE_URL, says "ready",
waits for "go" on standard input (so start-up is not timed), drains the raw events with
`events_drain` (the queue task's own loop), prints what it did as one JSON line, and exits when
its standard input closes (so its database connection outlives the measurement)."""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")
    import django

    django.setup()
    from smarketing.events.tasks import events_drain

    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected 'go' on standard input")
    began, cpu = time.time(), time.process_time()
    processed = events_drain()
    ended = time.time()
    result = {
        "processed": processed,
        "began": began,
        "ended": ended,
        "cpu_s": time.process_time() - cpu,
    }
    print(json.dumps(result), flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
