"""What the persisted parts share: the Timeline, and the rows written so far by list index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from smarketing.campaigns.models import Campaign
from smarketing.content.models import ContentAsset
from smarketing.deals.models import Deal
from smarketing.demo.timeline import Timeline
from smarketing.lifecycle.models import TransitionReason
from smarketing.org.models import Team, User
from smarketing.people.models import Account, Contact

Advance = Callable[[int], None]  # reports progress: this many more units done


@dataclass
class Context:
    """Rows written so far, each list aligned with the Timeline list of the same name."""

    timeline: Timeline
    teams: list[Team] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    assets: list[ContentAsset] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    reasons: dict[str, TransitionReason] = field(default_factory=dict)  # by code

    def user(self, index: int | None) -> User | None:
        return self.users[index] if index is not None else None


@dataclass(frozen=True)
class Part:
    """One persisted part of the demo company. Parts run in the order of generate.PARTS."""

    name: str
    label: str  # shown beside the progress bar
    size: Callable[[Timeline], int]  # units of progress the part will report
    run: Callable[[Context, Advance], None]
