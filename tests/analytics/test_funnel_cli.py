"""`smarketing funnel`: the tables, JSON and CSV from the same report; errors name the option."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from smarketing.cli import app, register_plugins_once
from tests.analytics.funnel_history import four_contacts

WINDOW = ["--from", "2025-01-01", "--until", "2025-07-01"]


@pytest.fixture
def contacts(rep, marketer):
    return four_contacts(rep=rep, marketer=marketer)


def _run(*args: str):
    register_plugins_once()
    return CliRunner().invoke(app, ["funnel", *args])


def test_funnel_cli_when_run_prints_every_table(contacts):
    result = _run(*WINDOW)
    assert result.exit_code == 0, result.output
    for title in ("Contacts entering each stage", "Stage-to-stage conversion", "Lead cohorts"):
        assert title in result.output
    assert "Velocity: days in each stage" in result.output
    assert "No budget" in result.output and "Whole window" in result.output


def test_funnel_cli_when_json_gives_every_section(contacts):
    result = _run(*WINDOW, "--period", "quarter", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["filters"]["from"] == "2025-01-01"
    assert [p["label"] for p in document["periods"]] == ["2025-Q1", "2025-Q2"]
    lead = next(c for c in document["conversions"] if c["stage"] == "lead")
    assert lead["next_rate"] == 0.75
    assert document["cohorts"][0]["size"] == 4  # all four became leads in Q1
    assert {v["stage"]: v["median_days"] for v in document["velocity"]}["lead"] == 2.0
    assert document["leakage"]["customers"] == 1


def test_funnel_cli_when_csv_prints_the_chosen_table(contacts):
    result = _run(*WINDOW, "--format", "csv", "--table", "velocity", "--channel", "email")
    assert result.exit_code == 0, result.output
    header, *rows = list(csv.reader(io.StringIO(result.output)))
    assert header == ["Stage", "Stays measured", "Median days", "p75 days"]
    # ann and cat (email): their stays as leads were 2 days each.
    assert rows[1] == ["Lead", "2", "2.0", "2.0"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--from", "2025-07-01", "--until", "2025-01-01"], "--until"),
        (["--from", "1st of May"], "--from"),
        (["--period", "day"], "--period"),
        (["--size", "huge"], "--size"),
        (["--team", "Nobody's"], "--team"),
        (["--format", "xml"], "--format"),
        (["--format", "csv", "--table", "pipeline"], "--table"),
    ],
)
def test_funnel_cli_when_an_option_is_wrong_names_it(db, args, option):
    result = _run(*args)
    assert result.exit_code == 1
    assert f"error: {option}:" in result.output
