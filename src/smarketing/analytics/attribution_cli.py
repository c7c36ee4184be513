"""`smarketing attribution`: credit per channel under one attribution model, from the database's
journeys or from a paths file (`path,total_conversions,total_null[,total_conversion_value]`)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from smarketing.cli import fail

if TYPE_CHECKING:
    from smarketing.analytics.attribution import Attribution, Paths


class Model(StrEnum):
    first_touch = "first_touch"
    last_touch = "last_touch"
    last_non_direct = "last_non_direct"
    linear = "linear"
    u_shaped = "u_shaped"
    w_shaped = "w_shaped"
    time_decay = "time_decay"
    markov = "markov"
    shapley = "shapley"


class Level(StrEnum):
    contact = "contact"
    account = "account"


class By(StrEnum):
    channel = "channel"
    campaign = "campaign"


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    """Same signature as every plugin's; reading a paths file needs no Django, so the command
    sets it up only for the database's journeys."""

    @app.command("attribution")
    def attribution(
        model: Annotated[Model, typer.Option(help="The attribution model.")],
        level: Annotated[
            Level,
            typer.Option(help="Journeys per contact or per account (database only)."),
        ] = Level.contact,
        since: Annotated[
            str,
            typer.Option(
                "--since", help="Database: first day whose won deals count, YYYY-MM-DD (UTC)."
            ),
        ] = "",
        until: Annotated[
            str, typer.Option("--until", help="Database: first day not counted; default tomorrow.")
        ] = "",
        lookback: Annotated[
            str,
            typer.Option(help="Database: days of touches counted before each journey's end (90)."),
        ] = "",
        by: Annotated[
            By, typer.Option(help="Database: credit channels, or campaigns.")
        ] = By.channel,
        source: Annotated[
            Path | None,
            typer.Option(
                "--from",
                help="A paths file (path,total_conversions,total_null[,total_conversion_value], "
                "channels separated by ' > ') instead of the database.",
            ),
        ] = None,
        output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
        order: Annotated[
            int, typer.Option(min=1, max=3, help="Markov chain order (markov only).")
        ] = 1,
        half_life: Annotated[
            float, typer.Option(min=0.001, help="Half-life in days (time_decay only).")
        ] = 7.0,
        direct: Annotated[
            str, typer.Option(help="The direct channel's name, any case (last_non_direct only).")
        ] = "direct",
    ) -> None:
        """Which channels get the credit for conversions (and revenue) under one model: from
        the database's journeys (deals won in --since/--until), or from a paths file (--from)."""
        database = {"--since": since, "--until": until, "--lookback": lookback}
        if source is not None and (any(database.values()) or by is not By.channel):
            raise fail(
                "--since, --until, --lookback and --by choose the database's journeys: "
                "leave them out with --from FILE"
            )
        if source is None:
            setup_django()
            options = {"from": since, "until": until, "lookback": lookback}
            options |= {"level": level.value, "by": by.value}
            options |= {"order": str(order), "half_life": str(half_life)}
            paths, labels = _database_paths(options)
        else:
            paths, labels = _file_paths(source), {}
        from smarketing.analytics.attribution import attribute

        try:
            result = attribute(
                paths, model=model.value, order=order, half_life_days=half_life, direct=direct
            )
        except ValueError as exc:
            raise fail(str(exc)) from None
        _print(_relabelled(result, labels), output=output)


# The parser's parameter names, as this command's options.
OPTION_NAMES = {"from": "--since", "half_life": "--half-life"}


def _options_error(errors: dict[str, list[str]]) -> str:
    parts = []
    for name, reasons in errors.items():
        text = "; ".join(reasons)
        option = OPTION_NAMES.get(name, f"--{name}")
        parts.append(text if name == "__all__" else f"{option}: {text}")
    return ". ".join(parts)


