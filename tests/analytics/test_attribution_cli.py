"""`smarketing attribution --from FILE` in each output format, and its errors."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smarketing.cli import app, register_plugins_once

register_plugins_once()
runner = CliRunner()

PATHS = """path,total_conversions,total_null,total_conversion_value
C1 > C2 > C3,1,0,300
C1,0,1,0
C2 > C3,0,1,0
"""


@pytest.fixture
def paths_file(tmp_path: Path) -> Path:
    file = tmp_path / "paths.csv"
    file.write_text(PATHS)
    return file


def run(*args: str) -> object:
    return runner.invoke(app, ["attribution", *args])


def test_json_maps_channels_to_conversions_and_value(paths_file: Path) -> None:
    result = run("--model", "markov", "--from", str(paths_file), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["conversions"] == pytest.approx({"C1": 0.2, "C2": 0.4, "C3": 0.4})
    assert document["value"] == pytest.approx({"C1": 60, "C2": 120, "C3": 120})


def test_json_without_values_is_one_flat_object(tmp_path: Path) -> None:
    file = tmp_path / "plain.csv"
    file.write_text("path,total_conversions,total_null\nA > B,2,0\n")
    result = run("--model", "first_touch", "--from", str(file), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"A": 2.0, "B": 0.0}


def test_csv_has_a_row_per_channel(paths_file: Path) -> None:
    result = run("--model", "linear", "--from", str(paths_file), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["channel"] for r in rows] == ["C1", "C2", "C3"]
    assert [float(r["conversions"]) for r in rows] == pytest.approx([1 / 3] * 3)
    assert [float(r["value"]) for r in rows] == pytest.approx([100] * 3)


def test_table_shows_model_totals_and_removal_effects(paths_file: Path) -> None:
    result = run("--model", "markov", "--order", "2", "--from", str(paths_file))
    assert result.exit_code == 0, result.output
    assert "markov (order 2): 1.00 conversions, value 300.00" in result.stdout
    assert "removal effect" in result.stdout
    assert "C2" in result.stdout and "40.0%" in result.stdout


@pytest.mark.parametrize(
    "model", ["u_shaped", "w_shaped", "time_decay", "shapley", "last_non_direct"]
)
def test_every_model_runs(paths_file: Path, model: str) -> None:
    result = run("--model", model, "--from", str(paths_file), "--format", "json")
    assert result.exit_code == 0, result.output
    assert sum(json.loads(result.stdout)["conversions"].values()) == pytest.approx(1)


def test_bad_file_names_file_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "bad.csv"
    file.write_text("path,total_conversions,total_null\nA,1,0\nB,two,0\n")
    result = run("--model", "linear", "--from", str(file))
    assert result.exit_code == 1
    assert f"error: {file} line 3, column 2: total_conversions: expected a number" in result.stderr


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    result = run("--model", "linear", "--from", str(tmp_path / "none.csv"))
    assert result.exit_code == 1
    assert "none.csv: No such file or directory" in result.stderr


def test_unknown_model_is_refused(paths_file: Path) -> None:
    result = run("--model", "best", "--from", str(paths_file))
    assert result.exit_code == 2


def test_database_options_with_a_file_are_refused(paths_file: Path) -> None:
    result = run("--model", "linear", "--from", str(paths_file), "--since", "2026-01-01")
    assert result.exit_code == 1
    assert "--since, --until, --lookback and --by choose the database's journeys" in (result.stderr)
