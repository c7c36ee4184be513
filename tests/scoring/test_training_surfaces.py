"""`smarketing model train`, /api/models and the model page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from smarketing import cli
from smarketing.scoring.models import PredictiveModel
from tests.events.rows import api_client
from tests.scoring.training_support import DAY, history

pytestmark = pytest.mark.django_db
PAGE = "/scoring/model/"


@pytest.fixture(scope="module")
def app():
    cli.register_plugins_once()
    return cli.app


def train(app, *args):
    return CliRunner().invoke(app, ["model", "train", *args])


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_cli_prints_model_baseline_and_rule_score_side_by_side(app):
    history(120, every=2 * DAY)

    result = train(app, "--min-outcomes", "5")

    assert result.exit_code == 0, result.output
    assert "trained on 120 leads (48 reached SQL or later within 90 days)" in result.stdout
    assert "hold-out: the 30 newest leads" in result.stdout
    for label in ("model (gradient-boosted trees)", "baseline (logistic regression)"):
        assert label in result.stdout
    assert "rule score (definition v1)" in result.stdout
    assert "predictions refreshed for 72 open leads" in result.stdout


def test_cli_json(app):
    history(120, every=2 * DAY)

    result = train(app, "--format", "json", "--window-days", "60")

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["status"] == "trained" and figures["window_days"] == 60
    assert set(figures["model"]) == {"auc", "brier"} and "auc" in figures["rule_score"]
    assert figures["rows"] == 120 and figures["test"]["rows"] == 30


def test_cli_refusal_prints_the_reason_and_exits_1(app):
    result = train(app)

    assert result.exit_code == 1
    assert "refused: Not enough history to train on: there are no leads" in result.stderr
    assert "the rule score stands alone" in result.stdout
    assert PredictiveModel.objects.get().status == "refused"


def test_cli_bad_window_names_the_field(app):
    result = train(app, "--window-days", "0")

    assert result.exit_code == 1
    assert "window_days: the window must be between 1 and 730 days" in result.stderr


def test_api_history_current_and_train(rep, sales_leader):
    reader, leader = api_client(rep), api_client(sales_leader)
    assert reader.get("/api/models/current").status_code == 404

    refused = leader.post("/api/models/train", {}, content_type="application/json")
    assert refused.status_code == 201
    assert refused.json()["status"] == "refused"
    assert "no leads with a known outcome" in refused.json()["reason"]
    assert reader.get("/api/models/current").status_code == 404

    history(120, every=2 * DAY)
    trained = leader.post("/api/models/train", {}, content_type="application/json").json()
    assert trained["status"] == "trained" and trained["test"]["rows"] == 30
    assert trained["train"]["last_lead"] < trained["test"]["first_lead"]

    current = reader.get("/api/models/current").json()
    assert current["id"] == trained["id"] and current["model"] == trained["model"]
    assert [m["status"] for m in reader.get("/api/models").json()] == ["trained", "refused"]


def test_api_train_is_for_leaders_and_admins(rep, marketer):
    for user in (rep, marketer):
        response = api_client(user).post("/api/models/train", {}, content_type="application/json")
        assert response.status_code == 403
        assert response.json()["detail"].endswith("may not train models")
    assert not PredictiveModel.objects.exists()


def test_api_bad_window_is_a_400_naming_the_field(admin_user):
    response = api_client(admin_user).post(
        "/api/models/train", {"window_days": 5000}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "window_days"


def test_page_before_any_training(rep):
    page = logged_in(rep).get(PAGE).content.decode()

    assert "No model has been trained yet" in page
    assert "Train now" not in page


def test_page_shows_a_refusal_with_its_reason(marketing_leader):
    client = logged_in(marketing_leader)

    done = client.post(f"{PAGE}train/", {"window_days": "90"}, follow=True).content.decode()

    assert "Training refused" in done and "The newest training was refused" in done
    assert "there are no leads with a known outcome" in done
    assert "the rule score stands alone" in done


def test_page_after_training_shows_figures_charts_and_history(admin_user, rep):
    history(120, every=2 * DAY)
    logged_in(admin_user).post(f"{PAGE}train/", {"window_days": "90"})

    page = logged_in(rep).get(PAGE).content.decode()

    for part in ('id="holdout"', 'id="calibration"', 'id="lift"', 'id="factors"', "<svg"):
        assert part in page
    assert "Baseline (logistic regression)" in page and "Rule score (definition v1" in page
    assert page.count("<rect ") == 10  # a bar per decile
    assert admin_user.display_name in page  # who pressed "Train now"


def test_train_button_is_refused_to_a_rep(rep):
    response = logged_in(rep).post(f"{PAGE}train/")

    assert response.status_code == 403
    assert not PredictiveModel.objects.exists()


def test_a_bad_window_on_the_page_says_why(sales_leader):
    done = logged_in(sales_leader).post(f"{PAGE}train/", {"window_days": "soon"}, follow=True)

    assert "the window must be a whole number of days" in done.content.decode()
    assert not PredictiveModel.objects.exists()


def test_definition_page_links_to_the_model_page(rep):
    page = logged_in(rep).get("/scoring/definition/").content.decode()

    assert f'href="{PAGE}"' in page
