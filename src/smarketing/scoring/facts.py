"""Rows into the rule engine's facts: a contact with its account, and its touchpoints."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from django.db import connection, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce

from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
from smarketing.events.models import Touchpoint
from smarketing.events.processing.freemail import is_freemail
from smarketing.people.models import Account, Contact
from smarketing.people.normalize import email_domain
from smarketing.scoring.rules import AccountFacts, ContactFacts, TouchpointFacts
from smarketing.scoring.rules.columns import TouchColumns
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
    """All rows of `sql`, whose `IN ({})` is given the ids (after the `first` parameters), read
    with a plain cursor: Django's IN lookup prepares each of thousands of ids on its own.

    SQLite gets a placeholder per id. PostgreSQL gets `= ANY` of one array, written as text
    here: psycopg quotes thousands of parameters one by one in Python, and the server parses
    them, which cost more than the query."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            array = "{" + ",".join([str(int(i)) for i in ids]) + "}"
            # format() with nothing left to fill: only undoubles the braces, as on SQLite.
            sql = sql.replace("IN ({})", "= ANY(%s::bigint[])").format()
            cursor.execute(sql, [*first, array])
        else:
            cursor.execute(sql.format(", ".join(["%s"] * len(ids))), [*first, *ids])
        return cursor.fetchall()


_CONTACTS_SQL = f"""
    SELECT id, email, title, seniority, country, source_channel, lifecycle_stage, account_id
    FROM {Contact._meta.db_table} WHERE id IN ({{}})
"""


def contact_facts_many(contact_ids: Iterable[int]) -> list[ContactFacts]:
    """The fit facts of many contacts (ids not found are left out), the same as
    `contact_facts` gives one by one: the contacts in one query, then their accounts in one
    (joined in the database, PostgreSQL hashed every account for a few hundred contacts). A
    plain cursor: Django's IN lookup prepares each of thousands of ids on its own."""
    ids = list(contact_ids)
    if not ids:
        return []
    rows = rows_for_ids(_CONTACTS_SQL, ids)
    accounts = account_facts_many(sorted({row[-1] for row in rows if row[-1] is not None}))
    found = []
    for cid, email, title, seniority, country, source, stage, aid in rows:
        domain = email_domain(email)
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
                account=accounts.get(aid),
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
    rows = rows_for_ids(_SQL, ids)
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


# A touchpoint attribute the engagement rules test, as read from the touchpoint: a campaign
# and a content asset by id, resolved to the campaign's name and the content's funnel stage once
# per distinct shape (cheaper than joining both tables for every touchpoint).
_SHAPE_COLUMNS = {
    "kind": "t.kind",
    "channel": "t.channel",
    "path": "t.path",
    "form": "t.form",
    "event": "t.event",
    "high_intent": "t.high_intent",
    "campaign": "t.campaign_id",
    "funnel_stage": "t.content_id",
}
# Characters a property name may hold for its quoted form to be found in the stored JSON text
# as is (JSON escapes none of them), and to be written in SQL as it is.
_PLAIN_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. $")


def touchpoint_columns(contact_ids: Iterable[int], *, matcher: EngagementMatcher) -> TouchColumns:
    """The contacts' touchpoints as columns for `Scorer.score_columns`, read in one query that
    groups them by shape (the values the rules test) and gives, per shape, its touchpoints as
    one text ("contact|time,contact|time,..."). The rules a shape matches are found once per
    shape, and the texts are parsed by numpy: a row per touchpoint, a dozen Python objects
    each, cost more than the query, and a third more than this in all. The
    database returns a touchpoint's properties only when their JSON text names one the rules
    test, and only those are decoded."""
    ids = list(contact_ids)
    attributes = matcher.attributes
    names = matcher.property_names
    selects = [_SHAPE_COLUMNS[a] for a in attributes]
    if names:
        selects.append(_properties_sql(names))
    rows = []
    if ids:
        grouped = f" GROUP BY {', '.join(map(str, range(1, len(selects) + 1)))}" if selects else ""
        sql = (
            f"SELECT {''.join(f'{c}, ' for c in selects)}{_touches_aggregated()} "
            f"FROM {Touchpoint._meta.db_table} t WHERE t.contact_id IN ({{}}){grouped}"
        )
        rows = [row for row in _shapes_read(sql, ids) if row[-1]]
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return TouchColumns(contact=empty, at_us=empty, shape=empty.astype(np.intp), matched=[])
    width = len(selects)
    parts = ",".join([row[-1] for row in rows]).replace("|", ",").split(",")
    counts = np.fromiter((row[-1].count(",") + 1 for row in rows), np.intp, len(rows))
    return TouchColumns(
        contact=np.array(parts[0::2], dtype=np.int64),
        at_us=_times_us(parts[1::2]),
        shape=np.repeat(np.arange(len(rows), dtype=np.intp), counts),
        matched=_shapes_matched([row[:width] for row in rows], matcher),
    )


