"""`smarketing definition backtest FILE --since DATE [--until DATE] [--format table|json]`: a
definition file backtested against the live version, in this process. Bad input (a malformed
date, a window that does not start before it ends, a file that cannot be read or has a YAML
error) is a message on stderr and exit code 2."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

BAD_INPUT = 2


class BacktestFormat(StrEnum):
    table = "table"
    json = "json"


def _bad(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=BAD_INPUT)


def date_parse(value: str | None, option: str) -> dt.date | dt.datetime | None:
    """YYYY-MM-DD (midnight UTC) or an ISO date and time; None stays None."""
    if value is None:
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad(f"{option} {value!r} is not a date: write it as YYYY-MM-DD") from None


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _bad(f"cannot read {file}: there is no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(f"cannot read {file}: {exc}") from None


def _share(outcomes: Any, stage: str) -> str:
    share = outcomes.share(stage)
    count = getattr(outcomes, stage)
    return f"{'–' if share is None else f'{share * 100:.1f}%'} ({count})"


def _changed_lines(title: str, count: int, rows: Any, contacts: dict[int, Any]) -> list[str]:
    shown = f" (the first {len(rows)}, earliest first)" if count > len(rows) else ""
    lines = ["", f"{title}: {count}{shown}"]
    for row in rows:
        contact = contacts.get(row.contact_id)
        who = f"{contact.full_name or contact.email} <{contact.email}>" if contact else "(deleted)"
        lines.append(
            f"  {row.qualified_at:%Y-%m-%d %H:%M}  #{row.contact_id} {who}  "
            f"file {round(row.draft.total, 1):g} ({row.draft.grade}), "
            f"live {round(row.live.total, 1):g} "
            f"({row.live.grade})"
        )
    return lines


def report_lines(
    *, file: Path, live_number: int, result: Any, contacts: dict[int, Any]
) -> list[str]:
    """The result as the table format prints it."""
    lines = [
        f"Backtest of {file} against live version {live_number}, "
        f"{result.since:%Y-%m-%d %H:%M} to {result.until:%Y-%m-%d %H:%M} UTC; "
        f"{result.contacts_checked} contacts in the history during the window.",
        "",
        "MQLs per month",
        f"  {'month':<9}{'file':>8}{'live':>8}{'recorded':>10}",
    ]
    for m in result.months:
        lines.append(f"  {m.month:<9}{m.draft:>8}{m.live:>8}{m.actual:>10}")
    lines.append(
        f"  {'total':<9}{result.draft.mqls:>8}{result.live.mqls:>8}{result.actual.mqls:>10}"
    )
    lines += ["", f"  {'':<18}{'MQLs':>6}{'reached SQL':>16}{'opportunity':>16}{'customer':>16}"]
    for label, outcomes in (
        ("this file", result.draft),
        (f"live version {live_number}", result.live),
        ("recorded MQLs", result.actual),
    ):
        shares = "".join(f"{_share(outcomes, s):>16}" for s in ("sql", "opportunity", "customer"))
        lines.append(f"  {label:<18}{outcomes.mqls:>6}{shares}")
    customers = result.customers
    lines += [
        "",
        f"Actual customers flagged: of {customers.customers} contacts who became customers since "
        f"{result.since:%Y-%m-%d}, this file would have qualified {customers.draft} before they "
        f"did, the live version {customers.live}.",
    ]
    lines += _changed_lines("Would newly qualify", result.newly_count, result.newly, contacts)
    lines += _changed_lines("Would stop qualifying", result.stopped_count, result.stopped, contacts)
    lines += ["", "Caveats:", *[f"  - {note}" for note in result.caveats]]
    return lines


def _json(*, file: Path, live_number: int, result: Any, contacts: dict[int, Any]) -> str:
    data = {"file": str(file), "live_version": live_number, **result.to_dict()}
    for key in ("newly", "stopped"):
        for row in data[key]:
            contact = contacts.get(row["contact_id"])
            row["email"] = contact.email if contact else None
    return json.dumps(data, indent=2)


def backtest_command(
    *, file: Path, since: str | None, until: str | None, output: BacktestFormat
) -> None:
    """The command's work, once Django is set up."""
    from rich.progress import Progress

    from smarketing.errors import InvalidInput
    from smarketing.scoring.backtest import backtest_contacts, backtest_file, contacts_total

    start, end = date_parse(since, "--since"), date_parse(until, "--until")
    text = _read(file)
    with Progress(transient=True, console=_stderr_console()) as bar:
        task = bar.add_task("Backtesting", total=contacts_total())
        try:
            live, result = backtest_file(
                text=text, since=start, until=end, progress=lambda n: bar.advance(task, n)
            )
        except InvalidInput as exc:
            bar.stop()
            for path, reasons in exc.errors.items():
                for reason in reasons:
                    if path in ("since", "until"):
                        typer.secho(f"error: {reason}", err=True, fg=typer.colors.RED)
                    else:
                        where = "" if path in ("text", "__all__") else f"{path}: "
                        typer.secho(f"{file}: {where}{reason}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=BAD_INPUT) from None
    contacts = backtest_contacts(result)
    if output is BacktestFormat.json:
        typer.echo(_json(file=file, live_number=live.number, result=result, contacts=contacts))
        return
    for line in report_lines(file=file, live_number=live.number, result=result, contacts=contacts):
        typer.echo(line)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
