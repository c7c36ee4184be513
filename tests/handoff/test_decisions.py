"""Sales' decisions on a handed-over lead: feedback and lifecycle move together, reasons
required where the agreement says so, marketing told when a lead comes back."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.deals.models import Deal
from smarketing.errors import InvalidInput
from smarketing.handoff import decisions
from smarketing.handoff.models import LeadFeedback, SqlQualification
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.notify.models import Notification
from smarketing.people.models import Contact
from smarketing.scoring.scores import definition_in_force
from tests.handoff.conftest import mql_make

pytestmark = pytest.mark.django_db


def _checklist() -> list[str]:
    return [item.id for item in definition_in_force()[1].sql_checklist]


def _stage(contact) -> str:
    return Contact.objects.get(pk=contact.pk).lifecycle_stage


def test_accept_when_mql_makes_sal_and_records_rating(mql, rep):
    result = decisions.lead_accept(contact=mql, user=rep, rating=4, comment="Good fit")
    assert _stage(mql) == "sal"
    assert result.transition.from_stage == "mql" and result.transition.by_user == rep
    fb = LeadFeedback.objects.get(contact=mql)
    assert (fb.kind, fb.rating, fb.comment, fb.user) == ("accept", 4, "Good fit", rep)


def test_accept_when_not_mql_is_refused_and_writes_nothing(mql, rep):
    decisions.lead_accept(contact=mql, user=rep)
    with pytest.raises(InvalidInput, match="only a lead at MQL can be accepted"):
        decisions.lead_accept(contact=mql, user=rep)
    assert LeadFeedback.objects.filter(contact=mql).count() == 1


@pytest.mark.parametrize("rating", [0, 6, "5", True])
def test_accept_when_rating_out_of_range_is_refused(mql, rep, rating):
    with pytest.raises(InvalidInput) as err:
        decisions.lead_accept(contact=mql, user=rep, rating=rating)
    assert "rating" in err.value.errors
    assert _stage(mql) == "mql" and not LeadFeedback.objects.exists()


def test_reason_list_when_migrated_holds_the_shared_reject_reasons(db):
    codes = set(TransitionReason.objects.filter(kind="reject").values_list("code", flat=True))
    wanted = {"too-small", "student", "competitor", "no-budget", "wrong-contact", "duplicate"}
    assert wanted <= codes


def test_reject_when_reasoned_recycles_and_tells_marketing(mql, rep, marketing_leader):
    result = decisions.lead_reject(contact=mql, user=rep, reason="too-small", comment="3 people")
    assert _stage(mql) == "recycled"
    assert result.transition.reason.code == "too-small"
    assert result.feedback.kind == "reject" and result.feedback.reason.kind == "reject"
    note = Notification.objects.get(kind="lead_recycled")
    assert note.user == marketing_leader and note.contact_id == mql.pk
    assert "too small" in note.body.lower() and "3 people" in note.body
    assert note.url == f"/handoff/{mql.pk}/"


def test_reject_when_the_campaign_has_an_owner_tells_that_marketer(
    mql, rep, marketer, marketing_leader
):
    campaign = mql.source_campaign
    campaign.owner = marketer
    campaign.save()
    decisions.lead_reject(contact=mql, user=rep, reason="student")
    notes = Notification.objects.filter(kind="lead_recycled")
    assert [n.user for n in notes] == [marketer]


def test_reject_when_the_campaign_owner_left_tells_the_marketing_leaders(
    mql, rep, marketer, marketing_leader
):
    campaign = mql.source_campaign
    campaign.owner = marketer
    campaign.save()
    marketer.is_active = False
    marketer.save()
    decisions.lead_reject(contact=mql, user=rep, reason="student")
    notes = Notification.objects.filter(kind="lead_recycled")
    assert [n.user for n in notes] == [marketing_leader]


def test_reject_when_no_reason_is_refused_naming_the_choices(mql, rep):
    with pytest.raises(InvalidInput) as err:
        decisions.lead_reject(contact=mql, user=rep, reason="")
    assert "wrong-contact" in err.value.errors["reason"][0]
    assert _stage(mql) == "mql" and not LeadFeedback.objects.exists()


def test_reject_when_reason_of_another_kind_is_refused(mql, rep):
    with pytest.raises(InvalidInput, match="unknown reject reason 'no-response'"):
        decisions.lead_reject(contact=mql, user=rep, reason="no-response")


def test_recycle_when_reasoned_notifies_once_per_marketing_leader(mql, rep, marketing_leader):
    decisions.lead_recycle(contact=mql, user=rep, reason="not-ready")
    assert _stage(mql) == "recycled"
    assert LeadFeedback.objects.get().kind == "recycle"
    assert Notification.objects.filter(kind="lead_recycled", user=marketing_leader).count() == 1


def test_recycle_when_no_reason_is_refused(mql, rep):
    with pytest.raises(InvalidInput) as err:
        decisions.lead_recycle(contact=mql, user=rep, reason=None)
    assert "reason" in err.value.errors


def test_disqualify_when_reasoned_disqualifies(mql, rep):
    decisions.lead_disqualify(contact=mql, user=rep, reason="competitor")
    assert _stage(mql) == "disqualified"
    fb = LeadFeedback.objects.get()
    assert (fb.kind, fb.reason.kind, fb.reason.code) == ("disqualify", "disqualify", "competitor")
    assert not Notification.objects.filter(kind="lead_recycled").exists()


def test_convert_when_checklist_complete_records_it_on_the_move(mql, rep):
    result = decisions.lead_convert(
        contact=mql, user=rep, checklist=_checklist(), comment="Call went well"
    )
    assert _stage(mql) == "sql"
    assert "SQL checklist (definition v1)" in result.transition.note
    assert "✓ Budget confirmed [budget]" in result.transition.note
    assert "Call went well" in result.transition.note
    # From MQL straight to SQL: the lead was accepted too.
    assert result.feedback.kind == "accept"


def test_convert_when_checklist_complete_stores_the_items_confirmed(mql, rep):
    result = decisions.lead_convert(contact=mql, user=rep, checklist=list(reversed(_checklist())))
    row = SqlQualification.objects.get(contact=mql)
    assert row.transition == result.transition == result.qualification.transition
    assert (row.user, row.definition_version.number) == (rep, 1)
    # The definition's order and labels, whatever order the rep ticked them in.
    items = definition_in_force()[1].sql_checklist
    assert row.items == [{"id": i.id, "label": i.label} for i in items]


def test_convert_when_refused_stores_no_checklist(mql, rep):
    with pytest.raises(InvalidInput):
        decisions.lead_convert(contact=mql, user=rep, checklist=["budget"])
    assert not SqlQualification.objects.exists()


def test_convert_when_checklist_incomplete_names_what_is_missing(mql, rep):
    with pytest.raises(InvalidInput) as err:
        decisions.lead_convert(contact=mql, user=rep, checklist=["budget"])
    assert "Need confirmed" in err.value.errors["checklist"][0]
    assert "Budget confirmed" not in err.value.errors["checklist"][0]
    assert _stage(mql) == "mql"


def test_convert_when_item_unknown_is_refused(mql, rep):
    with pytest.raises(InvalidInput, match="not on the SQL checklist of definition v1: bant"):
        decisions.lead_convert(contact=mql, user=rep, checklist=[*_checklist(), "bant"])


def test_deal_create_when_working_opens_deal_and_makes_opportunity(mql, rep):
    decisions.lead_accept(contact=mql, user=rep)
    result = decisions.lead_deal_create(contact=mql, user=rep, name="Acme – Growth", amount=12000)
    deal = Deal.objects.get()
    assert result.deal == deal and deal.primary_contact_id == mql.pk and deal.owner == rep
    assert deal.account_id == mql.account_id
    assert _stage(mql) == "opportunity"


def test_deal_create_when_no_account_is_refused_and_nothing_written(mql, rep):
    Contact.objects.filter(pk=mql.pk).update(account=None)
    mql.refresh_from_db()
    with pytest.raises(InvalidInput, match="no account"):
        decisions.lead_deal_create(contact=mql, user=rep, name="X")
    assert not Deal.objects.exists() and _stage(mql) == "mql"


def test_deal_create_when_name_blank_rolls_back_the_deal(mql, rep):
    with pytest.raises(InvalidInput) as err:
        decisions.lead_deal_create(contact=mql, user=rep, name="  ")
    assert "name" in err.value.errors
    assert not Deal.objects.exists()
    assert StageTransition.objects.filter(contact=mql, to_stage="opportunity").count() == 0


def test_rate_when_any_stage_records_a_rating(mql, rep):
    decisions.lead_reject(contact=mql, user=rep, reason="duplicate")
    row = decisions.lead_rate(contact=mql, user=rep, rating=2, comment="Same as #12")
    assert (row.kind, row.rating, row.comment) == ("rating", 2, "Same as #12")


def test_rate_when_rating_missing_is_refused(mql, rep):
    with pytest.raises(InvalidInput) as err:
        decisions.lead_rate(contact=mql, user=rep, rating=None)
    assert "rating" in err.value.errors


def test_feedback_when_the_move_is_refused_is_not_written(rep):
    contact = mql_make(owner=rep, email="x@acme.example")
    # Dated before the MQL move: the lifecycle refuses it, so no feedback stays behind.
    with pytest.raises(InvalidInput):
        decisions.lead_accept(
            contact=contact, user=rep, at=contact.lifecycle_stage_at - dt.timedelta(days=1)
        )
    assert not LeadFeedback.objects.exists()
