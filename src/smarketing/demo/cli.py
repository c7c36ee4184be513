"""`smarketing demo`: generate the seeded demo company, print the logins, serve it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from smarketing.cli import fail

MIN_CONTACTS, MAX_CONTACTS = 10, 1_000_000


def register(
    app: typer.Typer, *, setup_django: Callable[[], None], serve_forever: Callable[..., None]
) -> None:
    @app.command()
    def demo(
        contacts: Annotated[
            int, typer.Option(help="How many contacts (accounts are about 30% of that).")
        ] = 5000,
        seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same company.")] = 42,
        serve: Annotated[
            bool, typer.Option("--serve/--no-serve", help="Serve the app when done.")
        ] = True,
        truths_out: Annotated[
            Path | None,
            typer.Option(help="Write the planted truths of this run as JSON to this file."),
        ] = None,
        reset: Annotated[
            bool,
            typer.Option(
                help="First delete ALL CRM data (contacts, accounts, deals, campaigns, content, "
                "activities, history) and the demo users."
            ),
        ] = False,
        host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    ) -> None:
        """Generate a realistic B2B company's last 12 months, print the logins and serve it."""
        if not MIN_CONTACTS <= contacts <= MAX_CONTACTS:
            raise fail(f"--contacts must be between {MIN_CONTACTS:,} and {MAX_CONTACTS:,}")
        setup_django()
        _run(contacts=contacts, seed=seed, truths_out=truths_out, reset=reset, host=host, port=port)
        if serve:
            serve_forever(host=host, port=port, with_worker=True)


def _run(
    *, contacts: int, seed: int, truths_out: Path | None, reset: bool, host: str, port: int
) -> None:
    from django.core.management import call_command
    from rich.console import Console

    from smarketing.demo import generate
    from smarketing.demo.timeline import simulate
    from smarketing.errors import InvalidInput

    console = Console()
    call_command("migrate", interactive=False, verbosity=0)
    found = generate.existing_data()
    if found and not reset:
        listing = ", ".join(f"{n:,} {name}" for name, n in found.items())
        raise fail(
            f"the database already has data ({listing}). The demo never mixes with real data: "
            "run `smarketing demo --reset` to delete ALL contacts, accounts, deals, campaigns, "
            "content, activities and lifecycle history, and the demo users, first — or point "
            "SMARKETING_VAR_DIR or DATABASE_URL at an empty database."
        )
    if reset and found:
        deleted = generate.reset()
        listing = ", ".join(f"{n:,} {name}" for name, n in deleted.items())
        console.print(f"Deleted {listing}.")
    began = time.perf_counter()
    with console.status(f"Simulating 12 months of {contacts:,} contacts (seed {seed})…"):
        timeline = simulate(seed=seed, contacts=contacts, now=dt.datetime.now(dt.UTC))
    simulated = time.perf_counter() - began
    try:
        _, report = _generate_with_progress(console, timeline)
    except (InvalidInput, LookupError) as exc:
        message = exc.summary() if isinstance(exc, InvalidInput) else str(exc)
        raise fail(f"generation stopped, nothing was written: {message}") from None
    _print_summary(console, report, simulated=simulated, total=time.perf_counter() - began)
    if truths_out is not None:
        _write_truths(timeline, truths_out)
        console.print(f"Planted truths written to {truths_out}")
    _print_logins(console, timeline, host=host, port=port)


def _generate_with_progress(console: Any, timeline: Any) -> tuple[Any, Any]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from smarketing.demo import generate

    columns = (
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        tasks = {
            part.name: progress.add_task(part.label, total=part.size(timeline))
            for part in generate.PARTS
        }
        return generate.generate(
            timeline, progress=lambda part, n: progress.advance(tasks[part.name], n)
        )


def _print_summary(console: Any, report: Any, *, simulated: float, total: float) -> None:
    from rich.table import Table

    table = Table(title="Demo company written", show_footer=True)
    table.add_column("table", footer="total")
    table.add_column("rows", justify="right", footer=f"{report.total_rows:,}")
    for name, rows in report.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.seconds.items())
    console.print(
        f"Done in {total:.1f} s (simulation {simulated:.1f} s; {parts}); "
        f"{report.total_rows / total:,.0f} rows per second."
    )


def _write_truths(timeline: Any, path: Path) -> None:
    from smarketing.demo.sim.measure import observed
    from smarketing.demo.truths import truths_document, truths_write

    truths_write(truths_document(timeline.truths, observed=observed(timeline)), path)


ROLE_LABELS = {
    "admin": "admin",
    "leader:marketing": "marketing leader",
    "leader:sales": "sales leader",
    "marketing:marketing": "marketer",
    "sales:sales": "sales rep",
}


def _role_key(timeline: Any, user: Any) -> str:
    if user.team is None:
        return user.role
    return f"{user.role}:{timeline.teams[user.team].kind}"


def _print_logins(console: Any, timeline: Any, *, host: str, port: int) -> None:
    from rich.table import Table

    from smarketing.demo.sim.catalogue import DEMO_PASSWORD

    table = Table(title="Demo logins")
    for column in ("role", "email", "password"):
        table.add_column(column)
    for user in timeline.users:
        table.add_row(
            ROLE_LABELS.get(_role_key(timeline, user), user.role), user.email, DEMO_PASSWORD
        )
    console.print(table)
    console.print(f"Open http://{host}:{port}/ and log in with any of them.")
