"""A small demo company written through the services: tables, history, users, reset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
from smarketing.deals.models import Deal
from smarketing.demo.generate import existing_data, generate, reset
from smarketing.demo.sim.catalogue import DEMO_PASSWORD
from smarketing.demo.timeline import simulate
from smarketing.demo.truths import DEFAULT_SEED
from smarketing.events.models import RawEvent, RejectedEvent, Touchpoint
from smarketing.handoff.models import Activity
from smarketing.lifecycle.models import StageTransition
from smarketing.org.models import Team, User
from smarketing.people.models import Account, Contact

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    """One small company for the read-only tests, written once and deleted after them."""
    now = timezone.now().replace(microsecond=0)
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        timeline = simulate(seed=DEFAULT_SEED, contacts=300, now=now)
        _, report = generate(timeline)
    yield timeline, report, now
    with django_db_blocker.unblock():
        reset()


def test_small_run_writes_every_simulated_row(db, company):
    timeline, report, _ = company

    assert Team.objects.count() == 3
    assert User.objects.count() == 11
    assert Campaign.objects.count() == len(timeline.campaigns) >= 15
    assert ContentAsset.objects.count() == len(timeline.assets)
    assert Account.objects.count() == len(timeline.accounts) == 90
    assert Contact.objects.count() == 300
    # The event processing adds its own moves: a subscriber who later fills a gated-content
    # or webinar form becomes a lead by the product's form rule, as in a real installation.
    by_events = StageTransition.objects.filter(by_rule="event: form")
    assert set(by_events.values_list("from_stage", "to_stage")) <= {("subscriber", "lead")}
    assert StageTransition.objects.count() == len(timeline.transitions) + by_events.count()
    assert Deal.objects.count() == len(timeline.deals) > 0
    assert Activity.objects.count() == len(timeline.activities) > 0
    assert report.rows["people_contact"] == 300
    assert set(report.seconds) == {"org", "crm", "lifecycle", "sales", "events"}


def test_small_run_sends_its_web_and_email_activity_through_the_event_api(db, company):
    timeline, _, _ = company
    assert RawEvent.objects.count() >= len(timeline.events)
    assert not RawEvent.objects.filter(processed_at__isnull=True).exists()
    assert not RejectedEvent.objects.exists()
    assert Touchpoint.objects.count() == len(timeline.events)
    # Anonymous visits before the first form are stitched onto the contact.
    anonymous = sum(1 for e in timeline.events if e.anonymous)
    assert anonymous > 0
    assert Touchpoint.objects.filter(contact__isnull=True).count() < anonymous / 10
    assert Contact.objects.count() == 300  # identify found the contacts, made no duplicates


def test_each_contacts_cached_stage_is_its_newest_history_row(db, company):
    for contact in Contact.objects.all():
        newest = StageTransition.objects.filter(contact=contact).order_by("-at", "-id").first()
        assert newest is not None
        assert (contact.lifecycle_stage, contact.lifecycle_stage_at) == (newest.to_stage, newest.at)


def test_won_deals_made_their_accounts_contacts_customers(db, company):
    won_accounts = set(Deal.objects.filter(stage="won").values_list("account_id", flat=True))

    assert won_accounts
    customers = Contact.objects.filter(lifecycle_stage="customer")
    assert set(customers.values_list("account_id", flat=True)) == won_accounts
    assert (
        not Contact.objects.filter(account_id__in=won_accounts)
        .exclude(lifecycle_stage="customer")
        .exists()
    )
    assert StageTransition.objects.filter(by_rule__startswith="deal won: ").exists()


def test_lost_deals_carry_a_loss_reason(db, company):
    lost = Deal.objects.filter(stage="lost")

    assert lost.exists()
    assert not lost.filter(loss_reason="").exists()
    assert not lost.filter(closed_at__isnull=True).exists()


def test_timestamps_are_all_in_the_past_twelve_months(db, company):
    now = company[2]
    start = now - dt.timedelta(days=365)
    checks = [
        (Contact, "created_at"),
        (Account, "created_at"),
        (Campaign, "created_at"),
        (ContentAsset, "created_at"),
        (StageTransition, "at"),
        (Activity, "occurred_at"),
        (Deal, "created_at"),
        (Deal, "closed_at"),
    ]
    for model, field in checks:
        outside = model.objects.filter(Q(**{f"{field}__lt": start}) | Q(**{f"{field}__gte": now}))
        assert not outside.exists(), f"{model.__name__}.{field}"


def test_demo_users_log_in_with_the_demo_password(db, company, client):
    for email in ("admin@lumen.example", "sam.rivera@lumen.example", "maya.chen@lumen.example"):
        assert client.login(email=email, password=DEMO_PASSWORD), email


def test_reset_deletes_the_crm_data_and_demo_users_but_not_other_users(db, company):
    keeper = User.objects.create_user("someone@example.com", "x" * 12, role="admin")

    reset()

    assert existing_data() == {}
    assert list(User.objects.all()) == [keeper]
    assert not Team.objects.exists()


def test_existing_data_names_what_is_there(db, company):
    found = existing_data()

    assert found["contacts"] == 300
    assert found["demo users"] == 11
