"""The full rescoring of bench/scoring.py, as the product runs it: a version is drafted, proposed
and approved by a marketing and a sales leader through the sign-off services, which go live and
start a RescoringRun; the run is then timed with `refresh.rescoring_run` (what the queue task
calls). Also: where its time goes, the CPU it used, and checks of what it stored. Runs inside
the benchmark's Django process.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Parts of a rescoring timed separately (see `_parts_timed`).
PARTS = ("ids", "facts", "touchpoints", "engine", "store", "promote", "accounts")
CHECK_SAMPLE = 300


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return str(cursor.fetchone()[0]).split(" ")[0]
        cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def analyze() -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or a maintained install has."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def settle() -> None:
    """Before the incremental rounds: the state a live install is in a minute after a full
    rescoring. On PostgreSQL that rescoring left a dead version of every score row, which
    autovacuum clears within a minute or so; here it would do it at a random moment of the
    measured rounds, on one of the two cores. So the tables are vacuumed first (which also
    lets index-only scans skip the rows). SQLite keeps no dead versions: statistics only."""
    from django.db import connection

    if connection.vendor != "postgresql":
        analyze()
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


class Cpu:
    """CPU seconds of this process and, on PostgreSQL, of the backend serving Django's
    connection (from /proc; the server runs on this machine)."""

    def __init__(self) -> None:
        from django.db import connection

        self.backend: int | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend = int(cursor.fetchone()[0])

    def read(self) -> tuple[float, float]:
        """This process's CPU with that of its child processes, and of theirs once ended (a
        rescoring's workers, forked by its fork server, a child of this process), and the
        database backend's."""
        import resource

        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = time.process_time() + children.ru_utime + children.ru_stime
        return own + _children_cpu(), self._backend_cpu()

    def _backend_cpu(self) -> float:
        if self.backend is None:
            return 0.0
        return _process_cpu(self.backend, ended_children=False)


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name (state first); none for a
    process that has ended."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _process_cpu(pid: int, *, ended_children: bool) -> float:
    """CPU seconds of a process (user and system), with its ended children's."""
    import os

    fields = _stat(pid)
    if not fields:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if ended_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU of the running child processes of this one, with their own ended children's."""
    import os

    me = str(os.getpid())
    children = [e.name for e in Path("/proc").iterdir() if e.name.isdigit()]
    return sum(
        _process_cpu(int(pid), ended_children=True) for pid in children if _stat(pid)[1:2] == [me]
    )


def leaders_create() -> dict[str, Any]:
    from smarketing.org.models import Role, Team, TeamKind, User

    marketing = Team.objects.create(name="Marketing", kind=TeamKind.MARKETING)
    sales = Team.objects.create(name="Sales", kind=TeamKind.SALES)
    return {
        "marketing": User.objects.create_user(
            "maya@bench.example", role=Role.LEADER, team=marketing
        ),
        "sales": User.objects.create_user("sol@bench.example", role=Role.LEADER, team=sales),
    }


def _publish(*, text: str, leaders: dict[str, Any], promote: bool) -> Any:
    """Draft, propose and approve `text`: it goes live and its rescoring run is queued."""
    from smarketing.scoring.models import RescoringRun, RunStatus
    from smarketing.scoring.services import (
        definition_approve,
        definition_draft_create,
        definition_propose,
    )

    draft = definition_draft_create(by_user=leaders["marketing"], text=text)
    definition_propose(version=draft, by_user=leaders["marketing"])
    definition_approve(version=draft, user=leaders["marketing"], promote=promote)
    definition_approve(version=draft, user=leaders["sales"], promote=promote)
    return RescoringRun.objects.get(version=draft, status=RunStatus.QUEUED)


def publish_and_rescore_untimed(*, text: str, leaders: dict[str, Any]) -> dict[str, Any]:
    from smarketing.scoring.refresh import rescoring_run

    run = _publish(text=text, leaders=leaders, promote=False)
    rescoring_run(run_id=run.pk)
    return {"version": run.version.number, "timed": False}


