"""The truths planted in a demo company, drawn from its seed (plain Python, no Django).

The default seed plants the documented truths; any other seed draws truths of the same kinds, so
analytics can be checked on companies nobody has looked at. docs/demo.md describes the JSON form.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from smarketing.demo.sim import catalogue, marketing
from smarketing.demo.sim.names import slug

DEFAULT_SEED = 42
FORMAT = "smarketing-demo-truths/1"
# A segment multiplier acts on each of these steps as multiplier ** (1 / len(STEPS)), so it is
# the true factor on a lead's chance to become a customer through its own deal. On lead→mql it
# acts on the lead's interest, which the scoring engine then judges with the company's
# definition (sim/journey.py), so that step also carries the definition's own judgement of fit.
STEPS = ("lead→mql", "mql→sal", "sal→sql", "sql→opportunity", "opportunity→won")

Condition = dict[str, Any]


@dataclass(frozen=True)
class Segment:
    effect: str  # "worse" or "better"
    name: str
    definition: Condition
    multiplier: float


@dataclass(frozen=True)
class Truths:
    seed: int
    worse: Segment
    better: Segment
    dud_campaign: str  # campaign name
    slow_rep: str  # rep email

    @property
    def segments(self) -> tuple[Segment, Segment]:
        return (self.worse, self.better)


def _field(name: str, op: str, value: object) -> Condition:
    return {"field": name, "op": op, "value": value}


SMALL_COMPANIES = Segment(
    "worse",
    "Companies with fewer than 10 employees or under $100k annual revenue",
    {
        "any": [
            _field("account.employees", "<", 10),
            _field("account.annual_revenue", "<", 100_000),
        ]
    },
    0.17,
)
WEBINAR_ATTENDEES = Segment(
    "better", "Webinar attendees", _field("contact.attended_webinar", "==", True), 4.0
)
DEFAULT_TRUTHS = Truths(
    seed=DEFAULT_SEED,
    worse=SMALL_COMPANIES,
    better=WEBINAR_ATTENDEES,
    dud_campaign="Facebook lead ads – Free funnel template",
    slow_rep=f"tom.becker@{catalogue.DOMAIN}",
)

# Candidate segments other seeds draw from. Each is common enough to be measured at 5,000 contacts.
WORSE_SIZE = (
    SMALL_COMPANIES.definition,
    {"all": [_field("account.employees", ">=", 10), _field("account.employees", "<", 50)]},
    _field("account.employees", ">=", 250),
)
WORSE_SIZE_NAMES = (
    SMALL_COMPANIES.name,
    "Companies with 10 to 49 employees",
    "Companies with 250 or more employees",
)
WORSE_INDUSTRIES = (
    "Manufacturing",
    "Professional services",
    "Financial services",
    "Healthcare",
    "Retail",
    "Education",
)
BETTER = (
    (WEBINAR_ATTENDEES.name, WEBINAR_ATTENDEES.definition),
    (
        "Contacts who downloaded a case study",
        _field("contact.downloaded_asset_types", "contains", "case_study"),
    ),
    ("Contacts referred by a partner", _field("contact.source_channel", "==", "partner")),
    ("Contacts from a review site or referral", _field("contact.source_channel", "==", "referral")),
    ("Contacts met at events", _field("contact.source_channel", "==", "events")),
)


def truths_draw(seed: int) -> Truths:
    """The truths planted by `seed`: the documented ones for the default seed, else drawn."""
    if seed == DEFAULT_SEED:
        return DEFAULT_TRUTHS
    rng = random.Random(f"truths:{seed}")
    if rng.random() < 0.5:
        i = rng.randrange(len(WORSE_SIZE))
        worse_name, worse_def = WORSE_SIZE_NAMES[i], WORSE_SIZE[i]
    else:
        industry = rng.choice(WORSE_INDUSTRIES)
        worse_name = f"Companies in {industry.lower()}"
        worse_def = _field("account.industry", "==", industry)
    better_name, better_def = rng.choice(BETTER)
    duds = [c.name for c in marketing.CAMPAIGNS if c.dud_able]
    return Truths(
        seed=seed,
        worse=Segment("worse", worse_name, worse_def, round(rng.uniform(0.08, 0.2), 2)),
        better=Segment("better", better_name, better_def, round(rng.uniform(4.0, 6.0), 2)),
        dud_campaign=rng.choice(duds),
        slow_rep=rng.choice(catalogue.REP_EMAILS),
    )


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a is not None and a < b,
    "<=": lambda a, b: a is not None and a <= b,
    ">": lambda a, b: a is not None and a > b,
    ">=": lambda a, b: a is not None and a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "contains": lambda a, b: b in (a or ()),
}


def segment_matches(definition: Condition, facts: Mapping[str, Any]) -> bool:
    """Whether the facts about one contact (field name → value) satisfy a segment definition."""
    if "any" in definition:
        return any(segment_matches(d, facts) for d in definition["any"])
    if "all" in definition:
        return all(segment_matches(d, facts) for d in definition["all"])
    op = _OPS.get(definition["op"])
    if op is None:
        raise ValueError(f"unknown operator {definition['op']!r} in segment {definition}")
    return bool(op(facts.get(definition["field"]), definition["value"]))


def truths_document(truths: Truths, *, observed: Mapping[str, Any]) -> dict[str, Any]:
    """The machine-readable form of a run's truths (see docs/demo.md)."""
    dud = next(c for c in marketing.CAMPAIGNS if c.name == truths.dud_campaign)
    rep = next(u for u in catalogue.USERS if u.email == truths.slow_rep)
    return {
        "format": FORMAT,
        "seed": truths.seed,
        **observed.get("run", {}),
        "multiplier_steps": list(STEPS),
        "segments": [
            {**asdict(s), "observed": observed.get("segments", {}).get(s.effect, {})}
            for s in truths.segments
        ],
        "dud_campaign": {
            "name": dud.name,
            "utm_campaign": slug(dud.name),
            "channel": dud.channel,
            "observed": observed.get("dud_campaign", {}),
        },
        "slow_rep": {
            "email": rep.email,
            "name": rep.full_name,
            "median_response_business_hours": catalogue.SLOW_HOURS,
            "observed": observed.get("slow_rep", {}),
        },
    }


def truths_write(document: Mapping[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
