"""The account score: account fit plus its contacts' engagement, rule by rule, within the cap."""

from __future__ import annotations

from dataclasses import replace

import pytest

from smarketing.scoring.rules import (
    AccountFacts,
    AccountSettings,
    RowKind,
    default_definition,
    definition_from_dict,
    score_account,
)
from tests.scoring.test_rules_strategies import person, score, tp


def test_account_score_adds_the_contacts_engagement_rule_by_rule():
    account = AccountFacts(account_id=7, employees=300, country="DE")
    definition = default_definition()
    scores = [
        score(person(contact_id=1, account=account, seniority="cxo"), [tp("form", form="demo")]),
        score(person(contact_id=2, account=account), [tp("form", form="demo"), tp("unsubscribe")]),
    ]
    result = score_account(definition=definition, account=account, contact_scores=scores).default
    assert [(r.rule_id, r.points, r.occurrences, r.kind) for r in result.explanation] == [
        ("employees-50-999", 20, 1, RowKind.FIT),
        ("demo-request", 80, 2, RowKind.ENGAGEMENT),
        ("unsubscribe", -20, 1, RowKind.ENGAGEMENT),
    ]
    assert (result.fit, result.engagement, result.total) == (20, 60, 80)
    assert result.contacts == ((1, 40), (2, 20))


def test_account_engagement_cap_shows_as_a_row():
    definition = replace(default_definition(), account=AccountSettings(engagement_cap=50))
    account = AccountFacts(account_id=7)
    scores = [score(person(contact_id=i), [tp("form", form="demo")], definition) for i in (1, 2)]
    result = score_account(definition=definition, account=account, contact_scores=scores).default
    assert [(r.rule_id, r.points) for r in result.explanation] == [
        ("demo-request", 80),
        ("account-engagement-cap", -30),
    ]
    assert result.engagement == 50


def test_account_score_refuses_scores_from_another_definition():
    other = definition_from_dict({"groups": [{"id": "x", "label": "X"}], "mql": [{"total": 1}]})
    with pytest.raises(ValueError, match="another definition"):
        score_account(definition=other, account=AccountFacts(), contact_scores=[score(person())])