def _shapes_read(sql: str, ids: list[int]) -> list[tuple]:
    """The grouped read. PostgreSQL estimates about as many shapes as touchpoints (the
    properties' test is an expression it has no statistics for, and it multiplies the columns'
    distinct values), so it sorts every touchpoint by the shape's columns, text included, to
    group them: half the query's time, where hashing them takes a few milliseconds for the few
    hundred shapes there are. Sorting is turned off for this query alone (a local setting, put
    back as it was after it, in a transaction of its own unless inside one), so it hashes."""
    if connection.vendor != "postgresql":
        return rows_for_ids(sql, ids)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(_SORT_OFF)
        before = cursor.fetchone()[0]
        rows = rows_for_ids(sql, ids)
        cursor.execute("SELECT set_config('enable_sort', %s, true)", [before])
    return rows


# The setting as it was, read before it is changed (OFFSET 0 keeps the subquery apart).
_SORT_OFF = (
    "SELECT was, set_config('enable_sort', 'off', true) "
    "FROM (SELECT current_setting('enable_sort') AS was OFFSET 0) AS s"
)


def _touches_aggregated() -> str:
    """SQL aggregating a group's touchpoints into one text: 'contact id|time' for each,
    separated by commas. SQLite's time is its stored text (naive UTC, read by `_times_us`),
    PostgreSQL's whole microseconds since the epoch."""
    if connection.vendor == "sqlite":
        return "group_concat(t.contact_id || '|' || t.occurred_at)"
    microseconds = "(extract(epoch FROM t.occurred_at) * 1000000)::bigint"
    return f"string_agg(t.contact_id::text || '|' || {microseconds}::text, ',')"


def _times_us(times: list[str]) -> np.ndarray:
    """Microseconds since the epoch: of whole numbers as text (PostgreSQL), or of SQLite's
    stored 'YYYY-MM-DD HH:MM:SS[.ffffff]' (naive UTC), which numpy parses exactly."""
    if connection.vendor == "sqlite":
        return np.array(times, dtype="datetime64[us]").astype(np.int64)
    return np.array(times, dtype=np.int64)


def _properties_sql(names: Sequence[str]) -> str:
    """The properties' JSON text when it has one of `names` (or may: SQLite's test finds the
    quoted name anywhere in the text, and a name JSON could write escaped), else NULL.
    PostgreSQL tests the jsonb's top-level keys (`?|`): turning every touchpoint's properties
    into text to search it was a sixth of the touchpoints' read."""
    plain = all(set(name) <= _PLAIN_NAME for name in names)
    if connection.vendor == "postgresql":
        keys = ", ".join(f"'{name}'" for name in names)
        found = f"t.properties ?| ARRAY[{keys}]" if plain else "t.properties <> '{{}}'"
        return f"CASE WHEN {found} THEN t.properties::text END"
    if not plain:
        return "CASE WHEN t.properties <> '{{}}' THEN t.properties END"  # braces for format()
    found = " OR ".join(f"""instr(t.properties, '"{name}"') > 0""" for name in names)
    return f"CASE WHEN {found} THEN t.properties END"


def _shapes_matched(
    shapes: list[tuple[object, ...]], matcher: EngagementMatcher
) -> list[tuple[int, ...]]:
    """The rules each shape matches: its campaign id and content id first made the campaign's
    name and the content's funnel stage ("" without one), its properties' text decoded, as the
    rules test them."""
    attributes = matcher.attributes
    width = len(attributes)
    resolve = []
    for attribute, table, column in (
        ("campaign", Campaign, "name"),
        ("funnel_stage", ContentAsset, "funnel_stage"),
    ):
        if attribute in attributes:
            at = attributes.index(attribute)
            wanted = sorted({s[at] for s in shapes if s[at] is not None})
            sql = f"SELECT id, {column} FROM {table._meta.db_table} WHERE id IN ({{}})"
            resolve.append((at, dict(rows_for_ids(sql, wanted)) if wanted else {}))
    matched = []
    for shape in shapes:
        values = shape[:width]
        if resolve:
            changed = list(values)
            for at, found in resolve:
                changed[at] = found.get(changed[at], "") or ""
            values = tuple(changed)
        if matcher.property_names:
            values = matcher.key_of(values, _properties(shape[width]))
        matched.append(matcher.matched_key(values))
    return matched


def utc_text(column: str) -> str:
    """SQL for a datetime column as UTC text with its offset, which datetime.fromisoformat
    reads as an aware datetime in a fraction of the time Django's PostgreSQL loader takes
    (SQLite stores naive UTC text already)."""
    if connection.vendor == "sqlite":
        return f"{column} || '+00:00'"
    return f"({column} AT TIME ZONE 'UTC')::text || '+00:00'"


def _properties(text: object) -> Mapping[str, object] | None:
    """The decoded properties, None for none."""
    if not text or text == "{}":
        return None
    if not isinstance(text, str):  # a driver that decodes JSON itself
        return text  # type: ignore[return-value]
    properties = json.loads(text)
    return properties if isinstance(properties, dict) else None


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
