"""The company bench/reports.py reports on, written straight into a migrated PostgreSQL database
with COPY, a chunk of contacts at a time; deterministic for a seed. Runs inside the benchmark's
Django process (the few users, campaigns and content assets go through the ORM).

The shape, over two years before `now`:

- accounts: one per three contacts (company sizes log-normal, median ~55 employees); 88% of
  contacts work at one, the rest have free-mail addresses;
- contacts: created evenly over the two years, each with a source channel, a third with a
  first-touch campaign (one of ~50, of that channel);
- lifecycle history (StageTransition, only allowed moves): subscriber or lead first; then a
  funnel with drop-off at every step (~20% of leads become MQL, ~70% of those SAL, ~55% SQL,
  ~60% opportunity, ~30% customer); recycled and disqualified moves carry a reason of the
  right kind (sales rejects MQLs and SALs); some recycled leads come back as leads;
- deals: one per opportunity (only contacts at an account), won when the contact became a
  customer, lost when it was recycled or disqualified after, else open; log-normal amounts,
  5% in EUR;
- touchpoints: log-normal per contact (mean `touchpoints / contacts`), each with its raw event;
  denser lately; ~10% before the contact was created are anonymous (no contact yet); ~30% from
  a campaign; downloads and webinars, and some page views, are reads of a content asset (~40).

Secondary indexes, unique and foreign-key constraints of the bulk tables are dropped during the
load and put back after it (each foreign key validated in one pass), as a bulk load is done;
then VACUUM ANALYZE, which autovacuum would do on its own after such inserts.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scoring_data import COUNTRIES, INDUSTRIES  # the same companies as the scoring benchmark's

DAY = 86_400
N = "\\N"  # NULL in COPY's text format
HISTORY_DAYS = 730
CHUNK_CONTACTS = 50_000
BUSINESS_SHARE = 0.88
TABLES = (
    "people_account",
    "people_contact",
    "lifecycle_stagetransition",
    "deals_deal",
    "events_rawevent",
    "events_touchpoint",
)
CHANNELS = (  # channel, weight as a contact's source
    ("organic_search", 24),
    ("paid_search", 14),
    ("email", 8),
    ("social", 6),
    ("paid_social", 10),
    ("referral", 6),
    ("display", 4),
    ("direct", 14),
    ("events", 6),
    ("partner", 4),
    ("sales", 4),
)
CAMPAIGN_CHANNELS = ("paid_search", "paid_social", "display", "email", "events", "partner")
ASSET_TYPES = (  # asset type, funnel stage, how many
    ("blog", "tofu", 14),
    ("ebook", "tofu", 6),
    ("whitepaper", "mofu", 5),
    ("webinar", "mofu", 5),
    ("case_study", "bofu", 5),
    ("datasheet", "bofu", 3),
    ("video", "bofu", 2),
)
KINDS = (  # touchpoint kind, weight, raw type, event
    ("page_view", 60, "page", ""),
    ("email_open", 12, "track", "Email Opened"),
    ("email_click", 6, "track", "Email Link Clicked"),
    ("download", 7, "track", "Content Downloaded"),
    ("form", 3, "track", "Form Submitted"),
    ("webinar_registered", 3, "track", "Webinar Registered"),
    ("webinar_attended", 2, "track", "Webinar Attended"),
    ("other", 7, "track", "Feature Used"),
)
PAGES = ("/", "/pricing", "/product", "/customers", "/docs", "/about", "/demo-request")
CONTENT_PAGE_SHARE = 0.15  # page views that read a blog post or another asset's page


@dataclass
class Lookups:
    source_id: int
    reps: list[int]
    campaigns: list[tuple[int, str]]  # id, channel
    content: dict[str, list[int]]  # asset type → ids
    reasons: dict[str, list[int]]  # kind → ids


@dataclass
class Generated:
    accounts: int = 0
    contacts: int = 0
    transitions: int = 0
    deals: int = 0
    touchpoints: int = 0
    touchpoints_anonymous: int = 0
    touchpoints_content: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def company_generate(*, contacts: int, touchpoints: int, seed: int, now: dt.datetime) -> Generated:
    """Write the whole company into the (migrated, empty) database behind Django."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    done = Generated()
    began = time.perf_counter()
    lookups = _lookups_create(seed=seed, now=now)
    with raw.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        saved = _constraints_drop(cursor)
        done.seconds["lookups"] = time.perf_counter() - began
        _company_copy(
            cursor,
            lookups,
            contacts=contacts,
            touchpoints=touchpoints,
            seed=seed,
            now=now,
            done=done,
        )
        began = time.perf_counter()
        _constraints_restore(cursor, saved)
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        done.seconds["indexes"] = time.perf_counter() - began
        began = time.perf_counter()
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        done.seconds["vacuum"] = time.perf_counter() - began
    return done


