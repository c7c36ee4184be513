"""Rows into the rule engine's facts: a contact with its account, and its touchpoints."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
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


# The contact and account columns scoring reads, for loading many contacts without models.
_CONTACT_COLUMNS = (
    "id",
    "email",
    "title",
    "seniority",
    "country",
    "source_channel",
    "lifecycle_stage",
    "account_id",
    "account__employees",
    "account__annual_revenue",
    "account__industry",
    "account__country",
)


def contact_facts_many(contact_ids: Iterable[int]) -> list[ContactFacts]:
    """The fit facts of many contacts in one query (ids not found are left out), the same as
    `contact_facts` gives one by one."""
    rows = Contact.objects.filter(pk__in=list(contact_ids)).values_list(*_CONTACT_COLUMNS)
    found = []
    for cid, email, title, seniority, country, source, stage, aid, emp, rev, ind, acountry in rows:
        domain = email_domain(email)
        account = None
        if aid is not None:
            account = AccountFacts(
                account_id=aid,
                employees=emp,
                annual_revenue=float(rev) if rev is not None else None,
                industry=ind,
                country=acountry,
            )
        found.append(
            ContactFacts(
                contact_id=cid,
                email_domain=domain,
                is_freemail=bool(domain) and is_freemail(domain),
                title=title,
                seniority=seniority,
                country=country,
                source_channel=source,
                lifecycle_stage=stage,
                account=account,
            )
        )
    return found


_SQL = f"""
    SELECT t.contact_id, t.occurred_at, t.kind, t.channel, t.path, t.form, t.high_intent,
           t.event, t.properties, coalesce(cp.name, ''), coalesce(ca.funnel_stage, '')
    FROM {Touchpoint._meta.db_table} t
    LEFT JOIN {Campaign._meta.db_table} cp ON cp.id = t.campaign_id
    LEFT JOIN {ContentAsset._meta.db_table} ca ON ca.id = t.content_id
    WHERE t.contact_id IN ({{}})
"""
_EMPTY: dict = {}


def touchpoint_facts_by_contact(contact_ids: Iterable[int]) -> dict[int, list[TouchpointFacts]]:
    """Each contact's touchpoints as facts, in one query for all of them: a plain cursor, as
    Django's converters (a JSON decode per touchpoint, most of them "{}") cost more than the
    query."""
    ids = list(contact_ids)
    found: dict[int, list[TouchpointFacts]] = {}
    if not ids:
        return found
    sqlite = connection.vendor == "sqlite"
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(marks), ids)
        rows = cursor.fetchall()
    utc = dt.UTC
    parse = dt.datetime.fromisoformat
    for cid, at, kind, channel, path, form, high, event, props, campaign, stage in rows:
        if sqlite:  # Django's sqlite3 converters give naive UTC datetimes (text on older set-ups)
            at = (parse(at) if isinstance(at, str) else at).replace(tzinfo=utc)
            high = bool(high)
        if isinstance(props, str):  # Django reads jsonb as text and decodes it itself
            props = _EMPTY if props == "{}" else json.loads(props)
        facts = TouchpointFacts(
            occurred_at=at,
            kind=kind,
            channel=channel,
            path=path,
            form=form,
            high_intent=high,
            event=event,
            properties=props or _EMPTY,
            campaign=campaign,
            funnel_stage=stage,
        )
        hits = found.get(cid)
        if hits is None:
            found[cid] = [facts]
        else:
            hits.append(facts)
    return found


def account_facts_many(account_ids: Iterable[int]) -> dict[int, AccountFacts]:
    rows = Account.objects.filter(pk__in=list(account_ids)).values_list(
        "id", "employees", "annual_revenue", "industry", "country"
    )
    return {
        aid: AccountFacts(
            account_id=aid,
            employees=emp,
            annual_revenue=float(rev) if rev is not None else None,
            industry=ind,
            country=country,
        )
        for aid, emp, rev, ind, country in rows
    }
