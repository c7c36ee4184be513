"""The fixed cast of the demo company: its teams, people, campaigns and content.

The company is "Lumen Analytics", a B2B software vendor. What varies with the seed (which rep is
slow, which campaign is the dud, who the customers are) is drawn elsewhere; this is the stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

COMPANY = "Lumen Analytics"
DOMAIN = "lumen.example"  # .example never resolves: no demo address can reach a real inbox
SITE = "https://www.lumen.example"
# One known password for every demo login, printed by `smarketing demo` and in docs/demo.md.
DEMO_PASSWORD = "smarketing-demo"


@dataclass(frozen=True)
class TeamSpec:
    name: str
    kind: str  # org.TeamKind value
    timezone: str
    day_start: dt.time
    day_end: dt.time
    workdays: str = "12345"


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("Marketing", "marketing", "America/New_York", dt.time(9), dt.time(17)),
    TeamSpec("Sales Americas", "sales", "America/Chicago", dt.time(8), dt.time(17)),
    TeamSpec("Sales EMEA", "sales", "Europe/Berlin", dt.time(9), dt.time(18)),
)


@dataclass(frozen=True)
class Habit:
    """How a rep works a new lead."""

    response_hours: float  # median business hours from a new lead to the first touch
    call_share: float  # share of touches that are calls (the rest are emails)
    touches: int  # attempts before an unresponsive lead is recycled


@dataclass(frozen=True)
class UserSpec:
    email: str
    full_name: str
    role: str  # org.Role value
    team: str | None  # TeamSpec.name
    habit: Habit | None = None  # reps only


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{DOMAIN}"


# Reps' response habits when they are not the slow one; the slow rep's median is SLOW_HOURS.
SLOW_HOURS = 18.0
USERS: tuple[UserSpec, ...] = (
    UserSpec(f"admin@{DOMAIN}", "Alex Admin", "admin", None),
    UserSpec(_email("Maya Chen"), "Maya Chen", "leader", "Marketing"),
    UserSpec(_email("Sol Okafor"), "Sol Okafor", "leader", "Sales Americas"),
    UserSpec(_email("Mia Jensen"), "Mia Jensen", "marketing", "Marketing"),
    UserSpec(_email("Noah Patel"), "Noah Patel", "marketing", "Marketing"),
    UserSpec(_email("Lena Fischer"), "Lena Fischer", "marketing", "Marketing"),
    UserSpec(_email("Sam Rivera"), "Sam Rivera", "sales", "Sales Americas", Habit(0.8, 0.7, 5)),
    UserSpec(_email("Grace Kim"), "Grace Kim", "sales", "Sales Americas", Habit(2.0, 0.3, 4)),
    UserSpec(
        _email("Diego Alvarez"), "Diego Alvarez", "sales", "Sales Americas", Habit(3.0, 0.5, 6)
    ),
    UserSpec(_email("Tom Becker"), "Tom Becker", "sales", "Sales EMEA", Habit(1.5, 0.5, 4)),
    UserSpec(_email("Priya Nair"), "Priya Nair", "sales", "Sales EMEA", Habit(1.2, 0.4, 5)),
)
REP_EMAILS: tuple[str, ...] = tuple(u.email for u in USERS if u.role == "sales")
MARKETER_EMAILS: tuple[str, ...] = tuple(u.email for u in USERS if u.role == "marketing")

# Accounts in these countries belong to the EMEA sales team, the rest to the Americas team.
EMEA = frozenset({"GB", "DE", "FR", "NL", "SE", "ES", "IT", "CH", "DK", "IE", "PL", "IN"})

# Weighted by their share of a typical B2B software vendor's market.
INDUSTRIES: tuple[tuple[str, float], ...] = (
    ("Software", 20),
    ("Manufacturing", 12),
    ("Professional services", 11),
    ("Financial services", 10),
    ("Healthcare", 9),
    ("Retail", 8),
    ("Education", 7),
    ("Logistics", 6),
    ("Media", 5),
    ("Real estate", 4),
    ("Energy", 3),
    ("Non-profit", 3),
    ("Government", 2),
)
COUNTRIES: tuple[tuple[str, float], ...] = (
    ("US", 38),
    ("GB", 10),
    ("DE", 10),
    ("CA", 6),
    ("FR", 6),
    ("IN", 5),
    ("NL", 4),
    ("AU", 4),
    ("SE", 3),
    ("ES", 3),
    ("IT", 3),
    ("BR", 3),
    ("IE", 2),
    ("CH", 2),
    ("PL", 1),
)


# The reason codes the demo uses, with their kind; they are the reasons a new installation starts
# with (lifecycle migration 0003), so the demo runs on any database that kept them.
REASON_KINDS: dict[str, str] = {
    "no-response": "recycle",
    "not-ready": "recycle",
    "timing": "recycle",
    "no-fit": "disqualify",
    "student": "disqualify",
    "competitor": "disqualify",
    "bad-data": "disqualify",
    "not-decision-maker": "reject",
    "no-need": "reject",
    "no-budget": "reject",
}
