"""The pure transition rules."""

from hypothesis import given
from hypothesis import strategies as st

from smarketing.lifecycle.stages import (
    ALLOWED,
    FUNNEL,
    ReasonKind,
    Stage,
    funnel_index,
    transition_error,
)

stages = st.sampled_from(list(Stage))
maybe_stage = st.one_of(st.none(), stages)
maybe_kind = st.one_of(st.none(), st.sampled_from(list(ReasonKind)))


def test_funnel_moves_forward_and_may_skip():
    assert transition_error(Stage.LEAD, Stage.MQL, None) is None
    assert transition_error(Stage.LEAD, Stage.SQL, None) is None  # a sales-sourced lead
    assert transition_error(Stage.SQL, Stage.MQL, None) == (
        "to_stage",
        "moving from SQL to MQL is not allowed",
    )


def test_customer_is_final():
    assert ALLOWED[Stage.CUSTOMER] == frozenset()
    assert transition_error(Stage.CUSTOMER, Stage.RECYCLED, ReasonKind.RECYCLE) is not None


def test_recycle_needs_a_recycle_or_reject_reason():
    field, why = transition_error(Stage.MQL, Stage.RECYCLED, None)
    assert field == "reason" and "needs a reason" in why
    assert transition_error(Stage.MQL, Stage.RECYCLED, ReasonKind.RECYCLE) is None
    assert transition_error(Stage.MQL, Stage.RECYCLED, ReasonKind.REJECT) is None
    assert transition_error(Stage.MQL, Stage.RECYCLED, ReasonKind.DISQUALIFY) == (
        "reason",
        "a disqualify reason does not fit a move to Recycled",
    )


def test_only_received_leads_can_be_rejected():
    assert transition_error(Stage.LEAD, Stage.DISQUALIFIED, ReasonKind.REJECT) == (
        "reason",
        "only an MQL or SAL can be rejected",
    )
    assert transition_error(Stage.SAL, Stage.DISQUALIFIED, ReasonKind.REJECT) is None


def test_a_new_contact_can_start_anywhere_in_the_funnel_but_not_recycled():
    for stage in FUNNEL:
        assert transition_error(None, stage, None) is None
    assert transition_error(None, Stage.RECYCLED, ReasonKind.RECYCLE) is not None


@given(current=maybe_stage, target=stages, kind=maybe_kind)
def test_rules_agree_with_the_table(current, target, kind):
    error = transition_error(current, target, kind)
    if target not in ALLOWED[current] or current == target:
        assert error is not None and error[0] == "to_stage"
    elif target in (Stage.RECYCLED, Stage.DISQUALIFIED) and kind is None:
        assert error is not None and error[0] == "reason"
    elif target not in (Stage.RECYCLED, Stage.DISQUALIFIED):
        assert error is None


@given(a=st.sampled_from(FUNNEL), b=st.sampled_from(FUNNEL))
def test_within_the_funnel_only_forward_moves_are_allowed(a, b):
    allowed = transition_error(a, b, None) is None
    assert allowed == (funnel_index(b) > funnel_index(a))
