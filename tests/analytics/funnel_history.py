"""Build stage histories for the funnel tests by writing StageTransition rows directly.

The funnel only reads the history, so tests write it as the lifecycle service would (each move
allowed from the stage before it, dated after it, with a reason where one is needed) without
routing or scoring running on every MQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from smarketing.lifecycle.models import StageTransition, TransitionReason
from smarketing.lifecycle.stages import ALLOWED, REASON_KINDS, ReasonKind, Stage
from smarketing.people.models import Contact

T0 = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)  # a Monday
# Pinned "now" of the hand-built histories.
NOW = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


def reason_for(target: Stage, *, code: str = "") -> TransitionReason | None:
    """A seeded reason that fits a move to `target`: by "kind:code", else the first recycle or
    disqualify reason."""
    kinds = REASON_KINDS.get(target)
    if kinds is None:
        return None
    reasons = TransitionReason.objects.filter(kind__in=[k.value for k in kinds])
    if code:
        kind, _, code = code.rpartition(":")
        return reasons.filter(code=code, **({"kind": kind} if kind else {})).get()
    return reasons.exclude(kind=ReasonKind.REJECT).order_by("code").first()


def history_write(
    contact: Contact,
    moves: Sequence[tuple[Stage, dt.datetime] | tuple[Stage, dt.datetime, str]],
) -> list[StageTransition]:
    """Write the moves in order, each checked against the allowed transitions."""
    rows, current = [], None
    for move in moves:
        stage, at = move[0], move[1]
        code = move[2] if len(move) > 2 else ""  # type: ignore[misc]
        assert stage in ALLOWED[current], f"{current} → {stage} is not allowed"
        rows.append(
            StageTransition(
                contact=contact,
                account_id=contact.account_id,
                from_stage=current.value if current else "",
                to_stage=stage.value,
                at=at,
                by_rule="test history",
                reason=reason_for(stage, code=code),
            )
        )
        current = stage
    StageTransition.objects.bulk_create(rows)
    if rows:
        Contact.objects.filter(pk=contact.pk).update(
            lifecycle_stage=rows[-1].to_stage, lifecycle_stage_at=rows[-1].at
        )
    return rows


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


WINDOW = {"from": "2025-01-01", "until": "2025-07-01"}


def four_contacts(*, rep: object, marketer: object) -> dict[str, Contact]:
    """The hand-built history the report tests count by hand (docs: "Funnel" worked example).

    ann  email, campaign "Spring webinar", 5 employees, DE (her account's), Software, rep:
         subscriber → lead → MQL → SAL → SQL → opportunity → customer.
    ben  paid search, 120 employees, FR (his account's), Retail, the marketer:
         lead → MQL → recycled (rejected: no budget).
    cat  email, campaign "Spring webinar", 120 employees, US (her own; account DE), Software,
         rep: lead → MQL → SQL (skipping SAL) → disqualified (no fit).
    dan  events, no account, nobody's: subscriber in February, lead ten days later, still a lead.
    """
    from smarketing.campaigns.models import Campaign
    from tests.factories import AccountFactory, ContactFactory

    # get_or_create: a test may write the four twice to see that its query count holds.
    webinar, _ = Campaign.objects.get_or_create(name="Spring webinar")
    tiny = AccountFactory(employees=5, industry="Software", country="DE")
    shop = AccountFactory(employees=120, industry="Retail", country="FR")
    mid = AccountFactory(employees=120, industry="Software", country="DE")
    ann = ContactFactory(
        account=tiny, source_channel="email", source_campaign=webinar, owner=rep, country=""
    )
    ben = ContactFactory(account=shop, source_channel="paid_search", owner=marketer, country="")
    cat = ContactFactory(
        account=mid, source_channel="email", source_campaign=webinar, owner=rep, country="US"
    )
    dan = ContactFactory(account=None, source_channel="events", country="")
    S = Stage
    history_write(
        ann,
        [
            (S.SUBSCRIBER, T0),
            (S.LEAD, T0 + days(2)),
            (S.MQL, T0 + days(4)),
            (S.SAL, T0 + days(5)),
            (S.SQL, T0 + days(10)),
            (S.OPPORTUNITY, T0 + days(20)),
            (S.CUSTOMER, T0 + days(50)),
        ],
    )
    history_write(
        ben, [(S.LEAD, T0), (S.MQL, T0 + days(6)), (S.RECYCLED, T0 + days(8), "reject:no-budget")]
    )
    history_write(
        cat,
        [
            (S.LEAD, T0 + days(1)),
            (S.MQL, T0 + days(3)),
            (S.SQL, T0 + days(13)),
            (S.DISQUALIFIED, T0 + days(15), "disqualify:no-fit"),
        ],
    )
    history_write(dan, [(S.SUBSCRIBER, T0 + days(30)), (S.LEAD, T0 + days(40))])
    return {"ann": ann, "ben": ben, "cat": cat, "dan": dan}