def publish_and_rescore(
    *, text: str, leaders: dict[str, Any], promote: bool, profile: str | None
) -> dict[str, Any]:
    """Publish `text` and time the rescoring run it starts."""
    from smarketing.people.models import Contact
    from smarketing.scoring.models import RunStatus
    from smarketing.scoring.refresh import rescoring_processes, rescoring_run

    run = _publish(text=text, leaders=leaders, promote=promote)
    processes = rescoring_processes(Contact.objects.count())
    cpu = Cpu()
    parts: dict[str, float] = dict.fromkeys(PARTS, 0.0)
    parts_cpu: dict[str, float] = dict.fromkeys(PARTS, 0.0)
    profiler = cProfile.Profile() if profile else None
    with _parts_timed(parts, parts_cpu):
        own0, db0 = cpu.read()
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        done = rescoring_run(run_id=run.pk)
        if profiler is not None:
            profiler.disable()
        seconds = time.perf_counter() - began
        own1, db1 = cpu.read()
    if profiler is not None and profile:
        _profile_write(profiler, profile)
    after = _rows(run.version.number)
    assert done is not None, "the run was not claimed"
    return {
        "run_id": run.pk,
        "version": run.version.number,
        "promote": promote,
        "status": done.status,
        "ok": done.status == RunStatus.DONE,
        "total": done.total,
        "done": done.done,
        "changed": done.changed,
        "promoted": done.promoted,
        "seconds": seconds,
        "processes": processes,
        "cpu_s": {"bench": own1 - own0, "database": db1 - db0},
        "parts_s": parts,
        "parts_cpu_s": parts_cpu,
        "profiled": profiler is not None,
        # Rows under the new version (none existed before its run).
        "written": after,
    }


def _rows(version: int) -> dict[str, int]:
    from smarketing.scoring.models import CurrentAccountScore, CurrentContactScore, ScoreChange

    return {
        "current": CurrentContactScore.objects.filter(version=version).count(),
        "history": ScoreChange.objects.filter(version=version).count(),
        "accounts": CurrentAccountScore.objects.filter(version=version).count(),
    }


