"""`smarketing health`: alignment health in the terminal, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    @app.command("health")
    def health_command(
        months: Annotated[int, typer.Option(help="Months: the running one and those before.")] = 6,
        output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Alignment health: acceptance, SLA, MQLs worked, feedback, lead to customer,
        marketing-sourced and -influenced revenue, per month, with what moved."""
        setup_django()
        from django.utils import timezone

        from smarketing.analytics.health.out import health_out
        from smarketing.analytics.health.report import alignment_health
        from smarketing.analytics.health.trend import percent, statement
        from smarketing.errors import InvalidInput

        if output not in ("table", "json"):
            typer.secho(f"error: --format must be table or json, not {output!r}", err=True)
            raise typer.Exit(code=1)
        try:
            health = alignment_health(now=timezone.now(), months=months)
        except InvalidInput as exc:
            typer.secho(f"error: --months: {exc.errors['months'][0]}", err=True)
            raise typer.Exit(code=1) from None
        if output == "json":
            typer.echo(json.dumps(health_out(health), indent=2))
            return
        width = max(len(m.label) for m in health.metrics)
        typer.echo(" " * width + "  " + "  ".join(f"{m:>7}" for m in health.months))
        for metric in health.metrics:
            cells = "  ".join(f"{percent(m.rate):>7}" for m in metric.months)
            typer.echo(f"{metric.label:<{width}}  {cells}")
        typer.echo("")
        for metric in health.metrics:
            typer.echo(f"- {statement(metric)}")
