"""`smarketing definition backtest FILE --since DATE [--until DATE] [--format table|json]`."""

from __future__ import annotations

import json

import pytest
import time_machine
from typer.testing import CliRunner

from smarketing import cli
from tests.scoring.backtest_support import NOW, history_build, loose_yaml, make_live, strict_yaml
from tests.scoring.definition_support import BROKEN_YAML

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def app():
    cli.register_plugins_once()
    return cli.app


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def strict_file(tmp_path, marketing_leader, sales_leader):
    """A stricter file than the live (loose) version."""
    make_live(loose_yaml(), marketing_leader=marketing_leader, sales_leader=sales_leader)
    path = tmp_path / "strict.yaml"
    path.write_text(strict_yaml(), encoding="utf-8")
    return path


def run(app, *args):
    return CliRunner().invoke(app, ["definition", "backtest", *[str(a) for a in args]])


def test_table_shows_months_outcomes_flagged_customers_and_changed_contacts(app, strict_file):
    history_build()

    result = run(app, strict_file, "--since", "2025-04-01")

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "against live version 2, 2025-04-01 00:00 to 2025-07-01 12:00 UTC" in out
    assert "  2025-05         2       4         2" in out
    assert "  this file              2       50.0% (1)       50.0% (1)       50.0% (1)" in out
    assert "  live version 2         4       25.0% (1)       25.0% (1)       25.0% (1)" in out
    assert "of 1 contacts who became customers since 2025-04-01, this file would have " in out
    assert "Would newly qualify: 0" in out
    assert "Would stop qualifying: 2" in out
    assert "Tia Tiny <tiny@small.example>  file 54.9 (D1), live 84.9 (C1)" in out
    assert "current field values" in out


def test_json_has_the_result_with_emails(app, strict_file):
    cast = history_build()

    result = run(
        app, strict_file, "--since", "2025-04-01", "--until", "2025-06-01", "--format", "json"
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["live_version"] == 2 and data["until"].startswith("2025-06-01T00:00:00")
    assert [m["month"] for m in data["months"]] == ["2025-04", "2025-05"]
    assert data["draft"]["mqls"] == 2 and data["live"]["mqls"] == 4
    assert [(s["contact_id"], s["email"]) for s in data["stopped"]] == [
        (cast["tiny"].pk, "tiny@small.example"),
        (cast["micro"].pk, "micro@small.example"),
    ]


def test_a_predicted_criterion_is_reported_as_never_met(app, strict_file):
    strict_file.write_text(
        strict_yaml().replace("- total: 80", "- total: 80\n  - predicted: 0.5"), encoding="utf-8"
    )

    result = run(app, strict_file)

    assert result.exit_code == 0, result.output
    assert "The draft definition has an MQL criterion with a predicted probability" in result.stdout


def test_since_after_until_is_refused(app, strict_file):
    result = run(app, strict_file, "--since", "2025-05-01", "--until", "2025-04-01")

    assert result.exit_code == 2
    assert "error: since (2025-05-01) must be before until (2025-04-01)" in result.stderr


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_a_malformed_date_is_refused(app, strict_file, option):
    result = run(app, strict_file, option, "2025-02-30")

    assert result.exit_code == 2
    assert f"error: {option} '2025-02-30' is not a date: write it as YYYY-MM-DD" in result.stderr


def test_a_yaml_error_names_line_and_column(app, strict_file):
    strict_file.write_text(BROKEN_YAML, encoding="utf-8")

    result = run(app, strict_file, "--since", "2025-04-01")

    assert result.exit_code == 2
    assert "strict.yaml: YAML syntax error at line 4, column 4" in result.stderr


def test_an_unknown_field_names_its_place(app, strict_file):
    strict_file.write_text(strict_yaml().replace("field: title", "field: job"), encoding="utf-8")

    result = run(app, strict_file)

    assert result.exit_code == 2
    assert "strict.yaml: fit_rules[3].field: line" in result.stderr
    assert "unknown field 'job'" in result.stderr


def test_a_missing_file_is_refused(app, tmp_path):
    result = run(app, tmp_path / "nope.yaml", "--since", "2025-04-01")

    assert result.exit_code == 2
    assert "error: cannot read" in result.stderr and "nope.yaml: there is no such file" in (
        result.stderr
    )