@contextmanager
def _parts_timed(parts: dict[str, float], parts_cpu: dict[str, float]) -> Iterator[None]:
    """Time the parts of `refresh` a rescoring calls, wall and this process's CPU, by wrapping
    them in the module (this process only, a few calls per chunk of 2,000 contacts, so it costs
    nothing measurable). "engine" is `Scorer.score_columns`."""
    from smarketing.scoring import refresh, rules

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                parts[name] += time.perf_counter() - began
                parts_cpu[name] += time.process_time() - cpu

        return wrapper

    def ids_timed(function: Callable[..., Iterator[list[int]]]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Iterator[list[int]]:
            chunks = function(*args, **kwargs)
            while True:
                began, cpu = time.perf_counter(), time.process_time()
                chunk = next(chunks, None)
                parts["ids"] += time.perf_counter() - began
                parts_cpu["ids"] += time.process_time() - cpu
                if chunk is None:
                    return
                yield chunk

        return wrapper

    class ScorerTimed:
        def __init__(self, scorer: Any) -> None:
            self.scorer = scorer

        def __getattr__(self, name: str) -> Any:
            return getattr(self.scorer, name)

        def score_columns(self, **kwargs: Any) -> list[Any]:
            began, cpu = time.perf_counter(), time.process_time()
            try:
                return list(self.scorer.score_columns(**kwargs))
            finally:
                parts["engine"] += time.perf_counter() - began
                parts_cpu["engine"] += time.process_time() - cpu

    class RulesTimed:
        def __getattr__(self, name: str) -> Any:
            return getattr(rules, name)

        @staticmethod
        def scorer_for(definition: Any) -> Any:
            return ScorerTimed(rules.scorer_for(definition))

    saved = {
        name: getattr(refresh, name)
        for name in (
            "contact_facts_many",
            "touchpoint_columns",
            "_store_prepare",
            "_store_write",
            "_promote",
            "accounts_refresh",
            "_ids_in_chunks",
            "rules",
        )
    }
    refresh.contact_facts_many = timed("facts", saved["contact_facts_many"])
    refresh.touchpoint_columns = timed("touchpoints", saved["touchpoint_columns"])
    # A run writes through these two (`_store` calls them too): both are "store".
    refresh._store_prepare = timed("store", saved["_store_prepare"])
    refresh._store_write = timed("store", saved["_store_write"])
    refresh._promote = timed("promote", saved["_promote"])
    refresh.accounts_refresh = timed("accounts", saved["accounts_refresh"])
    refresh._ids_in_chunks = ids_timed(saved["_ids_in_chunks"])
    refresh.rules = RulesTimed()  # type: ignore[assignment]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(refresh, name, value)


def _profile_write(profiler: cProfile.Profile, path: str) -> None:
    """The raw profile (for snakeviz or pstats) and the top functions as text beside it."""
    profiler.dump_stats(path)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    Path(path).with_suffix(".txt").write_text(text.getvalue())


def stored_check(*, expected_contacts: int, run: dict[str, Any], text: str) -> dict[str, Any]:
    """Every contact has its score under the new version, and a sample of them, scored again
    by the engine as of the stored time, gives exactly what was stored."""
    from smarketing.scoring import rules
    from smarketing.scoring.facts import contact_facts_many, touchpoint_facts_by_contact
    from smarketing.scoring.models import CurrentContactScore
    from smarketing.scoring.refresh import explanation_rows, rules_known

    version = run["version"]
    definition = rules.load(text)
    known = rules_known(definition)
    step = max(1, expected_contacts // CHECK_SAMPLE)
    sample = list(range(1, expected_contacts + 1, step))
    stored = {
        row.contact_id: row
        for row in CurrentContactScore.objects.filter(contact_id__in=sample, group="default")
    }
    facts = {c.contact_id: c for c in contact_facts_many(sample)}
    touchpoints = touchpoint_facts_by_contact(sample)
    mismatches = []
    for cid in sample:
        row = stored.get(cid)
        if row is None or row.version != version:
            mismatches.append(f"contact {cid}: no score under version {version}")
            continue
        again = rules.score_contact(
            definition=definition,
            contact=facts[cid],
            touchpoints=touchpoints.get(cid, []),
            now=row.computed_at,
        ).default
        same = (row.fit, row.engagement, row.total, row.grade) == (
            again.fit,
            again.engagement,
            again.total,
            again.grade,
        ) and explanation_rows(row.explanation, known=known) == again.explanation
        if not same:
            mismatches.append(
                f"contact {cid}: stored {row.total:g} ({row.grade}), engine "
                f"{again.total:g} ({again.grade})"
            )
    current = CurrentContactScore.objects.filter(version=version)
    return {
        "contacts_scored": current.values("contact_id").distinct().count(),
        "mql": current.filter(is_mql=True).count(),
        "sample": len(sample),
        "mismatches": mismatches[:5],
        "mismatch_count": len(mismatches),
    }


def failed_checks(result: dict[str, Any]) -> list[str]:
    failed = []
    contacts = result["settings"]["contacts"]
    for name in ("first", "rescoring"):
        run = result.get(name, {})
        if run.get("timed") is False:
            continue
        if not run.get("ok") or run.get("done") != contacts:
            failed.append(f"{name}: run {run.get('status')}, {run.get('done')} of {contacts} done")
    stored = result["stored"]
    if stored["contacts_scored"] != contacts:
        failed.append(f"{stored['contacts_scored']:,} of {contacts:,} contacts have a new score")
    if stored["mismatch_count"]:
        failed.append(
            f"{stored['mismatch_count']} of {stored['sample']} sampled scores differ from the "
            f"engine's: {stored['mismatches'][0]}"
        )
    written = result["rescoring"]["written"]
    if written["current"] != contacts:
        failed.append(f"{written['current']:,} current score rows, expected {contacts:,}")
    accounts = result["generated"]["accounts"]  # every account has contacts; one score group
    if written["accounts"] != accounts:
        failed.append(f"{written['accounts']:,} account scores, expected {accounts:,}")
    failed += result.get("incremental", {}).get("failed_checks", [])
    return failed
