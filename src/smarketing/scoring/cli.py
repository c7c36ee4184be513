"""`smarketing model evaluate` (the predictive approach on any CSV table) and `smarketing
definition export|import|show` (the qualification definition as a YAML file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from typer.core import TyperCommand

from smarketing.cli import fail
from smarketing.scoring.backtest_cli import BacktestFormat, backtest_command

# Options that take one or more values: `--drop A B` means `--drop A --drop B`.
MULTI_VALUE_OPTIONS = frozenset({"--drop", "--keep", "--negative"})


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class MultiValueCommand(TyperCommand):
    """Reads the bare words after a multi-value option as more values of it, so both
    `--drop A --drop B` and `--drop A B` work (a value starting with "-" needs `--drop=-x`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, multi_values_expand(args))


def multi_values_expand(args: list[str]) -> list[str]:
    """["--drop", "A", "B"] → ["--drop", "A", "--drop", "B"]; everything after "--" as is."""
    out: list[str] = []
    current: str | None = None  # the multi-value option whose values are being read
    for position, arg in enumerate(args):
        if arg == "--":
            return out + args[position:]
        if arg.startswith("-"):
            name = arg.split("=", 1)[0]
            current = name if name in MULTI_VALUE_OPTIONS else None
        elif current is not None and out[-1] != current:
            out.append(current)
        out.append(arg)
    return out


def _spread(values: list[float]) -> str:
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def _text_report(data: Any, result: Any, *, source: str, factors: bool) -> list[str]:
    positive = " or ".join(repr(v) for v in data.positive)
    lines = [
        f"{source}: {data.rows} rows with an outcome, {data.positives} positive "
        f"({data.target} = {positive})",
    ]
    if data.rows_without_outcome:
        lines.append(f"rows without an outcome (left out): {data.rows_without_outcome}")
    identifiers = [c for c in data.left_out if c.reason.startswith("identifier")]
    others = [c for c in data.left_out if not c.reason.startswith("identifier")]
    lines.append(
        "identifier-like columns left out: "
        + (", ".join(c.name for c in identifiers) if identifiers else "none")
    )
    if others:
        names = ", ".join(c.name for c in others)
        lines.append(f"empty or single-valued columns left out: {names}")
    if data.dropped:
        lines.append("dropped as asked: " + ", ".join(data.dropped))
    lines.append(f"features: {len(data.features.columns)}")
    lines.append(
        f"{result.folds}-fold stratified cross-validation (seed {result.seed}), "
        "mean ± standard deviation over the folds:"
    )
    lines.append(f"  {'':<36}{'ROC AUC':<16}Brier")
    for label, folds in (
        ("model (gradient-boosted trees)", result.model_folds),
        ("baseline (logistic regression)", result.baseline_folds),
    ):
        lines.append(
            f"  {label:<36}{_spread([s.auc for s in folds]):<16}{_spread([s.brier for s in folds])}"
        )
    if factors:
        lines.append("top factors (drop in hold-out ROC AUC when the column is shuffled):")
        top = result.factors[:10]
        width = max(len(f.name) for f in top) + 2
        lines.extend(f"  {f.name:<{width}}{f.importance:+.4f}" for f in top)
    return lines


def _user_by_email(email: str) -> Any:
    from smarketing.org.models import User

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise fail(f"no active user with the email {email!r}")
    return user


def _version_line(version: Any) -> str:
    from smarketing.scoring import queries

    state = queries.sign_off(version)
    approvals = ", ".join(f"{a.user.email} ({a.team_kind})" for a in state.approvals) or "none"
    return (
        f"v{version.number:<4} {version.status:<8} revision {version.revision:<3} "
        f"{state.describe(version)}; approvals of this revision: {approvals}"
    )


