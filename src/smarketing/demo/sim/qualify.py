"""The scoring engine deciding when a simulated contact becomes an MQL (plain Python).

A contact's score only rises when a touchpoint arrives (between touchpoints decay only lowers
it), so the first moment the live definition's MQL criteria are met is the time of a
touchpoint: each is scored as it arrives, with the contact's touchpoints so far, under the
version in force then (demo/definition.py), as event processing does in real time. A touchpoint
that matches no rule giving points cannot raise the score, so after the first look it is not
scored again: a recycled lead is judged at its first touchpoint back, then as its interest grows.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence

from smarketing.demo.definition import COMPANY_VERSION, DEFAULT_VERSION, SignOff
from smarketing.demo.definition import company_definition as _company_definition
from smarketing.demo.sim.touch import TouchpointReader, contact_facts
from smarketing.demo.timeline import SimEvent, Timeline
from smarketing.scoring import rules
from smarketing.scoring.mql import PROMOTABLE, mql_by_rule

Verdict = tuple[dt.datetime, str]  # (when, the transition's by_rule)


class Qualifier:
    def __init__(self, timeline: Timeline) -> None:
        self.tl = timeline
        self.reader = TouchpointReader(timeline)
        self.live_from = SignOff.of(timeline.start).approved_by_sales
        self.scorers = {
            DEFAULT_VERSION: rules.Scorer(rules.default_definition()),
            COMPANY_VERSION: rules.Scorer(_company_definition()),
        }
        self._facts: dict[tuple[int, str], rules.ContactFacts] = {}
        self._raises: dict[tuple[int, tuple[object, ...]], bool] = {}
        self.scored = 0  # touchpoints scored, for the benchmark's curiosity

    def version_at(self, at: dt.datetime) -> int:
        return COMPANY_VERSION if at >= self.live_from else DEFAULT_VERSION

    def facts(self, i: int, stage: str) -> rules.ContactFacts:
        found = self._facts.get((i, stage))
        if found is None:
            found = contact_facts(self.tl, self.tl.contacts[i], stage=stage)
            self._facts[(i, stage)] = found
        return found

    def raises(self, version: int, e: SimEvent) -> bool:
        """Whether the event matches an engagement rule that gives points."""
        key = (version, self.reader.shape(e))
        found = self._raises.get(key)
        if found is None:
            alone = self.scorers[version].score_contact(
                contact=rules.ContactFacts(contact_id=0),
                touchpoints=[self.reader.facts(e)],
                now=e.at,
            )
            found = self._raises[key] = any(
                row.points > 0 for g in alone.groups for row in g.explanation
            )
        return found

    def criterion(
        self,
        i: int,
        stage: str,
        touchpoints: Sequence[rules.TouchpointFacts],
        at: dt.datetime,
    ) -> Verdict | None:
        """The MQL verdict for the contact as of `at` (touchpoints after it do not count)."""
        version = self.version_at(at)
        result = self.scorers[version].score_contact(
            contact=self.facts(i, stage), touchpoints=touchpoints, now=at
        )
        self.scored += len(touchpoints)
        met = next((g.mql_criterion for g in result.groups if g.mql_criterion), None)
        return (at, mql_by_rule(version=version, criterion=met)) if met is not None else None

    def first(
        self,
        i: int,
        events: Sequence[SimEvent],
        *,
        stage: str,
        since: dt.datetime,
        until: dt.datetime | None = None,
    ) -> Verdict | None:
        """The first touchpoint at or after `since` (and before `until`) at which the contact,
        in `stage` all along, meets the criteria of the version in force then."""
        if stage not in PROMOTABLE:
            return None
        ordered = sorted(events, key=lambda e: e.at)
        times = [e.at for e in ordered]
        touchpoints = [self.reader.facts(e) for e in ordered]
        k = bisect.bisect_left(times, since)
        # Nothing that gives points so far: nothing to look at yet.
        first_version = self.version_at(times[k]) if k < len(times) else DEFAULT_VERSION
        positive = any(self.raises(first_version, e) for e in ordered[:k])
        looked: int | None = None  # the version of the last look, None before the first
        while k < len(times):
            at = times[k]
            if until is not None and at >= until:
                return None
            # Every touchpoint of that instant counts at once.
            end = bisect.bisect_right(times, at)
            version = self.version_at(at)
            rising = any(self.raises(version, e) for e in ordered[k:end])
            positive = positive or rising
            if positive and (rising or looked != version):
                looked = version
                verdict = self.criterion(i, stage, touchpoints[:end], at)
                if verdict is not None:
                    return verdict
            k = end
        return None


def promotable_spans(
    timeline: Timeline,
) -> dict[int, list[tuple[str, dt.datetime, dt.datetime | None, str]]]:
    """Per contact, each stretch of its history in a promotable stage: (stage, from, until,
    the stage it left for), `until` None for one that lasts to the end of the year."""
    moves: dict[int, list[tuple[dt.datetime, str]]] = {}
    for t in timeline.transitions:
        moves.setdefault(t.contact, []).append((t.at, t.to_stage))
    spans: dict[int, list[tuple[str, dt.datetime, dt.datetime | None, str]]] = {}
    for i, mine in moves.items():
        for k, (at, stage) in enumerate(mine):
            if stage in PROMOTABLE:
                until, to = mine[k + 1] if k + 1 < len(mine) else (None, "")
                spans.setdefault(i, []).append((stage, at, until, to))
    return spans


def engine_disagreements(
    timeline: Timeline, qualifier: Qualifier | None = None
) -> tuple[list[tuple[int, dt.datetime]], list[int]]:
    """Checks the simulated history against the engine: (moments a contact in a promotable
    stage met the criteria and did not become an MQL then, contacts that meet them at the end
    of the year in a promotable stage, which processing the events would promote then)."""
    qualifier = qualifier or Qualifier(timeline)
    events: dict[int, list[SimEvent]] = {}
    for e in timeline.events:
        events.setdefault(e.contact, []).append(e)
    mqls = {(t.contact, t.at): t.by_rule for t in timeline.transitions if t.to_stage == "mql"}
    missed: list[tuple[int, dt.datetime]] = []
    late: list[int] = []
    for i, spans in promotable_spans(timeline).items():
        mine = events.get(i, [])
        for stage, since, until, to in spans:
            verdict = qualifier.first(i, mine, stage=stage, since=since, until=until)
            if verdict is not None:
                missed.append((i, verdict[0]))
            elif to == "mql":
                assert until is not None
                verdict = qualifier.first(i, mine, stage=stage, since=since)
                if verdict is None or mqls.get((i, until)) != verdict[1] or verdict[0] != until:
                    missed.append((i, until))
            elif until is None:
                done = [qualifier.reader.facts(e) for e in mine if e.at < timeline.now]
                if done and qualifier.criterion(i, stage, done, timeline.now) is not None:
                    late.append(i)
    return missed, late
