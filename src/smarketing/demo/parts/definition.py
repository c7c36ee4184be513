"""The company's qualification definition and its sign-off, through scoring.services.

The shipped default is installed at the start of the year (version 1); the marketing leader
drafts Lumen's own definition from it (version 2) and proposes it, and the marketing and sales
leaders approve it, on the dates demo/definition.py gives, so it is live for nearly the whole
year. The simulation scored every contact with exactly these versions (sim/qualify.py); the MQL
transitions the lifecycle part writes name them.
"""

from __future__ import annotations

from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.definition import COMPANY_VERSION, DEFAULT_VERSION, SignOff, company_yaml
from smarketing.demo.timeline import Timeline
from smarketing.org.models import TeamKind, User
from smarketing.scoring import rules
from smarketing.scoring.models import DefinitionApproval, DefinitionVersion, RescoringRun, Status
from smarketing.scoring.services import (
    definition_approve,
    definition_draft_create,
    definition_live,
    definition_propose,
)

STEPS = 5


def leader(ctx: Context, kind: str) -> User:
    found = next(
        (u for u in ctx.users if u.role == "leader" and u.team and u.team.kind == kind), None
    )
    if found is None:
        raise LookupError(f"the demo has no {kind} leader to sign the definition off")
    return found


def untouched_default() -> bool:
    """Only the shipped default, installed on first use and never edited or approved: not the
    company's data, so the demo may install it again, dated at the start of its year."""
    versions = list(DefinitionVersion.objects.all()[:2])
    return (
        len(versions) == 1
        and versions[0].status == Status.LIVE
        and versions[0].created_by_id is None
        and versions[0].text == rules.dump(rules.default_definition())
        and not DefinitionApproval.objects.exists()
    )


def run(ctx: Context, advance: Advance) -> None:
    when = SignOff.of(ctx.timeline.start)
    marketing, sales = leader(ctx, TeamKind.MARKETING), leader(ctx, TeamKind.SALES)
    if untouched_default():
        RescoringRun.objects.all().delete()
        DefinitionVersion.objects.all().delete()
    default = definition_live(at=when.installed)
    advance(1)
    draft = definition_draft_create(by_user=marketing, text=company_yaml(), at=when.drafted)
    advance(1)
    definition_propose(version=draft, by_user=marketing, at=when.proposed)
    advance(1)
    definition_approve(version=draft, user=marketing, at=when.approved_by_marketing)
    advance(1)
    definition_approve(version=draft, user=sales, at=when.approved_by_sales)
    advance(1)
    # The simulation named these versions in every MQL's by_rule.
    numbers = (default.number, draft.number, draft.status)
    if numbers != (DEFAULT_VERSION, COMPANY_VERSION, Status.LIVE):
        raise LookupError(
            f"the demo's definition versions came out as {numbers[:2]} ({draft.status}), "
            f"not ({DEFAULT_VERSION}, {COMPANY_VERSION}) live: the database held other "
            "definition versions; run the demo with --reset"
        )


def size(timeline: Timeline) -> int:
    return STEPS


PART = Part("definition", "Qualification definition, sign-off", size, run)
