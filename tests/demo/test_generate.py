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
from smarketing.demo.parts.handoff import HOLIDAYS, SlaSignOff, sla_text
from smarketing.demo.sim.catalogue import DEMO_PASSWORD
from smarketing.demo.sim.feedback import decision_kind
from smarketing.demo.sim.qualify import engine_disagreements
from smarketing.demo.sim.touch import TouchpointReader
from smarketing.demo.timeline import simulate
from smarketing.demo.truths import DEFAULT_SEED
from smarketing.events.models import RawEvent, RejectedEvent, Touchpoint
from smarketing.handoff.models import Activity, Assignment, FeedbackKind, LeadFeedback
from smarketing.handoff.routing.models import RoutingRule
from smarketing.handoff.sla.models import PolicyVersion, TeamCalendar
from smarketing.handoff.sla.policy import policy_dump, policy_load
from smarketing.handoff.sla.queries import clocks_for
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
    assert set(report.seconds) == {
        "org",
        "handoff",
        "definition",
        "crm",
        "lifecycle",
        "sales",
        "events",
    }


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
    assert not PolicyVersion.objects.exists()
    # Only the existing-owner rule a new installation starts with stays.
    assert list(RoutingRule.objects.values_list("kind", "updated_by")) == [("owner", None)]
    assert not Assignment.objects.exists()
    assert not LeadFeedback.objects.exists()


def test_existing_data_names_what_is_there(db, company):
    found = existing_data()

    assert found["contacts"] == 300
    assert found["demo users"] == 11
    assert found["definition versions"] == 2


# The handoff: SLA, routing, sales' feedback ----------------------------------------------------


def test_the_sla_is_live_before_the_first_mql_approved_by_both_leaders(db, company):
    timeline = company[0]
    (policy,) = PolicyVersion.objects.all()
    first_mql = StageTransition.objects.filter(to_stage="mql").order_by("at").first()

    canonical = policy_dump(policy_load(sla_text(timeline)))
    assert (policy.number, policy.status, policy.text) == (1, "live", canonical)
    assert policy.created_by.email == "maya.chen@lumen.example"
    assert [(a.user.email, a.team_kind) for a in policy.approvals.order_by("at")] == [
        ("maya.chen@lumen.example", "marketing"),
        ("sol.okafor@lumen.example", "sales"),
    ]
    assert timeline.start <= policy.created_at < policy.went_live_at
    assert policy.went_live_at == SlaSignOff.of(timeline).approved_by_sales <= first_mql.at
    calendars = TeamCalendar.objects.values_list("team__name", "holiday_country")
    assert dict(calendars) == HOLIDAYS


def test_every_campaign_is_run_by_a_marketer(db, company):
    owners = set(Campaign.objects.values_list("owner__role", flat=True))
    assert owners == {"marketing"}


def test_every_mql_is_routed_to_the_simulated_owner_naming_the_rule(db, company):
    timeline, _, _, ctx = company
    rules = list(RoutingRule.objects.values_list("kind", "name"))
    owner_of = {ctx.contacts[i].pk: ctx.users[c.owner].pk for i, c in enumerate(timeline.contacts)}
    mqls = StageTransition.objects.filter(to_stage="mql")
    assignments = {(a.contact_id, a.at): a for a in Assignment.objects.all()}

    assert rules == [
        ("owner", "Existing owner"),
        ("territory", "EMEA"),
        ("round_robin", "Sales Americas"),
    ]
    # Set up with the SLA, in the demo's past year, not on the day the demo was generated.
    dated = RoutingRule.objects.exclude(kind="owner").values_list("updated_at", flat=True)
    assert set(dated) == {SlaSignOff.of(timeline).approved_by_sales}
    assert len(assignments) == mqls.count() > 20
    for mql in mqls:
        assignment = assignments[(mql.contact_id, mql.at)]
        assert assignment.rule == "account owner", mql
        assert assignment.owner_id == owner_of[mql.contact_id], mql
    slow = User.objects.get(email=timeline.truths.slow_rep)
    assert Assignment.objects.filter(owner=slow).count() > 3


def test_sales_decisions_are_lead_feedback_with_reasons_and_some_ratings(db, company):
    timeline = company[0]
    stage: dict[int, str] = {}
    expected: dict[str, int] = {}
    for t in timeline.transitions:
        kind = decision_kind(t, from_stage=stage.get(t.contact, "")) if t.origin == "move" else None
        if kind is not None:
            expected[kind] = expected.get(kind, 0) + 1
        stage[t.contact] = t.to_stage
    decided = LeadFeedback.objects.exclude(kind=FeedbackKind.RATING)
    counts = {k: decided.filter(kind=k).count() for k in expected}

    assert counts == expected
    assert set(expected) == {"accept", "reject", "disqualify", "recycle"}
    assert not decided.exclude(kind=FeedbackKind.ACCEPT).filter(reason__isnull=True).exists()
    ratings = set(LeadFeedback.objects.exclude(rating=None).values_list("rating", flat=True))
    assert len(ratings) >= 3 and ratings <= {1, 2, 3, 4, 5}
    # Each decision wrote its move at the same moment, by the same rep.
    for fb in decided.filter(kind=FeedbackKind.REJECT):
        move = StageTransition.objects.get(contact_id=fb.contact_id, at=fb.at)
        assert (move.to_stage, move.reason_id, move.by_user_id) == (
            "recycled",
            fb.reason_id,
            fb.user_id,
        )


def test_compliance_api_shows_the_slow_rep_worst_since_a_year_ago(db, company, client):
    timeline, _, now, _ = company
    client.force_login(User.objects.get(email="sol.okafor@lumen.example"))
    since = (now - dt.timedelta(days=366)).date()

    response = client.get(f"/api/sla/compliance?by=owner&since={since}")

    assert response.status_code == 200, response.content
    rows = {r["key"]: r for r in response.json()}
    slow = rows.pop(timeline.truths.slow_rep)
    assert set(rows) and all(r["mqls_assigned"] for r in rows.values())
    assert slow["mqls_assigned"] > 3

    def share(row, field):
        return row[field] / row["mqls_assigned"]

    for other in rows.values():
        assert slow["median_response_hours"] > 2 * other["median_response_hours"], other
        assert share(slow, "accepted_in_time") < share(other, "accepted_in_time"), other
        assert share(slow, "first_touch_in_time") < share(other, "first_touch_in_time"), other


def test_the_handoff_card_of_a_recent_mql_shows_its_sla_clocks(db, company, client):
    now = company[2]
    recent = StageTransition.objects.filter(to_stage="mql", at__lt=now).order_by("-at").first()
    contact = recent.contact
    client.force_login(contact.owner)

    response = client.get(f"/handoff/{contact.pk}/")

    assert response.status_code == 200
    clocks = response.context["card"].clocks
    labels = {c.label for c in clocks}
    assert labels == {"Accept or reject", "First touch", "Cadence", "Recycle or progress"}
    html = response.content.decode()
    assert "SLA clocks" in html and "No SLA clock runs" not in html
    # The same clocks the SLA app reads, under the demo's policy.
    assert [c.policy_number for c in clocks_for(contact=contact, now=now)] == [1] * 4
