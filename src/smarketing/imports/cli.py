"""`smarketing import` and `smarketing export`.

Exit codes of `import`: 0 every row imported (or would be, with --dry-run); 1 the file as a whole
was refused (unreadable, a required column missing, a bad mapping), nothing written; 2 the command
line was wrong; 3 some rows were rejected (see the report; with --atomic nothing was written).
"""

import enum
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

EXIT_FILE = 1
EXIT_REJECTED = 3
PROGRESS_MIN_ROWS = 500
SHOWN_ERRORS = 20


class ImportKind(enum.StrEnum):
    contacts = "contacts"
    accounts = "accounts"
    deals = "deals"
    activities = "activities"


class ExportKind(enum.StrEnum):
    contacts = "contacts"
    accounts = "accounts"
    deals = "deals"


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:

    @app.command("import")
    def import_command(
        kind: Annotated[ImportKind, typer.Argument(help="What the rows are.")],
        file: Annotated[
            Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The CSV file.")
        ],
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
        ] = False,
        mapping: Annotated[
            str,
            typer.Option(help="auto, smarketing, hubspot, salesforce, or a JSON mapping file."),
        ] = "auto",
        atomic: Annotated[
            bool, typer.Option("--atomic", help="All or nothing: write no row if any is rejected.")
        ] = False,
        report: Annotated[
            Path | None,
            typer.Option(help="Where to write the rejected rows (default: NAME.rejected.csv)."),
        ] = None,
        encoding: Annotated[
            str | None, typer.Option(help="The file's encoding if not UTF-8, e.g. cp1252.")
        ] = None,
        day_first: Annotated[
            bool, typer.Option("--day-first", help="Read 05/03/2024 as 5 March, not May 3.")
        ] = False,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="No progress bar or summary; errors only.")
        ] = False,
    ) -> None:
        """Import contacts, accounts, deals or activities from a CSV (ours, HubSpot, Salesforce)."""
        setup_django()
        code = run_import(
            kind=kind.value,
            file=file,
            dry_run=dry_run,
            mapping=mapping,
            atomic=atomic,
            report=report,
            encoding=encoding,
            day_first=day_first,
            quiet=quiet,
        )
        raise typer.Exit(code=code)

    @app.command("export")
    def export_command(
        kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
        file: Annotated[Path, typer.Argument(dir_okay=False, help="The CSV file to write.")],
    ) -> None:
        """Export contacts, accounts or deals as CSV with our column names (re-importable)."""
        setup_django()
        from smarketing.imports.exports import export_write
        from smarketing.imports.mappings import Kind

        with file.open("w", encoding="utf-8", newline="") as out:
            count = export_write(out, kind=Kind(kind.value))
        typer.echo(f"wrote {count} {kind.value} to {file}")


def _err(text: str) -> None:
    typer.secho(text, err=True, fg=typer.colors.RED)


def run_import(
    *,
    kind: str,
    file: Path,
    dry_run: bool,
    mapping: str,
    atomic: bool,
    report: Path | None,
    encoding: str | None,
    day_first: bool,
    quiet: bool,
) -> int:
    """Run one import from the command line; returns the exit code."""
    from smarketing.imports import runner
    from smarketing.imports.mappings import FileError, Kind

    try:
        fmt, overrides = runner.mapping_load(mapping)
        table, column_mapping = runner.import_prepare(
            file.read_bytes(), kind=Kind(kind), format=fmt, overrides=overrides, encoding=encoding
        )
    except FileError as exc:
        _err(f"error: {file.name}: {exc}. Nothing was imported.")
        return EXIT_FILE
    if not quiet:
        typer.echo(f"{kind} from {file.name}: {column_mapping.label} columns")
    with ProgressBar(len(table.rows), enabled=not quiet) as advance:
        result = runner.import_run(
            table=table,
            mapping=column_mapping,
            source_name=file.name,
            dry_run=dry_run,
            atomic=atomic,
            day_first=day_first,
            progress=advance,
        )
    for rejected in result.rejected[:SHOWN_ERRORS]:
        _err(f"line {rejected.line}: {rejected.message}")
    if len(result.rejected) > SHOWN_ERRORS:
        _err(f"… and {len(result.rejected) - SHOWN_ERRORS} more rejected rows")
    if not quiet:
        typer.echo(result.summary())
    if not result.rejected:
        return 0
    path = report or file.with_name(f"{file.stem}.rejected.csv")
    _report_save(path, table.header, result)
    _err(f"rejected rows written to {path}")
    return EXIT_REJECTED


def _report_save(path: Path, header: tuple[str, ...], result: Any) -> None:
    from smarketing.imports.csvfile import report_write

    with path.open("w", encoding="utf-8", newline="") as out:
        report_write(
            out,
            header=header,
            rejected=((r.line, r.column, r.reason, r.cells) for r in result.rejected),
        )


class ProgressBar:
    """A rich progress bar on stderr for large files on a terminal; otherwise nothing."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.bar: Any = None
        if enabled and total >= PROGRESS_MIN_ROWS and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)

    def __enter__(self) -> Callable[[int], None] | None:
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task("importing", total=self.total)
        return lambda done: self.bar.update(task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
