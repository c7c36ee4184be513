"""Reading a definition from plain data: every mistake is reported under its path, all at once."""

from __future__ import annotations

import pytest

from smarketing.scoring.rules import (
    FIELDS,
    DefinitionError,
    Operator,
    default_definition,
    definition_from_dict,
    definition_to_dict,
)
from smarketing.scoring.rules.catalogue import OPERATORS
from smarketing.scoring.rules.reader import slug


def base(**extra: object) -> dict[str, object]:
    return {"mql": [{"fit": 20, "engagement": 30}], **extra}


def fit(**rule: object) -> dict[str, object]:
    return base(fit_rules=[{"label": "Rule", "points": 5, **rule}])


def errors_of(data: object) -> dict[str, list[str]]:
    with pytest.raises(DefinitionError) as caught:
        definition_from_dict(data)
    return caught.value.errors


def test_a_rule_on_an_unknown_field_names_the_rule_the_field_and_the_known_fields():
    data = base(
        fit_rules=[
            {
                "label": "Big",
                "field": "account.employees",
                "operator": "range",
                "min": 50,
                "points": 5,
            },
            {
                "id": "big-co",
                "label": "Big",
                "field": "employes",
                "operator": "range",
                "min": 50,
                "points": 5,
            },
        ]
    )
    errors = errors_of(data)
    assert list(errors) == ["fit_rules[1].field"]
    (reason,) = errors["fit_rules[1].field"]
    assert "unknown field 'employes' in rule 'big-co'" in reason
    assert all(name in reason for name in FIELDS)


def test_a_numeric_range_on_a_text_field_is_refused():
    errors = errors_of(fit(field="title", operator="range", min=1, max=5))
    (reason,) = errors["fit_rules[0].operator"]
    assert "'range' needs a number field" in reason
    assert "'title' is a text field" in reason
    assert "contains" in reason  # what text fields take instead


@pytest.mark.parametrize(
    ("rule", "path", "words"),
    [
        (
            {"field": "title", "operator": "starts"},
            "fit_rules[0].operator",
            "unknown operator 'starts'",
        ),
        (
            {"field": "is_freemail", "operator": "contains", "value": "x"},
            "fit_rules[0].operator",
            "boolean",
        ),
        ({"field": "title", "operator": "equals"}, "fit_rules[0]", "missing key 'value'"),
        (
            {"field": "title", "operator": "equals", "value": 12},
            "fit_rules[0].value",
            "write it in quotes",
        ),
        ({"field": "title", "operator": "contains", "value": " "}, "fit_rules[0].value", "blank"),
        (
            {"field": "account.employees", "operator": "equals", "value": "ten"},
            "fit_rules[0].value",
            "number",
        ),
        (
            {"field": "account.employees", "operator": "in", "value": []},
            "fit_rules[0].value",
            "at least one",
        ),
        (
            {"field": "account.employees", "operator": "in", "value": [1, "x"]},
            "fit_rules[0].value[1]",
            "number",
        ),
        ({"field": "account.employees", "operator": "range"}, "fit_rules[0]", "min, max or both"),
        (
            {"field": "account.employees", "operator": "range", "min": 9, "max": 9},
            "fit_rules[0].max",
            "greater",
        ),
        (
            {"field": "account.employees", "operator": "range", "min": 1, "value": 3},
            "fit_rules[0].value",
            "not used",
        ),
        (
            {"field": "title", "operator": "is_empty", "value": "x"},
            "fit_rules[0].value",
            "not used",
        ),
        (
            {"field": "is_freemail", "operator": "equals", "value": "yes"},
            "fit_rules[0].value",
            "true or false",
        ),
        (
            {"field": "title", "operator": "is_empty", "points": "ten"},
            "fit_rules[0].points",
            "number",
        ),
        (
            {"field": "title", "operator": "is_empty", "points": float("nan")},
            "fit_rules[0].points",
            "finite",
        ),
        (
            {"field": "title", "operator": "is_empty", "colour": 1},
            "fit_rules[0].colour",
            "unknown key",
        ),
        (
            {"field": "title", "operator": "is_empty", "id": "Big Co"},
            "fit_rules[0].id",
            "invalid id",
        ),
        (
            {"field": "title", "operator": "is_empty", "label": "!!!"},
            "fit_rules[0]",
            "give an 'id'",
        ),
    ],
)
def test_bad_fit_rules(rule, path, words):
    errors = errors_of(fit(**rule))
    assert path in errors, errors
    assert any(words in reason for reason in errors[path]), errors[path]


