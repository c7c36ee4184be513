"""Training on the stored history: the time split, the figures recorded, the predictions of open
leads, and refusal (one class, too few outcomes) recorded with its reason."""

from __future__ import annotations

import pickle

import pytest

from smarketing.errors import InvalidInput
from smarketing.scoring import modelling, training
from smarketing.scoring.models import ContactPrediction, ModelStatus, PredictiveModel
from smarketing.scoring.predictions import prediction_explained, predictions_for
from smarketing.scoring.predictive import ModelSettings, TrainedModel
from tests.events.rows import write_key
from tests.scoring.training_support import DAY, START, history, lead

NOW = START + 400 * DAY
# Few rows: smaller leaves than the defaults, which are set for thousands of leads.
SMALL = ModelSettings(min_outcomes=5, min_samples_leaf=5)

pytestmark = pytest.mark.django_db


def test_trains_on_older_leads_and_judges_on_newer_ones():
    contacts = history(120, every=2 * DAY)
    still_open = lead(write_key("late"), at=NOW - 3 * DAY, converts_after_days=None)

    model = modelling.model_train_run(now=NOW, settings=SMALL)

    assert model.status == ModelStatus.TRAINED and model.reason == ""
    metrics = model.metrics
    # Every held-out lead arrived after every lead learned from.
    assert metrics["train"]["until"] < metrics["cutoff"] <= metrics["test"]["from"]
    assert metrics["train"]["rows"] + metrics["test"]["rows"] == model.rows == 120
    assert model.positives == 48
    assert metrics["test"]["rows"] == 30
    assert 0.5 < metrics["model"]["auc"] <= 1 and 0 < metrics["model"]["brier"] < 0.25
    assert {"auc", "brier"} <= metrics["baseline"].keys()
    assert 0 <= metrics["rule_score"]["auc"] <= 1 and metrics["rule_score"]["version"] == 1
    assert len(metrics["lift"]) == 10 and metrics["calibration"]
    assert metrics["factors"][0]["importance"] >= metrics["factors"][-1]["importance"]
    assert {f["name"] for f in metrics["factors"][:3]} & {"high_intent", "account_employees"}
    assert model.data_from == START and model.data_until == START + 119 * 2 * DAY
    assert isinstance(pickle.loads(bytes(model.fitted)), TrainedModel)
    assert modelling.model_current() == model
    # Only open leads (before SQL) get a prediction; never exactly 0 or 1.
    predicted = predictions_for(contact_ids=[c.pk for c in contacts] + [still_open.pk])
    assert still_open.pk in predicted
    assert all(0 < p < 1 for p in predicted.values())
    assert set(predicted) == set(training.open_lead_contacts().values_list("pk", flat=True))


def test_prediction_is_explained_with_the_models_top_factors():
    history(120, every=2 * DAY)
    open_lead = lead(write_key("late"), at=NOW - DAY, converts_after_days=None, employees=300)
    modelling.model_train_run(now=NOW, settings=SMALL)

    explained = prediction_explained(contact_id=open_lead.pk)

    assert explained is not None and 0 < explained.probability < 1
    assert explained.window_days == 90
    values = {f.name: f.value for f in explained.factors}
    assert values.get("account_employees", 300) == 300
    assert all(f.label for f in explained.factors)


def test_refused_when_every_lead_has_the_same_outcome():
    source = write_key("site")
    for i in range(40):
        lead(source, at=START + i * DAY, converts_after_days=None)

    model = modelling.model_train_run(now=NOW)

    assert model.status == ModelStatus.REFUSED
    assert "all 40 leads with a known outcome have the same outcome (negative)" in model.reason
    assert model.fitted is None and model.rows == 40 and model.positives == 0
    assert modelling.model_current() is None


def test_refused_with_fewer_than_the_minimum_outcomes_and_the_rule_score_stands_alone():
    history(120, every=2 * DAY)
    modelling.model_train_run(now=NOW, settings=SMALL)
    assert ContactPrediction.objects.exists()

    model = modelling.model_train_run(now=NOW, settings=ModelSettings(min_outcomes=60))

    assert model.status == ModelStatus.REFUSED
    assert "only 48 positive outcomes among the 120 leads with a known outcome" in model.reason
    assert "at least 60 of each" in model.reason
    # The refusal is kept in the history and no prediction stands beside the rule score.
    assert PredictiveModel.objects.count() == 2
    assert modelling.model_current() is None
    assert not ContactPrediction.objects.exists()


def test_refused_when_the_newer_leads_are_too_few_to_judge_on():
    history(40, every=2 * DAY)

    model = modelling.model_train_run(now=NOW, settings=SMALL)

    assert model.status == ModelStatus.REFUSED
    assert "too few newer rows to evaluate on" in model.reason


def test_refused_without_any_lead():
    model = modelling.model_train_run(now=NOW)

    assert model.status == ModelStatus.REFUSED
    assert "there are no leads with a known outcome" in model.reason


def test_a_bad_window_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        modelling.model_train_run(now=NOW, window_days=0)
    assert "window_days" in caught.value.errors

    with pytest.raises(InvalidInput) as caught:
        modelling.model_train_run(now=NOW, window_days=30, observe_days=30)
    assert "observe_days" in caught.value.errors
