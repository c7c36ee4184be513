"""Deals per account, and what a won deal does to everyone there.

Contacts whose journeys reach opportunity open a deal at their account, or join the one that is
open. Winning makes every contact of the account a customer at the close, exactly as
deals.services.deal_close does, so the history the sales part writes is the simulated one.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from smarketing.demo.sim.clock import Calendar, add_business_hours
from smarketing.demo.sim.journey import Path
from smarketing.demo.sim.qualify import Qualifier
from smarketing.demo.timeline import SimActivity, SimDeal, SimTransition, Timeline
from smarketing.demo.truths import STEPS

P_WIN = 0.36
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
LOSS_REASONS = {
    "price": 3.0,
    "competitor": 3.0,
    "no_decision": 4.0,
    "timing": 2.0,
    "no_budget": 2.0,
    "product_fit": 1.5,
    "other": 0.5,
}
# What the rep does with the buying group after a loss: (stage, reason code).
AFTER_LOSS = {
    "no_decision": ("recycled", "no-response"),
    "timing": ("recycled", "timing"),
    "no_budget": ("recycled", "timing"),
    "product_fit": ("disqualified", "no-fit"),
}
DEAL_WORK = (
    ("email", "Proposal sent"),
    ("call", "Pricing discussion"),
    ("meeting", "Security review"),
    ("call", "Contract negotiation"),
    ("meeting", "Stakeholder alignment"),
)


def _amount(rng: random.Random, employees: int) -> int:
    value = 1800 * math.sqrt(employees) * rng.lognormvariate(0, 0.35)
    return int(round(min(400_000, max(1200, value)), -2))


def _plan(employees: int) -> str:
    return "Starter" if employees < 50 else "Growth" if employees < 500 else "Enterprise"


def _open_stage(deal: SimDeal, now: dt.datetime) -> str:
    done = (now - deal.created_at) / (deal.expected_close - deal.created_at)
    if done < 0.3:
        return "discovery"
    return "demo" if done < 0.55 else "proposal" if done < 0.8 else "negotiation"


class DealMaker:
    def __init__(self, timeline: Timeline, paths: list[Path], qualifier: Qualifier) -> None:
        self.tl, self.paths, self.qualifier = timeline, paths, qualifier
        self.rng = random.Random()
        self.calendars = [
            Calendar.of(
                timezone=t.timezone, workdays=t.workdays, day_start=t.day_start, day_end=t.day_end
            )
            for t in timeline.teams
        ]

    def account(self, a: int, members: list[int]) -> None:
        tl = self.tl
        self.rng = random.Random(f"{tl.seed}:deals:{tl.accounts[a].serial}")
        opps = sorted((at, i) for i in members if (at := tl.contacts[i].opportunity_at) is not None)
        deal: SimDeal | None = None
        mine: list[int] = []
        for at, i in opps:
            if deal is not None:
                if deal.closed_at is None or at < deal.closed_at:
                    deal.members.append(i)
                    self.work(mine[-1], i, at, ("meeting", "Stakeholder alignment"))
                    continue
                if deal.stage == "won":
                    break  # the account is a customer; later journeys are cut at the win
            mine.append(self.open(a, i, at))
            deal = tl.deals[mine[-1]]
        for d in mine:
            if tl.deals[d].stage == "lost":
                self.after_loss(d)
        won = next((tl.deals[d] for d in mine if tl.deals[d].stage == "won"), None)
        if won is not None:
            self.customers(members, won)

    def open(self, a: int, i: int, at: dt.datetime) -> int:
        tl, rng = self.tl, self.rng
        acc, c = tl.accounts[a], tl.contacts[i]
        cycle = 21 * (acc.employees / 50) ** 0.25 * rng.lognormvariate(0, 0.45)
        deal = SimDeal(
            account=a,
            primary_contact=i,
            owner=c.owner,
            name=f"{acc.name} – {_plan(acc.employees)}",
            amount=_amount(rng, acc.employees),
            created_at=at,
            expected_close=at + cycle * DAY,
            stage="discovery",
            members=[i],
        )
        tl.deals.append(deal)
        d = len(tl.deals) - 1
        close = deal.expected_close
        n_work = rng.randint(2, len(DEAL_WORK))
        for k in range(n_work):
            when = at + (close - at) * (k + 1) / (n_work + 1)
            self.work(d, i, when, DEAL_WORK[k])
        if close >= tl.now:
            deal.stage = _open_stage(deal, tl.now)
            return d
        chance = 0.0 if acc.dud else min(0.97, P_WIN * math.pow(c.multiplier, 1 / len(STEPS)))
        deal.closed_at = close
        if rng.random() < chance:
            deal.stage = "won"
            self.note(d, i, close, "Closed won – kickoff booked")
        else:
            deal.stage = "lost"
            poor = c.multiplier < 1
            weights = {**LOSS_REASONS, **({"no_budget": 6.0} if poor else {})}
            deal.loss_reason = rng.choices(list(weights), weights=list(weights.values()))[0]
            self.note(d, i, close, f"Closed lost: {deal.loss_reason.replace('_', ' ')}")
        return d

    def work(self, d: int, i: int, at: dt.datetime, what: tuple[str, str]) -> None:
        deal = self.tl.deals[d]
        if at >= self.tl.now:
            return
        kind, subject = what
        outcome = "connected" if kind == "call" else ""
        self.paths[i].acts.append(SimActivity(i, at, kind, deal.owner, subject, outcome, d))

    def note(self, d: int, i: int, at: dt.datetime, subject: str) -> None:
        deal = self.tl.deals[d]
        self.paths[i].acts.append(SimActivity(i, at, "note", deal.owner, subject, "", d))

    def after_loss(self, d: int) -> None:
        deal = self.tl.deals[d]
        assert deal.closed_at is not None
        stage, why = AFTER_LOSS.get(deal.loss_reason, ("recycled", "not-ready"))
        owner = self.tl.users[deal.owner]
        assert owner.team is not None
        at = add_business_hours(deal.closed_at, self.rng.uniform(1, 16), self.calendars[owner.team])
        for i in deal.members:
            path = self.paths[i]
            if not (path.moves and path.moves[-1].to_stage == "opportunity"):
                continue
            if path.move(at, stage, by_user=deal.owner, reason=why) and stage == "recycled":
                self.requalify(i, at)

    def requalify(self, i: int, since: dt.datetime) -> None:
        """A recycled buyer who still shows interest meets the MQL criteria again; the owner
        calls and, with the deal just lost, recycles the lead until the timing is right."""
        path, c = self.paths[i], self.tl.contacts[i]
        verdict = self.qualifier.first(i, path.events, stage="recycled", since=since)
        if verdict is None or not path.move(verdict[0], "mql", by_rule=verdict[1]):
            return
        rep = self.tl.users[c.owner]
        assert rep.habit is not None and rep.team is not None
        hours = self.rng.lognormvariate(math.log(rep.habit.response_hours), 0.6)
        t = add_business_hours(verdict[0], hours, self.calendars[rep.team])
        subject = "Call after the lost deal"
        if path.act(t, "call", c.owner, subject, "connected") and path.move(
            t + 10 * MINUTE, "recycled", by_user=c.owner, reason="timing"
        ):
            self.requalify(i, t + 10 * MINUTE)

    def customers(self, members: list[int], deal: SimDeal) -> None:
        """The account's contacts become customers at the win; later ones arrive as customers."""
        won_at = deal.closed_at
        assert won_at is not None
        for i in members:
            path = self.paths[i]
            c = self.tl.contacts[i]
            if c.created_at > won_at:
                path.moves = [
                    SimTransition(
                        i,
                        c.created_at,
                        "customer",
                        "create",
                        by_user=c.owner,
                        by_rule="demo: new contact at a customer account",
                    )
                ]
                path.acts = []
                continue
            path.moves = [m for m in path.moves if m.at <= won_at]
            path.acts = [a for a in path.acts if a.at <= won_at]
            path.moves.append(
                SimTransition(
                    i,
                    won_at,
                    "customer",
                    "deal",
                    by_user=deal.owner,
                    by_rule=f"deal won: {deal.name}",
                )
            )


def build(timeline: Timeline, paths: list[Path], qualifier: Qualifier) -> None:
    members: dict[int, list[int]] = {}
    for i, c in enumerate(timeline.contacts):
        members.setdefault(c.account, []).append(i)
    maker = DealMaker(timeline, paths, qualifier)
    for a in range(len(timeline.accounts)):
        maker.account(a, members.get(a, []))
    moves = [m for p in paths for m in p.moves]
    moves.sort(key=lambda m: m.at)  # stable: a contact's moves keep their order
    timeline.transitions = moves
    # Deals in the order they were opened, so ids grow with time as in a real installation.
    order = sorted(range(len(timeline.deals)), key=lambda d: timeline.deals[d].created_at)
    new_index = {old: new for new, old in enumerate(order)}
    timeline.deals = [timeline.deals[d] for d in order]
    acts = [a for p in paths for a in p.acts]
    for act in acts:
        if act.deal is not None:
            act.deal = new_index[act.deal]
    acts.sort(key=lambda a: a.at)
    timeline.activities = acts
