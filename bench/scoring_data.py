"""The company bench/scoring.py scores: accounts, contacts, their identities and touchpoints
(each with the raw event it came from), written straight into the tables with the fastest bulk
method (PostgreSQL COPY, SQLite executemany in a transaction), a chunk of contacts at a time.
Runs inside the benchmark's Django process; deterministic for a seed.

The shape: about 82% of contacts work at an account (account sizes log-normal, median ~4,
a few hundred at the largest), the rest have free-mail addresses and no account; touchpoints
per contact are log-normal too (mean ~8, median ~5, a long tail into the hundreds, some contacts
with none), spread over the contact's life and denser lately. Raw events carry a minimal payload
(scoring never reads them; a touchpoint needs its raw event).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scoring_definition import FORMS, OTHER_EVENTS, PAGES

SITE = "https://www.acmeflow.example"
CHUNK_CONTACTS = 20_000
BUSINESS_SHARE = 0.82
ACCOUNT_SIZE = (1.2, 1.1)  # log-normal mu, sigma of contacts per account
ACCOUNT_SIZE_MAX = 3_000
TOUCHPOINTS = (1.55, 1.05)  # log-normal mu, sigma of touchpoints per contact (mean ~8)
TOUCHPOINTS_MAX = 400
HISTORY_DAYS = 730

INDUSTRIES = (
    "software",
    "financial services",
    "manufacturing",
    "retail",
    "healthcare",
    "education",
    "media",
    "logistics",
    "consulting",
    "public sector",
)
COUNTRIES = ("DE", "US", "GB", "FR", "NL", "AT", "CH", "CA", "ES", "IT", "SE", "PL", "IN", "BR")
FIRST = ("Lena", "Tomas", "Aisha", "Kenji", "Marta", "Oliver", "Priya", "Samuel", "Ines", "Noah")
LAST = ("Schmidt", "Okafor", "Haddad", "Tanaka", "Kowalska", "Brown", "Iyer", "Costa", "Nilsen")
FREEMAIL = ("gmail.com", "outlook.com", "yahoo.com", "web.de", "gmx.net")
TITLES = (  # title, seniority
    ("Marketing Manager", "manager"),
    ("Head of Marketing", "director"),
    ("VP Sales", "vp"),
    ("Chief Revenue Officer", "cxo"),
    ("CEO", "cxo"),
    ("Demand Generation Manager", "manager"),
    ("Sales Development Representative", "entry"),
    ("Account Executive", "senior"),
    ("RevOps Lead", "senior"),
    ("Software Engineer", "senior"),
    ("Working Student Marketing", "entry"),
    ("Product Marketing Director", "director"),
    ("", ""),
)
CHANNELS = (
    "organic_search",
    "paid_search",
    "email",
    "social",
    "paid_social",
    "referral",
    "display",
    "direct",
    "events",
    "partner",
)
STAGES = (  # stage, weight
    ("subscriber", 30),
    ("lead", 45),
    ("mql", 6),
    ("sal", 3),
    ("sql", 4),
    ("opportunity", 3),
    ("customer", 5),
    ("recycled", 3),
    ("disqualified", 1),
)
KINDS = (  # touchpoint kind, weight
    ("page_view", 58),
    ("email_open", 12),
    ("email_click", 6),
    ("download", 7),
    ("form", 3),
    ("webinar_registered", 3),
    ("webinar_attended", 2),
    ("other", 8),
    ("unsubscribe", 1),
)
CAMPAIGNS = (  # name, channel
    ("brand-search-2025", "paid_search"),
    ("competitor-terms-emea", "paid_search"),
    ("abm-enterprise-q3", "paid_social"),
    ("abm-fintech-dach", "display"),
    ("retargeting-pricing", "paid_social"),
    ("monthly-digest", "email"),
    ("partner-webinar-series", "partner"),
    ("category-banner-q3", "display"),
    ("founder-posts", "social"),
    ("trade-fair-2025", "events"),
)
CONTENT = (  # title, asset type, funnel stage
    ("A practical guide to lead scoring", "ebook", "tofu"),
    ("Seven habits of aligned revenue teams", "blog", "tofu"),
    ("The pipeline playbook", "ebook", "mofu"),
    ("SLA templates for marketing and sales", "whitepaper", "mofu"),
    ("Q3 pipeline review", "webinar", "mofu"),
    ("How Northwind doubled its SQL rate", "case_study", "bofu"),
    ("AcmeFlow security datasheet", "datasheet", "bofu"),
    ("ROI calculator walkthrough", "video", "bofu"),
)


@dataclass
class Generated:
    accounts: int = 0
    contacts: int = 0
    identities: int = 0
    touchpoints: int = 0
    touchpoints_max: int = 0  # most touchpoints of one contact
    account_contacts_max: int = 0  # contacts of the largest account
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)


class Writer:
    """Rows into a table by the fastest plain method of the database behind Django."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection

    def rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
        names = ", ".join(columns)
        if self.vendor == "postgresql":
            with (
                self.raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def time(self, value: dt.datetime) -> Any:
        """A UTC datetime as its column takes it (Django's text format on SQLite)."""
        if self.vendor == "postgresql":
            return value
        return value.replace(tzinfo=None).isoformat(" ")

    def sequences_reset(self, tables: Iterable[str]) -> None:
        """Rows were written with their ids: move PostgreSQL's sequences past them (SQLite's
        AUTOINCREMENT follows by itself)."""
        if self.vendor != "postgresql":
            return
        with self.raw.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )


