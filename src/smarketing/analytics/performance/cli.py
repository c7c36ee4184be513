"""`smarketing performance`: the performance table in the terminal, as JSON or as CSV."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer

from smarketing.cli import fail


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    @app.command("performance")
    def performance_command(
        by: Annotated[str, typer.Option(help="channel, campaign or content.")] = "channel",
        since: Annotated[str, typer.Option("--from", help="First day counted, YYYY-MM-DD.")] = "",
        until: Annotated[str, typer.Option(help="First day not counted, YYYY-MM-DD.")] = "",
        channel: Annotated[str, typer.Option(help="Only contacts from this source.")] = "",
        campaign: Annotated[str, typer.Option(help="Only this first-touch campaign.")] = "",
        industry: Annotated[str, typer.Option(help="Only accounts in this industry.")] = "",
        size: Annotated[str, typer.Option(help="Company size band, e.g. 10-49.")] = "",
        country: Annotated[str, typer.Option(help="Two-letter country code.")] = "",
        owner: Annotated[str, typer.Option(help="Owner: user id or email.")] = "",
        team: Annotated[str, typer.Option(help="Owner's team: id or name.")] = "",
        output: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    ) -> None:
        """Leads to revenue and cost by source channel, first-touch campaign or content."""
        setup_django()
        from smarketing.analytics.funnel.cli import filters_from_options, table_print
        from smarketing.analytics.funnel.tables import table_csv
        from smarketing.analytics.performance.out import performance_out
        from smarketing.analytics.performance.report import Dimension, performance
        from smarketing.analytics.performance.tables import performance_table

        if output not in ("table", "json", "csv"):
            raise fail(f"--format must be table, json or csv, not {output!r}")
        if by not in {d.value for d in Dimension}:
            raise fail(f"--by must be channel, campaign or content, not {by!r}")
        params = {
            "from": since,
            "until": until,
            "channel": channel,
            "campaign": campaign,
            "industry": industry,
            "size": size,
            "country": country,
            "owner": owner,
            "team": team,
        }
        filters = filters_from_options(params)
        result = performance(dimension=Dimension(by), filters=filters)
        if output == "json":
            typer.echo(json.dumps(performance_out(result), default=str, indent=2))
        elif output == "csv":
            typer.echo(table_csv(performance_table(result)), nl=False)
        else:
            table_print(performance_table(result))
