"""Every later lifecycle move through lifecycle.services.stage_transition, dated in the past.

The moves to MQL are the scoring engine's: the simulation found the moment each contact met the
live definition's criteria (sim/qualify.py), and the transition's by_rule names the definition
version and the criterion met, as the engine's own moves do (scoring.mql.mql_by_rule). Each
move to MQL is routed by the rules the handoff part set up (the hook in stage_transition), which
keep the account owner the simulation chose.

Sales' decisions on the leads it was handed (accept, reject, disqualify, recycle) go through
handoff.decisions, as the rep's buttons on the handoff card do: each writes its move and its
LeadFeedback, with the reason, and some with a 1-5 rating and a comment (sim/feedback.py).
"""

from __future__ import annotations

from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.sim.catalogue import REASON_KINDS
from smarketing.demo.sim.feedback import decision_kind, feedback_draw
from smarketing.demo.timeline import SimTransition, Timeline
from smarketing.handoff import decisions
from smarketing.lifecycle.models import TransitionReason
from smarketing.lifecycle.services import stage_transition


def load_reasons(ctx: Context) -> None:
    """The reasons the demo gives, each by its code and kind from the default reason list."""
    rows = TransitionReason.objects.filter(code__in=REASON_KINDS, active=True)
    found = {r.code: r for r in rows if r.kind == REASON_KINDS[r.code]}
    missing = sorted(set(REASON_KINDS) - set(found))
    if missing:
        listing = ", ".join(f"{code} ({REASON_KINDS[code]})" for code in missing)
        raise LookupError(
            f"the demo needs these active transition reasons: {listing}; a new installation "
            "has them, restore them in the admin"
        )
    ctx.reasons = found


def run(ctx: Context, advance: Advance) -> None:
    load_reasons(ctx)
    for t in ctx.timeline.transitions:
        if t.origin != "move":
            continue
        contact = ctx.contacts[t.contact]
        kind = decision_kind(t, from_stage=contact.lifecycle_stage)
        if kind is not None:
            decide(ctx, t, kind)
            advance(1)
            continue
        stage_transition(
            contact=contact,
            to_stage=t.to_stage,
            by_user=ctx.user(t.by_user),
            by_rule=t.by_rule,
            reason=ctx.reasons[t.reason] if t.reason else None,
            note=t.note,
            at=t.at,
        )
        advance(1)


def decide(ctx: Context, t: SimTransition, kind: str) -> None:
    """The rep's decision on the lead, with its feedback, through handoff.decisions."""
    fb = feedback_draw(ctx.timeline, t, kind=kind)
    contact, user = ctx.contacts[t.contact], ctx.user(t.by_user)
    if kind == "accept":
        decisions.lead_accept(
            contact=contact, user=user, rating=fb.rating, comment=fb.comment, at=t.at
        )
        return
    service = {
        "reject": decisions.lead_reject,
        "disqualify": decisions.lead_disqualify,
        "recycle": decisions.lead_recycle,
    }[kind]
    service(contact=contact, user=user, reason=ctx.reasons[t.reason], comment=fb.comment, at=t.at)
    if fb.rating is not None:
        decisions.lead_rate(contact=contact, user=user, rating=fb.rating, at=t.at)


def size(timeline: Timeline) -> int:
    return sum(1 for t in timeline.transitions if t.origin == "move")


PART = Part("lifecycle", "Lifecycle history", size, run)
