"""The figures and printed table of bench/scoring.py."""

from __future__ import annotations

from typing import Any

TARGET_RESCORING = 20_000  # contacts/s, from the issue
TARGET_INCREMENTAL = 300  # µs per event, from the issue
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PART_LABELS = {
    "ids": "ids",
    "facts": "contact facts",
    "touchpoints": "touchpoint facts",
    "engine": "engine",
    "store": "store scores+history",
    "promote": "promote",
    "accounts": "account scores",
}


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def figures(r: dict[str, Any]) -> dict[str, float]:
    contacts = r["settings"]["contacts"]
    found = {
        "rescoring_per_s": _rate(contacts, r["rescoring"]["seconds"]),
        "limit_per_s": _rate(contacts, r["limit"]["seconds"]),
        "engine_per_s": _rate(r["engine"]["contacts"], r["engine"]["engine_s"]),
        "facts_read_per_s": _rate(r["engine"]["contacts"], r["engine"]["facts_s"]),
        "rescoring_cpu_us": sum(r["rescoring"]["cpu_s"].values()) / contacts * 1e6,
    }
    if r["first"].get("seconds"):
        found["first_per_s"] = _rate(contacts, r["first"]["seconds"])
    inc = r.get("incremental")
    if inc:
        w, wo = inc["with"], inc["without"]
        found |= {
            "with_per_s": _rate(w["events"], w["seconds"]),
            "without_per_s": _rate(wo["events"], wo["seconds"]),
            "with_us": w["seconds"] / w["events"] * 1e6,
            "without_us": wo["seconds"] / wo["events"] * 1e6,
            "with_cpu_us": w["cpu_s"] / w["events"] * 1e6,
            "without_cpu_us": wo["cpu_s"] / wo["events"] * 1e6,
            "direct_us": inc["scoring_s"] / w["events"] * 1e6,
            "promoting_us": inc.get("promoting_s", 0.0) / w["events"] * 1e6,
        }
        found["scoring_us"] = found["with_us"] - found["without_us"]
        found["scoring_cpu_us"] = found["with_cpu_us"] - found["without_cpu_us"]
        found["scoring_us_per_touchpoint"] = found["scoring_us"] * w["events"] / w["touchpoints"]
    return found


def _ratio(ours: float, reference: float) -> str:
    return f"{ours / reference:.1%}" if reference else ""


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if i in (0, 4) else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _run_parts(run: dict[str, Any]) -> list[str]:
    """Where the run's time went; with several processes, only how many (the parts are timed
    in the starting process, which does only a share of the contacts)."""
    processes = run.get("processes", 1)
    if processes > 1:
        return [
            f"  shared by {processes} processes, the starting one included "
            "(SMARKETING_RESCORING_PROCESSES); CPU includes the others', the database's counts "
            "the starting process's connection only"
        ]
    return [
        f"  time by part: {_parts(run)}",
        f"  scoring process's CPU by part: {_parts(run, cpu=True)}",
    ]


def _parts(run: dict[str, Any], *, cpu: bool = False) -> str:
    """Each part's share of the run's wall time, or of this process's CPU time."""
    seconds = run["cpu_s"]["bench"] if cpu else run["seconds"]
    parts = dict(run["parts_cpu_s"] if cpu else run["parts_s"])
    parts["other"] = max(0.0, seconds - sum(parts.values()))
    shown = [
        f"{PART_LABELS.get(name, name)} {value / seconds:.0%}"
        for name, value in parts.items()
        if value / seconds >= 0.005 or name == "other"
    ]
    return ", ".join(shown)


