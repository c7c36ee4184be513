"""Every later lifecycle move through lifecycle.services.stage_transition, dated in the past.

The moves to MQL are the scoring engine's: the simulation found the moment each contact met the
live definition's criteria (sim/qualify.py), and the transition's by_rule names the definition
version and the criterion met, as the engine's own moves do (scoring.mql.mql_by_rule).
"""

from __future__ import annotations

from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.sim.catalogue import REASON_KINDS
from smarketing.demo.timeline import Timeline
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
        stage_transition(
            contact=ctx.contacts[t.contact],
            to_stage=t.to_stage,
            by_user=ctx.user(t.by_user),
            by_rule=t.by_rule,
            reason=ctx.reasons[t.reason] if t.reason else None,
            note=t.note,
            at=t.at,
        )
        advance(1)


def size(timeline: Timeline) -> int:
    return sum(1 for t in timeline.transitions if t.origin == "move")


PART = Part("lifecycle", "Lifecycle history", size, run)