def company_generate(*, contacts: int, seed: int, now: dt.datetime) -> Generated:
    """Write the company; returns what was written."""
    import time

    from django.db import transaction

    began = time.perf_counter()
    rng = random.Random(seed)
    writer = Writer()
    source_id, campaigns, content = _lookups_create(now)
    plan = _accounts_plan(rng, contacts)
    done = Generated(accounts=len(plan.sizes), account_contacts_max=max(plan.sizes, default=0))
    with transaction.atomic():
        writer.rows("people_account", ACCOUNT_COLUMNS, _accounts(rng, plan.sizes, now, writer))
    state = _State(rng=rng, now=now, writer=writer, source_id=source_id)
    state.campaigns, state.content = campaigns, content
    for start in range(0, contacts, CHUNK_CONTACTS):
        ids = range(start + 1, min(start + CHUNK_CONTACTS, contacts) + 1)
        with transaction.atomic():
            _chunk_write(state, ids, plan.account_of, done)
    writer.sequences_reset(
        (
            "people_account",
            "people_contact",
            "events_identity",
            "events_rawevent",
            "events_touchpoint",
        )
    )
    done.contacts = contacts
    done.touchpoints = state.touchpoint_id
    done.seconds = time.perf_counter() - began
    return done


def _lookups_create(now: dt.datetime) -> tuple[int, list[tuple[int, str]], list[tuple]]:
    """The write key, campaigns and content assets, through the ORM (a few rows)."""
    from smarketing.campaigns.models import Campaign
    from smarketing.content.models import ContentAsset
    from smarketing.events.services import writekey_create

    key, _ = writekey_create(name="bench history", by_user=None)
    campaigns = [
        (Campaign.objects.create(name=name, channel=channel, utm_campaign=name).pk, channel)
        for name, channel in CAMPAIGNS
    ]
    content = []
    for n, (title, kind, stage) in enumerate(CONTENT):
        url = f"{SITE}/resources/{n}-{kind}"
        asset = ContentAsset.objects.create(
            title=title, asset_type=kind, funnel_stage=stage, url=url, created_at=now
        )
        content.append((asset.pk, kind, url))
    return key.pk, campaigns, content


@dataclass
class _Plan:
    sizes: list[int]
    account_of: list[int | None]  # by contact index: its account id, None for free-mail


def _accounts_plan(rng: random.Random, contacts: int) -> _Plan:
    business = round(contacts * BUSINESS_SHARE)
    sizes: list[int] = []
    while sum(sizes) < business:
        size = round(rng.lognormvariate(*ACCOUNT_SIZE))
        sizes.append(min(ACCOUNT_SIZE_MAX, max(1, size)))
    sizes[-1] -= sum(sizes) - business
    if sizes and sizes[-1] == 0:
        sizes.pop()
    account_of: list[int | None] = [aid for aid, n in enumerate(sizes, 1) for _ in range(n)]
    account_of += [None] * (contacts - business)
    rng.shuffle(account_of)  # an account's contacts arrive over time, not together
    return _Plan(sizes=sizes, account_of=account_of)


