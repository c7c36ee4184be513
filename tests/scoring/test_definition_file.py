"""The definition as a YAML file: exact round trips, the shipped default, and errors that say
where they are (line and column for syntax, path and line for the schema)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings

from smarketing.scoring.rules import (
    DefinitionError,
    MqlCriterion,
    Operator,
    default_definition,
    default_yaml,
    dump,
    load,
)
from tests.scoring.test_rules_strategies import definitions


def yaml_error(text: str) -> DefinitionError:
    with pytest.raises(DefinitionError) as caught:
        load(textwrap.dedent(text))
    return caught.value


@settings(max_examples=200)
@given(definitions())
def test_dump_then_load_gives_the_same_definition(definition):
    text = dump(definition)
    assert load(text) == definition
    assert dump(load(text)) == text


def test_the_shipped_default_reads_and_round_trips():
    text = default_yaml()
    definition = load(text)
    assert definition == default_definition()
    assert load(dump(definition)) == definition
    assert dump(load(dump(definition))) == dump(definition)


def test_the_shipped_default_is_the_agreed_starting_point():
    definition = default_definition()
    fit = {r.id: r for r in definition.fit_rules}
    assert (
        fit["employees-50-999"].min,
        fit["employees-50-999"].max,
        fit["employees-50-999"].points,
    ) == (50, 1000, 20)
    assert (fit["employees-under-10"].max, fit["employees-under-10"].points) == (10, -30)
    assert (fit["free-mail"].value, fit["free-mail"].points) == (True, -10)
    assert (fit["student"].operator, fit["student"].value, fit["student"].points) == (
        Operator.CONTAINS,
        "student",
        -50,
    )
    assert (fit["senior-buyer"].value, fit["senior-buyer"].points) == (
        ("director", "vp", "cxo"),
        15,
    )
    engagement = {r.id: (r.points, r.cap) for r in definition.engagement_rules}
    assert engagement == {
        "pricing-page": (10, 30),
        "demo-request": (40, None),
        "webinar-attended": (15, None),
        "email-click": (3, 15),
        "careers-page": (-10, 10),
        "unsubscribe": (-20, 20),
    }
    assert definition.decay_half_life_days == 30
    assert definition.mql == (MqlCriterion(fit=20, engagement=30), MqlCriterion(total=80))
    assert [s.id for s in definition.sql_checklist] == ["budget", "authority", "need", "timing"]


def test_a_yaml_syntax_error_gives_line_and_column():
    error = yaml_error(
        """\
        mql:
          - fit: 20
        fit_rules:
          - label: Big
            field: account.employees
             operator: range
        """
    )
    (message,) = error.messages()
    assert "YAML syntax error at line 6, column 14" in message


def test_an_unclosed_list_gives_line_and_column():
    error = yaml_error("mql: [{total: 80}\nname: x\n")
    assert "YAML syntax error at line 2, column 1" in error.summary()


def test_schema_errors_give_the_path_and_its_line():
    error = yaml_error(
        """\
        mql:
          - total: 80
        fit_rules:
          - label: Big
            field: account.employees
            operator: range
            min: 50
            points: 20
          - label: Bigger
            field: employes
            operator: range
            min: 500
            points: 5
        """
    )
    assert list(error.errors) == ["fit_rules[1].field"]
    assert error.lines == {"fit_rules[1].field": 10}
    (message,) = error.messages()
    assert message.startswith(
        "line 10: fit_rules[1].field: unknown field 'employes' in rule 'bigger'"
    )
    assert "(known: email_domain, is_freemail, title" in message


def test_an_error_on_a_missing_key_points_at_the_enclosing_item():
    error = yaml_error(
        """\
        mql:
          - total: 80
        engagement_rules:
          - label: Pricing
            when: {kind: page_view}
        """
    )
    assert error.errors == {"engagement_rules[0]": ["missing key 'points'"]}
    assert error.lines == {"engagement_rules[0]": 4}


def test_a_key_given_twice_is_an_error():
    error = yaml_error(
        """\
        mql:
          - total: 80
        fit_rules:
          - label: Big
            field: title
            operator: is_empty
            points: 20
            points: 30
        """
    )
    assert error.errors == {"fit_rules[0].points": ["key given twice (first on line 7)"]}
    assert error.lines == {"fit_rules[0].points": 8}


def test_yes_and_no_stay_text_so_norway_is_a_country():
    definition = load(
        textwrap.dedent(
            """\
            mql: [{total: 80}]
            fit_rules:
              - label: Nordics
                field: country
                operator: in
                value: [NO, SE, DK]
                points: 5
            """
        )
    )
    assert definition.fit_rules[0].value == ("NO", "SE", "DK")
    assert load(dump(definition)) == definition


def test_an_empty_file_is_an_error():
    assert yaml_error("# nothing here\n").errors == {"__all__": ["the definition is empty"]}


def test_python_tags_are_refused():
    assert "YAML syntax error" in yaml_error("mql: !!python/object:os.system {}\n").summary()


def test_dump_writes_ids_so_they_stay_stable_when_labels_change():
    definition = load(
        "mql: [{total: 80}]\n"
        "fit_rules:\n"
        "  - {label: No title, field: title, operator: is_empty, points: -5}\n"
    )
    text = dump(definition)
    assert "id: no-title" in text
    renamed = load(text.replace("label: No title", "label: Title missing"))
    assert renamed.fit_rules[0].id == "no-title"


def test_the_annotated_example_in_the_docs_reads():
    # docs/scoring-rules.md shows the format by example; it must stay a valid definition.
    docs = Path(__file__).resolve().parents[2] / "docs" / "scoring-rules.md"
    example = re.search(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert example is not None
    definition = load(example.group(1))
    assert [g.id for g in definition.score_groups()] == ["default", "analytics"]
    assert definition.fit_rules[1].id == "fewer-than-10-employees"
    assert load(dump(definition)) == definition
