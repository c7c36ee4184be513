"""`smarketing funnel`: the funnel's tables in the terminal, as JSON or as CSV."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from smarketing.cli import fail

FORMATS = ("table", "json", "csv")


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def table_print(table: Any) -> None:
    """A table in aligned columns, numbers to the right."""
    from smarketing.analytics.funnel.tables import cell_text

    header = [c.label for c in table.columns]
    rows = [[cell_text(c) for c in row] for row in table.rows]
    if table.total:
        rows.append([cell_text(c) for c in table.total])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(w) if column.kind == "text" else cell.rjust(w)
            for cell, w, column in zip(cells, widths, table.columns, strict=True)
        )

    typer.echo(table.title)
    typer.echo(line(header))
    for row in rows:
        typer.echo(line(row))
    typer.echo("")


def _options_error(exc: Any) -> str:
    """InvalidInput's fields are the option names: `until: …` → `--until: …`."""
    parts = []
    for name, reasons in exc.errors.items():
        text = "; ".join(reasons)
        parts.append(text if name == "__all__" else f"--{name}: {text}")
    return ". ".join(parts)


def filters_from_options(params: dict[str, str]) -> Any:
    """The report filters from the command's options (named as the API's parameters); a
    mistake stops the command naming its option. Django must be set up."""
    from django.utils import timezone

    from smarketing.analytics.funnel.filters import filters_parse
    from smarketing.errors import InvalidInput

    try:
        return filters_parse(params, today=timezone.now().date())
    except InvalidInput as exc:
        raise fail(_options_error(exc)) from None


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    @app.command("funnel")
    def funnel(
        since: Annotated[
            str, typer.Option("--from", help="First day counted, YYYY-MM-DD (UTC).")
        ] = "",
        until: Annotated[
            str, typer.Option("--until", help="First day not counted; default tomorrow.")
        ] = "",
        period: Annotated[str, typer.Option(help="week, month or quarter.")] = "month",
        channel: Annotated[str, typer.Option(help="Original source channel.")] = "",
        campaign: Annotated[str, typer.Option(help="First-touch campaign: id or name.")] = "",
        industry: Annotated[str, typer.Option(help="Account industry.")] = "",
        size: Annotated[str, typer.Option(help="1-9, 10-49, 50-249, 250-999 or 1000+.")] = "",
        country: Annotated[str, typer.Option(help="Two-letter country code.")] = "",
        owner: Annotated[str, typer.Option(help="Owner: user id or email.")] = "",
        team: Annotated[str, typer.Option(help="Owner's team: id or name.")] = "",
        fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
        table: Annotated[
            str,
            typer.Option(
                help="With --format csv, which table: entries, conversions, cohorts, "
                "velocity, leakage or reasons."
            ),
        ] = "entries",
    ) -> None:
        """Stage entries per period, conversion, cohorts, velocity and leakage, from the
        stage history (definitions: docs/analytics.md, "Funnel")."""
        if fmt not in FORMATS:
            raise fail(f"--format: must be one of {', '.join(FORMATS)}, not {fmt!r}")
        setup_django()
        from django.utils import timezone

        from smarketing.analytics.funnel import out, tables

        if fmt == "csv" and table not in tables.TABLE_KEYS:
            known = ", ".join(tables.TABLE_KEYS)
            raise fail(f"--table: must be one of {known}, not {table!r}")
        params = {
            "from": since,
            "until": until,
            "period": period,
            "channel": channel,
            "campaign": campaign,
            "industry": industry,
            "size": size,
            "country": country,
            "owner": owner,
            "team": team,
        }
        filters = filters_from_options(params)
        now = timezone.now()
        if fmt == "json":
            document = out.funnel_out(filters=filters, now=now)
            document["cohorts"] = out.cohorts_out(filters=filters, now=now)["cohorts"]
            document["velocity"] = out.velocity_out(filters=filters, now=now)["stages"]
            leakage = out.leakage_out(filters=filters, now=now)
            document["leakage"] = {k: v for k, v in leakage.items() if k != "filters"}
            typer.echo(json.dumps(document, indent=2, default=_json_default))
        elif fmt == "csv":
            typer.echo(
                tables.table_csv(tables.table_build(table, filters=filters, now=now)), nl=False
            )
        else:
            for built in tables.tables_build(filters=filters, now=now):
                table_print(built)
