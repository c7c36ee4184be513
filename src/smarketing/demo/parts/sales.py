"""Deals and sales activities through the deals and handoff services.

Deals are opened, worked, then closed with deal_close: winning makes the account's contacts
customers through the same rule a real installation uses, at the simulated close.
"""

from __future__ import annotations

from decimal import Decimal

from smarketing.deals.services import deal_close, deal_create
from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.timeline import SimActivity, Timeline
from smarketing.handoff.services import activity_create

CLOSED = frozenset({"won", "lost"})


# Every how many of a rep's emails carries a link to marketing's content: on a deal, a
# bottom-of-funnel piece; before one, a middle-of-funnel piece every third email. Chosen by the
# activity's position, so the simulation's random draws stay as they are.
CONTENT_EVERY = 3


def _shared_content(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {"bofu": [], "mofu": []}
    for asset in ctx.assets:
        if asset.url and asset.funnel_stage in out:
            out[asset.funnel_stage].append((asset.title, asset.url))
    return out


def _email_body(a: SimActivity, i: int, shared: dict[str, list[tuple[str, str]]]) -> str:
    if a.kind != "email":
        return ""
    pieces = shared["bofu"] if a.deal is not None else shared["mofu"]
    if not pieces or (a.deal is None and i % CONTENT_EVERY):
        return ""
    title, url = pieces[i % len(pieces)]
    return f"As promised, here is our {title}: {url}"


def run(ctx: Context, advance: Advance) -> None:
    tl = ctx.timeline
    for d in tl.deals:
        ctx.deals.append(
            deal_create(
                name=d.name,
                account=ctx.accounts[d.account],
                primary_contact=ctx.contacts[d.primary_contact],
                owner=ctx.users[d.owner],
                amount=Decimal(d.amount),
                # A closed deal is opened at its first stage and closed below.
                stage="discovery" if d.stage in CLOSED else d.stage,
                close_date=d.expected_close.date(),
                created_at=d.created_at,
            )
        )
        advance(1)
    shared = _shared_content(ctx)
    for i, a in enumerate(tl.activities):
        activity_create(
            kind=a.kind,
            contact=ctx.contacts[a.contact],
            deal=ctx.deals[a.deal] if a.deal is not None else None,
            user=ctx.users[a.user],
            occurred_at=a.at,
            subject=a.subject,
            body=_email_body(a, i, shared),
            outcome=a.outcome,
        )
        advance(1)
    closing = sorted(
        (d.closed_at, k) for k, d in enumerate(tl.deals) if d.stage in CLOSED and d.closed_at
    )
    for closed_at, k in closing:
        d = tl.deals[k]
        deal_close(
            deal=ctx.deals[k],
            won=d.stage == "won",
            at=closed_at,
            loss_reason=d.loss_reason,
            by_user=ctx.users[d.owner],
        )
        advance(1)


def size(timeline: Timeline) -> int:
    closed = sum(1 for d in timeline.deals if d.stage in CLOSED)
    return len(timeline.deals) + len(timeline.activities) + closed


PART = Part("sales", "Deals and sales activities", size, run)
