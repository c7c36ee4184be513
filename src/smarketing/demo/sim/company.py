"""The company's people, campaigns and content, and the market it sells to."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import replace

from smarketing.demo.sim import catalogue, marketing
from smarketing.demo.sim.names import NameMaker, slug
from smarketing.demo.timeline import (
    SimAccount,
    SimAsset,
    SimCampaign,
    SimContact,
    SimTeam,
    SimUser,
    Timeline,
)
from smarketing.demo.truths import segment_matches

ACCOUNTS_PER_CONTACT = 0.3  # 5,000 contacts at 1,500 accounts
DUD_SHARE = 0.14  # the dud campaign brings this share of all new contacts
DAY = dt.timedelta(days=1)
CALLING_CODES = {"US": 1, "CA": 1, "GB": 44, "DE": 49, "FR": 33, "IN": 91, "NL": 31, "AU": 61}


def build(timeline: Timeline, rng: random.Random, *, contacts: int) -> None:
    _org(timeline)
    _campaigns(timeline, rng)
    _assets(timeline)
    names = NameMaker(rng)
    sources = _contact_sources(timeline, rng, contacts)
    _accounts_and_contacts(timeline, rng, names, sources)
    _engagement(timeline)
    _multipliers(timeline)


def _org(timeline: Timeline) -> None:
    teams = {spec.name: i for i, spec in enumerate(catalogue.TEAMS)}
    for t in catalogue.TEAMS:
        timeline.teams.append(
            SimTeam(t.name, t.kind, t.timezone, t.workdays, t.day_start, t.day_end)
        )
    for u in catalogue.USERS:
        habit = u.habit
        if habit and u.email == timeline.truths.slow_rep:
            habit = replace(habit, response_hours=catalogue.SLOW_HOURS)
        team = teams[u.team] if u.team else None
        timeline.users.append(SimUser(u.email, u.full_name, u.role, team, habit))


def _campaigns(timeline: Timeline, rng: random.Random) -> None:
    start, now = timeline.start, timeline.now
    for spec in marketing.CAMPAIGNS:
        begins = start + spec.start_day * DAY
        ends = start + spec.end_day * DAY if spec.end_day is not None else None
        months = ((ends or now) - begins).days / 30.4
        cost = spec.monthly_cost * months * rng.uniform(0.85, 1.15)
        cost += spec.fixed_cost * rng.uniform(0.9, 1.1)
        event_at = None
        if spec.event_day is not None:
            day = (start + spec.event_day * DAY).date()
            event_at = dt.datetime.combine(day, dt.time(16), dt.UTC)
        timeline.campaigns.append(
            SimCampaign(
                name=spec.name,
                channel=spec.channel,
                utm_campaign=slug(spec.name),
                start_date=begins.date(),
                end_date=ends.date() if ends else None,
                cost=round(cost),
                created_at=start + max(0, spec.start_day - 5) * DAY + dt.timedelta(hours=1),
                spec=spec,
                event_at=event_at,
            )
        )


def _assets(timeline: Timeline) -> None:
    for spec in marketing.ASSETS:
        created = timeline.start + spec.day * DAY + dt.timedelta(hours=2)
        timeline.assets.append(
            SimAsset(
                spec.key,
                spec.title,
                spec.asset_type,
                spec.funnel_stage,
                catalogue.SITE + spec.path,
                created,
            )
        )
    for campaign in timeline.campaigns:
        if campaign.spec.entry == "webinar" and campaign.event_at:
            title = campaign.name.removeprefix("Webinar: ")
            timeline.assets.append(
                SimAsset(
                    f"recording-{campaign.utm_campaign}",
                    f"Webinar recording: {title}",
                    "webinar",
                    "mofu",
                    f"{catalogue.SITE}{campaign.spec.landing}/recording",
                    campaign.event_at + DAY,
                )
            )


# (campaign index or None, organic spec index or None) per contact, with its created_at.
Source = tuple[int | None, int | None, dt.datetime]


def _contact_sources(timeline: Timeline, rng: random.Random, n: int) -> list[Source]:
    dud = next(
        i for i, c in enumerate(timeline.campaigns) if c.name == timeline.truths.dud_campaign
    )
    options: list[tuple[int | None, int | None]] = []
    weights: list[float] = []
    for i, campaign in enumerate(timeline.campaigns):
        if i != dud:
            options.append((i, None))
            weights.append(campaign.spec.volume)
    for i, organic in enumerate(marketing.ORGANIC):
        options.append((None, i))
        weights.append(organic.volume)
    options.append((dud, None))
    weights.append(sum(weights) * DUD_SHARE / (1 - DUD_SHARE))
    picks = rng.choices(options, weights=weights, k=n)
    return [(camp, org, _created_at(timeline, rng, camp)) for camp, org in picks]


def _created_at(timeline: Timeline, rng: random.Random, campaign: int | None) -> dt.datetime:
    start, now = timeline.start, timeline.now
    if campaign is None:
        # A growing company: more new contacts in recent months.
        return start + (now - start) * math.pow(rng.random(), 0.8)
    c = timeline.campaigns[campaign]
    if c.spec.entry == "webinar" and c.event_at:
        return c.event_at - dt.timedelta(days=rng.uniform(0.2, 21))
    if c.spec.entry == "list_import" and c.event_at:
        # Badge scans arrive as one import the day after the event ends.
        ends = dt.datetime.combine(c.end_date or c.start_date, dt.time(10), dt.UTC)
        return ends + DAY + dt.timedelta(seconds=rng.uniform(0, 600))
    begins = dt.datetime.combine(c.start_date, dt.time(0), dt.UTC)
    begins = max(begins, start)
    ends = dt.datetime.combine(c.end_date, dt.time(0), dt.UTC) if c.end_date else now
    span = min(ends, now) - begins
    return begins + span * (math.pow(rng.random(), 0.8) if c.end_date is None else rng.random())


def _firmographics(rng: random.Random) -> tuple[int, int, str, str]:
    employees = max(1, min(200_000, round(math.exp(rng.gauss(math.log(45), 1.7)))))
    per_employee = math.exp(rng.gauss(math.log(140_000), 0.6))
    revenue = round(employees * per_employee, -3) or 1000
    industry = rng.choices(catalogue.INDUSTRIES, weights=[w for _, w in catalogue.INDUSTRIES])[0]
    country = rng.choices(catalogue.COUNTRIES, weights=[w for _, w in catalogue.COUNTRIES])[0]
    return employees, int(revenue), industry[0], country[0]


def _account_pools(timeline: Timeline, sources: list[Source]) -> tuple[list[int], list[int]]:
    """Contacts of the dud campaign work at accounts only it reaches, so it wins no revenue."""
    dud = next(
        i for i, c in enumerate(timeline.campaigns) if c.name == timeline.truths.dud_campaign
    )
    n = len(sources)
    n_dud = sum(1 for camp, _, _ in sources if camp == dud)
    n_accounts = max(1, round(n * ACCOUNTS_PER_CONTACT))
    n_dud_accounts = min(n_dud, max(1 if n_dud else 0, round(n_accounts * n_dud / n)))
    n_main = max(1 if n > n_dud else 0, n_accounts - n_dud_accounts)
    return list(range(n_main)), list(range(n_main, n_main + n_dud_accounts))


def _assign(
    rng: random.Random, contacts: list[int], pool: list[int], sizes: list[int]
) -> dict[int, int]:
    """Every account gets one contact, the rest spread evenly except over the tiniest firms.

    Bigger accounts get no more contacts than mid-sized ones: a won deal makes all of an
    account's contacts customers, so more contacts would make big accounts look better converting
    at the contact level and blur the planted size truths.
    """
    order = contacts[:]
    rng.shuffle(order)
    out = dict(zip(order, pool, strict=False))
    rest = order[len(pool) :]
    if rest:
        weights = [min(sizes[a], 5) ** 0.6 for a in pool]
        out.update(zip(rest, rng.choices(pool, weights=weights, k=len(rest)), strict=True))
    return out


def _accounts_and_contacts(
    timeline: Timeline, rng: random.Random, names: NameMaker, sources: list[Source]
) -> None:
    dud = next(
        i for i, c in enumerate(timeline.campaigns) if c.name == timeline.truths.dud_campaign
    )
    main_pool, dud_pool = _account_pools(timeline, sources)
    firms = [_firmographics(rng) for _ in range(len(main_pool) + len(dud_pool))]
    sizes = [f[0] for f in firms]
    dud_contacts = [i for i, s in enumerate(sources) if s[0] == dud]
    other_contacts = [i for i, s in enumerate(sources) if s[0] != dud]
    account_of = _assign(rng, other_contacts, main_pool, sizes)
    account_of.update(_assign(rng, dud_contacts, dud_pool, sizes))

    first_seen: dict[int, dt.datetime] = {}
    for i, (_, _, created) in enumerate(sources):
        a = account_of[i]
        first_seen[a] = min(first_seen.get(a, created), created)
    reps = {
        team: [i for i, u in enumerate(timeline.users) if u.team == team and u.habit]
        for team in range(len(timeline.teams))
    }
    emea, americas = (
        next(i for i, t in enumerate(timeline.teams) if t.name == name)
        for name in ("Sales EMEA", "Sales Americas")
    )
    # Draw in a fixed order, then sort by time: the draws never depend on `now`.
    accounts: dict[int, SimAccount] = {}
    for a in sorted(first_seen):
        employees, revenue, industry, country = firms[a]
        name, domain = names.company(industry)
        team = emea if country in catalogue.EMEA else americas
        owner = rng.choice(reps[team])
        created = max(timeline.start, first_seen[a] - dt.timedelta(minutes=rng.uniform(1, 90)))
        accounts[a] = SimAccount(
            name,
            domain,
            employees,
            revenue,
            industry,
            country,
            owner,
            created,
            serial=a,
            dud=a in dud_pool,
        )
    contacts = [
        _contact(timeline, rng, names, source, accounts[account_of[i]], account_of[i], serial=i)
        for i, source in enumerate(sources)
    ]
    # Ids grow with time, as in a real installation.
    order = sorted(accounts, key=lambda a: first_seen[a])
    new_index = {a: k for k, a in enumerate(order)}
    timeline.accounts = [accounts[a] for a in order]
    for c in contacts:
        c.account = new_index[c.account]
    timeline.contacts = sorted(contacts, key=lambda c: c.created_at)


def _contact(
    timeline: Timeline,
    rng: random.Random,
    names: NameMaker,
    source: Source,
    acc: SimAccount,
    account: int,
    *,
    serial: int,
) -> SimContact:
    campaign, organic, created = source
    small = acc.employees < 10
    first, last, email = names.person(acc.domain, small=small)
    title, seniority = names.title(small=small)
    country = acc.country
    if rng.random() < 0.15:
        weights = [w for _, w in catalogue.COUNTRIES]
        country = rng.choices(catalogue.COUNTRIES, weights=weights)[0][0]
    phone = ""
    if rng.random() < 0.6:
        code = CALLING_CODES.get(country, 1)
        phone = f"+{code} 555 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
    if campaign is not None:
        channel = timeline.campaigns[campaign].channel
        entry = timeline.campaigns[campaign].spec.entry
    else:
        channel = marketing.ORGANIC[organic or 0].channel
        entry = "organic"
    return SimContact(
        email=email,
        first_name=first,
        last_name=last,
        title=title,
        seniority=seniority,
        phone=phone,
        country=country,
        account=account,
        owner=acc.owner,
        source_channel=channel,
        source_campaign=campaign,
        entry=entry,
        created_at=created,
        anonymous_id=f"{rng.getrandbits(64):016x}",
        serial=serial,
    )


def _engagement(timeline: Timeline) -> None:
    """Webinar registration and attendance, and case-study downloads, fixed before the journey
    because the planted truths may depend on them. A stream per contact, as in the journeys."""
    webinars = sorted(
        (c.event_at, i)
        for i, c in enumerate(timeline.campaigns)
        if c.spec.entry == "webinar" and c.event_at and c.event_at < timeline.now
    )
    for c in timeline.contacts:
        if c.entry == "outbound":
            continue
        rng = random.Random(f"{timeline.seed}:engagement:{c.serial}")
        if c.source_campaign is not None and timeline.campaigns[c.source_campaign].spec.entry == (
            "webinar"
        ):
            c.webinar = c.source_campaign
            c.attended_webinar = rng.random() < 0.5
        else:
            upcoming = [i for at, i in webinars if c.created_at < at <= c.created_at + 60 * DAY]
            if upcoming and rng.random() < 0.15:
                c.webinar = upcoming[0]
                c.attended_webinar = rng.random() < 0.45
        if rng.random() < 0.12:
            at = c.created_at + dt.timedelta(days=rng.lognormvariate(math.log(20), 0.8))
            if at < timeline.now:
                c.case_study_at = at


def contact_facts(timeline: Timeline, c: SimContact) -> dict[str, object]:
    """What a segment definition can ask about a contact (see truths.segment_matches)."""
    acc = timeline.accounts[c.account]
    campaign = timeline.campaigns[c.source_campaign] if c.source_campaign is not None else None
    return {
        "account.employees": acc.employees,
        "account.annual_revenue": acc.annual_revenue,
        "account.industry": acc.industry,
        "account.country": acc.country,
        "contact.source_channel": c.source_channel,
        "contact.source_campaign": campaign.name if campaign else "",
        "contact.seniority": c.seniority,
        "contact.attended_webinar": c.attended_webinar,
        "contact.downloaded_asset_types": ("case_study",) if c.case_study_at else (),
    }


def _multipliers(timeline: Timeline) -> None:
    segments = timeline.truths.segments
    for c in timeline.contacts:
        facts = contact_facts(timeline, c)
        for segment in segments:
            if segment_matches(segment.definition, facts):
                c.multiplier *= segment.multiplier