ACCOUNT_COLUMNS = (
    "id",
    "name",
    "domain",
    "employees",
    "annual_revenue",
    "industry",
    "country",
    "created_at",
    "updated_at",
)


def _accounts(
    rng: random.Random, sizes: list[int], now: dt.datetime, writer: Writer
) -> Iterator[tuple[Any, ...]]:
    stamp = writer.time(now)
    for aid in range(1, len(sizes) + 1):
        employees = None if rng.random() < 0.1 else max(1, round(rng.lognormvariate(4.8, 1.9)))
        revenue = None
        if employees is not None and rng.random() < 0.8:
            revenue = round(employees * rng.uniform(60_000, 250_000))
        country = "" if rng.random() < 0.05 else rng.choice(COUNTRIES)
        yield (
            aid,
            f"Company {aid}",
            f"company{aid}.example",
            employees,
            revenue,
            rng.choice(INDUSTRIES),
            country,
            stamp,
            stamp,
        )


CONTACT_COLUMNS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "phone",
    "country",
    "account_id",
    "source_channel",
    "lifecycle_stage",
    "lifecycle_stage_at",
    "created_at",
    "updated_at",
)
IDENTITY_COLUMNS = ("kind", "value", "contact_id", "created_at")
RAW_COLUMNS = (
    "id",
    "source_id",
    "message_id",
    "type",
    "event",
    "anonymous_id",
    "user_id",
    "timestamp",
    "received_at",
    "payload",
    "processed_at",
)
TOUCHPOINT_COLUMNS = (
    "id",
    "raw_event_id",
    "contact_id",
    "account_id",
    "anonymous_id",
    "occurred_at",
    "kind",
    "event",
    "channel",
    "campaign_id",
    "content_id",
    "url",
    "path",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "high_intent",
    "form",
    "properties",
)


@dataclass
class _State:
    rng: random.Random
    now: dt.datetime
    writer: Writer
    source_id: int
    campaigns: list[tuple[int, str]] = field(default_factory=list)
    content: list[tuple] = field(default_factory=list)
    touchpoint_id: int = 0


def anonymous_id(contact_id: int) -> str:
    """The browser id of a contact's website visits, linked to it by an Identity row: shaped
    like analytics.js's UUIDs, unique in its first 11 digits (the contact id; the website
    snippet's identify derives a user id from the first 12 characters)."""
    mixed = (contact_id * 0x9E3779B97F4A7C15) & ((1 << 84) - 1)
    return str(uuid.UUID(int=(contact_id << 84) | mixed))


def _chunk_write(state: _State, ids: range, account_of: list[int | None], done: Generated) -> None:
    rng, writer = state.rng, state.writer
    contacts, identities, raws, touchpoints = [], [], [], []
    stage_names, stage_weights = zip(*STAGES, strict=True)
    for cid in ids:
        aid = account_of[cid - 1]
        title, seniority = rng.choice(TITLES)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        domain = f"company{aid}.example" if aid else rng.choice(FREEMAIL)
        age_days = rng.uniform(1, HISTORY_DAYS)
        created = state.now - dt.timedelta(days=age_days)
        stamp = writer.time(created)
        contacts.append(
            (
                cid,
                f"{first}.{last}.{cid}@{domain}".lower(),
                first,
                last,
                title,
                seniority,
                "",
                "" if rng.random() < 0.2 else rng.choice(COUNTRIES),
                aid,
                rng.choice(CHANNELS),
                rng.choices(stage_names, stage_weights)[0],
                stamp,
                stamp,
                stamp,
            )
        )
        anon = anonymous_id(cid)
        identities.append(("anonymous", anon, cid, stamp))
        count = min(TOUCHPOINTS_MAX, math.floor(rng.lognormvariate(*TOUCHPOINTS)))
        done.touchpoints_max = max(done.touchpoints_max, count)
        for _ in range(count):
            state.touchpoint_id += 1
            raw, touchpoint, kind = _touchpoint(state, cid, aid, anon, age_days)
            raws.append(raw)
            touchpoints.append(touchpoint)
            done.by_kind[kind] = done.by_kind.get(kind, 0) + 1
    writer.rows("people_contact", CONTACT_COLUMNS, contacts)
    writer.rows("events_identity", IDENTITY_COLUMNS, identities)
    writer.rows("events_rawevent", RAW_COLUMNS, raws)
    writer.rows("events_touchpoint", TOUCHPOINT_COLUMNS, touchpoints)
    done.identities += len(identities)