def register_definition(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    """Add `smarketing definition export|import|show`: the definition as a YAML file."""
    definition_app = typer.Typer(
        help="The qualification definition as a YAML file (keep it in version control).",
        no_args_is_help=True,
    )
    app.add_typer(definition_app, name="definition")

    @definition_app.command("export")
    def export(
        file: Annotated[Path, typer.Argument(help="Where to write the YAML; - for stdout.")],
        version: Annotated[
            int | None, typer.Option("--version", help="This version instead of the live one.")
        ] = None,
    ) -> None:
        """Write the live definition (or version N) as YAML."""
        setup_django()
        from smarketing.scoring import queries, services

        chosen = services.definition_live()
        if version is not None:
            found = queries.version_by_number(version)
            if found is None:
                raise fail(f"there is no definition version {version}")
            chosen = found
        if str(file) == "-":
            typer.echo(chosen.text, nl=False)
            return
        file.write_text(chosen.text, encoding="utf-8")
        typer.echo(f"wrote version {chosen.number} ({chosen.status}) to {file}")

    @definition_app.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="The YAML file to read.")],
        as_email: Annotated[
            str, typer.Option("--as", help="The leader or admin whose draft it becomes.")
        ],
    ) -> None:
        """Make the file the user's draft: a new one, or their newest draft replaced."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.org.permissions import PermissionDenied
        from smarketing.scoring import services

        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"cannot read {file}: {exc}") from None
        user = _user_by_email(as_email)
        try:
            draft, created = services.definition_draft_import(text=text, by_user=user)
        except PermissionDenied as exc:
            raise fail(str(exc)) from None
        except InvalidInput as exc:
            for path, reasons in exc.errors.items():
                for reason in reasons:
                    where = "" if path == "text" else f"{path}: "
                    typer.secho(f"{file}: {where}{reason}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=1) from None
        verb = "created" if created else "replaced"
        typer.echo(f"{verb} draft version {draft.number} (revision {draft.revision})")

    @definition_app.command("show")
    def show() -> None:
        """The versions, newest first, with their status and approvals."""
        setup_django()
        from smarketing.scoring import queries, services

        services.definition_live()
        for version in queries.versions_list():
            typer.echo(_version_line(version))

    @definition_app.command("rescore")
    def rescore(
        promote: Annotated[
            bool,
            typer.Option(help="Make contacts that now meet the MQL criteria MQLs in this run."),
        ] = False,
    ) -> None:
        """Rescore every contact under the live version now, in this process (a version going
        live does this on the queue; use it after a failed run or a bulk change)."""
        setup_django()
        from smarketing.scoring.models import RescoringRun
        from smarketing.scoring.refresh import rescoring_run
        from smarketing.scoring.scores import definition_in_force

        version, _ = definition_in_force()
        run = RescoringRun.objects.create(version=version, promote=promote)
        done = rescoring_run(run_id=run.pk)
        assert done is not None  # just created, so still queued
        typer.echo(
            f"rescored {done.done} contacts under version {version.number}: "
            f"{done.changed} scores changed, {done.promoted} became MQLs"
        )

    @definition_app.command("backtest")
    def backtest(
        file: Annotated[Path, typer.Argument(help="The definition YAML to backtest.")],
        since: Annotated[
            str | None, typer.Option(help="Start of the window, YYYY-MM-DD (default: 90 days ago).")
        ] = None,
        until: Annotated[
            str | None, typer.Option(help="End of the window (excluded), YYYY-MM-DD; default now.")
        ] = None,
        output: Annotated[
            BacktestFormat, typer.Option("--format", help="table or json.")
        ] = BacktestFormat.table,
    ) -> None:
        """What FILE would have changed against the live version over a past window."""
        setup_django()
        backtest_command(file=file, since=since, until=until, output=output)


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    """Add `smarketing model ...` and `smarketing definition ...`. `evaluate` reads only the CSV
    it is given, so it needs no database and never calls `setup_django`."""
    register_definition(app, setup_django=setup_django)
    model_app = typer.Typer(help="The predictive lead-scoring model.", no_args_is_help=True)
    app.add_typer(model_app, name="model")
    from smarketing.scoring.cli_model import register_model_train

    register_model_train(model_app, setup_django=setup_django)

    @model_app.command("evaluate", cls=MultiValueCommand)
    def evaluate(
        csv: Annotated[Path, typer.Option(help="The table: a CSV file with a header row.")],
        target: Annotated[str, typer.Option(help="The outcome column.")],
        drop: Annotated[
            list[str] | None,
            typer.Option(help="Column(s) to leave out, e.g. ones filled in after the outcome."),
        ] = None,
        keep: Annotated[
            list[str] | None,
            typer.Option(help="Identifier-like column(s) to use anyway."),
        ] = None,
        positive: Annotated[
            str | None, typer.Option(help="The target value that counts as positive.")
        ] = None,
        negative: Annotated[
            list[str] | None,
            typer.Option(
                help="Target value(s) that count as negative; rows with others are left out."
            ),
        ] = None,
        output: Annotated[
            OutputFormat, typer.Option("--format", help="text or json.")
        ] = OutputFormat.text,
        folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5,
        seed: Annotated[int, typer.Option(help="Seed of the fold split and the model.")] = 0,
        min_outcomes: Annotated[
            int, typer.Option(help="Fewest positive and negative outcomes to evaluate at all.")
        ] = 30,
        factors: Annotated[
            bool, typer.Option(help="Also show the top factors (text format only; slower).")
        ] = False,
    ) -> None:
        """Cross-validated ROC AUC and Brier score of the model and of a logistic-regression
        baseline on any table, e.g. a CRM export."""
        from smarketing.scoring.predictive import (
            ModelSettings,
            PredictiveError,
            cross_validate,
            dataset_from_table,
            table_read,
        )

        if factors and output is OutputFormat.json:
            raise fail("--factors is shown in the text format only")
        if min_outcomes < 1:
            raise fail(f"--min-outcomes must be at least 1, not {min_outcomes}")
        try:
            data = dataset_from_table(
                table_read(csv),
                target=target,
                drop=drop or (),
                keep=keep or (),
                positive=positive,
                negative=negative or (),
            )
            result = cross_validate(
                data.features,
                data.y,
                folds=folds,
                seed=seed,
                settings=ModelSettings(min_outcomes=min_outcomes),
                factors=factors,
            )
        except PredictiveError as exc:
            raise fail(str(exc)) from None
        if output is OutputFormat.json:
            figures = {
                "model": {"auc": round(result.model.auc, 4), "brier": round(result.model.brier, 4)},
                "baseline": {
                    "auc": round(result.baseline.auc, 4),
                    "brier": round(result.baseline.brier, 4),
                },
                "rows": result.rows,
                "positives": result.positives,
            }
            typer.echo(json.dumps(figures))
            return
        for line in _text_report(data, result, source=csv.name, factors=factors):
            typer.echo(line)
