"""The lifecycle service: checked moves, history rows, cached stage, won deals."""

import datetime as dt

import pytest
from django.utils import timezone

from smarketing.deals import services as deals
from smarketing.errors import InvalidInput
from smarketing.lifecycle import services as lifecycle
from smarketing.lifecycle.models import StageTransition
from smarketing.people import services as people
from smarketing.people.models import Contact
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def test_transition_writes_history_and_caches_the_stage(rep):
    contact = ContactFactory()
    lifecycle.stage_transition(contact=contact, to_stage="lead", by_rule="form", at=days_ago(3))
    row = lifecycle.stage_transition(contact=contact, to_stage="mql", by_user=rep, note="hot")
    assert (row.from_stage, row.to_stage, row.by_user, row.note) == ("lead", "mql", rep, "hot")
    assert row.account_id == contact.account_id
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.lifecycle_stage == "mql"
    assert lifecycle.stage_derive(contact=fresh) == ("mql", row.at)


def test_transition_refused_leaves_no_row(rep):
    contact = ContactFactory()
    lifecycle.stage_transition(contact=contact, to_stage="sql", by_user=rep)
    with pytest.raises(InvalidInput) as exc:
        lifecycle.stage_transition(contact=contact, to_stage="lead", by_user=rep)
    assert exc.value.errors == {"to_stage": ["moving from SQL to Lead is not allowed"]}
    assert StageTransition.objects.filter(contact=contact).count() == 1
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "sql"


def test_recycle_without_reason_is_refused_and_names_the_field(rep):
    contact = ContactFactory()
    lifecycle.stage_transition(contact=contact, to_stage="mql", by_rule="score")
    with pytest.raises(InvalidInput) as exc:
        lifecycle.stage_transition(contact=contact, to_stage="recycled", by_user=rep)
    assert list(exc.value.errors) == ["reason"]


def test_reject_with_a_reason_from_the_list(rep):
    contact = ContactFactory()
    lifecycle.stage_transition(contact=contact, to_stage="mql", by_rule="score")
    row = lifecycle.stage_transition(
        contact=contact, to_stage="recycled", by_user=rep, reason="no-budget"
    )
    assert row.reason.kind == "reject"


def test_unknown_reason_and_unknown_stage_are_clear_errors(rep):
    contact = ContactFactory()
    with pytest.raises(InvalidInput, match="unknown stage 'hot'"):
        lifecycle.stage_transition(contact=contact, to_stage="hot", by_user=rep)
    lifecycle.stage_transition(contact=contact, to_stage="mql", by_user=rep)
    with pytest.raises(InvalidInput, match="unknown reason 'meh'"):
        lifecycle.stage_transition(contact=contact, to_stage="recycled", by_user=rep, reason="meh")


def test_a_move_needs_a_user_or_a_rule():
    with pytest.raises(InvalidInput, match="by a user or by a named rule"):
        lifecycle.stage_transition(contact=ContactFactory(), to_stage="lead")


def test_a_move_cannot_be_dated_before_the_last_one(rep):
    contact = ContactFactory()
    lifecycle.stage_transition(contact=contact, to_stage="lead", by_user=rep, at=days_ago(1))
    with pytest.raises(InvalidInput) as exc:
        lifecycle.stage_transition(contact=contact, to_stage="mql", by_user=rep, at=days_ago(2))
    assert list(exc.value.errors) == ["at"]


def test_cache_rebuild_repairs_a_wrong_cache(rep):
    contact = ContactFactory()
    lifecycle.stage_transition(contact=contact, to_stage="lead", by_user=rep)
    Contact.objects.filter(pk=contact.pk).update(lifecycle_stage="customer")
    assert lifecycle.stage_cache_rebuild(contacts=Contact.objects.all()) == 1
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "lead"
    assert lifecycle.stage_cache_rebuild(contacts=Contact.objects.all()) == 0


def test_contact_create_with_stage_records_the_first_move(rep):
    contact = people.contact_create(email="Ann@Acme.example", stage="lead", by_user=rep)
    assert contact.email == "ann@acme.example"
    assert list(contact.transitions.values_list("from_stage", "to_stage")) == [("", "lead")]


def test_won_deal_makes_every_contact_of_the_account_a_customer(rep):
    account = AccountFactory()
    champion = ContactFactory(account=account)
    lifecycle.stage_transition(contact=champion, to_stage="opportunity", by_user=rep)
    colleague = ContactFactory(account=account)
    bystander = ContactFactory()
    deal = deals.deal_create(name="Acme", account=account, primary_contact=champion, amount=5000)
    deals.deal_close(deal=deal, won=True, by_user=rep)
    stages = dict(Contact.objects.values_list("pk", "lifecycle_stage"))
    assert stages[champion.pk] == "customer"
    assert stages[colleague.pk] == "customer"
    assert stages[bystander.pk] == ""
    row = champion.transitions.first()
    assert (row.from_stage, row.by_rule) == ("opportunity", "deal won: Acme")


def test_many_moves_in_one_call_each_checked_on_its_own(rep):
    moved, late = ContactFactory(), ContactFactory()
    lifecycle.stage_transition(
        contact=late, to_stage="subscriber", by_rule="newsletter", at=days_ago(1)
    )

    moves = lifecycle.stage_transitions(
        contact_ids=[late.pk, moved.pk, moved.pk], to_stage="lead", by_user=rep, at=days_ago(2)
    )

    assert [(r.contact_id, r.by_user, r.by_rule) for r in moves.rows] == [(moved.pk, rep, "")]
    assert list(moves.refused) == [late.pk]
    assert list(moves.refused[late.pk].errors) == ["at"]
    assert Contact.objects.get(pk=moved.pk).lifecycle_stage == "lead"
    assert StageTransition.objects.filter(contact=late).count() == 1
    with pytest.raises(InvalidInput) as exc:
        lifecycle.stage_transitions(contact_ids=[moved.pk], to_stage="mql", by_rule={})
    assert list(exc.value.errors) == ["by_rule"]
