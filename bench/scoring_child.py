"""One backend and size of bench/scoring.py, in its own process against a fresh, empty database
(DATABASE_URL): migrate, write the company, publish two versions through the sign-off services
and time the rescoring runs they start, then the references and the incremental path. Prints
its figures as one JSON line on standard output; progress goes to standard error.

    python bench/scoring_child.py '{"contacts": 20000, "seed": 42, ...}'
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def say(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    settings = json.loads(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")
    import django

    django.setup()
    import scoring_events
    import scoring_limits
    import scoring_measure
    from django.core.management import call_command
    from django.db import connection
    from scoring_data import company_generate
    from scoring_definition import DEFINITION, PREVIOUS

    result: dict[str, Any] = {"settings": settings, "backend": connection.vendor}
    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    result["migrate_s"] = time.perf_counter() - began
    from smarketing.checkpoints import checkpointer_start

    # As in the queue consumer, which runs the rescoring and the event processing: on SQLite a
    # thread copies the write-ahead log back into the database (checkpoints).
    result["checkpoint_thread"] = checkpointer_start() is not None
    result["database_version"] = scoring_measure.database_version()
    now = dt.datetime.now(dt.UTC)
    say(f"writing {settings['contacts']:,} contacts and their touchpoints")
    generated = company_generate(contacts=settings["contacts"], seed=settings["seed"], now=now)
    result["generated"] = vars(generated)
    say(f"written in {generated.seconds:.0f} s: {generated.touchpoints:,} touchpoints")
    scoring_measure.analyze()
    leaders = scoring_measure.leaders_create()

    say("first scoring (no scores yet), version 2")
    if settings["first"]:
        result["first"] = scoring_measure.publish_and_rescore(
            text=PREVIOUS, leaders=leaders, promote=False, profile=None
        )
    else:
        result["first"] = scoring_measure.publish_and_rescore_untimed(
            text=PREVIOUS, leaders=leaders
        )
    # Days pass before a new version goes live: autovacuum has cleared the first scoring's
    # inserts by then (this machine's PostgreSQL runs without it), as before the events.
    scoring_measure.settle()
    say("engine alone on in-memory facts")
    result["engine"] = scoring_limits.engine_alone(
        text=DEFINITION, sample=min(settings["engine_sample"], settings["contacts"])
    )
    say("full rescoring when version 3 goes live (the measured run)")
    profile = settings.get("profile_path")
    result["rescoring"] = scoring_measure.publish_and_rescore(
        text=DEFINITION, leaders=leaders, promote=settings["promote"], profile=profile
    )
    result["stored"] = scoring_measure.stored_check(
        expected_contacts=settings["contacts"], run=result["rescoring"], text=DEFINITION
    )
    say("raw I/O limit: the same reads in one scan, the same writes bulk-inserted")
    result["limit"] = scoring_limits.io_limit(written=result["rescoring"]["written"])
    if settings["events"]:
        scoring_measure.settle()
        say(f"incremental: {settings['events']:,} events in batches, with and without scoring")
        result["incremental"] = scoring_events.incremental_measure(
            events=settings["events"],
            batch=settings["batch"],
            seed=settings["seed"],
            contacts=settings["contacts"],
            profile_path=settings.get("profile_events_path"),
        )
    result["checks_failed"] = scoring_measure.failed_checks(result)
    print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
