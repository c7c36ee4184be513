"""What the funnel is computed over: the window, the period and which contacts.

One parser for the page, the API and the CLI: every value arrives as text under the same name
(`from`, `until`, `period`, `channel`, `campaign`, `industry`, `size`, `country`, `owner`, `team`)
and every mistake is an InvalidInput naming that name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q

from smarketing.analytics.funnel.maths import Period, period_start
from smarketing.campaigns.models import Campaign, Channel
from smarketing.errors import Errors, InvalidInput
from smarketing.handoff.review import SIZE_BANDS
from smarketing.org.models import Team, User

# The review's company size bands, as codes a URL carries: "1-9", "10-49", …, "1000+".
SIZE_RANGES: dict[str, tuple[int, int | None]] = {
    (f"{low}-{SIZE_BANDS[i + 1][0] - 1}" if i + 1 < len(SIZE_BANDS) else f"{low}+"): (
        low,
        SIZE_BANDS[i + 1][0] if i + 1 < len(SIZE_BANDS) else None,
    )
    for i, (low, _) in enumerate(SIZE_BANDS)
}
SIZE_LABELS: dict[str, str] = {
    code: label for code, (_, label) in zip(SIZE_RANGES, SIZE_BANDS, strict=True)
}
# Every parameter, by the name the page, the API and the CLI (as --name) give it.
FIELDS = (
    "from",
    "until",
    "period",
    "channel",
    "campaign",
    "industry",
    "size",
    "country",
    "owner",
    "team",
)
# The default window: this month and the eleven before it.
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class FunnelFilters:
    """The window [since, until) in UTC, the period to bucket by, and which contacts count.

    Contacts are chosen by what they carry now: their original source channel and campaign
    (set from their first touch), their account's industry and size, their country (else their
    account's), their owner and the owner's team.
    """

    since: dt.datetime
    until: dt.datetime
    period: Period = Period.MONTH
    channel: str = ""
    campaign: Campaign | None = None
    industry: str = ""
    size: str = ""
    country: str = ""
    owner: User | None = None
    team: Team | None = None

    def contacts_q(self, prefix: str = "") -> Q:
        """The contact conditions, on Contact (`prefix=""`) or through a relation to it."""
        q = Q()
        if self.channel:
            q &= Q(**{f"{prefix}source_channel": self.channel})
        if self.campaign is not None:
            q &= Q(**{f"{prefix}source_campaign_id": self.campaign.pk})
        if self.industry:
            q &= Q(**{f"{prefix}account__industry__iexact": self.industry})
        if self.size:
            low, high = SIZE_RANGES[self.size]
            q &= Q(**{f"{prefix}account__employees__gte": low})
            if high is not None:
                q &= Q(**{f"{prefix}account__employees__lt": high})
        if self.country:
            own = Q(**{f"{prefix}country": self.country})
            inherited = Q(**{f"{prefix}country": "", f"{prefix}account__country": self.country})
            q &= own | inherited
        if self.owner is not None:
            q &= Q(**{f"{prefix}owner_id": self.owner.pk})
        if self.team is not None:
            q &= Q(**{f"{prefix}owner__team_id": self.team.pk})
        return q

    def params(self) -> dict[str, str]:
        """The filters as query parameters, to link the CSV downloads and the API."""
        values = {
            "from": f"{self.since:%Y-%m-%d}",
            "until": f"{self.until:%Y-%m-%d}",
            "period": self.period.value,
            "channel": self.channel,
            "campaign": str(self.campaign.pk) if self.campaign else "",
            "industry": self.industry,
            "size": self.size,
            "country": self.country,
            "owner": str(self.owner.pk) if self.owner else "",
            "team": str(self.team.pk) if self.team else "",
        }
        return {k: v for k, v in values.items() if v}


def _date(raw: str, name: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"must be a date written YYYY-MM-DD, e.g. 2025-06-01, not {raw!r}", field=name
        ) from None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def default_since(today: dt.date) -> dt.datetime:
    """The first day of the month eleven months before `today`'s."""
    start = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    month = period_start(start, Period.MONTH)
    for _ in range(DEFAULT_MONTHS - 1):
        month = period_start(month - dt.timedelta(days=1), Period.MONTH)
    return month


