"""contact_merge: two contacts that are one person become one, keeping all of both histories."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.errors import InvalidInput
from smarketing.events.models import Identity, RawEvent, Touchpoint
from smarketing.events.services import writekey_create
from smarketing.handoff.models import Activity
from smarketing.lifecycle.models import StageTransition
from smarketing.lifecycle.services import stage_transition
from smarketing.people.merge import contact_merge
from smarketing.people.models import Contact
from tests.factories import (
    AccountFactory,
    CampaignFactory,
    ContactFactory,
    DealFactory,
    UserFactory,
)

T0 = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def touchpoint_for(contact: Contact, n: int) -> Touchpoint:
    source = writekey_create(name=f"src-{contact.pk}-{n}", by_user=None)[0]
    raw = RawEvent.objects.create(
        source=source, message_id=f"m{n}", type="page", timestamp=day(n), payload={}
    )
    return Touchpoint.objects.create(
        raw_event=raw, contact=contact, occurred_at=day(n), kind="page_view", channel="direct"
    )


@pytest.fixture
def pair(db):
    """Two records of one person, each with its own history."""
    keep = ContactFactory(
        email="jo@acme.example", first_name="Jo", title="", phone="", created_at=day(5)
    )
    drop = ContactFactory(
        email="jo.private@acme.example",
        first_name="Joanna",
        title="Head of Ops",
        phone="+1 555 0100",
        account=None,
        source_channel="organic_search",
        source_campaign=CampaignFactory(),
        created_at=day(1),
    )
    stage_transition(contact=drop, to_stage="subscriber", by_rule="test", at=day(1))
    stage_transition(contact=drop, to_stage="lead", by_rule="test", at=day(2))
    stage_transition(contact=keep, to_stage="lead", by_rule="test", at=day(5))
    stage_transition(contact=keep, to_stage="mql", by_rule="test", at=day(6))
    return keep, drop


def test_all_history_moves_to_the_kept_contact(pair, rep):
    keep, drop = pair
    Activity.objects.create(kind="call", contact=drop, user=rep, occurred_at=day(3))
    Activity.objects.create(kind="note", contact=keep, user=rep, occurred_at=day(7))
    deal = DealFactory(account=keep.account, primary_contact=drop)
    Identity.objects.create(kind="anonymous", value="browser-1", contact=drop)
    Identity.objects.create(kind="user", value="u-1", contact=keep)
    touchpoint_for(drop, 1)
    touchpoint_for(keep, 4)
    drop_pk = drop.pk

    contact_merge(keep=keep, drop=drop)

    assert not Contact.objects.filter(pk=drop_pk).exists()
    assert StageTransition.objects.filter(contact=keep).count() == 4
    assert Activity.objects.filter(contact=keep).count() == 2
    assert Touchpoint.objects.filter(contact=keep).count() == 2
    assert set(Identity.objects.filter(contact=keep).values_list("value", flat=True)) == {
        "browser-1",
        "u-1",
    }
    deal.refresh_from_db()
    assert deal.primary_contact == keep


def test_the_kept_contact_fills_its_gaps_and_keeps_its_own_values(pair):
    keep, drop = pair
    contact_merge(keep=keep, drop=drop)
    keep.refresh_from_db()
    assert keep.email == "jo@acme.example"
    assert keep.first_name == "Jo"  # its own value stays
    assert (keep.title, keep.phone) == ("Head of Ops", "+1 555 0100")  # gaps filled
    assert keep.source_channel == "organic_search"
    assert keep.source_campaign == drop.source_campaign
    assert keep.created_at == day(1)  # known since the earlier record


def test_a_set_source_is_not_mixed_with_the_other_contacts(pair):
    keep, drop = pair
    Contact.objects.filter(pk=keep.pk).update(source_channel="paid_search")
    keep.refresh_from_db()
    contact_merge(keep=keep, drop=drop)
    keep.refresh_from_db()
    assert (keep.source_channel, keep.source_campaign) == ("paid_search", None)


def test_the_cached_stage_is_derived_from_the_merged_history(pair):
    keep, drop = pair
    # The dropped record moved last: its stage is the merged contact's.
    stage_transition(contact=drop, to_stage="sql", by_rule="test", at=day(8))
    contact_merge(keep=keep, drop=drop)
    assert (keep.lifecycle_stage, keep.lifecycle_stage_at) == ("sql", day(8))
    keep.refresh_from_db()
    assert (keep.lifecycle_stage, keep.lifecycle_stage_at) == ("sql", day(8))


def test_an_account_and_owner_come_over_when_the_kept_contact_has_none(db):
    owner = UserFactory()
    account = AccountFactory()
    keep = ContactFactory(account=None)
    drop = ContactFactory(account=account, owner=owner)
    contact_merge(keep=keep, drop=drop)
    keep.refresh_from_db()
    assert (keep.account, keep.owner) == (account, owner)


def test_a_contact_cannot_be_merged_into_itself(pair):
    keep, _ = pair
    with pytest.raises(InvalidInput, match="itself"):
        contact_merge(keep=keep, drop=keep)


def test_merging_a_deleted_contact_names_it(pair):
    keep, drop = pair
    Contact.objects.filter(pk=drop.pk).delete()
    with pytest.raises(InvalidInput, match=f"contact {drop.pk} no longer exists"):
        contact_merge(keep=keep, drop=drop)
    assert StageTransition.objects.filter(contact=keep).count() == 2


def test_a_failing_merge_changes_nothing(pair, monkeypatch):
    keep, drop = pair
    from smarketing.people import merge

    def refuse(**_):
        raise InvalidInput("refused", field="email")

    monkeypatch.setattr(merge.people, "contact_update", refuse)
    with pytest.raises(InvalidInput):
        contact_merge(keep=keep, drop=drop)
    assert Contact.objects.filter(pk=drop.pk).exists()
    assert StageTransition.objects.filter(contact=drop).count() == 2


def test_every_table_pointing_at_contacts_is_moved(db):
    from smarketing.people.merge import _history_relations

    labels = {r.related_model._meta.label for r in _history_relations()}
    assert {
        "lifecycle.StageTransition",
        "handoff.Activity",
        "events.Touchpoint",
        "events.Identity",
        "deals.Deal",
    } <= labels
