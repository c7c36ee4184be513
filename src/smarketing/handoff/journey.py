"""A lead's journey summed up from its touchpoints (plain Python, no Django): first touch,
channels, campaigns, content consumed with its funnel stage, and recent visits."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

RECENT_VISITS = 10


@dataclass(frozen=True, slots=True)
class Touch:
    """One touchpoint as the card needs it."""

    at: dt.datetime
    kind: str
    channel: str
    campaign: str = ""
    content: str = ""
    funnel_stage: str = ""
    path: str = ""
    high_intent: bool = False


@dataclass(frozen=True, slots=True)
class ContentSeen:
    title: str
    funnel_stage: str
    first_at: dt.datetime
    times: int


@dataclass(frozen=True, slots=True)
class Journey:
    first_touch: Touch | None = None
    last_touch: Touch | None = None
    touches: int = 0
    channels: list[tuple[str, int]] = field(default_factory=list)
    campaigns: list[tuple[str, int]] = field(default_factory=list)
    content: list[ContentSeen] = field(default_factory=list)
    recent_visits: list[Touch] = field(default_factory=list)
    high_intent_visits: int = 0


def journey_build(touches: list[Touch], *, recent: int = RECENT_VISITS) -> Journey:
    """`touches` in any order. Channels and campaigns by how often, content in the order it was
    first consumed, visits newest first."""
    if not touches:
        return Journey()
    ordered = sorted(touches, key=lambda t: t.at)
    channels = Counter(t.channel for t in ordered if t.channel)
    campaigns = Counter(t.campaign for t in ordered if t.campaign)
    first_seen: dict[str, Touch] = {}
    times: Counter[str] = Counter()
    for t in ordered:
        if t.content:
            first_seen.setdefault(t.content, t)
            times[t.content] += 1
    content = [
        ContentSeen(title, t.funnel_stage, t.at, times[title]) for title, t in first_seen.items()
    ]
    visits = [t for t in reversed(ordered) if t.kind == "page_view"]
    return Journey(
        first_touch=ordered[0],
        last_touch=ordered[-1],
        touches=len(ordered),
        channels=channels.most_common(),
        campaigns=campaigns.most_common(),
        content=content,
        recent_visits=visits[:recent],
        high_intent_visits=sum(1 for t in visits if t.high_intent),
    )
