"""Rows into the rule engine's facts: a contact with its account, and its touchpoints."""

from __future__ import annotations

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from smarketing.events.models import Touchpoint
from smarketing.events.processing.freemail import is_freemail
from smarketing.people.models import Account, Contact
from smarketing.people.normalize import email_domain
from smarketing.scoring.rules import AccountFacts, ContactFacts, TouchpointFacts

_TOUCHPOINT_FIELDS = ("occurred_at", "kind", "channel", "path", "form", "high_intent", "event")


def account_facts(account: Account) -> AccountFacts:
    revenue = account.annual_revenue
    return AccountFacts(
        account_id=account.pk,
        employees=account.employees,
        # Decimal in the database; the engine compares plain numbers.
        annual_revenue=float(revenue) if revenue is not None else None,
        industry=account.industry,
        country=account.country,
    )


def contact_facts(contact: Contact) -> ContactFacts:
    """The contact's fit facts; its account is read through `contact.account`, so select it
    with the contact to save a query."""
    domain = email_domain(contact.email)
    return ContactFacts(
        contact_id=contact.pk,
        email_domain=domain,
        is_freemail=bool(domain) and is_freemail(domain),
        title=contact.title,
        seniority=contact.seniority,
        country=contact.country,
        source_channel=contact.source_channel,
        lifecycle_stage=contact.lifecycle_stage,
        account=account_facts(contact.account) if contact.account_id is not None else None,
    )


def touchpoint_facts(touchpoints: QuerySet[Touchpoint]) -> list[TouchpointFacts]:
    """The touchpoints' facts in one query, with their campaign's name and their content's
    funnel stage joined in ("" without one)."""
    rows = touchpoints.values(
        *_TOUCHPOINT_FIELDS,
        "properties",
        campaign_name=Coalesce(F("campaign__name"), Value("")),
        stage=Coalesce(F("content__funnel_stage"), Value("")),
    ).order_by()
    return [
        TouchpointFacts(
            **{name: row[name] for name in _TOUCHPOINT_FIELDS},
            properties=row["properties"] or {},
            campaign=row["campaign_name"],
            funnel_stage=row["stage"],
        )
        for row in rows
    ]
