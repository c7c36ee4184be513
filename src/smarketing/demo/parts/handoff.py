"""The handoff set up at the start of the year: the SLA both leaders sign, the teams' public
holidays, and the routing rules, through the sla and routing services.

The marketing leader drafts Lumen's SLA and proposes it, and both leaders approve it, dated on
the installation day before the first lead becomes an MQL (sla_sign_off), so every MQL of the
year is measured against it. Routing keeps the account's owner first: the simulation gave every
account an owner of the sales team of its territory (sim/company.py), so each MQL goes to that
owner, and the Assignment the routing hook writes names the rule ("account owner"). The
territory and round-robin rules behind it take any lead whose account has nobody in sales.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.parts.definition import leader
from smarketing.demo.sim.catalogue import EMEA
from smarketing.demo.timeline import Timeline
from smarketing.handoff.routing import config as routing
from smarketing.handoff.routing.models import Region, RoutingRule, RuleKind
from smarketing.handoff.sla import services as sla
from smarketing.handoff.sla.models import Status
from smarketing.org.models import Team, TeamKind, User

# Whose public holidays each demo team's clocks skip (by team name, see sim/catalogue.TEAMS).
HOLIDAYS = {"Marketing": "US-NY", "Sales Americas": "US-IL", "Sales EMEA": "DE-BE"}
# The sign-off is done within this long after the installation, or before the first MQL.
SIGN_OFF_WITHIN = dt.timedelta(hours=3)
STEPS = 4 + len(HOLIDAYS) + 5  # sign-off, holidays, region + three rules + fallback

SLA_TEMPLATE = """\
sales:
  accept_within_hours: 4
  first_touch_within_hours: 8
  due_soon_hours: 1
  escalate_after_hours: 4
  cadence:
    within_days: 10
    steps:
      - {{day: 1, actions: [call, email]}}
      - {{day: 3, actions: [call]}}
      - {{day: 7, actions: [email]}}
      - {{day: 10, actions: [call]}}
  recycle:
    reason: no-response
    within_hours: 8
marketing:
  mqls_per_month: {mqls_per_month}
  content_per_month: {content_per_month}
  min_acceptance_rate: 0.6
"""


@dataclass(frozen=True)
class SlaSignOff:
    drafted: dt.datetime
    proposed: dt.datetime
    approved_by_marketing: dt.datetime
    approved_by_sales: dt.datetime

    @classmethod
    def of(cls, timeline: Timeline) -> SlaSignOff:
        """Evenly spread over the first hours after the installation, and done before the
        first MQL of the year (at the installation itself if a lead qualified right then)."""
        first_mql = min((t.at for t in timeline.transitions if t.to_stage == "mql"), default=None)
        span = SIGN_OFF_WITHIN
        if first_mql is not None:
            span = max(dt.timedelta(0), min(span, first_mql - timeline.start))
        start = timeline.start
        return cls(start + span / 4, start + span / 2, start + span * 3 / 4, start + span)


def sla_text(timeline: Timeline) -> str:
    """Lumen's SLA. Marketing promises 90% of the MQLs a month the plan (the simulated year)
    brings, rounded down to a multiple of 5 (at least 1), and about one content item a month
    per piece the year publishes."""
    mqls = sum(1 for t in timeline.transitions if t.to_stage == "mql")
    promised = max(1, int(mqls / 12 * 0.9) // 5 * 5)
    content = max(1, round(len(timeline.assets) / 12))
    return SLA_TEMPLATE.format(mqls_per_month=promised, content_per_month=content)


def _team(ctx: Context, name: str) -> Team:
    found = next((t for t in ctx.teams if t.name == name), None)
    if found is None:
        raise LookupError(f"the demo has no team named {name!r} to set the handoff up for")
    return found


def run(ctx: Context, advance: Advance) -> None:
    tl = ctx.timeline
    marketing, sales = leader(ctx, TeamKind.MARKETING), leader(ctx, TeamKind.SALES)
    admin = next((u for u in ctx.users if u.role == "admin"), None)
    when = SlaSignOff.of(tl)
    draft = sla.policy_draft_create(by_user=marketing, text=sla_text(tl), at=when.drafted)
    advance(1)
    sla.policy_propose(version=draft, by_user=marketing, at=when.proposed)
    advance(1)
    sla.policy_approve(version=draft, user=marketing, at=when.approved_by_marketing)
    advance(1)
    sla.policy_approve(version=draft, user=sales, at=when.approved_by_sales)
    advance(1)
    if draft.status != Status.LIVE:
        raise LookupError(
            f"the demo's SLA policy v{draft.number} is {draft.status}, not live, after both "
            "leaders approved it; run the demo with --reset"
        )
    for name, country in HOLIDAYS.items():
        sla.team_calendar_set(team=_team(ctx, name), holiday_country=country, by_user=admin)
        advance(1)
    _routing_set_up(ctx, admin=admin, sales_leader=sales, at=when.approved_by_sales)
    advance(5)


def shipped_rules() -> QuerySet[RoutingRule]:
    """The existing-owner rule a new installation starts with (routing migration 0002), as long
    as nobody edited it: no data of the company's, and kept by --reset."""
    return RoutingRule.objects.filter(kind=RuleKind.OWNER, updated_by__isnull=True)


def routing_untouched_default() -> bool:
    """Whether the routing rules are only the shipped one, as a new installation has them."""
    rules = list(RoutingRule.objects.all()[:2])
    return (
        len(rules) == 1
        and shipped_rules().filter(pk=rules[0].pk).exists()
        and not Region.objects.exists()
    )


def _routing_set_up(
    ctx: Context, *, admin: User | None, sales_leader: User, at: dt.datetime
) -> None:
    """Set up with the SLA, dated then, so the Routing page shows the rules as of that day."""
    emea_team, americas_team = _team(ctx, "Sales EMEA"), _team(ctx, "Sales Americas")
    region = routing.region_create(name="EMEA", countries=sorted(EMEA))
    # A new installation already routes to the existing owner first; else the demo says so.
    if not RoutingRule.objects.filter(kind=RuleKind.OWNER).exists():
        routing.rule_create(by_user=admin, at=at, name="Existing owner", kind="owner", position=1)
    routing.rule_create(
        by_user=admin, at=at, name="EMEA", kind="territory", region=region, team=emea_team
    )
    # Everything else is the Americas team's, in turns.
    routing.rule_create(
        by_user=admin, at=at, name="Sales Americas", kind="round_robin", team=americas_team
    )
    routing.settings_update(fallback_user=sales_leader)


def size(timeline: Timeline) -> int:
    return STEPS


PART = Part("handoff", "SLA policy, holidays, routing rules", size, run)
