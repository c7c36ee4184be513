"""`smarketing insights`: the newest scan's insights as a table or JSON; `--refresh` scans
first, in this process."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from smarketing.cli import fail

FORMATS = ("table", "json")


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _status_line(document: dict[str, Any]) -> str:
    if document["computed_at"] is None:
        return "No insights computed yet: run `smarketing insights --refresh`."
    when = f"{document['computed_at']:%Y-%m-%d %H:%M} UTC"
    stale = " The data has changed since: --refresh to scan again." if document["stale"] else ""
    return (
        f"Scanned {document['leads']:,} leads ({document['conversions']:,} became customers) "
        f"at {when}; {document['singles_tested']} segments and {document['pairs_tested']} "
        f"pairs tested.{stale}"
    )


def _print_table(document: dict[str, Any]) -> None:
    typer.echo(_status_line(document))
    insights = document["insights"]
    if document["computed_at"] is not None and not insights:
        typer.echo("No segment converts significantly differently from the other leads.")
    for i, insight in enumerate(insights, start=1):
        typer.echo(f"\n{i}. [{insight['direction']}] {insight['sentence']}")
        feedback = insight["feedback"]
        reasons = ", ".join(f"{r['reason']} ({r['count']})" for r in feedback["reasons"])
        if feedback["rating"] is not None:
            typer.echo(
                f"   Sales' rating: {feedback['rating']:.1f} of 5 "
                f"({feedback['ratings']} ratings) vs {feedback['rest_rating'] or 0:.1f} for others"
            )
        if reasons:
            typer.echo(f"   Top rejection reasons: {reasons}")
        if insight["proposal"]:
            typer.echo(f"   Proposal: {insight['proposal']['summary']}")
        typer.echo(f"   id: {insight['id']}")


def _params(options: dict[str, Any]) -> Any:
    from smarketing.analytics.insights.compute import params_parse
    from smarketing.errors import InvalidInput

    try:
        return params_parse({k: v for k, v in options.items() if v is not None})
    except InvalidInput as exc:
        parts = [f"--{k.replace('_', '-')}: {'; '.join(v)}" for k, v in exc.errors.items()]
        raise fail(". ".join(parts)) from None


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    @app.command("insights")
    def insights(
        fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
        refresh: Annotated[
            bool, typer.Option("--refresh", help="Scan now (in this process) before printing.")
        ] = False,
        min_n: Annotated[
            int | None, typer.Option(help="With --refresh: least leads in a segment (30).")
        ] = None,
        max_q: Annotated[
            float | None, typer.Option(help="With --refresh: largest q-value kept (0.05).")
        ] = None,
        min_ratio: Annotated[
            float | None,
            typer.Option(help="With --refresh: least factor between rate and baseline (1.5)."),
        ] = None,
        lookback_days: Annotated[
            int | None, typer.Option(help="With --refresh: days of leads scanned (365).")
        ] = None,
        settle_days: Annotated[
            int | None, typer.Option(help="With --refresh: newest days of leads left out (30).")
        ] = None,
    ) -> None:
        """Segments of leads that become customers significantly less or more often than the
        other leads, with sales' feedback and a proposed definition change (docs/analytics.md,
        "Insights")."""
        if fmt not in FORMATS:
            raise fail(f"--format: must be one of {', '.join(FORMATS)}, not {fmt!r}")
        options = {
            "min_n": min_n,
            "max_q": max_q,
            "min_ratio": min_ratio,
            "lookback_days": lookback_days,
            "settle_days": settle_days,
        }
        if not refresh and any(v is not None for v in options.values()):
            raise fail(
                "--min-n, --max-q, --min-ratio, --lookback-days and --settle-days "
                "apply to a new scan: add --refresh"
            )
        setup_django()
        from smarketing.analytics.insights import out, queries, services

        if refresh:
            services.insights_scan_now(params=_params(options))
        document = out.insights_out(queries.insights_state())
        if fmt == "json":
            typer.echo(json.dumps(document, indent=2, default=_json_default, ensure_ascii=False))
        else:
            _print_table(document)
