"""Lifecycle stages and which moves between them are allowed. Plain Python, no Django."""

from __future__ import annotations

import enum


class Stage(enum.StrEnum):
    SUBSCRIBER = "subscriber"
    LEAD = "lead"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"
    RECYCLED = "recycled"
    DISQUALIFIED = "disqualified"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Stage.SUBSCRIBER: "Subscriber",
    Stage.LEAD: "Lead",
    Stage.MQL: "MQL",
    Stage.SAL: "SAL",
    Stage.SQL: "SQL",
    Stage.OPPORTUNITY: "Opportunity",
    Stage.CUSTOMER: "Customer",
    Stage.RECYCLED: "Recycled",
    Stage.DISQUALIFIED: "Disqualified",
}

# The shape Django's `choices=` takes.
STAGE_CHOICES: list[tuple[str, str]] = [(s.value, LABELS[s]) for s in Stage]

# The funnel in order; a contact moves forward along it, skipping stages when sales sources a lead.
FUNNEL: tuple[Stage, ...] = (
    Stage.SUBSCRIBER,
    Stage.LEAD,
    Stage.MQL,
    Stage.SAL,
    Stage.SQL,
    Stage.OPPORTUNITY,
    Stage.CUSTOMER,
)


class ReasonKind(enum.StrEnum):
    RECYCLE = "recycle"  # back to marketing's nurture: not ready yet
    DISQUALIFY = "disqualify"  # never a fit
    REJECT = "reject"  # sales sends an MQL back: not a qualified lead


def _allowed() -> dict[Stage | None, frozenset[Stage]]:
    allowed: dict[Stage | None, frozenset[Stage]] = {None: frozenset(FUNNEL)}
    for i, stage in enumerate(FUNNEL[:-1]):
        exits = {*FUNNEL[i + 1 :], Stage.DISQUALIFIED}
        if stage != Stage.SUBSCRIBER:
            exits.add(Stage.RECYCLED)
        allowed[stage] = frozenset(exits)
    allowed[Stage.CUSTOMER] = frozenset()
    # A recycled lead re-enters the funnel when it shows interest again or sales re-engages it.
    allowed[Stage.RECYCLED] = frozenset(
        {
            Stage.LEAD,
            Stage.MQL,
            Stage.SAL,
            Stage.SQL,
            Stage.OPPORTUNITY,
            Stage.CUSTOMER,
            Stage.DISQUALIFIED,
        }
    )
    allowed[Stage.DISQUALIFIED] = frozenset({Stage.LEAD, Stage.OPPORTUNITY, Stage.CUSTOMER})
    return allowed


ALLOWED: dict[Stage | None, frozenset[Stage]] = _allowed()

# Stages a contact can only be sent to with a reason, and which kinds of reason fit.
REASON_KINDS: dict[Stage, frozenset[ReasonKind]] = {
    Stage.RECYCLED: frozenset({ReasonKind.RECYCLE, ReasonKind.REJECT}),
    Stage.DISQUALIFIED: frozenset({ReasonKind.DISQUALIFY, ReasonKind.REJECT}),
}

# Only a lead that sales has received can be rejected.
REJECTABLE_FROM = frozenset({Stage.MQL, Stage.SAL})


def transition_error(
    current: Stage | None, target: Stage, reason_kind: ReasonKind | None
) -> tuple[str, str] | None:
    """(field, why) when moving from `current` to `target` with such a reason is not allowed."""
    if current == target:
        return "to_stage", f"the contact is already at stage {target.label}"
    if target not in ALLOWED[current]:
        where = current.label if current else "no stage"
        return "to_stage", f"moving from {where} to {target.label} is not allowed"
    needed = REASON_KINDS.get(target)
    if needed is None:
        return None
    if reason_kind is None:
        kinds = " or ".join(sorted(needed))
        return "reason", f"moving to {target.label} needs a reason (a {kinds} reason)"
    if reason_kind not in needed:
        return "reason", f"a {reason_kind} reason does not fit a move to {target.label}"
    if reason_kind == ReasonKind.REJECT and current not in REJECTABLE_FROM:
        return "reason", "only an MQL or SAL can be rejected"
    return None


def funnel_index(stage: Stage) -> int | None:
    """Position in the funnel, None for recycled and disqualified."""
    return FUNNEL.index(stage) if stage in FUNNEL else None
