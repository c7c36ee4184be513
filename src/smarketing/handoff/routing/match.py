"""Which rules a lead matches and whose turn it is: plain Python, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lead:
    """What territory rules look at. `country` is the account's, else the contact's."""

    country: str = ""
    industry: str = ""
    employees: int | None = None


@dataclass(frozen=True)
class Conditions:
    """A rule's conditions; empty ones match everything. `countries` already holds the named
    region's countries as well: a lead matches when its country is in either."""

    countries: frozenset[str] = field(default_factory=frozenset)
    industries: frozenset[str] = field(default_factory=frozenset)
    employees_min: int | None = None
    employees_max: int | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.countries
            or self.industries
            or self.employees_min is not None
            or self.employees_max is not None
        )


def conditions_match(conditions: Conditions, lead: Lead) -> bool:
    """Every condition given must hold; within a list, any entry will do. An unknown company
    size or country never matches a condition on it."""
    if conditions.countries and lead.country.upper() not in conditions.countries:
        return False
    if conditions.industries and lead.industry.strip().casefold() not in {
        i.casefold() for i in conditions.industries
    }:
        return False
    if conditions.employees_min is not None or conditions.employees_max is not None:
        if lead.employees is None:
            return False
        if conditions.employees_min is not None and lead.employees < conditions.employees_min:
            return False
        if conditions.employees_max is not None and lead.employees > conditions.employees_max:
            return False
    return True


def is_away(periods: Sequence[tuple[dt.date, dt.date]], day: dt.date) -> bool:
    """Whether `day` falls in any (first_day, last_day) period, both ends included."""
    return any(first <= day <= last for first, last in periods)


def next_in_turn(
    members: Sequence[int], *, last: int | None, available: set[int] | frozenset[int]
) -> int | None:
    """The first available member after `last` in `members`' order, wrapping around; None when
    nobody is available. A `last` who left the team counts from where their id would sit."""
    if not members:
        return None
    ordered = sorted(members)
    start = 0
    if last is not None:
        start = next((i for i, m in enumerate(ordered) if m > last), 0)
    for step in range(len(ordered)):
        candidate = ordered[(start + step) % len(ordered)]
        if candidate in available:
            return candidate
    return None


def countries_parse(text: str | Sequence[str]) -> list[str]:
    """'de, at ch' or ['de', 'AT'] → ['AT', 'CH', 'DE']; raises ValueError naming a bad code."""
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    codes: set[str] = set()
    for item in items:
        code = item.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"{item!r} is not a two-letter country code (e.g. DE)")
        codes.add(code)
    return sorted(codes)


def words_parse(text: str | Sequence[str]) -> list[str]:
    """'Software; Retail' or a list → ['Software', 'Retail'] (entries split on ; or newlines)."""
    items = text.replace("\n", ";").split(";") if isinstance(text, str) else list(text)
    seen: dict[str, str] = {}
    for item in items:
        word = item.strip()
        if word:
            seen.setdefault(word.casefold(), word)
    return list(seen.values())
