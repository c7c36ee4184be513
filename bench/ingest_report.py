"""The figures, checks and printed table of bench/ingest.py."""

from __future__ import annotations

import os
from typing import Any

from ingest_traffic import Traffic

TARGETS = {"accepted": 10_000, "processed": 3_000}  # events/s on PostgreSQL, from the issue
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def figures(r: dict[str, Any]) -> dict[str, float]:
    ingest, processing = r["ingest"], r["processing"]
    raw, touchpoints = r["raw_events_limit"], r["touchpoints_limit"]
    return {
        "accepted_per_s": _rate(ingest["accepted"], ingest["seconds"]),
        "raw_insert_per_s": _rate(raw["rows"], raw["seconds"]),
        "processed_per_s": _rate(processing["processed"], processing["seconds"]),
        # What processing must write at the least, its touchpoints, inserted straight; counted
        # per event processed so it compares with the processed rate.
        "touchpoint_insert_per_event_s": _rate(processing["processed"], touchpoints["seconds"]),
    }


def failed_checks(r: dict[str, Any], traffic: Traffic) -> list[str]:
    ingest, stored, done, processing = r["ingest"], r["stored"], r["processed"], r["processing"]
    failed = []
    if ingest["statuses"] != {"200": len(traffic.bodies)}:
        failed.append(f"responses {ingest['statuses']}, not {len(traffic.bodies)} × 200")
    if ingest["accepted"] != traffic.events or ingest["duplicates"] or ingest["rejected"]:
        failed.append(
            f"responses counted {ingest['accepted']} accepted, {ingest['duplicates']} duplicates,"
            f" {ingest['rejected']} rejected of {traffic.events} sent"
        )
    if stored["raw_events"] != traffic.events or stored["distinct_message_ids"] != traffic.events:
        failed.append(f"{stored['raw_events']} raw events stored of {traffic.events} sent")
    if done["unprocessed"] or processing["processed"] != traffic.events:
        failed.append(
            f"{processing['processed']} processed, {done['unprocessed']} left unprocessed"
        )
    if done["touchpoints"] != traffic.touchpoints:
        failed.append(f"{done['touchpoints']} touchpoints, expected {traffic.touchpoints}")
    if done["touchpoints_loose"]:
        failed.append(
            f"{done['touchpoints_loose']} touchpoints without a contact though their anonymous "
            "or user id is linked to one"
        )
    if done["contacts"] != len(traffic.emails):
        failed.append(f"{done['contacts']} contacts, expected {len(traffic.emails)}")
    if processing["log_lines"]:
        failed.append(
            f"processing logged {processing['log_lines']} lines of warnings or errors, "
            f"first: {processing['log_first'][0][:200]}"
        )
    if done["rejected_events"]:
        failed.append(f"{done['rejected_events']} events rejected or set aside by processing")
    return failed


def _ratio(ours: float, limit: float) -> str:
    return f"{ours / limit:.1%}" if limit else ""


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _cpu(cpu: dict[str, float], groups: tuple[str, ...]) -> str:
    capacity = cpu["wall"] * (os.cpu_count() or 1)
    shares = [f"{group} {cpu.get(group, 0.0) / capacity:.0%}" for group in groups]
    return ", ".join(shares)


def _per_thousand(cpu: dict[str, float], groups: tuple[str, ...], events: int) -> str:
    parts = {group: cpu.get(group, 0.0) * 1000 / events * 1000 for group in groups}
    shown = " + ".join(f"{group} {ms:,.0f}" for group, ms in parts.items())
    return f"{sum(parts.values()):,.0f} ms ({shown})"


def report(r: dict[str, Any]) -> str:
    f, ingest, processing, done = r["figures"], r["ingest"], r["processing"], r["processed"]
    latency = ingest["latency_ms"]
    table = _table(
        [
            ("metric", "ours", "raw limit", "ratio"),
            (
                "accepted events/s",
                f"{f['accepted_per_s']:,.0f}",
                f"{f['raw_insert_per_s']:,.0f}",
                _ratio(f["accepted_per_s"], f["raw_insert_per_s"]),
            ),
            (
                "processed events/s",
                f"{f['processed_per_s']:,.0f}",
                f"{f['touchpoint_insert_per_event_s']:,.0f}",
                _ratio(f["processed_per_s"], f["touchpoint_insert_per_event_s"]),
            ),
            ("request latency p50 ms", f"{latency['p50']:,.1f}", "", ""),
            ("request latency p99 ms", f"{latency['p99']:,.1f}", "", ""),
        ]
    )
    bulk = "COPY" if r["backend"] == "postgres" else "executemany in one transaction"
    analyzed = ", after ANALYZE" if r["analyzed_before_processing"] else ""
    lines = [
        "",
        f"{NAMES[r['backend']]} {r['database_version']}: {r['events']:,} events "
        f"(~{r['mean_event_bytes']:,} B each) in {r['batches']:,} batches of {r['batch_size']}; "
        f"{ingest['server']}; {ingest['connections']} connections; "
        f"{processing['workers']} processing worker(s){analyzed}",
        *table,
        f"CPU as a share of {os.cpu_count()} cores over the phase "
        f"(load average {r['load_average_before']:.2f} before):",
        f"  ingest {ingest['seconds']:.1f} s: "
        + _cpu(ingest["cpu_s"], ("server", "database", "bench", "other", "idle")),
        f"  processing {processing['seconds']:.1f} s: "
        + _cpu(processing["cpu_s"], ("workers", "database", "other", "idle")),
        "CPU per 1,000 events (less sensitive to the machine's other load): ingest "
        + _per_thousand(ingest["cpu_s"], ("server", "database"), r["events"])
        + "; processing "
        + _per_thousand(processing["cpu_s"], ("workers", "database"), r["events"]),
        f"raw limit: the stored rows bulk-inserted into an empty copy of their table ({bulk}); "
        "for processing, the touchpoints it wrote, per event processed",
        f"stored {r['stored']['raw_events']:,} raw events; processing made "
        f"{done['touchpoints']:,} touchpoints ({done['touchpoints_with_contact']:,} on a "
        f"contact), {done['contacts']:,} contacts, {done['accounts']:,} accounts, "
        f"{done['campaigns']:,} campaigns",
    ]
    if r["backend"] == "postgres":
        met = [
            f"{what} ≥ {target:,}/s {'met' if f[f'{what}_per_s'] >= target else 'MISSED'}"
            for what, target in TARGETS.items()
        ]
        lines.append("target: " + "; ".join(met))
    lines.append("checks: " + ("; ".join(r["failed_checks"]) or "all passed"))
    return "\n".join(lines)
