"""The backtest's semantics on plain data: moments, stages, outcomes, flagged customers and the
lists of contacts that would newly qualify or stop qualifying."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smarketing.scoring.rules import (
    AccountFacts,
    Conditions,
    ContactFacts,
    Definition,
    EngagementRule,
    FitRule,
    MqlCriterion,
    Operator,
    TouchpointFacts,
)
from smarketing.scoring.rules.backtest import (
    FIT_CAVEAT,
    BacktestResult,
    ContactHistory,
    backtest_run,
    months_between,
)
from tests.scoring.test_rules_strategies import CHANNEL_VALUES, KINDS, PATHS, definitions

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2025, 4, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, tzinfo=UTC)

DEMO = EngagementRule("demo", "Demo form", Conditions(kind=("form",)), 40)
PRICING = EngagementRule("pricing", "Pricing", Conditions(path=("/pricing*",)), 10, cap=30)
BIG = FitRule("big", "50+ employees", "account.employees", Operator.RANGE, 20, min=50)
SMALL = FitRule("small", "Under 10", "account.employees", Operator.RANGE, -30, max=10)
LIVE = Definition(
    fit_rules=(BIG,),
    engagement_rules=(DEMO, PRICING),
    decay_half_life_days=None,
    mql=(MqlCriterion(total=40),),
)
STRICTER = dataclasses.replace(LIVE, fit_rules=(BIG, SMALL))


def day(n: float) -> datetime:
    return SINCE + timedelta(days=n)


def history(
    contact_id: int,
    *,
    employees: float | None = 100,
    entered: float = -30,
    touches: list[tuple[float, str]] = (),
    stages: list[tuple[float, str]] = (),
) -> ContactHistory:
    """touches: (day, "form" or a page path); stages: (day, to_stage)."""
    facts = ContactFacts(contact_id=contact_id, account=AccountFacts(employees=employees))
    tps = [
        TouchpointFacts(occurred_at=day(d), kind="form")
        if what == "form"
        else TouchpointFacts(occurred_at=day(d), kind="page_view", path=what)
        for d, what in touches
    ]
    return ContactHistory(
        facts=facts,
        entered_at=day(entered),
        touchpoints=tps,
        transitions=[(day(d), s) for d, s in stages],
    )


def run(contacts, *, draft=STRICTER, live=LIVE, **kwargs) -> BacktestResult:
    window = {"since": SINCE, "until": UNTIL, "now": NOW, **kwargs}
    return backtest_run(draft=draft, live=live, contacts=contacts, **window)


def test_backtest_counts_mqls_per_month_for_draft_live_and_actual():
    contacts = [
        # Qualifies in January under both (fit 20 + demo 40).
        history(1, touches=[(10, "form")], stages=[(-20, "lead"), (10, "mql")]),
        # Small company: live qualifies it in February (demo 40), the draft (-30) does not.
        history(2, employees=5, touches=[(40, "form")], stages=[(-20, "lead")]),
        # Past MQL before the window and worked by sales: not the engine's to qualify.
        history(3, touches=[(50, "form")], stages=[(-20, "mql"), (-10, "sql")]),
    ]

    result = run(contacts)

    assert [(m.month, m.draft, m.live, m.actual) for m in result.months] == [
        ("2025-01", 1, 1, 1),
        ("2025-02", 0, 1, 0),
        ("2025-03", 0, 0, 0),
    ]
    assert (result.draft.mqls, result.live.mqls, result.actual.mqls) == (1, 2, 1)
    assert result.contacts_checked == 3


def test_backtest_a_stricter_draft_gives_fewer_mqls_with_a_higher_conversion_rate():
    won = [(-20, "lead"), (70, "sql"), (80, "opportunity"), (100, "customer")]
    contacts = [
        history(1, touches=[(5, "form")], stages=won),
        history(2, touches=[(6, "form")], stages=[(-20, "lead"), (60, "sql")]),
        history(3, employees=4, touches=[(7, "form")], stages=[(-20, "lead")]),
        history(4, employees=8, touches=[(8, "form")], stages=[(-20, "lead")]),
    ]

    result = run(contacts)

    assert (result.draft.mqls, result.live.mqls) == (2, 4)
    assert result.draft.share("customer") == 0.5 and result.live.share("customer") == 0.25
    assert result.draft.share("sql") == 1.0 and result.live.share("sql") == 0.5
    assert result.stopped_count == 2 and result.newly_count == 0
    assert [c.contact_id for c in result.stopped] == [3, 4]


def test_backtest_qualifies_at_the_first_touchpoint_that_meets_the_criteria():
    # Pricing visits at 10 points each (fit 20): total 40 only at the second visit.
    contacts = [history(1, touches=[(3, "/pricing"), (33, "/pricing"), (34, "/blog")])]

    result = run(contacts, draft=LIVE)

    assert [m.live for m in result.months] == [0, 1, 0]
    assert result.live.mqls == 1


def test_backtest_scores_as_of_each_moment_with_decay():
    decaying = dataclasses.replace(LIVE, decay_half_life_days=10)
    # A demo form 20 days before the window is worth 10 at its start: 20 + 10 < 40. A pricing
    # visit on day 30 adds 10 but the form has faded further.
    contacts = [history(1, touches=[(-20, "form"), (30, "/pricing")])]

    faded = run(contacts, draft=decaying, live=LIVE)

    # Without decay the form still counts in full at the window's start.
    assert faded.live.mqls == 1 and faded.months[0].live == 1
    assert faded.draft.mqls == 0
    assert faded.stopped[0].qualified_at == SINCE
    assert faded.stopped[0].draft.total == pytest.approx(20 + 40 * 0.5**2)


def test_backtest_a_contact_entering_later_is_checked_from_when_it_entered():
    contacts = [history(1, entered=45, touches=[(-5, "form")])]

    result = run(contacts, draft=LIVE)

    assert result.live.mqls == 1 and result.months[1].live == 1
    assert result.stopped == () and result.newly == ()


def test_backtest_only_counts_moments_at_an_eligible_stage():
    # At SQL from day 0 to 50, recycled then; the pricing visit on day 60 finds it eligible.
    stages = [(-20, "lead"), (0, "sql"), (50, "recycled")]
    contacts = [
        history(1, touches=[(-1, "form"), (20, "/pricing"), (60, "/pricing")], stages=stages)
    ]

    result = run(contacts, draft=LIVE)

    assert [m.live for m in result.months] == [0, 0, 1]


def test_backtest_a_disqualified_contact_never_qualifies():
    stages = [(-20, "lead"), (-5, "disqualified")]
    result = run([history(1, touches=[(10, "form")], stages=stages)], draft=LIVE)

    assert result.live.mqls == 0 and result.contacts_checked == 1


def test_backtest_ignores_touchpoints_from_the_window_end_on():
    contacts = [history(1, touches=[(90, "form"), (95, "form")])]  # 2025-04-01 is day 90

    result = run(contacts, draft=LIVE)

    assert result.live.mqls == 0


def test_backtest_fit_uses_the_stage_at_the_moment():
    lead_only = FitRule("lead", "Lead", "lifecycle_stage", Operator.EQUALS, 100, value="lead")
    draft = dataclasses.replace(LIVE, fit_rules=(lead_only,), engagement_rules=())
    contacts = [
        history(1, stages=[(-20, "subscriber"), (20, "lead")], touches=[(25, "/blog")]),
        history(2, stages=[(-20, "subscriber")], touches=[(25, "/blog")]),
    ]
    contacts[1].facts.lifecycle_stage = "lead"  # its current field value is ignored

    result = run(contacts, draft=draft)

    assert result.draft.mqls == 1 and result.newly[0].contact_id == 1
    assert result.newly[0].qualified_at == day(25)


def test_backtest_flags_actual_customers_qualified_before_they_became_customers():
    contacts = [
        history(1, touches=[(5, "form")], stages=[(-20, "lead"), (60, "customer")]),
        # Became a customer before the demo form could qualify it.
        history(2, touches=[(70, "form")], stages=[(-20, "lead"), (30, "customer")]),
        # A customer after the window but before now still counts.
        history(3, employees=5, touches=[(50, "form")], stages=[(-20, "lead"), (120, "customer")]),
        # A customer before the window does not.
        history(4, stages=[(-20, "customer")]),
    ]

    result = run(contacts)

    assert result.customers.customers == 3
    assert (result.customers.draft, result.customers.live) == (1, 2)


def test_backtest_outcomes_count_only_what_happened_after_qualifying():
    stages = [(-20, "lead"), (1, "sql"), (2, "recycled"), (60, "lead")]
    result = run([history(1, touches=[(30, "form")], stages=stages)], draft=LIVE)

    assert result.live.mqls == 1 and result.live.sql == 0


def test_backtest_actual_mqls_count_a_contact_once_a_month():
    stages = [(-20, "lead"), (3, "mql"), (4, "recycled"), (5, "mql"), (40, "recycled"), (41, "mql")]
    result = run([history(1, stages=stages)], draft=LIVE)

    assert [m.actual for m in result.months] == [1, 1, 0]
    assert result.actual.mqls == 1


def test_backtest_lists_changed_contacts_first_by_time_and_up_to_the_limit():
    contacts = [history(i, employees=5, touches=[(60 - i, "form")]) for i in range(1, 8)]

    result = run(contacts, list_limit=3)

    assert result.stopped_count == 7
    assert [c.contact_id for c in result.stopped] == [7, 6, 5]
    first = result.stopped[0]
    assert (first.live.total, first.live.is_mql) == (40, True)
    assert (first.draft.total, first.draft.fit, first.draft.is_mql) == (10, -30, False)


def test_backtest_a_predicted_criterion_is_never_met_and_says_so():
    predicted = dataclasses.replace(LIVE, mql=(MqlCriterion(predicted=0.0),))

    result = run([history(1, touches=[(5, "form")])], draft=predicted)

    assert result.draft.mqls == 0 and result.live.mqls == 1
    assert result.caveats[0] == FIT_CAVEAT
    assert "The draft definition has an MQL criterion with a predicted" in result.caveats[1]
    assert len(result.caveats) == 2


def test_backtest_result_survives_json():
    contacts = [history(1, employees=5, touches=[(5, "form")], stages=[(-1, "lead")])]
    result = run(contacts)

    again = BacktestResult.from_dict(json.loads(json.dumps(result.to_dict())))

    assert again == result
    assert result.to_dict()["live"]["customer_share"] == 0.0


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (UNTIL, SINCE, "since (2025-04-01) must be before until (2025-01-01)"),
        (SINCE, SINCE, "must be before until"),
        (SINCE.replace(tzinfo=None), UNTIL, "since must be a timezone-aware"),
    ],
)
def test_backtest_refuses_a_bad_window(since, until, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run([], since=since, until=until)


def test_months_between_covers_partial_months_and_year_ends():
    since = datetime(2024, 11, 15, tzinfo=UTC)

    assert months_between(since, datetime(2025, 2, 1, tzinfo=UTC)) == [
        "2024-11",
        "2024-12",
        "2025-01",
    ]
    assert months_between(since, since + timedelta(hours=1)) == ["2024-11"]


# Properties over generated definitions and histories.

STAGES = ["subscriber", "lead", "mql", "sal", "sql", "recycled", "opportunity", "customer"]
touch = st.builds(
    TouchpointFacts,
    occurred_at=st.floats(-40, 100).map(day),
    kind=st.sampled_from(KINDS),
    channel=st.sampled_from(CHANNEL_VALUES),
    path=st.sampled_from(["", *PATHS]),
    form=st.sampled_from(["", "demo-request"]),
)


@st.composite
def histories(draw: st.DrawFn, contact_id: int) -> ContactHistory:
    stage_days = sorted(draw(st.lists(st.floats(-40, 140), max_size=4)))
    return ContactHistory(
        facts=ContactFacts(
            contact_id=contact_id,
            is_freemail=draw(st.booleans()),
            account=AccountFacts(employees=draw(st.none() | st.integers(0, 2000))),
        ),
        entered_at=day(draw(st.floats(-60, 100))),
        touchpoints=draw(st.lists(touch, max_size=8)),
        transitions=[(day(d), draw(st.sampled_from(STAGES))) for d in stage_days],
    )


populations = st.integers(0, 6).flatmap(
    lambda n: st.tuples(*[histories(i + 1) for i in range(n)]).map(list)
)


@settings(max_examples=60, deadline=None)
@given(definitions(max_rules=3), populations)
def test_backtest_of_a_definition_against_itself_changes_nothing(definition, contacts):
    result = run(contacts, draft=definition, live=definition)

    assert all(m.draft == m.live for m in result.months)
    assert result.draft == result.live
    assert (result.newly_count, result.stopped_count) == (0, 0)
    assert result.customers.draft == result.customers.live


@settings(max_examples=60, deadline=None)
@given(definitions(max_rules=3), definitions(max_rules=3), populations)
def test_backtest_swapping_draft_and_live_swaps_the_lists(one, other, contacts):
    forward = run(contacts, draft=one, live=other)
    back = run(contacts, draft=other, live=one)

    assert (forward.newly_count, forward.stopped_count) == (back.stopped_count, back.newly_count)
    assert [c.contact_id for c in forward.newly] == [c.contact_id for c in back.stopped]
    assert [(m.draft, m.live) for m in forward.months] == [(m.live, m.draft) for m in back.months]
    assert sum(m.draft for m in forward.months) == forward.draft.mqls
    assert forward.draft.mqls - forward.live.mqls == forward.newly_count - forward.stopped_count


@settings(max_examples=60, deadline=None)
@given(definitions(max_rules=3), populations, st.integers(1, 50))
def test_backtest_higher_thresholds_only_take_contacts_away(definition, contacts, more):
    raised = tuple(
        dataclasses.replace(
            c,
            fit=None if c.fit is None else c.fit + more,
            engagement=None if c.engagement is None else c.engagement + more,
            total=None if c.total is None else c.total + more,
        )
        for c in definition.mql
    )
    stricter = dataclasses.replace(definition, mql=raised)

    result = run(contacts, draft=stricter, live=definition)

    assert result.newly_count == 0
    assert all(m.draft <= m.live for m in result.months)
    assert result.draft.customer <= result.live.customer
    assert result.customers.draft <= result.customers.live
