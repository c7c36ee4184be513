"""`smarketing model evaluate` through the real command."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from smarketing import cli
from smarketing.scoring.cli import multi_values_expand
from tests.scoring.test_predictive_model import synthetic_leads_csv


@pytest.fixture(scope="module")
def app():
    # Idempotent: other test modules may have registered the plugin commands already.
    cli.register_plugins_once()
    return cli.app


@pytest.fixture(scope="module")
def leads_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("evaluate") / "leads.csv"
    path.write_text(synthetic_leads_csv(rows=600, seed=1), encoding="utf-8", newline="")
    return path


def run(app, *args):
    return CliRunner().invoke(app, ["model", "evaluate", *[str(a) for a in args]])


def test_text_report_shows_both_models_rows_and_the_identifiers_left_out(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Converted", "--drop", "Created")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "leads.csv: 600 rows with an outcome" in out
    assert "(Converted = '1')" in out
    assert "identifier-like columns left out: Prospect ID, Lead Number" in out
    assert "empty or single-valued columns left out: Magazine" in out
    assert "dropped as asked: Created" in out
    assert "5-fold stratified cross-validation (seed 0)" in out
    assert "model (gradient-boosted trees)" in out
    assert "baseline (logistic regression)" in out


def test_keep_uses_an_identifier_like_column_anyway(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Converted", "--keep", "lead number")

    assert result.exit_code == 0, result.output
    assert "identifier-like columns left out: Prospect ID\n" in result.stdout


def test_json_prints_exactly_the_agreed_keys(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Converted", "--format", "json")

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert list(figures) == ["model", "baseline", "rows", "positives"]
    assert list(figures["model"]) == list(figures["baseline"]) == ["auc", "brier"]
    assert figures["rows"] == 600
    assert 0 < figures["positives"] < 600
    assert figures["model"]["auc"] > 0.7
    assert 0 < figures["baseline"]["brier"] < 0.25


def _features_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("dropped as asked"))


def test_drop_takes_several_names_after_one_option_or_repeated(app, leads_csv):
    base = ["--csv", leads_csv, "--target", "Converted"]
    repeated = run(app, *base, "--drop", "City", "--drop", "Occupation", "--drop", "Created")
    listed = run(app, *base, "--drop", "City", "Occupation", "--drop=Created")

    assert repeated.exit_code == listed.exit_code == 0, repeated.output + listed.output
    expected = "dropped as asked: Occupation, City, Created"
    assert _features_line(repeated.stdout) == _features_line(listed.stdout) == expected


def test_positive_and_negative_pick_the_outcome_and_leave_other_rows_out(app, tmp_path):
    lines = ["deal,agent,stage,value"]
    for i in range(300):
        stage = ("Won", "Lost", "Engaging")[i % 3] if i % 5 else "Won"
        lines.append(f"D{i:04d},agent{i % 4},{stage},{(i * 37) % 100}")
    path = tmp_path / "deals.csv"
    path.write_text("\r\n".join(lines) + "\r\n")

    result = run(
        app, "--csv", path, "--target", "stage", "--positive", "Won", "--negative", "Lost",
        "--format", "json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    stages = [line.split(",")[2] for line in lines[1:]]
    assert figures["rows"] == stages.count("Won") + stages.count("Lost")
    assert figures["positives"] == stages.count("Won")


def test_missing_file_is_an_error(app, tmp_path):
    result = run(app, "--csv", tmp_path / "nope.csv", "--target", "Converted")

    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_unknown_target_lists_the_columns(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Outcome")

    assert result.exit_code == 1
    assert "target column 'Outcome' is not in leads.csv" in result.stderr
    assert "'Converted'" in result.stderr and "'Lead Source'" in result.stderr


def test_unknown_drop_column_is_an_error(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Converted", "--drop", "City", "Tags")

    assert result.exit_code == 1
    assert "column to drop 'Tags' is not in leads.csv" in result.stderr


def test_single_class_target_is_refused(app, tmp_path):
    path = tmp_path / "won.csv"
    path.write_text("visits,won\r\n" + "".join(f"{i},1\r\n" for i in range(50)))

    result = run(app, "--csv", path, "--target", "won")

    assert result.exit_code == 1
    assert "one value only ('1' in 50 rows)" in result.stderr
    assert "both positive and negative outcomes" in result.stderr


def test_too_few_outcomes_are_refused_with_the_counts(app, tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("visits,won\r\n" + "".join(f"{i % 7},{int(i < 10)}\r\n" for i in range(80)))

    result = run(app, "--csv", path, "--target", "won")

    assert result.exit_code == 1
    assert "only 10 positive outcomes among the 80 rows (at least 30" in result.stderr


def test_a_target_with_many_values_asks_for_positive(app, tmp_path):
    path = tmp_path / "stages.csv"
    path.write_text("visits,stage\r\n" + "".join(f"{i},s{i % 3}\r\n" for i in range(60)))

    result = run(app, "--csv", path, "--target", "stage")

    assert result.exit_code == 1
    assert "--positive VALUE" in result.stderr


def test_factors_are_text_only(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Converted", "--factors", "--format", "json")

    assert result.exit_code == 1
    assert "--factors is shown in the text format only" in result.stderr


def test_factors_list_the_strongest_column_first(app, leads_csv):
    result = run(app, "--csv", leads_csv, "--target", "Converted", "--factors", "--folds", "3")

    assert result.exit_code == 0, result.output
    after = result.stdout.split("top factors", 1)[1].splitlines()[1]
    assert after.split()[0] == "Minutes"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--drop", "A", "B"], ["--drop", "A", "--drop", "B"]),
        (["--drop", "A", "--drop", "B"], ["--drop", "A", "--drop", "B"]),
        (["--drop=A", "B", "--target", "T"], ["--drop=A", "--drop", "B", "--target", "T"]),
        (["--negative", "Lost", "Open", "--csv", "f"], ["--negative", "Lost", "--negative",
                                                        "Open", "--csv", "f"]),
        (["--target", "T", "X"], ["--target", "T", "X"]),
        (["--drop", "A", "--", "B"], ["--drop", "A", "--", "B"]),
    ],
)  # fmt: skip
def test_multi_value_options_expand(args, expected):
    assert multi_values_expand(args) == expected
