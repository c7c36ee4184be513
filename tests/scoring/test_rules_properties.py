"""Properties of scoring that hold for any definition, contact and touchpoints."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.scoring.rules import (
    AccountFacts,
    Conditions,
    ContactFacts,
    Definition,
    EngagementRule,
    MqlCriterion,
    RowKind,
    TouchpointFacts,
    score_account,
    score_contact,
    score_many,
)
from smarketing.scoring.rules.columns import TouchColumns, epoch_us
from smarketing.scoring.rules.evaluate import Scorer
from tests.scoring.test_rules_strategies import NOW, contacts, definitions, touchpoints

touchpoint_lists = st.lists(touchpoints, max_size=25)


def scored(definition, contact, tps, predicted=None):
    return score_contact(
        definition=definition, contact=contact, touchpoints=tps, now=NOW, predicted=predicted
    )


@settings(max_examples=150)
@given(definitions(), contacts, touchpoint_lists)
def test_scores_are_the_sums_of_their_explanation_rows(definition, contact, tps):
    result = scored(definition, contact, tps)
    assert [g.group_id for g in result.groups] == [g.id for g in definition.score_groups()]
    for group, spec in zip(result.groups, definition.score_groups(), strict=True):
        fit_rows = [r for r in group.explanation if r.kind is RowKind.FIT]
        engagement_rows = [r for r in group.explanation if r.kind is RowKind.ENGAGEMENT]
        assert group.fit == math.fsum(r.points for r in fit_rows)
        assert group.engagement == math.fsum(r.points for r in engagement_rows)
        assert group.total == math.fsum(r.points for r in group.explanation)
        # Rows in definition order, engagement rows only from the group's own rules.
        assert [r.rule_id for r in fit_rows] == [
            rule.id for rule in definition.fit_rules if rule.id in {r.rule_id for r in fit_rows}
        ]
        own = [rule.id for rule in spec.engagement_rules]
        assert [r.rule_id for r in engagement_rows] == [
            i for i in own if i in {r.rule_id for r in engagement_rows}
        ]


@settings(max_examples=150)
@given(definitions(), contacts, touchpoint_lists)
def test_engagement_rows_respect_caps_and_count_only_past_touchpoints(definition, contact, tps):
    rules = {r.id: r for g in definition.score_groups() for r in g.engagement_rules}
    past = sum(1 for t in tps if t.occurred_at <= NOW)
    for group in scored(definition, contact, tps).groups:
        for row in group.explanation:
            if row.kind is RowKind.ENGAGEMENT:
                rule = rules[row.rule_id]
                assert 1 <= row.occurrences <= past
                if rule.cap is not None:
                    assert abs(row.points) <= rule.cap
                assert (
                    math.copysign(1, row.points) == math.copysign(1, rule.points) or row.points == 0
                )


@settings(max_examples=100)
@given(definitions(), contacts, touchpoint_lists, st.randoms(use_true_random=False))
def test_the_order_of_touchpoints_does_not_matter(definition, contact, tps, rnd):
    shuffled = list(tps)
    rnd.shuffle(shuffled)
    assert scored(definition, contact, tps) == scored(definition, contact, shuffled)


@settings(max_examples=100)
@given(definitions(), contacts, touchpoint_lists, st.floats(0.1, 100))
def test_touchpoints_after_now_do_not_change_the_score(definition, contact, tps, days):
    future = [replace(t, occurred_at=NOW + timedelta(days=days)) for t in tps]
    assert scored(definition, contact, tps + future) == scored(definition, contact, tps)


@settings(max_examples=60)
@given(definitions(), st.lists(st.tuples(contacts, touchpoint_lists), max_size=6))
def test_score_many_equals_score_contact_one_by_one(definition, pairs):
    people = [replace(c, contact_id=i) for i, (c, _) in enumerate(pairs)]
    by_contact = {i: tps for i, (_, tps) in enumerate(pairs)}
    predicted = {i: i / 10 for i in range(len(pairs)) if i % 2}
    batch = list(
        score_many(
            definition=definition,
            contacts=people,
            touchpoints_by_contact=by_contact,
            now=NOW,
            predicted=predicted,
        )
    )
    assert batch == _one_by_one(definition, people, by_contact, predicted)


def _one_by_one(definition, people, by_contact, predicted):
    """Each contact scored alone, by a fresh scorer each time: memos must not change what
    comes out."""
    return [
        Scorer(definition).score_contact(
            contact=c,
            touchpoints=by_contact[c.contact_id],
            now=NOW,
            predicted=predicted.get(c.contact_id),
        )
        for c in people
    ]


def _columns(scorer: Scorer, by_contact: dict[int, list[TouchpointFacts]]) -> TouchColumns:
    """The touchpoints as a reader would give them: a shape per distinct key (unhashable keys
    a shape each), the time as whole microseconds."""
    contact, at_us, shape, matched, memo = [], [], [], [], {}
    for cid, tps in by_contact.items():
        for tp in tps:
            key = scorer.matcher.key(tp)
            try:
                found = memo.setdefault(key, len(matched))
            except TypeError:
                found = len(matched)
            if found == len(matched):
                matched.append(scorer.matcher.matched_key(key))
            contact.append(cid)
            at_us.append(epoch_us(tp.occurred_at))
            shape.append(found)
    return TouchColumns(
        contact=np.array(contact, dtype=np.int64),
        at_us=np.array(at_us, dtype=np.int64),
        shape=np.array(shape, dtype=np.intp),
        matched=matched,
    )


@settings(max_examples=80)
@given(
    definitions(),
    st.lists(st.tuples(contacts, touchpoint_lists), max_size=6),
    st.sampled_from([None, 0.5, 30.0, 365]),
)
def test_scoring_columns_equals_score_contact_one_by_one(definition, pairs, half_life):
    """The rescoring of many contacts from columns (numpy ages and sums, shapes matched once)
    gives what one contact at a time gives, to the bit: any rules, groups, windows, caps,
    touchpoints in the future, no decay or any half-life."""
    definition = replace(definition, decay_half_life_days=half_life)
    people = [replace(c, contact_id=i + 1) for i, (c, _) in enumerate(pairs)]
    by_contact = {i + 1: tps for i, (_, tps) in enumerate(pairs)}
    predicted = {i: i / 10 for i in range(1, len(pairs) + 1) if i % 2}
    scorer = Scorer(definition)
    batch = scorer.score_columns(
        contacts=people, touches=_columns(scorer, by_contact), now=NOW, predicted=predicted
    )
    assert batch == _one_by_one(definition, people, by_contact, predicted)


def test_scoring_columns_sums_many_decayed_touchpoints_exactly():
    """Many touchpoints of one rule: their decay factors summed exactly (math.fsum), as one by
    one; a plain running sum would differ in the last bits."""
    definition = one_rule(1.0, half_life=1.0)
    contact = ContactFacts(contact_id=1)
    tps = [
        TouchpointFacts(
            occurred_at=NOW - timedelta(days=i * 0.37, microseconds=i), kind="page_view"
        )
        for i in range(60)
    ]
    scorer = Scorer(definition)
    batch = scorer.score_columns(contacts=[contact], touches=_columns(scorer, {1: tps}), now=NOW)
    alone = Scorer(definition).score_contact(contact=contact, touchpoints=tps, now=NOW)
    assert batch == [alone]
    factors = [0.5 ** ((i * 0.37 * 86_400 + i / 1e6) / 86_400) for i in range(60)]
    assert sum(factors) != math.fsum(factors)  # so the check above tells them apart


def one_rule(points: float, *, cap=None, window=None, half_life=30.0) -> Definition:
    rule = EngagementRule("r", "R", Conditions(kind=("page_view",)), points, cap, window)
    return Definition(
        engagement_rules=(rule,), decay_half_life_days=half_life, mql=(MqlCriterion(total=1),)
    )


def engagement(definition: Definition, ages: list[float]) -> float:
    tps = [TouchpointFacts(occurred_at=NOW - timedelta(days=a), kind="page_view") for a in ages]
    return scored(definition, ContactFacts(contact_id=1), tps).default.engagement


@given(st.floats(0, 1000), st.floats(0, 1000), st.floats(0.5, 365), st.floats(0.5, 50))
def test_decay_never_grows_with_age(a, b, half_life, points):
    young, old = sorted((a, b))
    definition = one_rule(points, half_life=half_life)
    assert engagement(definition, [young]) >= engagement(definition, [old])
    assert 0 <= engagement(definition, [old]) <= points


@given(st.floats(0, 500), st.floats(1, 365))
def test_one_half_life_halves_the_points(age, half_life):
    definition = one_rule(16, half_life=half_life)
    assert math.isclose(
        engagement(definition, [age + half_life]), engagement(definition, [age]) / 2
    )


@given(st.lists(st.floats(0, 200), max_size=30), st.floats(-50, 50), st.floats(0.1, 100))
def test_a_rule_gives_its_decayed_sum_held_within_its_cap(ages, points, cap):
    definition = one_rule(points, cap=cap)
    uncapped = points * math.fsum(0.5 ** (a / 30.0) for a in ages)
    assert math.isclose(engagement(definition, ages), max(-cap, min(cap, uncapped)), abs_tol=1e-9)


@given(st.lists(st.floats(0, 200), max_size=20), st.floats(1, 100))
def test_a_window_leaves_out_older_touchpoints(ages, window):
    definition = one_rule(5, window=window, half_life=None)
    # Ages as stored: datetimes keep microseconds.
    stored = [(NOW - (NOW - timedelta(days=a))).total_seconds() / 86_400 for a in ages]
    assert engagement(definition, ages) == 5 * sum(1 for a in stored if a <= window)


@settings(max_examples=150)
@given(definitions(), contacts, touchpoint_lists, st.none() | st.floats(0, 1))
def test_grade_and_mql_follow_the_definition(definition, contact, tps, predicted):
    for group in scored(definition, contact, tps, predicted).groups:
        fit_bands, engagement_bands = definition.grades.fit, definition.grades.engagement
        letter = "ABCD"[sum(1 for low in fit_bands if group.fit < low)]
        digit = "1234"[sum(1 for low in engagement_bands if group.engagement < low)]
        assert group.grade == letter + digit
        met = [
            c
            for c in definition.mql
            if all(
                need is None or (have is not None and have >= need)
                for need, have in (
                    (c.fit, group.fit),
                    (c.engagement, group.engagement),
                    (c.total, group.total),
                    (c.predicted, predicted),
                )
            )
        ]
        assert group.mql_criterion == (met[0] if met else None)


@settings(max_examples=80)
@given(definitions(), st.lists(st.tuples(contacts, touchpoint_lists), min_size=1, max_size=5))
def test_account_engagement_is_its_contacts_engagement_within_the_cap(definition, pairs):
    account = AccountFacts(account_id=1, employees=120)
    scores = [
        scored(definition, replace(c, contact_id=i, account=account), tps)
        for i, (c, tps) in enumerate(pairs)
    ]
    result = score_account(definition=definition, account=account, contact_scores=scores)
    cap = definition.account.engagement_cap
    for index, group in enumerate(result.groups):
        raw = math.fsum(s.groups[index].engagement for s in scores)
        expected = raw if cap is None else max(-cap, min(cap, raw))
        assert math.isclose(group.engagement, expected, abs_tol=1e-6)
        assert group.total == math.fsum(r.points for r in group.explanation)
        assert group.fit == math.fsum(r.points for r in group.explanation if r.kind is RowKind.FIT)
        assert all(
            r.rule_id in {f.id for f in definition.fit_rules if f.field.startswith("account.")}
            for r in group.explanation
            if r.kind is RowKind.FIT
        )


def test_memos_stay_bounded(monkeypatch):
    from smarketing.scoring.rules import compiled

    monkeypatch.setattr(compiled, "MEMO_LIMIT", 8)
    definition = one_rule(1)
    definition = replace(
        definition,
        engagement_rules=(replace(definition.engagement_rules[0], when=Conditions(path=("/p*",))),),
    )
    scorer = Scorer(definition)
    rnd = random.Random(4)
    for _ in range(100):
        path = f"/p{rnd.randrange(10_000)}"
        tp = TouchpointFacts(occurred_at=NOW, kind="page_view", path=path)
        result = scorer.score_contact(contact=ContactFacts(contact_id=1), touchpoints=[tp], now=NOW)
        assert result.default.engagement == 1
    assert len(scorer._matcher._memo) <= 8
