"""Writing the demo company twice (same seed, same rows) and the default truths in the rows.

Apart from test_generate.py, whose shared company would be in the way of these fresh runs.
"""

from __future__ import annotations

import hashlib
import statistics

import pytest
from django.db.models import Q
from django.utils import timezone

from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
from smarketing.deals.models import Deal
from smarketing.demo.definition import company_yaml
from smarketing.demo.generate import PARTS, existing_data, generate, reset
from smarketing.demo.timeline import simulate
from smarketing.demo.truths import DEFAULT_SEED
from smarketing.handoff.models import Activity
from smarketing.handoff.routing.models import RoutingRule
from smarketing.handoff.sla.services import policy_draft_create
from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.org.models import User
from smarketing.people.models import Account, Contact
from smarketing.scoring.models import DefinitionVersion
from smarketing.scoring.services import definition_draft_create, definition_live


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def db_digest(now) -> str:
    """Every business field of every demo row, in a stable order. Moves the event processing
    made (as of when it ran, after `now`) are compared without their time."""
    rows = [
        *Campaign.objects.order_by("name").values_list(
            "name", "channel", "utm_campaign", "start_date", "end_date", "cost", "created_at"
        ),
        *ContentAsset.objects.order_by("url").values_list("title", "funnel_stage", "url"),
        *Account.objects.order_by("domain").values_list(
            "domain",
            "name",
            "employees",
            "annual_revenue",
            "industry",
            "country",
            "owner__email",
            "created_at",
        ),
        *(
            (*row[:-2], row[-2] if row[-2] < now else "at processing", row[-1])
            for row in Contact.objects.order_by("email").values_list(
                "email",
                "first_name",
                "last_name",
                "title",
                "seniority",
                "phone",
                "country",
                "account__domain",
                "owner__email",
                "source_channel",
                "source_campaign__name",
                "lifecycle_stage",
                "lifecycle_stage_at",
                "created_at",
            )
        ),
        *(
            # A move made when the events were processed is dated then, not in the year.
            (*row[:3], row[3] if row[3] < now else "at processing", *row[4:])
            for row in StageTransition.objects.order_by(
                "contact__email", "at", "to_stage"
            ).values_list(
                "contact__email",
                "from_stage",
                "to_stage",
                "at",
                "by_user__email",
                "by_rule",
                "reason__code",
            )
        ),
        *Deal.objects.order_by("account__domain", "created_at").values_list(
            "account__domain",
            "name",
            "amount",
            "stage",
            "close_date",
            "closed_at",
            "loss_reason",
            "created_at",
            "primary_contact__email",
            "owner__email",
        ),
        *Activity.objects.order_by("contact__email", "occurred_at", "subject").values_list(
            "contact__email",
            "kind",
            "user__email",
            "occurred_at",
            "subject",
            "outcome",
            "deal__name",
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_seed_writes_the_same_data_and_another_seed_other_data(db, now):
    generate(simulate(seed=5, contacts=120, now=now))
    first = db_digest(now)
    reset()
    generate(simulate(seed=5, contacts=120, now=now))
    again = db_digest(now)
    reset()
    other = simulate(seed=6, contacts=120, now=now)
    generate(other)

    assert first == again
    assert db_digest(now) != first
    assert other.truths != simulate(seed=5, contacts=10, now=now).truths


def _customer_rate(contacts) -> float:
    leads = contacts.filter(transitions__to_stage="lead").distinct()
    return leads.filter(lifecycle_stage="customer").count() / max(1, leads.count())


def test_default_truths_show_in_the_database_at_1500_contacts(db, now):
    timeline = simulate(seed=DEFAULT_SEED, contacts=1500, now=now)
    generate(timeline)

    small = Q(account__employees__lt=10) | Q(account__annual_revenue__lt=100_000)
    small_rate = _customer_rate(Contact.objects.filter(small))
    rest_rate = _customer_rate(Contact.objects.exclude(small))
    assert small_rate < rest_rate / 2

    dud = Campaign.objects.get(name=timeline.truths.dud_campaign)
    dud_contacts = Contact.objects.filter(source_campaign=dud)
    assert dud_contacts.count() > 0.1 * 1500
    assert dud_contacts.filter(transitions__to_stage="mql").distinct().count() > 30
    dud_accounts = dud_contacts.values("account_id")
    assert not Deal.objects.filter(account_id__in=dud_accounts, stage="won").exists()

    delays: dict[str, list[float]] = {}
    for mql in StageTransition.objects.filter(to_stage="mql").select_related("contact__owner"):
        owner = mql.contact.owner
        first = (
            Activity.objects.filter(contact_id=mql.contact_id, user=owner, occurred_at__gte=mql.at)
            .order_by("occurred_at")
            .first()
        )
        if first:
            hours = (first.occurred_at - mql.at).total_seconds() / 3600
            delays.setdefault(owner.email, []).append(hours)
    slow = statistics.median(delays.pop(timeline.truths.slow_rep))
    assert all(slow > 2 * statistics.median(hours) for hours in delays.values())


def test_progress_reports_each_parts_announced_size(db, now):
    timeline = simulate(seed=DEFAULT_SEED, contacts=40, now=now)
    done: dict[str, int] = {}

    generate(
        timeline, progress=lambda part, n: done.update({part.name: done.get(part.name, 0) + n})
    )

    assert done == {part.name: part.size(timeline) for part in PARTS}


def test_shipped_default_installed_on_first_use_is_no_data_and_is_dated_again(db, now):
    definition_live()  # a new install showed its default, say on the definition page
    timeline = simulate(seed=DEFAULT_SEED, contacts=40, now=now)

    assert existing_data() == {}
    generate(timeline)

    default, lumen = DefinitionVersion.objects.order_by("number")
    assert (default.number, default.went_live_at) == (1, timeline.start)
    assert (lumen.number, lumen.status) == (2, "live")


def test_a_definition_of_the_companys_own_is_data(db, marketing_leader):
    definition_draft_create(by_user=marketing_leader, text=company_yaml())

    assert existing_data()["definition versions"] == 2


def test_routing_rules_and_sla_policies_of_the_companys_own_are_data(db, marketing_leader):
    before = existing_data()  # with the existing-owner rule a new installation starts with

    RoutingRule.objects.update(updated_by=marketing_leader)  # edited: the company's now
    policy_draft_create(by_user=marketing_leader)

    assert RoutingRule.objects.count() == 1
    assert existing_data() == {**before, "routing rules": 1, "policy versions": 1}
    assert "routing rules" not in before and "policy versions" not in before


def test_missing_reason_stops_generation_and_writes_nothing(db, now):
    TransitionReason.objects.filter(code="no-fit").update(active=False)

    with pytest.raises(LookupError, match=r"no-fit \(disqualify\)"):
        generate(simulate(seed=DEFAULT_SEED, contacts=40, now=now))

    assert not Contact.objects.exists()
    assert not User.objects.exists()