@pytest.mark.parametrize(
    ("rule", "path", "words"),
    [
        (
            {"when": {"kind": "page_veiw"}},
            "engagement_rules[0].when.kind",
            "unknown kind 'page_veiw'",
        ),
        (
            {"when": {"channel": ["email", "fax"]}},
            "engagement_rules[0].when.channel",
            "unknown channel 'fax'",
        ),
        ({"when": {"funnel_stage": "top"}}, "engagement_rules[0].when.funnel_stage", "tofu"),
        ({"when": {"path": []}}, "engagement_rules[0].when.path", "at least one"),
        ({"when": {"high_intent": "yes"}}, "engagement_rules[0].when.high_intent", "true or false"),
        (
            {"when": {"properties": {"plan": [1]}}},
            "engagement_rules[0].when.properties.plan",
            "text, a number",
        ),
        ({"when": {"url": "/x"}}, "engagement_rules[0].when.url", "unknown key"),
        ({"when": "pricing"}, "engagement_rules[0].when", "mapping"),
        ({"cap": 0}, "engagement_rules[0].cap", "greater than 0"),
        ({"window_days": -3}, "engagement_rules[0].window_days", "greater than 0"),
    ],
)
def test_bad_engagement_rules(rule, path, words):
    errors = errors_of(base(engagement_rules=[{"label": "Rule", "points": 5, **rule}]))
    assert path in errors, errors
    assert any(words in reason for reason in errors[path]), errors[path]


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (None, "__all__", "empty"),
        ([1, 2], "__all__", "mapping"),
        ({}, "mql", "missing"),
        (base(mql=[]), "mql", "empty"),
        (base(mql=[{}]), "mql[0]", "at least one"),
        (base(mql=[{"predicted": 1.5}]), "mql[0].predicted", "between 0 and 1"),
        (base(mql=[{"fit": "high"}]), "mql[0].fit", "number"),
        (base(format=2), "format", "unknown format"),
        (base(decay_half_life_days=0), "decay_half_life_days", "greater than 0"),
        (base(grades={"fit": [10, 20, 0]}), "grades.fit", "fall strictly"),
        (base(grades={"engagement": [10, 5]}), "grades.engagement", "three"),
        (base(account_score={"engagement_cap": -1}), "account_score.engagement_cap", "greater"),
        (base(groups=[{"id": "default", "label": "X"}]), "groups[0].id", "top-level"),
        (
            base(groups=[{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]),
            "groups[1].id",
            "already",
        ),
        (base(groups=[{"label": "A"}]), "groups[0]", "missing key 'id'"),
        (
            base(sql_checklist=[{"label": "Budget"}, {"id": "budget", "label": "B"}]),
            "sql_checklist[1]",
            "already",
        ),
        (base(fit_rules={"a": 1}), "fit_rules", "list"),
        (base(extra=1), "extra", "unknown key"),
    ],
)
def test_bad_definitions(data, path, words):
    errors = errors_of(data)
    assert path in errors, errors
    assert any(words in reason for reason in errors[path]), errors[path]


def test_every_mistake_is_reported_at_once():
    data = base(
        fit_rules=[
            {"label": "A", "field": "nope", "operator": "equals", "value": "x", "points": 1}
        ],
        engagement_rules=[{"label": "B", "when": {"kind": "nope"}, "points": "x"}],
        decay_half_life_days=-1,
    )
    assert set(errors_of(data)) == {
        "fit_rules[0].field",
        "engagement_rules[0].when.kind",
        "engagement_rules[0].points",
        "decay_half_life_days",
    }


def test_rule_ids_are_unique_across_the_whole_definition():
    data = base(
        fit_rules=[{"label": "Pricing", "field": "title", "operator": "is_empty", "points": 1}],
        groups=[{"id": "x", "label": "X", "engagement_rules": [{"label": "Pricing", "points": 1}]}],
    )
    errors = errors_of(data)
    assert errors == {
        "groups[0].engagement_rules[0]": [
            "rule id 'pricing' is already used by fit_rules[0]; give one another id"
        ]
    }


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Employees 50–999", "employees-50-999"),
        ("Webinar attended (live)", "webinar-attended-live"),
        ("Émployé télétravail", "employe-teletravail"),
        ("  --Pricing page--  ", "pricing-page"),
        ("日本", ""),
    ],
)
def test_ids_derive_from_labels(label, expected):
    assert slug(label) == expected


def test_an_id_given_wins_over_the_label_and_is_kept():
    data = fit(id="my_rule-1", label="Anything", field="title", operator="is_empty")
    assert definition_from_dict(data).fit_rules[0].id == "my_rule-1"


def test_defaults_fill_what_is_left_out():
    definition = definition_from_dict(base())
    assert definition.decay_half_life_days == 30
    assert definition.grades.fit == (30, 15, 0)
    assert definition.account.engagement_cap is None
    assert definition.fit_rules == definition.engagement_rules == definition.groups == ()


def test_null_half_life_turns_decay_off():
    assert definition_from_dict(base(decay_half_life_days=None)).decay_half_life_days is None


def test_a_value_for_in_may_be_a_single_value():
    rule = definition_from_dict(fit(field="country", operator="in", value="DE")).fit_rules[0]
    assert rule.value == ("DE",)
    assert definition_to_dict(
        definition_from_dict(fit(field="country", operator="in", value="DE"))
    )["fit_rules"] == [
        {
            "id": "rule",
            "label": "Rule",
            "field": "country",
            "operator": "in",
            "value": ["DE"],
            "points": 5,
        }
    ]


def test_every_operator_is_offered_for_some_field_type():
    assert {op for ops in OPERATORS.values() for op in ops} == set(Operator)


def test_the_default_definition_reads_back_from_its_plain_data():
    definition = default_definition()
    assert definition_from_dict(definition_to_dict(definition)) == definition