def _lookups_create(*, seed: int, now: dt.datetime) -> Lookups:
    """Teams, users, the write key, campaigns and content assets, through the ORM."""
    from smarketing.campaigns.models import Campaign
    from smarketing.content.models import ContentAsset
    from smarketing.events.services import writekey_create
    from smarketing.lifecycle.models import TransitionReason
    from smarketing.org.models import Role, Team, User

    rng = random.Random(seed)
    marketing = Team.objects.create(name="Marketing", kind="marketing")
    sales = [Team.objects.create(name=f"Sales {r}", kind="sales") for r in ("EMEA", "Americas")]
    User.objects.create_user("bench-leader@example.com", None, role=Role.LEADER)
    for n in range(4):
        User.objects.create_user(f"marketer{n}@example.com", None, team=marketing)
    reps = [
        User.objects.create_user(f"rep{n}@example.com", None, role=Role.SALES, team=sales[n % 2]).pk
        for n in range(12)
    ]
    key, _ = writekey_create(name="bench reports", by_user=None)
    campaigns = []
    for n in range(50):
        channel = CAMPAIGN_CHANNELS[n % len(CAMPAIGN_CHANNELS)]
        start = (now - dt.timedelta(days=HISTORY_DAYS * (n + 0.5) / 50)).date()
        campaign = Campaign.objects.create(
            name=f"{channel} campaign {n:02d}",
            channel=channel,
            utm_campaign=f"{channel.replace('_', '-')}-{n:02d}",
            start_date=start,
            end_date=start + dt.timedelta(days=rng.randint(14, 120)),
            cost=rng.randint(2, 80) * 1000,
            created_at=now - dt.timedelta(days=HISTORY_DAYS + 10),
        )
        campaigns.append((campaign.pk, channel))
    content: dict[str, list[int]] = {}
    for kind, stage, count in ASSET_TYPES:
        for n in range(count):
            asset = ContentAsset.objects.create(
                title=f"{kind.replace('_', ' ').title()} {n + 1}",
                asset_type=kind,
                funnel_stage=stage,
                url=f"https://www.acmeflow.example/resources/{kind}-{n + 1}",
            )
            content.setdefault(kind, []).append(asset.pk)
    reasons: dict[str, list[int]] = {}
    for pk, kind in TransitionReason.objects.values_list("pk", "kind"):
        reasons.setdefault(kind, []).append(pk)
    return Lookups(key.pk, reps, campaigns, content, reasons)


# Constraints and indexes off during the load --------------------------------------------------


@dataclass
class _Saved:
    foreign_keys: list[tuple[str, str, str]]  # table, name, definition
    uniques: list[tuple[str, str, str]]
    indexes: list[str]  # CREATE INDEX statements


def _constraints_drop(cursor: Any) -> _Saved:
    names = list(TABLES)
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype "
        "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')",
        (names,),
    )
    rows = cursor.fetchall()
    saved = _Saved(
        foreign_keys=[(t, n, d) for t, n, d, kind in rows if kind == "f"],
        uniques=[(t, n, d) for t, n, d, kind in rows if kind == "u"],
        indexes=[],
    )
    # Indexes that back no constraint (those go with their constraint).
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        (names,),
    )
    indexes = cursor.fetchall()
    saved.indexes = [definition for _, definition in indexes]
    for table, name, _ in saved.foreign_keys + saved.uniques:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return saved


