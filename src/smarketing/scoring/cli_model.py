"""`smarketing model train`: train the predictive model on this installation's leads and print
the hold-out figures beside the baseline's and the rule score's (or why it was refused)."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer


class TrainFormat(StrEnum):
    table = "table"
    json = "json"


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def model_summary(model: Any) -> dict[str, Any]:
    """The figures of one training as plain data: the API and `--format json` print this."""
    metrics = model.metrics
    out: dict[str, Any] = {
        "id": model.pk,
        "status": model.status,
        "reason": model.reason,
        "trained_at": model.trained_at.isoformat(),
        "window_days": model.window_days,
        "observe_days": model.observe_days,
        "rows": model.rows,
        "positives": model.positives,
        "data_from": model.data_from.isoformat() if model.data_from else None,
        "data_until": model.data_until.isoformat() if model.data_until else None,
        "censored": metrics.get("censored", 0),
        "converted_early": metrics.get("converted_early", 0),
        "duration_seconds": round(model.duration_seconds, 2),
    }
    for key in ("model", "baseline", "rule_score", "train", "test", "cutoff", "factors"):
        out[key] = metrics.get(key)
    return out


def _table(summary: dict[str, Any], predictions: int) -> list[str]:
    train, test = summary["train"], summary["test"]
    lines = [
        f"model {summary['id']} trained on {summary['rows']:,} leads "
        f"({summary['positives']:,} reached SQL or later within {summary['window_days']} days), "
        f"leads from {summary['data_from'][:10]} to {summary['data_until'][:10]}",
        f"features as of {summary['observe_days']} days after becoming a lead; "
        f"left out: {summary['censored']:,} leads whose window is still open, "
        f"{summary['converted_early']:,} converted before that point",
        f"hold-out: the {test['rows']:,} newest leads ({test['positives']:,} positive, from "
        f"{test['from'][:10]}); learned from the {train['rows']:,} older ones "
        f"({train['positives']:,} positive)",
        "",
        f"  {'':<34}{'ROC AUC':>8}{'Brier':>9}",
    ]
    rule = summary["rule_score"]
    for label, figures in (
        ("model (gradient-boosted trees)", summary["model"]),
        ("baseline (logistic regression)", summary["baseline"]),
        (f"rule score (definition v{rule['version']})", {"auc": rule["auc"], "brier": None}),
    ):
        lines.append(f"  {label:<34}{_figure(figures['auc']):>8}{_figure(figures['brier']):>9}")
    lines += ["", "top factors (drop in hold-out ROC AUC when shuffled):"]
    lines += [f"  {f['label']:<44}{f['importance']:+.4f}" for f in summary["factors"][:8]]
    lines.append(f"predictions refreshed for {predictions:,} open leads")
    return lines


def register_model_train(model_app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    @model_app.command("train")
    def train(
        window_days: Annotated[
            int, typer.Option(help="A lead is positive when it reaches SQL within this many days.")
        ] = 90,
        observe_days: Annotated[
            int, typer.Option(help="Features as of this many days after becoming a lead.")
        ] = 7,
        output: Annotated[
            TrainFormat, typer.Option("--format", help="table or json.")
        ] = TrainFormat.table,
        min_outcomes: Annotated[
            int, typer.Option(help="Fewest positive and negative older leads to train at all.")
        ] = 30,
    ) -> None:
        """Train the predictive model on this installation's leads (older ones), report how it
        ranks the newer ones beside the baseline and the rule score, and refresh predictions.
        Exit code 1 when there is not enough history (the reason is printed)."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.scoring.modelling import model_train_run
        from smarketing.scoring.models import ContactPrediction, ModelStatus
        from smarketing.scoring.predictive import ModelSettings

        if min_outcomes < 1:
            typer.secho(f"error: --min-outcomes must be at least 1, not {min_outcomes}", err=True)
            raise typer.Exit(code=1)
        try:
            model = model_train_run(
                window_days=window_days,
                observe_days=observe_days,
                settings=ModelSettings(min_outcomes=min_outcomes),
            )
        except InvalidInput as exc:
            typer.secho(f"error: {exc.summary()}", err=True, fg=typer.colors.RED)
            raise typer.Exit(code=1) from None
        summary = model_summary(model)
        refused = model.status == ModelStatus.REFUSED
        if output is TrainFormat.json:
            typer.echo(json.dumps(summary))
        elif refused:
            typer.secho(f"refused: {model.reason}", err=True, fg=typer.colors.RED)
            typer.echo("no predictions: the rule score stands alone")
        else:
            for line in _table(summary, ContactPrediction.objects.count()):
                typer.echo(line)
        if refused:
            raise typer.Exit(code=1)
