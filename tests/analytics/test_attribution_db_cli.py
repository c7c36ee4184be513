"""`smarketing attribution` without --from: the database's journeys, and its errors naming the
option."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from smarketing.cli import app, register_plugins_once
from tests.analytics.attribution_db_history import build_history

pytestmark = pytest.mark.django_db
WINDOW = ["--since", "2026-01-01", "--until", "2026-07-01"]


@pytest.fixture
def history():
    return build_history()


def run(*args: str):
    register_plugins_once()
    return CliRunner().invoke(app, ["attribution", *args])


def test_json_maps_channel_labels_to_conversions_and_value(history):
    result = run("--model", "first_touch", *WINDOW, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["conversions"] == {
        "Email": 2.0,
        "Events & webinars": 0.0,
        "Direct": 0.0,
        "Paid social": 0.0,
    }
    assert document["value"]["Email"] == 8000.0
    assert "1 deal(s) won in EUR left out" in result.stderr


def test_account_level_and_lookback_reach_the_colleague_and_older_touches(history):
    args = ["--model", "linear", *WINDOW, "--level", "account", "--lookback", "120"]
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    conversions = json.loads(result.stdout)["conversions"]
    assert conversions["Organic social"] == pytest.approx(1 / 5)  # Ari's touch
    assert conversions["Paid search"] == pytest.approx(1 / 5)  # 111 days before the close


def test_markov_table_from_the_database(history):
    result = run("--model", "markov", "--order", "2", *WINDOW)
    assert result.exit_code == 0, result.output
    assert "markov (order 2): 2.00 conversions, value 8,000.00" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-05-01", "--until", "2026-04-01"], "--until: must be after"),
        (["--lookback", "-5"], "--lookback: must be from 1 to 730, not -5"),
        (["--since", "May"], "--since: must be a date"),
    ],
)
def test_bad_options_are_named(args, message):
    result = run("--model", "linear", *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_order_4_is_refused_naming_the_option():
    result = run("--model", "markov", "--order", "4")
    assert result.exit_code == 2 and "--order" in result.output


def test_no_conversion_in_the_window_says_so(history):
    result = run("--model", "linear", "--since", "2025-01-01", "--until", "2025-02-01")
    assert result.exit_code == 1
    assert "no deal won from 2025-01-01 until 2025-02-01" in result.stderr


def test_by_campaign_skips_direct_touches_without_a_campaign(history):
    result = run("--model", "last_non_direct", *WINDOW, "--by", "campaign", "--format", "json")
    assert result.exit_code == 0, result.output
    conversions = json.loads(result.stdout)["conversions"]
    assert conversions["Direct (no campaign)"] == 0  # Ada's last touch, skipped
    assert conversions["Events & webinars (no campaign)"] == 1