def _constraints_restore(cursor: Any, saved: _Saved) -> None:
    for definition in saved.indexes:
        cursor.execute(definition)
    for table, name, definition in saved.uniques + saved.foreign_keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


# The rows --------------------------------------------------------------------------------------


def _copy(cursor: Any, table: str, columns: str, lines: Iterator[str] | list[str]) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer: list[str] = []
        for line in lines:
            buffer.append(line)
            if len(buffer) >= 20_000:
                copy.write("".join(buffer))
                buffer.clear()
        copy.write("".join(buffer))


def _ts(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def _company_copy(
    cursor: Any,
    lookups: Lookups,
    *,
    contacts: int,
    touchpoints: int,
    seed: int,
    now: dt.datetime,
    done: Generated,
) -> None:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    end = now.timestamp()
    accounts = max(1, contacts // 3)
    began = time.perf_counter()
    _copy(
        cursor,
        "people_account",
        "id, name, domain, employees, annual_revenue, industry, country, created_at, updated_at",
        _accounts(rng, accounts, end),
    )
    done.accounts = accounts
    done.seconds["accounts"] = time.perf_counter() - began
    state = _History(rng=rng, lookups=lookups, end=end)
    mean = touchpoints / contacts
    sigma = 1.0
    mu = np.log(mean) - sigma**2 / 2
    for seconds in ("contacts", "history", "touchpoints"):
        done.seconds[seconds] = 0.0
    for start in range(1, contacts + 1, CHUNK_CONTACTS):
        ids = range(start, min(start + CHUNK_CONTACTS, contacts + 1))
        began = time.perf_counter()
        people = [_contact(state, cid, accounts) for cid in ids]
        _copy(cursor, "people_contact", CONTACT_COLUMNS, (p.line for p in people))
        done.seconds["contacts"] += time.perf_counter() - began
        began = time.perf_counter()
        _copy(cursor, "lifecycle_stagetransition", TRANSITION_COLUMNS, state.transitions)
        _copy(cursor, "deals_deal", DEAL_COLUMNS, state.deals)
        done.transitions += len(state.transitions)
        done.deals += len(state.deals)
        state.transitions, state.deals = [], []
        done.seconds["history"] += time.perf_counter() - began
        began = time.perf_counter()
        # The last chunk takes what is left, so the total is exactly `touchpoints`.
        share = round(touchpoints * (ids[-1]) / contacts) - done.touchpoints
        _touchpoints_copy(cursor, nrng, state, people, share, mu, sigma, done)
        done.seconds["touchpoints"] += time.perf_counter() - began
    done.contacts = contacts


def _accounts(rng: random.Random, n: int, end: float) -> Iterator[str]:
    stamp = _ts(end - (HISTORY_DAYS + 30) * DAY)
    for aid in range(1, n + 1):
        employees = "\\N" if rng.random() < 0.05 else str(max(1, round(rng.lognormvariate(4, 1.8))))
        revenue = "\\N" if employees == "\\N" else str(int(employees) * rng.randint(60, 250) * 1000)
        industry, country = rng.choice(INDUSTRIES), rng.choice(COUNTRIES)
        yield (
            f"{aid}\tCompany {aid}\tcompany{aid}.example\t{employees}\t{revenue}\t{industry}\t"
            f"{country}\t{stamp}\t{stamp}\n"
        )


CONTACT_COLUMNS = (
    "id, email, first_name, last_name, title, seniority, phone, country, account_id, owner_id, "
    "source_channel, source_campaign_id, lifecycle_stage, lifecycle_stage_at, created_at, "
    "updated_at"
)
TRANSITION_COLUMNS = "contact_id, account_id, from_stage, to_stage, at, by_rule, reason_id, note"
DEAL_COLUMNS = (
    "name, account_id, primary_contact_id, owner_id, amount, currency, stage, close_date, "
    "closed_at, loss_reason, created_at, updated_at"
)
_CHANNEL_NAMES, _CHANNEL_WEIGHTS = zip(*CHANNELS, strict=True)


@dataclass
class _History:
    rng: random.Random
    lookups: Lookups
    end: float
    transitions: list[str] = field(default_factory=list)
    deals: list[str] = field(default_factory=list)


@dataclass
class _Person:
    cid: int
    aid: int | None
    created: float
    line: str


def _contact(state: _History, cid: int, accounts: int) -> _Person:
    rng = state.rng
    aid = rng.randint(1, accounts) if rng.random() < BUSINESS_SHARE else None
    created = state.end - rng.uniform(0, HISTORY_DAYS) * DAY
    channel = rng.choices(_CHANNEL_NAMES, _CHANNEL_WEIGHTS)[0]
    campaign = "\\N"
    if channel in CAMPAIGN_CHANNELS and rng.random() < 0.6:
        campaign = str(rng.choice([c for c, ch in state.lookups.campaigns if ch == channel]))
    owner = rng.choice(state.lookups.reps)
    stage, stage_at = _lifecycle(state, cid, aid, created, owner)
    domain = f"company{aid}.example" if aid else "gmail.com"
    country = "" if aid and rng.random() < 0.5 else rng.choice(COUNTRIES)
    stamp = _ts(created)
    line = (
        f"{cid}\tp{cid}@{domain}\tFirst{cid % 97}\tLast{cid % 89}\t\t\t\t{country}\t"
        f"{aid or N}\t{owner if stage not in ('subscriber', 'lead') else N}\t{channel}\t"
        f"{campaign}\t{stage}\t{_ts(stage_at)}\t{stamp}\t{stamp}\n"
    )
    return _Person(cid, aid, created, line)


# The funnel a contact walks: stage → (chance to go on, mean days before the next move).
STEPS = {
    "subscriber": (0.5, 25),
    "lead": (0.2, 30),
    "mql": (0.7, 3),
    "sal": (0.55, 12),
    "sql": (0.6, 14),
    "opportunity": (0.3, 45),
}
NEXT = {
    "subscriber": "lead",
    "lead": "mql",
    "mql": "sal",
    "sal": "sql",
    "sql": "opportunity",
    "opportunity": "customer",
}


def _lifecycle(
    state: _History, cid: int, aid: int | None, created: float, owner: int
) -> tuple[str, float]:
    """Append the contact's moves (and its deal); return its stage now and since when."""
    rng = state.rng
    stage, at = ("subscriber" if rng.random() < 0.35 else "lead"), created
    moves = [("", stage, at, "\\N")]
    came_back = False
    while stage in STEPS:
        chance, days = STEPS[stage]
        nxt = NEXT[stage]
        if nxt == "opportunity" and aid is None:
            chance = 0.0  # a deal needs an account
        if stage == "lead" and rng.random() < 0.03 and aid is not None:
            nxt, chance = "sql", 1.0  # sourced by sales: straight to SQL
        later = at + rng.expovariate(1 / days) * DAY + rng.uniform(60, 3600)
        if later > state.end:
            break
        if rng.random() < chance:
            moves.append((stage, nxt, later, "\\N"))
            stage, at = nxt, later
            continue
        out = _drop_out(state, stage)
        if out is None:
            break
        moves.append((stage, out[0], later, str(out[1])))
        stage, at = out[0], later
        if stage == "recycled" and not came_back and rng.random() < 0.3:
            back = at + rng.expovariate(1 / 60) * DAY
            if back < state.end:
                moves.append(("recycled", "lead", back, "\\N"))
                stage, at, came_back = "lead", back, True
    for from_stage, to_stage, when, reason in moves:
        state.transitions.append(
            f"{cid}\t{aid or N}\t{from_stage}\t{to_stage}\t{_ts(when)}\tbench\t{reason}\t\n"
        )
    _deal(state, moves, aid, cid, owner)
    return stage, at


def _drop_out(state: _History, stage: str) -> tuple[str, int] | None:
    """Where a contact that does not move on goes: None (it stays), recycled or disqualified,
    with a reason of a kind that fits."""
    rng, reasons = state.rng, state.lookups.reasons
    roll = rng.random()
    stays = {"subscriber": 1.0, "lead": 0.8}.get(stage, 0.45)  # most leads just go quiet
    if roll < stays:
        return None
    if stage in ("mql", "sal") and roll < 0.75:
        target = "recycled" if rng.random() < 0.6 else "disqualified"
        return target, rng.choice(reasons["reject"])
    if roll < 0.88:
        return "recycled", rng.choice(reasons["recycle"])
    return "disqualified", rng.choice(reasons["disqualify"])


def _deal(
    state: _History,
    moves: list[tuple[str, str, float, str]],
    aid: int | None,
    cid: int,
    owner: int,
) -> None:
    opened = next((m[2] for m in moves if m[1] == "opportunity"), None)
    if opened is None or aid is None:
        return
    rng = state.rng
    after = [m for m in moves if m[2] > opened and m[1] in ("customer", "recycled", "disqualified")]
    amount = round(rng.lognormvariate(9.8, 0.9), 2)
    currency = "EUR" if rng.random() < 0.05 else "USD"
    stage, closed, reason = rng.choice(("discovery", "demo", "proposal", "negotiation")), "\\N", ""
    if after:
        stage = "won" if after[0][1] == "customer" else "lost"
        closed = _ts(after[0][2])
        reason = "" if stage == "won" else rng.choice(("price", "competitor", "no_decision"))
    close_date = closed[:10] if closed != "\\N" else "\\N"
    created = _ts(opened)
    state.deals.append(
        f"Deal {cid}\t{aid}\t{cid}\t{owner}\t{amount}\t{currency}\t{stage}\t{close_date}\t"
        f"{closed}\t{reason}\t{created}\t{created}\n"
    )


# Touchpoints, vectorised -----------------------------------------------------------------------

RAW_COLUMNS = (
    "id, source_id, message_id, type, event, anonymous_id, user_id, timestamp, received_at, "
    "payload, processed_at"
)
TOUCHPOINT_COLUMNS = (
    "id, raw_event_id, contact_id, account_id, anonymous_id, occurred_at, kind, event, channel, "
    "campaign_id, content_id, url, path, referrer, utm_source, utm_medium, utm_campaign, "
    "utm_term, utm_content, high_intent, form, properties"
)
_KIND_NAMES = [k[0] for k in KINDS]
_KIND_CUMULATIVE = np.cumsum([k[1] for k in KINDS]) / sum(k[1] for k in KINDS)
_TOUCH_CHANNELS = [c for c, _ in CHANNELS if c != "sales"]


def _touchpoints_copy(
    cursor: Any,
    nrng: np.random.Generator,
    state: _History,
    people: list[_Person],
    n: int,
    mu: float,
    sigma: float,
    done: Generated,
) -> None:
    """`n` touchpoints of these contacts, log-normal per contact, with their raw events."""
    weights = nrng.lognormal(mu, sigma, len(people))
    counts = np.floor(weights * n / weights.sum()).astype(np.int64)
    counts[nrng.choice(len(people), n - int(counts.sum()), replace=False)] += 1
    cids = np.repeat([p.cid for p in people], counts)
    aids = np.repeat([p.aid or 0 for p in people], counts)
    created = np.repeat([p.created for p in people], counts)
    span = state.end - created
    anonymous = nrng.random(n) < 0.1
    when = np.where(
        anonymous,
        created - nrng.random(n) * 30 * DAY,
        created + span * (1 - nrng.random(n) ** 1.6),  # denser lately
    ).astype(np.int64)
    order = np.argsort(when, kind="stable")  # written in time order, as they arrive
    cids, aids, when, anonymous = cids[order], aids[order], when[order], anonymous[order]
    kinds = np.searchsorted(_KIND_CUMULATIVE, nrng.random(n))
    stamps = np.datetime_as_string(when.astype("datetime64[s]"), unit="s")
    campaigns, channels, contents, paths = _touch_sources(nrng, state.lookups, kinds)
    first_id = done.touchpoints + 1
    raws, touches = [], []
    for i, (cid, aid, anon, kind, stamp) in enumerate(
        zip(
            cids.tolist(),
            aids.tolist(),
            anonymous.tolist(),
            kinds.tolist(),
            stamps.tolist(),
            strict=True,
        )
    ):
        tid = first_id + i
        name, _, raw_type, event = KINDS[kind]
        ts = f"{stamp}+00"
        anon_id = f"a{cid}"
        raws.append(
            f"{tid}\t{state.lookups.source_id}\tb{tid}\t{raw_type}\t{event}\t{anon_id}\t"
            f"\t{ts}\t{ts}\t{{}}\t{ts}\n"
        )
        contact = "\\N" if anon else cid
        account = "\\N" if anon or not aid else aid
        touches.append(
            f"{tid}\t{tid}\t{contact}\t{account}\t{anon_id}\t{ts}\t{name}\t{event}\t"
            f"{channels[i]}\t{campaigns[i]}\t{contents[i]}\t\t{paths[i]}\t\t\t\t\t\t\tf\t\t{{}}\n"
        )
    _copy(cursor, "events_rawevent", RAW_COLUMNS, raws)
    _copy(cursor, "events_touchpoint", TOUCHPOINT_COLUMNS, touches)
    done.touchpoints += n
    done.touchpoints_anonymous += int(anonymous.sum())
    done.touchpoints_content += sum(1 for c in contents if c != "\\N")


def _touch_sources(
    nrng: np.random.Generator, lookups: Lookups, kinds: np.ndarray
) -> tuple[list[str], list[str], list[str], list[str]]:
    """Per touchpoint: campaign id, channel, content asset id, path (as COPY text)."""
    n = len(kinds)
    campaign_pick = nrng.integers(0, len(lookups.campaigns), n)
    from_campaign = nrng.random(n) < 0.3
    channel_pick = nrng.integers(0, len(_TOUCH_CHANNELS), n)
    campaigns, channels = [], []
    for use, c, ch in zip(
        from_campaign.tolist(), campaign_pick.tolist(), channel_pick.tolist(), strict=True
    ):
        if use:
            pk, channel = lookups.campaigns[c]
            campaigns.append(str(pk))
            channels.append(channel)
        else:
            campaigns.append("\\N")
            channels.append(_TOUCH_CHANNELS[ch])
    groups = {
        "download": [
            *lookups.content["ebook"],
            *lookups.content["whitepaper"],
            *lookups.content["case_study"],
        ],
        "webinar_registered": lookups.content["webinar"],
        "webinar_attended": lookups.content["webinar"],
        "page_view": [pk for ids in lookups.content.values() for pk in ids],
    }
    reads_page = nrng.random(n) < CONTENT_PAGE_SHARE
    pick = nrng.random(n)
    page_pick = nrng.integers(0, len(PAGES), n)
    contents, paths = [], []
    for kind, page, r, p in zip(
        kinds.tolist(), reads_page.tolist(), pick.tolist(), page_pick.tolist(), strict=True
    ):
        name = _KIND_NAMES[kind]
        assets = groups.get(name)
        if assets and (name != "page_view" or page):
            pk = assets[int(r * len(assets))]
            contents.append(str(pk))
            paths.append(f"/resources/{pk}" if name == "page_view" else "")
        else:
            contents.append("\\N")
            paths.append(PAGES[p] if name == "page_view" else "")
    return campaigns, channels, contents, paths
