"""Campaigns, content, accounts and contacts, through the people, campaigns and content services.

Each contact is created with its first lifecycle stage, as a form fill or an import would.
"""

from __future__ import annotations

from decimal import Decimal

from smarketing.campaigns.services import campaign_create
from smarketing.content.services import asset_create
from smarketing.demo.context import Advance, Context, Part
from smarketing.demo.timeline import SimTransition, Timeline
from smarketing.org.models import Role
from smarketing.people.services import account_create, contact_create


def run(ctx: Context, advance: Advance) -> None:
    tl = ctx.timeline
    # The marketers take the campaigns in turn; they hear of the leads sales sends back.
    marketers = [u for u in ctx.users if u.role == Role.MARKETING]
    for i, c in enumerate(tl.campaigns):
        ctx.campaigns.append(
            campaign_create(
                name=c.name,
                channel=c.channel,
                utm_campaign=c.utm_campaign,
                start_date=c.start_date,
                end_date=c.end_date,
                cost=Decimal(c.cost),
                owner=marketers[i % len(marketers)] if marketers else None,
                created_at=c.created_at,
            )
        )
        advance(1)
    for a in tl.assets:
        ctx.assets.append(
            asset_create(
                title=a.title,
                asset_type=a.asset_type,
                funnel_stage=a.funnel_stage,
                url=a.url,
                created_at=a.created_at,
            )
        )
        advance(1)
    for acc in tl.accounts:
        ctx.accounts.append(
            account_create(
                name=acc.name,
                domain=acc.domain,
                employees=acc.employees,
                annual_revenue=Decimal(acc.annual_revenue),
                industry=acc.industry,
                country=acc.country,
                owner=ctx.users[acc.owner],
                created_at=acc.created_at,
            )
        )
        advance(1)
    first = first_moves(tl)
    for i, c in enumerate(tl.contacts):
        move = first[i]
        ctx.contacts.append(
            contact_create(
                stage=move.to_stage,
                by_user=ctx.user(move.by_user),
                by_rule=move.by_rule,
                stage_at=move.at,
                email=c.email,
                first_name=c.first_name,
                last_name=c.last_name,
                title=c.title,
                seniority=c.seniority,
                phone=c.phone,
                country=c.country,
                account=ctx.accounts[c.account],
                owner=ctx.users[c.owner],
                source_channel=c.source_channel,
                source_campaign=(
                    ctx.campaigns[c.source_campaign] if c.source_campaign is not None else None
                ),
                created_at=c.created_at,
            )
        )
        advance(1)


def first_moves(timeline: Timeline) -> dict[int, SimTransition]:
    """Each contact's first stage, which is written with the contact itself."""
    return {t.contact: t for t in timeline.transitions if t.origin == "create"}


def size(timeline: Timeline) -> int:
    return (
        len(timeline.campaigns)
        + len(timeline.assets)
        + len(timeline.accounts)
        + len(timeline.contacts)
    )


PART = Part("crm", "Campaigns, content, accounts, contacts", size, run)
