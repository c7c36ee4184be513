"""Rows into the rule engine's facts: a contact with its account, and its touchpoints."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence

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
from smarketing.scoring.rules.compiled import EngagementMatcher

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


def rows_for_ids(sql: str, ids: Sequence[int], *, first: Sequence[object] = ()) -> list[tuple]:
    """All rows of `sql`, whose `{}` becomes a placeholder per id (after the `first`
    parameters), read with a plain cursor: Django's IN lookup prepares each of thousands of ids
    on its own."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(", ".join(["%s"] * len(ids))), [*first, *ids])
        return cursor.fetchall()


_CONTACTS_SQL = f"""
    SELECT c.id, c.email, c.title, c.seniority, c.country, c.source_channel, c.lifecycle_stage,
           c.account_id, a.employees, a.annual_revenue, a.industry, a.country
    FROM {Contact._meta.db_table} c LEFT JOIN {Account._meta.db_table} a ON a.id = c.account_id
    WHERE c.id IN ({{}})
"""


def contact_facts_many(contact_ids: Iterable[int]) -> list[ContactFacts]:
    """The fit facts of many contacts in one query (ids not found are left out), the same as
    `contact_facts` gives one by one. A plain cursor: Django's IN lookup prepares each of
    thousands of ids on its own."""
    ids = list(contact_ids)
    if not ids:
        return []
    rows = rows_for_ids(_CONTACTS_SQL, ids)
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


# A touchpoint attribute the engagement rules test, as selected from the touchpoint (t), its
# campaign (cp) and its content asset (ca).
_KEY_COLUMNS = {
    "kind": "t.kind",
    "channel": "t.channel",
    "path": "t.path",
    "form": "t.form",
    "event": "t.event",
    "high_intent": "t.high_intent",
    "campaign": "coalesce(cp.name, '')",
    "funnel_stage": "coalesce(ca.funnel_stage, '')",
}
# Characters a property name may hold for its quoted form to be found in the stored JSON text
# as is (JSON escapes none of them).
_PLAIN_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. $")

Touch = tuple[tuple[object, ...], dt.datetime]


def touchpoint_keys_by_contact(
    contact_ids: Iterable[int], *, matcher: EngagementMatcher
) -> dict[int, list[Touch]]:
    """Each contact's touchpoints as (the matcher's key, when it happened), in one query that
    selects only the columns the rules test. A full rescoring reads millions of touchpoints:
    without a facts object per touchpoint, and decoding a touchpoint's properties only when
    its JSON text names one the rules test, this is about three times quicker than
    `touchpoint_facts_by_contact`."""
    ids = list(contact_ids)
    found: dict[int, list[Touch]] = {}
    if not ids:
        return found
    attributes = matcher.attributes
    names = matcher.property_names
    selects = [_KEY_COLUMNS[a] for a in attributes]
    if names:
        selects.append("t.properties")
    joins = ""
    if "campaign" in attributes:
        joins += f" LEFT JOIN {Campaign._meta.db_table} cp ON cp.id = t.campaign_id"
    if "funnel_stage" in attributes:
        joins += f" LEFT JOIN {ContentAsset._meta.db_table} ca ON ca.id = t.content_id"
    sql = (
        f"SELECT t.contact_id, {utc_text('t.occurred_at')}, {', '.join(selects) or 'NULL'} "
        f"FROM {Touchpoint._meta.db_table} t{joins} WHERE t.contact_id IN ({{}})"
    )
    rows = rows_for_ids(sql, ids)
    parse = dt.datetime.fromisoformat
    width = len(attributes)
    needles = _property_needles(names)
    key_of = matcher.key_of
    for row in rows:
        cid = row[0]
        when = parse(row[1])
        values = row[2 : 2 + width]
        if names:
            values = key_of(values, _properties(row[-1], needles))
        hits = found.get(cid)
        if hits is None:
            found[cid] = [(values, when)]
        else:
            hits.append((values, when))
    return found


def utc_text(column: str) -> str:
    """SQL for a datetime column as UTC text with its offset, which datetime.fromisoformat
    reads as an aware datetime in a fraction of the time Django's PostgreSQL loader takes
    (SQLite stores naive UTC text already)."""
    if connection.vendor == "sqlite":
        return f"{column} || '+00:00'"
    return f"({column} AT TIME ZONE 'UTC')::text || '+00:00'"


def _property_needles(names: Sequence[str]) -> tuple[str, ...] | None:
    """The quoted names to look for in a touchpoint's JSON text before decoding it; None when
    a name could be written escaped (then every non-empty text is decoded)."""
    if not names or not all(set(name) <= _PLAIN_NAME for name in names):
        return None
    return tuple(f'"{name}"' for name in names)


def _properties(text: object, needles: tuple[str, ...] | None) -> Mapping[str, object] | None:
    """The properties the rules may test: None when there are none or the text names none of
    them (the key is then the same as for no properties)."""
    if not text or text == "{}":
        return None
    if not isinstance(text, str):  # a driver that decodes JSON itself
        return text  # type: ignore[return-value]
    if needles is not None:
        if len(needles) == 1:
            if needles[0] not in text:
                return None
        elif not any(needle in text for needle in needles):
            return None
    return json.loads(text)


def account_facts_many(account_ids: Iterable[int]) -> dict[int, AccountFacts]:
    ids = list(account_ids)
    if not ids:
        return {}
    rows = rows_for_ids(
        "SELECT id, employees, annual_revenue, industry, country "
        f"FROM {Account._meta.db_table} WHERE id IN ({{}})",
        ids,
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
