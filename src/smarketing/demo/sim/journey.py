"""Each contact's own way through the funnel, and the sales work on it.

Marketing's part is interest, not a verdict: a lead shows interest (a demo request, an
evaluation of pricing and customers) with a base probability times its planted multiplier **
(1/5), and the scoring engine (sim/qualify.py) decides whether and when its touchpoints meet the
live definition's MQL criteria. Every step after that (MQL→SAL, SAL→SQL, SQL→opportunity, and
the deal in sim/deals.py) succeeds with a base probability times the same share of the
multiplier (truths.STEPS), so the truths really are in the data. A journey stops at
opportunity; the account's deal decides the rest.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from smarketing.demo.sim.clock import Calendar, add_business_hours
from smarketing.demo.sim.events import EventMaker
from smarketing.demo.sim.qualify import Qualifier, Verdict
from smarketing.demo.timeline import SimActivity, SimContact, SimEvent, SimTransition, Timeline
from smarketing.demo.truths import STEPS

P_SUBSCRIBER_TO_LEAD = 0.35
P_SUBSCRIBER_ORGANIC = 0.3  # organic visitors who only sign up for the newsletter
P_INTEREST = 0.7  # a lead that shows buying interest (times its multiplier share)
P_HAND_RAISER = 0.3  # of interested leads from forms and organic search, those who ask for a demo
P_ACCEPT = 0.67
P_SQL = 0.48
P_OPPORTUNITY = 0.58
P_OUTBOUND_REPLY = 0.22  # outbound skips MQL: one step standing for lead → SAL
P_MARKETING_DISQUALIFY = 0.05
P_DUD_DISQUALIFY = 0.15  # lead magnets attract students and fake addresses
P_REENGAGE = 0.1  # a recycled lead's interest comes back once (times its multiplier share)
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass
class Path:
    """One contact's moves, the sales activities on it and its web and email activity (the
    events), cut off at `now`."""

    contact: int
    now: dt.datetime
    moves: list[SimTransition] = field(default_factory=list)
    acts: list[SimActivity] = field(default_factory=list)
    events: list[SimEvent] = field(default_factory=list)

    def move(self, at: dt.datetime, stage: str, *, origin: str = "move", **how: object) -> bool:
        if at >= self.now:
            return False
        self.moves.append(SimTransition(self.contact, at, stage, origin, **how))  # type: ignore[arg-type]
        return True

    def act(self, at: dt.datetime, kind: str, user: int, subject: str, outcome: str = "") -> bool:
        if at >= self.now:
            return False
        self.acts.append(SimActivity(self.contact, at, kind, user, subject, outcome))
        return True


class Journeys:
    def __init__(self, timeline: Timeline, qualifier: Qualifier) -> None:
        self.tl = timeline
        self.rng = random.Random()
        self.calendars = [
            Calendar.of(
                timezone=t.timezone, workdays=t.workdays, day_start=t.day_start, day_end=t.day_end
            )
            for t in timeline.teams
        ]
        self.marketers = [i for i, u in enumerate(timeline.users) if u.role == "marketing"]
        dud = timeline.truths.dud_campaign
        self.dud = next(i for i, c in enumerate(timeline.campaigns) if c.name == dud)
        self.events = EventMaker(timeline)
        self.qualifier = qualifier

    def step(self, base: float, c: SimContact, steps: int = 1) -> bool:
        """One funnel step: base chance times the contact's multiplier share for `steps` steps."""
        chance = min(0.97, base * math.pow(c.multiplier, steps / len(STEPS)))
        return self.rng.random() < chance

    def delay(self, median_days: float, sigma: float = 0.8) -> dt.timedelta:
        return dt.timedelta(days=self.rng.lognormvariate(math.log(median_days), sigma))

    def reason(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def run(self, i: int) -> Path:
        # A stream per contact: where one journey is cut at `now` cannot shift the others.
        c = self.tl.contacts[i]
        self.rng = rng = random.Random(f"{self.tl.seed}:journey:{c.serial}")
        path = Path(i, self.tl.now)
        if c.entry == "outbound":
            self.outbound(path, c)
            return path
        subscriber = c.entry == "newsletter" or (
            c.entry == "organic" and rng.random() < P_SUBSCRIBER_ORGANIC
        )
        t_lead: dt.datetime | None = c.created_at
        if subscriber:
            t_lead = c.created_at + self.delay(40) if rng.random() < P_SUBSCRIBER_TO_LEAD else None
        dq = P_MARKETING_DISQUALIFY + (P_DUD_DISQUALIFY if c.source_campaign == self.dud else 0)
        junk = t_lead is not None and rng.random() < dq
        interested = t_lead is not None and not junk and self.step(P_INTEREST, c)
        path.events = self.events.background(i, subscriber=subscriber, engaged=interested)
        if interested:
            assert t_lead is not None
            self.interest(path, c, t_lead, first=True)
        if subscriber:
            path.move(
                c.created_at, "subscriber", origin="create", by_rule="demo: newsletter signup"
            )
        else:
            rule = "demo: list import" if c.entry == "list_import" else "demo: form fill"
            path.move(c.created_at, "lead", origin="create", by_rule=rule)
        self.marketing(path, c, subscriber=subscriber, t_lead=t_lead, junk=junk)
        return path

    def interest(self, path: Path, c: SimContact, after: dt.datetime, *, first: bool) -> None:
        """An interest episode: a demo request soon after the form fill, or an evaluation of
        pricing and customers days later (after the webinar, for one who attended)."""
        rng = self.rng
        attended_at = (
            self.tl.campaigns[c.webinar].event_at
            if c.attended_webinar and c.webinar is not None
            else None
        )
        hand_raiser = c.entry in ("form", "organic") and rng.random() < P_HAND_RAISER
        if first and attended_at is None and hand_raiser:
            at = after + MINUTE * rng.uniform(2, 30)
            path.events.extend(self.events.hand_raise(path.contact, at, rng))
            return
        earliest = max(after, attended_at + HOUR) if first and attended_at else after
        at = earliest + self.delay(10 if first else 60, 0.8 if first else 0.5)
        if not first and hand_raiser:
            path.events.extend(self.events.hand_raise(path.contact, at, rng))
        else:
            path.events.extend(self.events.evaluation(path.contact, at, rng))

    def qualify(
        self, path: Path, *, stage: str, since: dt.datetime, until: dt.datetime | None = None
    ) -> Verdict | None:
        return self.qualifier.first(
            path.contact, path.events, stage=stage, since=since, until=until
        )

    def marketing(
        self,
        path: Path,
        c: SimContact,
        *,
        subscriber: bool,
        t_lead: dt.datetime | None,
        junk: bool,
    ) -> None:
        """Until the engine finds the MQL criteria met, the contact is marketing's: a subscriber
        may become a lead by a form, a junk lead is disqualified by a marketer."""
        rng = self.rng
        if subscriber:
            verdict = self.qualify(path, stage="subscriber", since=c.created_at, until=t_lead)
            if verdict is None and t_lead is not None:
                if not path.move(t_lead, "lead", by_rule="demo: form fill"):
                    return
                verdict = self.qualify(path, stage="lead", since=t_lead)
        else:
            verdict = self.qualify(path, stage="lead", since=c.created_at)
        if junk:
            assert t_lead is not None
            t_dq = t_lead + self.delay(15)
            if verdict is None or t_dq < verdict[0]:
                why = self.reason({"student": 3, "bad-data": 3, "competitor": 1})
                path.move(t_dq, "disqualified", by_user=rng.choice(self.marketers), reason=why)
                return
        if verdict is not None:
            t_mql, rule = verdict
            if path.move(t_mql, "mql", by_rule=rule):
                self.sales(path, c, t_mql, round_=0)

    def sales(self, path: Path, c: SimContact, t_mql: dt.datetime, *, round_: int) -> None:
        """From MQL: the owner's first touch (delayed by their habit), then accept or reject."""
        rng = self.rng
        rep = self.tl.users[c.owner]
        assert rep.habit is not None and rep.team is not None
        cal = self.calendars[rep.team]
        hours = rng.lognormvariate(math.log(rep.habit.response_hours), 0.6)
        t1 = add_business_hours(t_mql, hours, cal)
        accept = self.step(P_ACCEPT * (0.7 if c.source_campaign == self.dud else 1), c)
        is_call = rng.random() < rep.habit.call_share
        outcome = ""
        if is_call:
            outcome = "connected" if accept else rng.choice(("connected", "voicemail", "no_answer"))
        subject = "Intro call" if is_call else "Following up on your interest in Lumen"
        if not path.act(t1, "call" if is_call else "email", c.owner, subject, outcome):
            return
        t = t1 + MINUTE * rng.uniform(5, 30)
        poor = c.multiplier < 1
        if not accept:
            if rng.random() < 0.7:
                why = self.reason(
                    {"no-need": 3, "no-budget": 9 if poor else 3, "not-decision-maker": 2}
                )
                stage = "recycled"
            else:
                dud = c.source_campaign == self.dud
                why = self.reason(
                    {"no-fit": 9 if poor else 3, "competitor": 1, "bad-data": 4 if dud else 1}
                )
                stage = "disqualified"
            if path.move(t, stage, by_user=c.owner, reason=why) and stage == "recycled":
                self.reengage(path, c, t, round_)
            return
        if path.move(t, "sal", by_user=c.owner):
            self.work(path, c, t, round_)

    def work(self, path: Path, c: SimContact, t: dt.datetime, round_: int) -> None:
        """SAL → SQL → opportunity: follow-ups, a discovery call, a demo."""
        rng = self.rng
        rep = self.tl.users[c.owner]
        assert rep.habit is not None and rep.team is not None
        cal = self.calendars[rep.team]
        poor = c.multiplier < 1
        qualified = self.step(P_SQL, c)
        touches = rep.habit.touches
        success_at = rng.randint(1, min(3, touches)) if qualified else 0
        for j in range(1, touches + 1):
            t = add_business_hours(t, rng.uniform(6, 24), cal)
            if rng.random() < rep.habit.call_share:
                answered = j == success_at or rng.random() < 0.3
                outcome = "connected" if answered else rng.choice(("voicemail", "no_answer"))
                ok = path.act(t, "call", c.owner, "Follow-up call", outcome)
            else:
                ok = path.act(t, "email", c.owner, "Quick question about your pipeline")
            if not ok:
                return
            if j == success_at:
                break
        if not qualified:
            stage, why = "recycled", self.reason({"no-response": 6, "not-ready": 3})
            if rng.random() < (0.35 if poor else 0.15):
                stage, why = "disqualified", "no-fit"
            t += self.delay(1, 0.3)
            if path.move(t, stage, by_user=c.owner, reason=why) and stage == "recycled":
                self.reengage(path, c, t, round_)
            return
        t = add_business_hours(t, rng.uniform(4, 40), cal)
        if not (
            path.act(t, "meeting", c.owner, "Discovery call")
            and path.move(t + 45 * MINUTE, "sql", by_user=c.owner)
        ):
            return
        path.events.extend(self.events.sql_session(path.contact, t + 45 * MINUTE, rng))
        t = add_business_hours(t + HOUR, rng.uniform(8, 80), cal)
        if not path.act(t, "meeting", c.owner, "Product demo"):
            return
        if self.step(P_OPPORTUNITY, c):
            if path.move(t + HOUR, "opportunity", by_user=c.owner):
                c.opportunity_at = t + HOUR
            return
        t += self.delay(10, 0.5)
        if path.act(t, "email", c.owner, "Checking in after the demo"):
            why = self.reason({"timing": 5, "not-ready": 3})
            if path.move(t + HOUR, "recycled", by_user=c.owner, reason=why):
                self.reengage(path, c, t + HOUR, round_)

    def reengage(self, path: Path, c: SimContact, t: dt.datetime, round_: int) -> None:
        """A recycled lead is marketing's again: its interest may come back once, months later,
        and the engine makes it an MQL again when its touchpoints meet the criteria."""
        if round_ == 0 and self.step(P_REENGAGE, c):
            self.interest(path, c, t, first=False)
        verdict = self.qualify(path, stage="recycled", since=t)
        if verdict is not None and path.move(verdict[0], "mql", by_rule=verdict[1]):
            self.sales(path, c, verdict[0], round_=round_ + 1)

    def outbound(self, path: Path, c: SimContact) -> None:
        """A rep prospects the contact; a reply makes it a SAL straight away."""
        rng = self.rng
        rep = self.tl.users[c.owner]
        assert rep.habit is not None and rep.team is not None
        cal = self.calendars[rep.team]
        t = c.created_at
        path.move(t, "lead", origin="create", by_user=c.owner)
        replied = self.step(P_OUTBOUND_REPLY, c, steps=2)
        touches = rep.habit.touches + 1
        reply_at = rng.randint(1, touches) if replied else 0
        for j in range(1, touches + 1):
            t = add_business_hours(t, rng.uniform(16, 40), cal)
            subject = "Prospecting email" if j % 2 else "Prospecting call"
            kind, outcome = ("email", "") if j % 2 else ("call", "no_answer")
            if j == reply_at and kind == "call":
                outcome = "connected"
            if not path.act(t, kind, c.owner, subject, outcome):
                return
            if j == reply_at:
                t += HOUR
                if path.move(t, "sal", by_user=c.owner):
                    self.work(path, c, t, round_=1)
                return
        path.move(t + 2 * DAY, "recycled", by_user=c.owner, reason="no-response")


def build(timeline: Timeline, qualifier: Qualifier) -> list[Path]:
    journeys = Journeys(timeline, qualifier)
    return [journeys.run(i) for i in range(len(timeline.contacts))]
