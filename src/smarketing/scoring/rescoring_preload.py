"""Imported by the fork server of the rescoring processes (see rescoring_processes), and by
nothing else: Django set up and the scoring code imported once, so that each worker forked
from it starts with them. No database connection is opened here. Should setting up fail, the
fork server goes on without it and each worker sets Django up itself, reporting the error as
a spawned worker would."""

import contextlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")

with contextlib.suppress(Exception):
    import django

    django.setup()
    import smarketing.scoring.refresh  # noqa: F401