def window_parse(*, since: str, until: str, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[from, until) from dates; `until` is the first day not included (default: tomorrow)."""
    start = _date(since, "from") if since else default_since(today)
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    end = _date(until, "until") if until else tomorrow
    if end <= start:
        raise InvalidInput(
            f"must be after from ({start:%Y-%m-%d}); until is the first day not included",
            field="until",
        )
    return start, end


def period_parse(raw: str) -> Period:
    try:
        return Period(raw.strip().lower() or Period.MONTH)
    except ValueError:
        known = ", ".join(p.value for p in Period)
        raise InvalidInput(f"must be one of {known}, not {raw!r}", field="period") from None


def channel_parse(raw: str) -> str:
    value = raw.strip().lower()
    if value and value not in Channel.values:
        known = ", ".join(Channel.values)
        raise InvalidInput(f"unknown channel {raw!r} (known: {known})", field="channel")
    return value


def size_parse(raw: str) -> str:
    value = raw.strip()
    if value and value not in SIZE_RANGES:
        known = ", ".join(SIZE_RANGES)
        raise InvalidInput(f"unknown size band {raw!r} (known: {known})", field="size")
    return value


def country_parse(raw: str) -> str:
    value = raw.strip().upper()
    if value and (len(value) != 2 or not value.isalpha()):
        raise InvalidInput(
            f"must be a two-letter ISO country code like DE, not {raw!r}", field="country"
        )
    return value


def campaign_parse(raw: str) -> Campaign | None:
    """A campaign by id or by name."""
    value = raw.strip()
    if not value:
        return None
    found = (
        Campaign.objects.filter(pk=int(value)).first()
        if value.isdigit()
        else Campaign.objects.filter(name__iexact=value).first()
    )
    if found is None:
        raise InvalidInput(f"no campaign with id or name {raw!r}", field="campaign")
    return found


def owner_parse(raw: str) -> User | None:
    """A user by id or by email."""
    value = raw.strip()
    if not value:
        return None
    found = (
        User.objects.filter(pk=int(value)).first()
        if value.isdigit()
        else User.objects.filter(email__iexact=value).first()
    )
    if found is None:
        raise InvalidInput(f"no user with id or email {raw!r}", field="owner")
    return found


def team_parse(raw: str) -> Team | None:
    """A team by id or by name."""
    value = raw.strip()
    if not value:
        return None
    found = (
        Team.objects.filter(pk=int(value)).first()
        if value.isdigit()
        else Team.objects.filter(name__iexact=value).first()
    )
    if found is None:
        raise InvalidInput(f"no team with id or name {raw!r}", field="team")
    return found


def filters_parse(params: Mapping[str, str | None], *, today: dt.date) -> FunnelFilters:
    """Parse every value and report every mistake at once, each under its own name."""
    raw = {name: (params.get(name) or "").strip() for name in FIELDS}
    errors = Errors()
    attempt = errors.attempt
    window = attempt(lambda: window_parse(since=raw["from"], until=raw["until"], today=today))
    period = attempt(lambda: period_parse(raw["period"]))
    channel = attempt(lambda: channel_parse(raw["channel"]))
    size = attempt(lambda: size_parse(raw["size"]))
    country = attempt(lambda: country_parse(raw["country"]))
    campaign = attempt(lambda: campaign_parse(raw["campaign"]))
    owner = attempt(lambda: owner_parse(raw["owner"]))
    team = attempt(lambda: team_parse(raw["team"]))
    errors.raise_any()
    # Their parsers return a value or raise, so these are set once no error was kept.
    assert not (window is None or period is None)
    return FunnelFilters(
        since=window[0],
        until=window[1],
        period=period,
        channel=channel or "",
        campaign=campaign,
        industry=raw["industry"],
        size=size or "",
        country=country or "",
        owner=owner,
        team=team,
    )
