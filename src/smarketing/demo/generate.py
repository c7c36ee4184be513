"""Writing a simulated Timeline into the database, part by part, through the services.

PARTS is the registry: a later capability adds its own module under demo/parts/ and appends its
Part here (the definition's sign-off, events through the event API, SLA clocks), reading the
same Timeline and the Context of rows written before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction

from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
from smarketing.deals.models import Deal
from smarketing.demo.context import Context, Part
from smarketing.demo.parts import crm, definition, events, handoff, lifecycle, org, sales
from smarketing.demo.sim.catalogue import DOMAIN, TEAMS
from smarketing.demo.timeline import Timeline
from smarketing.events.models import Identity, RawEvent, RejectedEvent, Touchpoint, WriteKey
from smarketing.handoff.models import Activity, Assignment, LeadFeedback
from smarketing.handoff.routing.models import Region, RoutingRule
from smarketing.handoff.sla.models import PolicyApproval, PolicyVersion
from smarketing.lifecycle.models import StageTransition
from smarketing.org.models import Team, User
from smarketing.people.models import Account, Contact
from smarketing.scoring.models import DefinitionApproval, DefinitionVersion, RescoringRun

# The definition goes live before the events are processed, which score and promote with it;
# the SLA and the routing rules are in place before the first move to MQL.
PARTS: list[Part] = [
    org.PART,
    handoff.PART,
    crm.PART,
    lifecycle.PART,
    sales.PART,
    definition.PART,
    events.PART,
]

# The CRM tables the demo fills, children first (the order --reset deletes them in).
CRM_MODELS: tuple[type[models.Model], ...] = (
    PolicyApproval,
    PolicyVersion,
    RoutingRule,
    Region,
    RescoringRun,
    DefinitionApproval,
    DefinitionVersion,
    Touchpoint,
    Identity,
    RejectedEvent,
    RawEvent,
    WriteKey,
    Activity,
    LeadFeedback,
    Assignment,
    Deal,
    StageTransition,
    Contact,
    Account,
    Campaign,
    ContentAsset,
)

Progress = Callable[[Part, int], None]  # (part, units just done)


@dataclass
class Report:
    seconds: dict[str, float] = field(default_factory=dict)  # per part
    rows: dict[str, int] = field(default_factory=dict)  # per table, after the run

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def generate(
    timeline: Timeline,
    *,
    parts: Sequence[Part] = PARTS,
    progress: Progress | None = None,
) -> tuple[Context, Report]:
    """Write every part in one transaction: a failure leaves the database as it was."""
    ctx = Context(timeline=timeline)
    report = Report()
    # One transaction for everything: all-or-nothing, and much faster on SQLite than a
    # commit per row.
    with transaction.atomic():
        for part in parts:
            began = time.perf_counter()
            part.run(ctx, lambda n, part=part: progress(part, n) if progress else None)
            report.seconds[part.name] = time.perf_counter() - began
    report.rows = table_counts()
    return ctx, report


def table_counts() -> dict[str, int]:
    counts = {m._meta.db_table: m.objects.count() for m in reversed(CRM_MODELS)}
    counts[Team._meta.db_table] = Team.objects.count()
    counts[User._meta.db_table] = User.objects.count()
    return counts


def demo_users() -> models.QuerySet[User]:
    return User.objects.filter(email__iendswith=f"@{DOMAIN}")


def existing_data() -> dict[str, int]:
    """Rows that stop the demo from running without --reset (it never mixes with real data)."""
    found = {m._meta.verbose_name_plural: m.objects.count() for m in reversed(CRM_MODELS)}
    if definition.untouched_default():
        # The shipped default installed on first use is no data of the company's.
        for model in (DefinitionVersion, RescoringRun):
            found[model._meta.verbose_name_plural] = 0
    if handoff.routing_untouched_default():
        found[RoutingRule._meta.verbose_name_plural] = 0  # the shipped existing-owner rule
    found["demo users"] = demo_users().count()
    found["demo teams"] = Team.objects.filter(name__in=[t.name for t in TEAMS]).count()
    return {name: n for name, n in found.items() if n}


@transaction.atomic
def reset() -> dict[str, int]:
    """Delete everything in the CRM tables, and the demo's own users and teams."""
    deleted: dict[str, int] = {}
    for model in CRM_MODELS:
        # Children first, so each delete has little left to cascade; the ORM still cascades
        # to tables of later capabilities that point at these.
        rows = model.objects.all()
        if model is RoutingRule:
            # The untouched rule a new installation starts with stays.
            rows = rows.exclude(pk__in=handoff.shipped_rules().values("pk"))
        deleted[str(model._meta.verbose_name_plural)] = rows.delete()[0]
    deleted["demo users"] = demo_users().delete()[0]
    teams = Team.objects.filter(name__in=[t.name for t in TEAMS], members__isnull=True)
    deleted["demo teams"] = teams.delete()[0]
    return {name: n for name, n in deleted.items() if n}
