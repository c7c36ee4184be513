"""The training rows: who is a lead, the label, censoring, and features taken only from what was
known at the observation point (never later, never after the outcome)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from smarketing.lifecycle.services import stage_transition
from smarketing.scoring import training
from smarketing.scoring.predictive.leads import (
    LeadHistory,
    lead_feature_values,
    lead_features,
    lead_outcome,
    observation_point,
    title_function,
)
from smarketing.scoring.rules import TouchpointFacts
from tests.events.rows import write_key
from tests.factories import ContactFactory
from tests.scoring.training_support import DAY, START, lead, touch

NOW = START + 200 * DAY


def _row(contact_id: int) -> tuple[training.LeadRecord, int, dt.datetime]:
    data = training.training_set(now=NOW)
    i = [r.history.contact_id for r in data.records].index(contact_id)
    return data.records[i], int(data.y[i]), data.observed_at[i]


def _features(contact_id: int) -> dict[str, object]:
    record, _, at = _row(contact_id)
    return lead_feature_values(record.history, at=at)


def _same(a: dict[str, object], b: dict[str, object]) -> bool:
    return all(a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]) for k in a)  # NaN equals NaN


@pytest.mark.django_db
def test_features_ignore_touchpoints_after_the_observation_point():
    source = write_key("site")
    contact = lead(source, at=START, converts_after_days=None, pricing_visits=1)
    before = _features(contact.pk)

    # Day 7 is the observation point: from then on nothing may count.
    touch(source, contact, at=START + 7 * DAY, kind="form", form="request-demo", high_intent=True)
    touch(source, contact, at=START + 30 * DAY, path="/pricing", high_intent=True)
    after = _features(contact.pk)

    assert _same(before, after)
    assert before["high_intent"] == 1 and before["kind_form"] == 0


@pytest.mark.django_db
def test_features_ignore_the_outcome_and_what_sales_did_after_it():
    source = write_key("site")
    contact = lead(source, at=START, converts_after_days=20, pricing_visits=1)
    record, label, at = _row(contact.pk)
    before = lead_feature_values(record.history, at=at)

    # The deal progresses after the outcome; the contact keeps engaging: none of it may count.
    stage_transition(contact=contact, to_stage="opportunity", by_rule="test", at=START + 25 * DAY)
    touch(source, contact, at=START + 21 * DAY, kind="webinar_attended")

    assert label == 1 and at == START + 7 * DAY < START + 20 * DAY
    assert _same(before, _features(contact.pk))


def test_a_touchpoint_counts_only_strictly_before_the_moment():
    at = START + 7 * DAY
    history = LeadHistory(
        contact_id=1,
        lead_at=START,
        converted_at=None,
        touchpoints=(
            TouchpointFacts(occurred_at=at - dt.timedelta(seconds=1), kind="form"),
            TouchpointFacts(occurred_at=at, kind="form"),
        ),
    )

    values = lead_feature_values(history, at=at)

    assert values["kind_form"] == 1 and values["touches_total"] == 1
    assert values["days_since_last_touch"] == pytest.approx(1 / 86400)


def test_the_outcome_is_censored_while_the_window_is_open():
    converted = START + 10 * DAY

    assert (
        lead_outcome(lead_at=START, converted_at=converted, now=START + 89 * DAY, window_days=90)
        is None
    )
    assert (
        lead_outcome(lead_at=START, converted_at=None, now=START + 89 * DAY, window_days=90) is None
    )
    assert (
        lead_outcome(lead_at=START, converted_at=converted, now=START + 90 * DAY, window_days=90)
        == 1
    )
    assert lead_outcome(lead_at=START, converted_at=None, now=START + 90 * DAY, window_days=90) == 0
    late = START + 91 * DAY
    assert lead_outcome(lead_at=START, converted_at=late, now=START + 95 * DAY, window_days=90) == 0


def test_the_observation_point_does_not_depend_on_the_outcome():
    assert observation_point(lead_at=START, observe_days=7) == START + 7 * DAY


@pytest.mark.django_db
def test_open_windows_early_converters_and_non_leads_are_left_out():
    source = write_key("site")
    closed_negative = lead(source, at=START, converts_after_days=None)
    closed_positive = lead(source, at=START + DAY, converts_after_days=30)
    open_window = lead(source, at=NOW - 10 * DAY, converts_after_days=None)
    open_converted = lead(source, at=NOW - 20 * DAY, converts_after_days=15)
    early = lead(source, at=START + 2 * DAY, converts_after_days=3)
    sourced_at_sql = ContactFactory()
    stage_transition(contact=sourced_at_sql, to_stage="sql", by_rule="test", at=START)
    ContactFactory()  # never a lead

    data = training.training_set(now=NOW, window_days=90)

    assert [r.history.contact_id for r in data.records] == [closed_negative.pk, closed_positive.pk]
    assert data.y.tolist() == [0, 1]
    assert data.censored == 2 and data.converted_early == 2
    assert {open_window.pk, open_converted.pk, early.pk, sourced_at_sql.pk}.isdisjoint(
        r.history.contact_id for r in data.records
    )


@pytest.mark.django_db
def test_a_conversion_after_the_window_is_a_negative():
    contact = lead(write_key("site"), at=START, converts_after_days=100)

    _, label, _ = _row(contact.pk)

    assert label == 0


@pytest.mark.django_db
def test_rule_score_uses_the_stage_and_touchpoints_of_the_observation_point():
    from smarketing.scoring import rules

    source = write_key("site")
    contact = lead(source, at=START, converts_after_days=20, pricing_visits=1, employees=200)
    touch(source, contact, at=START + 10 * DAY, kind="form", form="request-demo")
    record, _, at = _row(contact.pk)

    total = training.rule_totals(records=[record], at=[at], definition=rules.default_definition())

    # employees 50-999 +20 and one pricing visit (+10, faded over 6 days by the 30-day
    # half-life); the demo request on day 10 is after the observation point.
    assert total[0] == pytest.approx(20 + 10 * 0.5 ** (6 / 30))
    assert record.stage_at(at) == "lead"


def test_features_have_the_same_columns_for_training_and_prediction():
    history = LeadHistory(contact_id=1, lead_at=START, converted_at=None, title="VP Marketing")

    trained = lead_features([history], at=[START + 7 * DAY])
    predicted = lead_features([history], at=[NOW])

    assert trained.names == predicted.names
    assert [c.kind for c in trained.columns] == [c.kind for c in predicted.columns]
    assert np.isnan(trained.columns[0].values[0])  # no account: employees unknown


@pytest.mark.parametrize(
    ("title", "function"),
    [
        ("VP Marketing", "marketing"),
        ("Working Student", "student"),
        ("Founder & CEO", "executive"),
        ("Account Executive", "sales"),
        ("Gardener", "other"),
        ("", ""),
    ],
)
def test_title_function(title, function):
    assert title_function(title) == function