def _database_paths(options: dict[str, str]) -> tuple[Paths, dict[str, str]]:
    """The journeys of the deals won in the window, and the labels of their channel codes
    (the models read the codes, so `--direct direct` finds the direct channel by campaign
    too, where its label is "Direct (no campaign)")."""
    from django.utils import timezone

    from smarketing.analytics.attribution import paths_from_journeys
    from smarketing.analytics.attribution_report.journeys import journeys_collect
    from smarketing.analytics.attribution_report.params import params_parse
    from smarketing.errors import InvalidInput

    try:
        params = params_parse(options, today=timezone.now().date())
    except InvalidInput as exc:
        raise fail(_options_error(exc.errors)) from None
    found = journeys_collect(params=params)
    for currency, other in found.other_currencies.items():
        typer.secho(
            f"note: {other['deals']} deal(s) won in {currency} left out; revenue is counted in "
            f"{found.currency}, the currency that won the most",
            err=True,
        )
    paths = paths_from_journeys(found.journeys)
    if not paths.total_conversions:
        raise fail(
            f"no deal won from {params.since:%Y-%m-%d} until {params.until:%Y-%m-%d} had a "
            f"touch in its {params.lookback_days} days of lookback: nothing to credit"
        )
    return paths, found.labels


def _relabelled(result: Attribution, labels: dict[str, str]) -> Attribution:
    """The credit keyed by channel labels instead of codes, details included."""
    if not labels:
        return result

    def keyed(credit: dict[str, float]) -> dict[str, float]:
        return {labels.get(code, code): number for code, number in credit.items()}

    details = {
        name: keyed(value) if isinstance(value, dict) else value
        for name, value in result.details.items()
    }
    return replace(
        result,
        conversions=keyed(result.conversions),
        value=None if result.value is None else keyed(result.value),
        details=details,
    )


def _file_paths(source: Path) -> Paths:
    from smarketing.analytics.attribution import PathsFileError, paths_read

    try:
        return paths_read(source)
    except PathsFileError as exc:
        raise fail(f"{source} {exc}") from None
    except OSError as exc:
        raise fail(f"{source}: {exc.strerror or exc}") from None


def _print(result: Attribution, *, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        document: object = result.conversions
        if result.value is not None:
            document = {"conversions": result.conversions, "value": result.value}
        typer.echo(json.dumps(document))
    elif output is OutputFormat.csv:
        _print_csv(result)
    else:
        _print_table(result)


def _print_csv(result: Attribution) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["channel", "conversions"] + (["value"] if result.value is not None else []))
    for channel, conversions in result.conversions.items():
        row = [channel, repr(conversions)]
        if result.value is not None:
            row.append(repr(result.value[channel]))
        writer.writerow(row)


def _print_table(result: Attribution) -> None:
    from rich.console import Console
    from rich.table import Table

    total = sum(result.conversions.values())
    effects = result.details.get("removal_effects")
    table = Table()
    table.add_column("channel")
    table.add_column("conversions", justify="right")
    table.add_column("share", justify="right")
    if result.value is not None:
        table.add_column("value", justify="right")
    if isinstance(effects, dict):
        table.add_column("removal effect", justify="right")
    ranked = sorted(result.conversions.items(), key=lambda item: -item[1])
    for channel, conversions in ranked:
        row = [channel, f"{conversions:,.2f}", f"{conversions / total:.1%}" if total else "-"]
        if result.value is not None:
            row.append(f"{result.value[channel]:,.2f}")
        if isinstance(effects, dict):
            row.append(f"{effects[channel]:.3f}")
        table.add_row(*row)
    console = Console()
    console.print(_title(result, total=total), highlight=False)
    console.print(table)


def _title(result: Attribution, *, total: float) -> str:
    parameters = ", ".join(
        f"{key} {value}"
        for key, value in result.details.items()
        if key in ("order", "half_life_days", "direct", "method")
    )
    suffix = f" ({parameters})" if parameters else ""
    value = ""
    if result.value is not None:
        value = f", value {sum(result.value.values()):,.2f}"
    return f"{result.model}{suffix}: {total:,.2f} conversions{value}"