def report(r: dict[str, Any]) -> str:
    f = r["figures"] = figures(r)
    g, run, limit, engine = r["generated"], r["rescoring"], r["limit"], r["engine"]
    contacts = r["settings"]["contacts"]
    rows = [
        ("metric", "ours", "reference", "ratio", "reference is"),
        (
            "full rescoring contacts/s",
            f"{f['rescoring_per_s']:,.0f}",
            f"{f['limit_per_s']:,.0f}",
            _ratio(f["rescoring_per_s"], f["limit_per_s"]),
            "raw I/O limit",
        ),
        (
            "",
            "",
            f"{f['engine_per_s']:,.0f}",
            _ratio(f["rescoring_per_s"], f["engine_per_s"]),
            "engine alone, facts in memory",
        ),
    ]
    if "first_per_s" in f:
        rows.append(
            (
                "first scoring contacts/s",
                f"{f['first_per_s']:,.0f}",
                f"{f['limit_per_s']:,.0f}",
                _ratio(f["first_per_s"], f["limit_per_s"]),
                "raw I/O limit",
            )
        )
    if "scoring_us" in f:
        rows += [
            (
                "processed events/s",
                f"{f['with_per_s']:,.0f}",
                f"{f['without_per_s']:,.0f}",
                _ratio(f["with_per_s"], f["without_per_s"]),
                "the same without scoring",
            ),
            ("incremental µs per event", f"{f['scoring_us']:,.0f}", "", "", ""),
            ("incremental µs per touchpoint", f"{f['scoring_us_per_touchpoint']:,.0f}", "", "", ""),
        ]
    bytes_read = sum(p["bytes"] for p in limit["read"].values())
    read = " + ".join(
        f"{p['rows']:,} {name} {p['seconds']:.1f} s" for name, p in limit["read"].items()
    )
    written = " + ".join(
        f"{w['rows']:,} {name} {w['seconds']:.1f} s" for name, w in limit["write"].items()
    )
    cpu = run["cpu_s"]
    lines = [
        "",
        f"{NAMES[r['backend']]} {r['database_version']}: {contacts:,} contacts, "
        f"{g['accounts']:,} accounts (largest {g['account_contacts_max']:,} contacts), "
        f"{g['touchpoints']:,} touchpoints ({g['touchpoints'] / contacts:.1f} per contact, "
        f"most {g['touchpoints_max']}); 30 rules (10 fit, 20 engagement); "
        f"promote {'on' if run['promote'] else 'off'}",
        *_table(rows),
        f"full rescoring: {run['seconds']:.1f} s, {run['changed']:,} history points, "
        f"{run['written']['accounts']:,} account scores, {run['promoted']:,} moved to MQL; "
        f"CPU {f['rescoring_cpu_us']:.0f} µs per contact (scoring process "
        f"{cpu['bench'] / contacts * 1e6:.0f} + database {cpu['database'] / contacts * 1e6:.0f})",
        *_run_parts(run),
        f"raw I/O limit {limit['seconds']:.1f} s: read {read}"
        + (f" ({bytes_read / 1e6:,.0f} MB by COPY)" if bytes_read else "")
        + f"; bulk-write {written}",
        f"engine alone: {engine['contacts']:,} contacts with {engine['touchpoints']:,} "
        f"touchpoints in {engine['engine_s']:.1f} s (CPU {engine['engine_cpu_s']:.1f} s); "
        f"reading their facts with scoring/facts.py took {engine['facts_s']:.1f} s "
        f"({f['facts_read_per_s']:,.0f} contacts/s)",
    ]
    if "first_per_s" in f:
        first = r["first"]
        how = (
            f"{first['processes']} processes"
            if first.get("processes", 1) > 1
            else f"time by part: {_parts(first)}"
        )
        lines.append(f"first scoring: {first['seconds']:.1f} s; {how}")
    inc = r.get("incremental")
    if inc:
        w, wo = inc["with"], inc["without"]
        lines += [
            f"incremental: {w['events'] + wo['events']:,} events of {inc['people']:,} known "
            f"contacts, batches of {inc['batch']}, {w['rounds']} rounds with and "
            f"{wo['rounds']} without scoring (ABBA; {inc['warm_rounds']} warm-up rounds "
            "not counted)",
            f"  per event: with {f['with_us']:.0f} µs, without {f['without_us']:.0f} µs "
            f"(CPU with database: {f['with_cpu_us']:.0f} and {f['without_cpu_us']:.0f}, "
            f"difference {f['scoring_cpu_us']:.0f}); the scoring step timed directly "
            f"{f['direct_us']:.0f} µs per event; {inc['rescored']:,} contact rescorings, "
            f"{inc['promoted']:,} moved to MQL",
            f"  of the scoring step, moving contacts to MQL (the lifecycle move, routing and "
            f"the owner's alert) took {f['promoting_us']:.0f} µs per event; the rest "
            f"{f['direct_us'] - f['promoting_us']:.0f} µs",
        ]
    met = [
        f"full rescoring ≥ {TARGET_RESCORING:,} contacts/s "
        + ("met" if f["rescoring_per_s"] >= TARGET_RESCORING else "MISSED")
    ]
    if "scoring_us" in f:
        met.append(
            f"incremental ≤ {TARGET_INCREMENTAL} µs per event "
            + ("met" if f["scoring_us"] <= TARGET_INCREMENTAL else "MISSED")
        )
    lines.append("target: " + "; ".join(met))
    lines.append(
        f"setup (not timed): migrate {r['migrate_s']:.0f} s, data written in "
        f"{g['seconds']:.0f} s; whole run {r.get('wall_s', 0):.0f} s; load average "
        f"{r.get('load_average_before', 0):.2f} before"
    )
    lines.append("checks: " + ("; ".join(r["checks_failed"]) or "all passed"))
    return "\n".join(lines)
