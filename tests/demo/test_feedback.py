"""Sales' decisions and lead-quality ratings in the simulation (plain Python, no database)."""

from __future__ import annotations

import datetime as dt
import statistics

from smarketing.demo.parts.handoff import SlaSignOff, sla_text
from smarketing.demo.sim.feedback import decision_kind, feedback_draw
from smarketing.demo.timeline import SimTransition, simulate
from smarketing.demo.truths import DEFAULT_SEED
from smarketing.handoff.sla.policy import policy_load

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def _move(to_stage: str, reason: str = "", by_user: int | None = 6) -> SimTransition:
    return SimTransition(0, NOW, to_stage, "move", by_user=by_user, reason=reason)


def test_decision_kind_when_sales_moves_a_lead_it_was_handed():
    assert decision_kind(_move("sal"), from_stage="mql") == "accept"
    assert decision_kind(_move("recycled", "no-budget"), from_stage="mql") == "reject"
    assert decision_kind(_move("recycled", "no-need"), from_stage="sal") == "reject"
    assert decision_kind(_move("disqualified", "no-fit"), from_stage="sal") == "disqualify"
    assert decision_kind(_move("recycled", "no-response"), from_stage="sql") == "recycle"


def test_decision_kind_is_none_for_moves_no_decision_service_makes():
    assert decision_kind(_move("sal"), from_stage="lead") is None  # an outbound reply
    assert decision_kind(_move("sql"), from_stage="sal") is None
    assert decision_kind(_move("recycled", "timing"), from_stage="opportunity") is None
    assert decision_kind(_move("disqualified", "student"), from_stage="lead") is None
    assert decision_kind(_move("recycled", "no-need"), from_stage="sql") is None
    assert decision_kind(_move("sal", by_user=None), from_stage="mql") is None


def test_ratings_are_repeatable_and_lower_for_the_worse_segment():
    timeline = simulate(seed=DEFAULT_SEED, contacts=400, now=NOW)
    accepts = [t for t in timeline.transitions if t.to_stage == "sal" and t.origin == "move"]
    first = [feedback_draw(timeline, t, kind="accept") for t in accepts]
    again = [feedback_draw(timeline, t, kind="accept") for t in accepts]
    by_segment: dict[bool, list[int]] = {True: [], False: []}
    for t, fb in zip(accepts, first, strict=True):
        if fb.rating is not None:
            by_segment[timeline.contacts[t.contact].multiplier < 1].append(fb.rating)

    assert first == again
    assert {fb.rating for fb in first} <= {None, 1, 2, 3, 4, 5}
    assert by_segment[True] and by_segment[False]
    assert statistics.mean(by_segment[True]) < statistics.mean(by_segment[False]) - 1


def test_sla_sign_off_is_done_before_the_first_mql_and_the_text_is_a_valid_policy():
    timeline = simulate(seed=DEFAULT_SEED, contacts=200, now=NOW)
    when = SlaSignOff.of(timeline)
    first_mql = min(t.at for t in timeline.transitions if t.to_stage == "mql")
    policy = policy_load(sla_text(timeline))

    assert timeline.start < when.drafted < when.proposed < when.approved_by_marketing
    assert when.approved_by_marketing < when.approved_by_sales <= first_mql
    assert (policy.sales.accept_within_hours, policy.sales.first_touch_within_hours) == (4, 8)
    assert (policy.sales.cadence.calls, policy.sales.cadence.emails) == (3, 2)
    assert policy.marketing.mqls_per_month >= 1
    assert policy.marketing.min_acceptance_rate == 0.6
