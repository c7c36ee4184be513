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
from smarketing.demo.definition import COMPANY_VERSION, DEFAULT_VERSION, SignOff, company_yaml
from smarketing.demo.generate import existing_data, generate, reset
from smarketing.demo.sim.catalogue import DEMO_PASSWORD
from smarketing.demo.sim.qualify import engine_disagreements
from smarketing.demo.sim.touch import TouchpointReader
from smarketing.demo.timeline import simulate
from smarketing.demo.truths import DEFAULT_SEED
from smarketing.events.models import RawEvent, RejectedEvent, Touchpoint
from smarketing.handoff.models import Activity
from smarketing.lifecycle.models import StageTransition
from smarketing.org.models import Team, User
from smarketing.people.models import Account, Contact
from smarketing.scoring import rules
from smarketing.scoring.facts import contact_facts, touchpoint_facts
from smarketing.scoring.models import DefinitionApproval, DefinitionVersion
from smarketing.scoring.mql import mql_by_rule

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
        ctx, report = generate(timeline)
    yield timeline, report, now, ctx
    with django_db_blocker.unblock():
        reset()


def test_small_run_writes_every_simulated_row(db, company):
    timeline, report, _, ctx = company

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
    # It also rescored the contacts and promoted those meeting the live criteria as of the
    # processing: exactly the few the simulation left meeting them at the end of its year.
    _, late = engine_disagreements(timeline)
    promoted = StageTransition.objects.filter(to_stage="mql", at__gte=timeline.now)
    assert set(promoted.values_list("contact_id", flat=True)) == {ctx.contacts[i].pk for i in late}
    assert (
        StageTransition.objects.count()
        == len(timeline.transitions) + by_events.count() + promoted.count()
    )
    assert Deal.objects.count() == len(timeline.deals) > 0
    assert Activity.objects.count() == len(timeline.activities) > 0
    assert report.rows["people_contact"] == 300
    assert set(report.seconds) == {"org", "definition", "crm", "lifecycle", "sales", "events"}


def test_the_companys_definition_is_live_approved_by_both_leaders(db, company):
    timeline = company[0]
    default, lumen = DefinitionVersion.objects.order_by("number")
    approvals = DefinitionApproval.objects.filter(version=lumen).order_by("at")

    assert (default.number, default.status) == (DEFAULT_VERSION, "retired")
    assert default.went_live_at == timeline.start
    assert (lumen.number, lumen.status) == (COMPANY_VERSION, "live")
    assert lumen.text == company_yaml()
    assert lumen.created_by.email == "maya.chen@lumen.example"
    assert [(a.user.email, a.team_kind) for a in approvals] == [
        ("maya.chen@lumen.example", "marketing"),
        ("sol.okafor@lumen.example", "sales"),
    ]
    assert lumen.went_live_at == SignOff.of(timeline.start).approved_by_sales
    assert lumen.went_live_at < timeline.start + dt.timedelta(days=7)


def test_simulated_touchpoints_are_what_event_processing_stores(db, company):
    timeline, _, _, _ = company
    reader = TouchpointReader(timeline)
    events = sorted(timeline.events, key=lambda e: e.at)  # as the events part numbers them
    stored = Touchpoint.objects.values_list("pk", "raw_event__message_id")

    assert len(stored) == len(events)
    for pk, message_id in stored:
        serial = int(message_id.removeprefix(f"demo-{timeline.seed}-"))
        (facts,) = touchpoint_facts(Touchpoint.objects.filter(pk=pk))
        assert facts == reader.facts(events[serial]), message_id


def test_each_mql_meets_the_criteria_of_the_version_in_force_by_the_products_scoring(db, company):
    timeline = company[0]
    versions = list(DefinitionVersion.objects.order_by("went_live_at"))
    mqls = StageTransition.objects.filter(to_stage="mql", at__lt=timeline.now)
    contacts = Contact.objects.select_related("account").in_bulk()

    assert mqls.count() > 20
    for mql in mqls:
        version = [v for v in versions if v.went_live_at <= mql.at][-1]
        touchpoints = touchpoint_facts(Touchpoint.objects.filter(contact_id=mql.contact_id))
        result = rules.score_contact(
            definition=rules.load(version.text),
            contact=contact_facts(contacts[mql.contact_id]),
            touchpoints=touchpoints,
            now=mql.at,
        )
        met = result.groups[0].mql_criterion
        assert met is not None, mql
        assert mql.by_rule == mql_by_rule(version=version.number, criterion=met)


def test_small_run_sends_its_web_and_email_activity_through_the_event_api(db, company):
    timeline, _, _, _ = company
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
    # Except the MQLs processing the events made, as of then (see the test above).
    at_processing = Q(to_stage="mql", at__gte=now, by_rule__startswith="definition v")
    for model, field in checks:
        outside = model.objects.filter(Q(**{f"{field}__lt": start}) | Q(**{f"{field}__gte": now}))
        if model is StageTransition:
            outside = outside.exclude(at_processing)
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
    assert not DefinitionVersion.objects.exists()


def test_existing_data_names_what_is_there(db, company):
    found = existing_data()

    assert found["contacts"] == 300
    assert found["demo users"] == 11
    assert found["definition versions"] == 2
