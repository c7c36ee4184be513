"""Scoring examples: the default definition on typical leads, each operator, decay, caps,
windows, groups, MQL criteria, grades and the account score."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import replace
from datetime import datetime

import pytest

from smarketing.scoring.rules import (
    AccountFacts,
    MqlCriterion,
    TouchpointFacts,
    default_definition,
    definition_from_dict,
    score_contact,
    score_many,
)
from tests.scoring.test_rules_strategies import NOW, person, rows, score, tp


def fit_only(*rules: dict, **extra: object):
    return definition_from_dict({"fit_rules": list(rules), "mql": [{"total": 1000}], **extra})


def engagement_only(*rules: dict, **extra: object):
    return definition_from_dict(
        {"engagement_rules": list(rules), "mql": [{"total": 1000}], **extra}
    )


def test_default_definition_makes_a_senior_buyer_with_a_demo_request_an_mql():
    contact = person(seniority="director", account=AccountFacts(employees=200))
    result = score(contact, [tp("form", form="demo-request")]).default
    assert rows(result) == [
        ("employees-50-999", 20, 1),
        ("senior-buyer", 15, 1),
        ("demo-request", 40, 1),
    ]
    assert (result.fit, result.engagement, result.total) == (35, 40, 75)
    assert result.grade == "A2"
    assert result.mql_criterion == MqlCriterion(fit=20, engagement=30)
    assert result.is_mql


def test_default_definition_qualifies_on_total_alone_when_fit_is_low():
    touchpoints = [tp("form", form="Demo Request"), tp("webinar_attended")]
    touchpoints += [tp("page_view", path="/pricing") for _ in range(3)]
    result = score(person(), touchpoints).default
    assert (result.fit, result.engagement) == (0, 85)
    assert result.mql_criterion == MqlCriterion(total=80)
    assert result.grade == "C1"


def test_students_at_free_mail_addresses_get_grade_d_and_never_qualify_on_fit():
    contact = person(title="PhD Student", is_freemail=True, account=AccountFacts(employees=3))
    result = score(contact, [tp("form", form="demo")]).default
    assert rows(result)[:3] == [
        ("employees-under-10", -30, 1),
        ("free-mail", -10, 1),
        ("student", -50, 1),
    ]
    assert result.fit == -90
    assert result.grade == "D2"
    assert not result.is_mql


def test_cap_holds_repeated_visits_but_shows_every_occurrence():
    result = score(person(), [tp("page_view", path="/Pricing/plans") for _ in range(5)]).default
    assert rows(result) == [("pricing-page", 30, 5)]


def test_engagement_points_halve_every_half_life():
    result = score(person(), [tp("webinar_attended", days=30), tp("webinar_attended", days=60)])
    assert rows(result.default) == [("webinar-attended", pytest.approx(15 / 2 + 15 / 4), 2)]


def test_cap_applies_after_decay():
    # 10 clicks 30 days ago are worth 15 after decay: exactly the cap, so none is lost.
    old = score(person(), [tp("email_click", days=30) for _ in range(10)]).default
    assert rows(old) == [("email-click", pytest.approx(15), 10)]
    fresh = score(person(), [tp("email_click") for _ in range(10)]).default
    assert rows(fresh) == [("email-click", 15, 10)]


def test_touchpoints_outside_the_window_or_in_the_future_do_not_count():
    touchpoints = [
        tp("email_click", days=91),
        tp("email_click", days=89),
        tp("email_click", days=-1),
    ]
    result = score(
        person(), touchpoints, definition=replace(default_definition(), decay_half_life_days=None)
    )
    assert rows(result.default) == [("email-click", 3, 1)]


def test_negative_behaviour_takes_points_off():
    touchpoints = [tp("page_view", path="/careers/engineer"), tp("unsubscribe")]
    result = score(person(), touchpoints).default
    assert rows(result) == [("careers-page", -10, 1), ("unsubscribe", -20, 1)]
    assert result.engagement == -30
    assert result.grade == "C4"


def test_overlapping_ranges_both_fire_and_both_show():
    definition = fit_only(
        {
            "label": "Mid",
            "field": "account.employees",
            "operator": "range",
            "min": 10,
            "max": 500,
            "points": 10,
        },
        {
            "label": "Core",
            "field": "account.employees",
            "operator": "range",
            "min": 50,
            "max": 1000,
            "points": 20,
        },
    )
    result = score(person(account=AccountFacts(employees=100)), definition=definition).default
    assert rows(result) == [("mid", 10, 1), ("core", 20, 1)]
    assert result.fit == 30


@pytest.mark.parametrize(
    ("employees", "fires"), [(49, False), (50, True), (999.5, True), (1000, False), (None, False)]
)
def test_range_includes_min_and_excludes_max(employees, fires):
    definition = fit_only(
        {
            "label": "Core",
            "field": "account.employees",
            "operator": "range",
            "min": 50,
            "max": 1000,
            "points": 20,
        }
    )
    result = score(person(account=AccountFacts(employees=employees)), definition=definition)
    assert bool(result.default.explanation) is fires


@pytest.mark.parametrize(
    ("operator", "value", "contact", "fires"),
    [
        ("equals", "DE", person(country="de"), True),
        ("equals", "DE", person(country="AT"), False),
        ("not_equals", "DE", person(country=""), True),
        ("in", ["US", "DE"], person(country=" us "), True),
        ("not_in", ["US", "DE"], person(country="FR"), True),
        ("not_in", ["US", "DE"], person(country="US"), False),
        ("contains", "STUDENT", person(title="Working student"), True),
        ("not_contains", "student", person(title="CTO"), True),
        ("is_empty", None, person(title="   "), True),
        ("is_empty", None, person(title="CTO"), False),
        ("not_empty", None, person(title="CTO"), True),
    ],
)
def test_text_operators_ignore_case_and_surrounding_space(operator, value, contact, fires):
    field = "title" if "contains" in operator or "empty" in operator else "country"
    rule = {"label": "Rule", "field": field, "operator": operator, "points": 5}
    if value is not None:
        rule["value"] = value
    result = score(contact, definition=fit_only(rule))
    assert bool(result.default.explanation) is fires


@pytest.mark.parametrize(
    ("operator", "value", "account", "fires"),
    [
        ("equals", 50, AccountFacts(employees=50.0), True),
        ("in", [10, 20], AccountFacts(employees=20), True),
        ("not_in", [10, 20], None, True),
        ("is_empty", None, AccountFacts(), True),
        ("is_empty", None, None, True),
        ("not_empty", None, AccountFacts(employees=0), True),
    ],
)
def test_number_operators(operator, value, account, fires):
    rule = {"label": "Rule", "field": "account.employees", "operator": operator, "points": 5}
    if value is not None:
        rule["value"] = value
    result = score(person(account=account), definition=fit_only(rule))
    assert bool(result.default.explanation) is fires


def test_engagement_conditions_all_hold_and_each_is_any_of():
    definition = engagement_only(
        {
            "label": "Enterprise pricing from paid search",
            "when": {
                "kind": "page_view",
                "channel": ["paid_search", "paid_social"],
                "path": ["/pricing*", "/plans"],
                "high_intent": True,
                "properties": {"plan": "Enterprise"},
            },
            "points": 7,
        }
    )
    base = {"channel": "paid_search", "path": "/PRICING/x", "high_intent": True}
    matching = tp("page_view", **base, properties={"plan": "enterprise"})
    others = [
        tp("page_view", **{**base, "channel": "email"}, properties={"plan": "enterprise"}),
        tp("page_view", **{**base, "high_intent": False}, properties={"plan": "enterprise"}),
        tp("page_view", **base, properties={"plan": ["enterprise"]}),
        tp("page_view", **base),
        tp("form", **base, properties={"plan": "enterprise"}),
    ]
    result = score(person(), [matching, *others], definition=definition)
    assert rows(result.default) == [("enterprise-pricing-from-paid-search", 7, 1)]


def test_property_conditions_keep_true_apart_from_one():
    definition = engagement_only(
        {"label": "Trial", "when": {"properties": {"trial": True}}, "points": 1},
        {"label": "One seat", "when": {"properties": {"seats": 1}}, "points": 2},
    )
    touchpoints = [
        tp("other", properties={"trial": 1, "seats": True}),
        tp("other", properties={"trial": True}),
    ]
    assert rows(score(person(), touchpoints, definition=definition).default) == [("trial", 1, 1)]


def test_campaign_event_form_and_funnel_stage_conditions():
    definition = engagement_only(
        {"label": "Spring", "when": {"campaign": "spring*"}, "points": 1},
        {"label": "Trial", "when": {"event": "Trial Started"}, "points": 2},
        {"label": "Bottom", "when": {"funnel_stage": "bofu", "kind": "download"}, "points": 4},
    )
    touchpoints = [
        tp("email_click", campaign="Spring Launch"),
        tp("other", event="trial started"),
        tp("download", funnel_stage="bofu"),
        tp("page_view", funnel_stage="bofu"),
    ]
    result = score(person(), touchpoints, definition=definition).default
    assert rows(result) == [("spring", 1, 1), ("trial", 2, 1), ("bottom", 4, 1)]


def test_predicted_probability_criterion_is_not_met_without_a_prediction():
    definition = definition_from_dict({"mql": [{"fit": 0, "predicted": 0.6}]})
    assert not score(person(), definition=definition).is_mql
    assert not score(person(), definition=definition, predicted=0.59).is_mql
    result = score(person(), definition=definition, predicted=0.6)
    assert result.default.mql_criterion == MqlCriterion(fit=0, predicted=0.6)
    assert result.default.predicted == 0.6


def test_each_score_group_has_its_own_engagement_and_any_group_makes_an_mql():
    definition = definition_from_dict(
        {
            "fit_rules": [
                {
                    "label": "Big",
                    "field": "account.employees",
                    "operator": "range",
                    "min": 50,
                    "points": 20,
                }
            ],
            "engagement_rules": [{"label": "Pricing", "when": {"path": "/pricing"}, "points": 10}],
            "groups": [
                {
                    "id": "analytics",
                    "label": "Analytics",
                    "engagement_rules": [
                        {
                            "label": "Analytics trial",
                            "when": {"event": "Analytics trial"},
                            "points": 50,
                        }
                    ],
                }
            ],
            "mql": [{"fit": 20, "engagement": 30}],
        }
    )
    contact = person(account=AccountFacts(employees=80))
    result = score(
        contact,
        [tp("other", event="analytics trial"), tp("page_view", path="/pricing")],
        definition=definition,
    )
    default, analytics = result.groups
    assert (default.group_id, default.engagement, default.is_mql) == ("default", 10, False)
    assert (analytics.group_id, analytics.engagement, analytics.is_mql) == ("analytics", 50, True)
    assert rows(analytics) == [("big", 20, 1), ("analytics-trial", 50, 1)]
    assert result.is_mql
    assert result.group("analytics") is analytics


def test_score_many_gives_what_score_contact_gives():
    contacts = [person(contact_id=i, seniority="vp" if i % 2 else "") for i in range(1, 5)]
    touchpoints = {1: [tp("form", form="demo")], 3: [tp("email_click", days=d) for d in range(8)]}
    batch = list(
        score_many(
            definition=default_definition(),
            contacts=contacts,
            touchpoints_by_contact=touchpoints,
            now=NOW,
            predicted={3: 0.4},
        )
    )
    one_by_one = [
        score(c, touchpoints.get(c.contact_id, ()), predicted={3: 0.4}.get(c.contact_id))
        for c in contacts
    ]
    assert batch == one_by_one
    assert [r.contact_id for r in batch] == [1, 2, 3, 4]


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        score_contact(
            definition=default_definition(),
            contact=person(),
            touchpoints=[],
            now=datetime(2025, 1, 1),
        )


def test_results_survive_their_plain_data_form():
    result = score(person(seniority="vp"), [tp("form", form="demo")], predicted=0.3)
    data = result.to_dict()
    assert data["groups"][0]["mql_reason"] == "fit ≥ 20 and engagement ≥ 30" or not result.is_mql
    assert type(result).from_dict(data) == result


def test_any_object_with_the_touchpoint_attributes_scores_alike():
    # As a full rescoring may pass rows of values_list(named=True) instead of facts.
    facts = [tp("form", form="demo"), tp("page_view", days=3, path="/pricing", properties={"a": 1})]
    names = list(TouchpointFacts.__dataclass_fields__)
    row = namedtuple("Row", names)
    rows_ = [row(*(getattr(f, n) for n in names)) for f in facts]
    assert score(person(), rows_) == score(person(), facts)
