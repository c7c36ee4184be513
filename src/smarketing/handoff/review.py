"""The monthly lead-quality review, summed up (plain Python, no Django): sales' decisions,
ratings and reasons by source channel, campaign, content consumed and segment."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

UNKNOWN = "(unknown)"
NONE = "(none)"
# Company size bands by employees: (lowest, label), ascending.
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (1, "1–9"),
    (10, "10–49"),
    (50, "50–249"),
    (250, "250–999"),
    (1000, "1,000+"),
)
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("channel", "Source channel"),
    ("campaign", "Campaign"),
    ("content", "Content consumed"),
    ("size", "Company size"),
    ("industry", "Industry"),
)
TOP_REASONS = 3
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def size_band(employees: int | None) -> str:
    if employees is None or employees < 1:
        return UNKNOWN
    label = SIZE_BANDS[0][1]
    for low, name in SIZE_BANDS:
        if employees >= low:
            label = name
    return label


def month_parse(text: str) -> tuple[dt.datetime, dt.datetime]:
    """'2025-03' → [start, end) of that month in UTC; ValueError with the reason otherwise."""
    found = _MONTH.match(text.strip())
    if not found:
        raise ValueError(f"a month is written YYYY-MM, e.g. 2025-03, not {text!r}")
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month} in {text!r}")
    start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
    return start, end


@dataclass(frozen=True, slots=True)
class FeedbackFact:
    """One feedback row with the lead's facts; `content` is every asset the lead consumed."""

    kind: str
    rating: int | None
    reason: str
    channel: str
    campaign: str
    content: tuple[str, ...]
    size: str
    industry: str

    def keys(self, dimension: str) -> tuple[str, ...]:
        if dimension == "content":
            return self.content or (NONE,)
        value = getattr(self, dimension)
        return (value or UNKNOWN,)


@dataclass
class ReviewRow:
    key: str
    feedback: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    ratings: list[int] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def leads_decided(self) -> int:
        return sum(self.decisions[k] for k in ("accept", "reject", "disqualify", "recycle"))

    @property
    def rating_average(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def acceptance_rate(self) -> float | None:
        decided = self.leads_decided
        return self.decisions["accept"] / decided if decided else None

    @property
    def top_reasons(self) -> list[tuple[str, int]]:
        return self.reasons.most_common(TOP_REASONS)

    def add(self, fact: FeedbackFact) -> None:
        self.feedback += 1
        self.decisions[fact.kind] += 1
        if fact.rating is not None:
            self.ratings.append(fact.rating)
        if fact.reason:
            self.reasons[fact.reason] += 1


@dataclass
class Review:
    month: str
    total: ReviewRow
    by: dict[str, list[ReviewRow]]
    reasons: list[tuple[str, str, int]]  # (decision kind, reason, count), most frequent first


def review_build(facts: Iterable[FeedbackFact], *, month: str) -> Review:
    """Rows per value of each dimension, the most feedback first (ties by name)."""
    total = ReviewRow("All leads")
    groups: dict[str, dict[str, ReviewRow]] = {d: {} for d, _ in DIMENSIONS}
    reasons: Counter[tuple[str, str]] = Counter()
    for fact in facts:
        total.add(fact)
        if fact.reason:
            reasons[(fact.kind, fact.reason)] += 1
        for dimension, rows in groups.items():
            for key in fact.keys(dimension):
                rows.setdefault(key, ReviewRow(key)).add(fact)
    by = {
        d: sorted(rows.values(), key=lambda r: (-r.feedback, r.key)) for d, rows in groups.items()
    }
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return Review(month, total, by, [(kind, reason, n) for (kind, reason), n in ordered])


def content_by_contact(pairs: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    """(contact id, asset title) pairs → each contact's titles, sorted, once each."""
    found: dict[int, set[str]] = defaultdict(set)
    for contact_id, title in pairs:
        if title:
            found[contact_id].add(title)
    return {cid: tuple(sorted(titles)) for cid, titles in found.items()}
