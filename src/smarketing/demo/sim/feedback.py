"""What sales says about the leads it decides on: the decision each sales move is, and the 1-5
lead-quality ratings and comments that come with some of them (plain Python, no Django).

Ratings are drawn from a stream of their own per contact and move, so adding them never changes
what the rest of the simulation draws. A rep rates by what they see: leads of the planted worse
segment and of the dud campaign get low marks, those of the better segment high ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from smarketing.demo.sim.catalogue import REASON_KINDS
from smarketing.demo.timeline import SimTransition, Timeline

# The stages sales decides from (handoff.decisions.WORKING) and, from an MQL, the accept.
WORKING = frozenset({"mql", "sal", "sql"})
# Chance that a decision of each kind comes with a rating.
RATED = {"accept": 0.6, "reject": 0.45, "disqualify": 0.5, "recycle": 0.25}
COMMENTS = {
    "accept": (
        "Good fit, clear project this quarter.",
        "Knows what they want; booked a discovery call.",
        "Solid lead, decision maker on the first call.",
    ),
    "no-need": ("Happy with their spreadsheets for now.",),
    "no-budget": ("Likes it, but no budget this year.", "Too small for the Team plan."),
    "not-decision-maker": ("Intern doing research; asked for the head of marketing's name.",),
    "no-fit": ("Not a fit: a one-person shop.", "Wants features we do not have."),
    "bad-data": ("Fake name and a dead phone number.",),
    "competitor": ("Works for a competitor.",),
    "no-response": ("Tried calls and emails over two weeks, nothing back.",),
    "not-ready": ("Interested, but only next quarter.",),
    "timing": ("Revisit after their budget cycle.",),
}


@dataclass(frozen=True)
class Feedback:
    kind: str  # accept | reject | disqualify | recycle (handoff.FeedbackKind values)
    rating: int | None
    comment: str


def decision_kind(t: SimTransition, *, from_stage: str) -> str | None:
    """The sales decision a move is, or None for a move no decision service makes (an
    outbound lead replying, progress to SQL and beyond, a lost deal's recycle)."""
    if from_stage not in WORKING or t.by_user is None:
        return None
    if t.to_stage == "sal" and from_stage == "mql":
        return "accept"
    kind = REASON_KINDS.get(t.reason)
    if t.to_stage == "disqualified" and kind == "disqualify":
        return kind
    # A reject sends an MQL or SAL back to marketing; a recycle works from any working stage.
    if t.to_stage == "recycled" and kind == "reject" and from_stage in ("mql", "sal"):
        return kind
    if t.to_stage == "recycled" and kind == "recycle":
        return kind
    return None


def feedback_draw(timeline: Timeline, t: SimTransition, *, kind: str) -> Feedback:
    """The rating and comment the rep gives with decision `kind` on move `t`."""
    c = timeline.contacts[t.contact]
    rng = random.Random(f"feedback:{timeline.seed}:{c.serial}:{t.at.isoformat()}")
    rating = None
    if rng.random() < RATED[kind]:
        # Worse and better segments multiply the contact's odds (truths.py): the rep notices.
        base = 4.0 if kind == "accept" else 2.0
        if c.multiplier < 1:
            base -= 1.5
        elif c.multiplier > 1:
            base += 1.0
        if c.source_campaign is not None and (
            timeline.campaigns[c.source_campaign].name == timeline.truths.dud_campaign
        ):
            base -= 1.0
        rating = min(5, max(1, round(rng.gauss(base, 0.7))))
    comment = ""
    pool = COMMENTS.get("accept" if kind == "accept" else t.reason, ())
    if pool and rng.random() < 0.3:
        comment = rng.choice(pool)
    return Feedback(kind, rating, comment)