_KIND_NAMES, _KIND_WEIGHTS = zip(*KINDS, strict=True)
_KIND_CUMULATIVE = [sum(_KIND_WEIGHTS[: i + 1]) for i in range(len(_KIND_WEIGHTS))]


def _touchpoint(
    state: _State, cid: int, aid: int | None, anon: str, age_days: float
) -> tuple[tuple[Any, ...], tuple[Any, ...], str]:
    rng, writer = state.rng, state.writer
    tid = state.touchpoint_id
    # Denser lately: most of a contact's activity is in its recent past.
    when = state.now - dt.timedelta(days=age_days * rng.random() ** 2, seconds=rng.random())
    kind = rng.choices(_KIND_NAMES, cum_weights=_KIND_CUMULATIVE)[0]
    make: Callable[..., dict[str, Any]] = _SHAPES[kind]
    shape = make(state)
    campaign_id, channel = (None, rng.choice(CHANNELS))
    if shape.pop("campaign", rng.random() < 0.3):
        campaign_id, channel = rng.choice(state.campaigns)
    channel = shape.pop("channel", channel)
    event = shape.get("event", "")
    stamp = writer.time(when)
    raw = (
        tid,
        state.source_id,
        f"bench-{tid}",
        "page" if kind == "page_view" else "track",
        event,
        anon,
        "",
        stamp,
        stamp,
        "{}",
        stamp,
    )
    path = shape.get("path", "")
    touchpoint = (
        tid,
        tid,
        cid,
        aid,
        anon,
        stamp,
        kind,
        event,
        channel,
        campaign_id,
        shape.get("content_id"),
        SITE + path if path else shape.get("url", ""),
        path,
        "",
        "",
        "",
        "",
        "",
        "",
        shape.get("high_intent", False),
        shape.get("form", ""),
        json.dumps(shape.get("properties", {}), separators=(",", ":")),
    )
    return raw, touchpoint, kind


def _page(state: _State) -> dict[str, Any]:
    path, high = state.rng.choice(PAGES)
    return {"path": path, "high_intent": high}


def _email(state: _State, event: str) -> dict[str, Any]:
    rng = state.rng
    properties = {
        "email_id": f"em-{rng.randrange(10**6)}",
        "email_subject": "October digest: pipeline reviews both teams trust",
        "list_name": "Newsletter subscribers",
    }
    return {"event": event, "channel": "email", "campaign": True, "properties": properties}


def _asset(state: _State, event: str, kinds: tuple[str, ...]) -> dict[str, Any]:
    rng = state.rng
    pk, _, url = rng.choice([c for c in state.content if c[1] in kinds] or state.content)
    properties = {"asset": url.rsplit("/", 1)[1], "cta": "primary", "position": "hero"}
    return {"event": event, "content_id": pk, "url": url, "properties": properties}


def _form(state: _State) -> dict[str, Any]:
    form = state.rng.choice(FORMS)
    properties = {"form_id": form, "form_name": form.replace("-", " ").title()}
    return {"event": "Form Submitted", "form": form, "path": f"/{form}", "properties": properties}


def _other(state: _State) -> dict[str, Any]:
    rng = state.rng
    event = rng.choice(OTHER_EVENTS)
    properties: dict[str, Any] = {"source": "app"}
    if event == "Plan Viewed":
        properties["plan"] = rng.choice(("starter", "pro", "enterprise"))
    return {"event": event, "properties": properties}


_SHAPES: dict[str, Callable[[_State], dict[str, Any]]] = {
    "page_view": _page,
    "email_open": lambda s: _email(s, "Email Opened"),
    "email_click": lambda s: _email(s, "Email Link Clicked"),
    "download": lambda s: _asset(s, "Content Downloaded", ("ebook", "whitepaper", "case_study")),
    "form": _form,
    "webinar_registered": lambda s: {**_asset(s, "Webinar Registered", ("webinar",))},
    "webinar_attended": lambda s: {
        **_asset(s, "Webinar Attended", ("webinar",)),
        "channel": "events",
    },
    "other": _other,
    "unsubscribe": lambda s: {"event": "Unsubscribed", "channel": "email"},
}
