"""Scoring contacts and accounts against a definition.

`score_contact` for one contact (the incremental path: rescore it from its touchpoints when one
arrives), `score_many` for full rescoring, `score_account` from its contacts' scores. All three
run through one compiled `Scorer` per definition, so a batch gives exactly what one-by-one
gives. Sums use math.fsum, so the result does not depend on the order of the touchpoints."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime

from smarketing.scoring.rules.catalogue import ACCOUNT_PREFIX
from smarketing.scoring.rules.columns import Fired, TouchColumns, engagement_fired
from smarketing.scoring.rules.compiled import (
    EngagementMatcher,
    FitMatcher,
    account_getter,
    contact_getter,
)
from smarketing.scoring.rules.facts import AccountFacts, ContactFacts, TouchpointLike
from smarketing.scoring.rules.model import Definition, MqlCriterion
from smarketing.scoring.rules.results import (
    AccountGroupScore,
    AccountScore,
    ExplanationRow,
    GroupScore,
    RowKind,
    ScoreResult,
)

DAY_SECONDS = 86_400.0
ACCOUNT_CAP_RULE = "account-engagement-cap"
_CACHE_SIZE = 8
_FIT_MEMO_LIMIT = 4_096
_ENGAGEMENT = RowKind.ENGAGEMENT
# Builds a row without NamedTuple's Python-level __new__ (the hot path makes millions).
_row = tuple.__new__


class Scorer:
    """A definition compiled once for scoring many contacts."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        fit_rules = definition.fit_rules
        self._fit = FitMatcher(fit_rules, contact_getter)
        self._fit_rows = [
            ExplanationRow(r.id, r.label, r.points, 1, RowKind.FIT) for r in fit_rules
        ]
        account_rules = [r for r in fit_rules if r.field.startswith(ACCOUNT_PREFIX)]
        self._account_fit = FitMatcher(account_rules, account_getter)
        self._account_rows = [
            ExplanationRow(r.id, r.label, r.points, 1, RowKind.FIT) for r in account_rules
        ]
        self._groups = definition.score_groups()
        self._rules = [rule for group in self._groups for rule in group.engagement_rules]
        self._windows = [rule.window_days for rule in self._rules]
        self._rule_data = [(r.id, r.label, r.points, r.cap) for r in self._rules]
        self._matcher = EngagementMatcher(self._rules)
        self._ranges: list[range] = []
        start = 0
        for group in self._groups:
            self._ranges.append(range(start, start + len(group.engagement_rules)))
            start += len(group.engagement_rules)
        self._half_life = definition.decay_half_life_days
        self._fit_bands = tuple(definition.grades.fit)
        self._engagement_bands = tuple(definition.grades.engagement)
        # The fit rows and their sum per set of fit rules that fire: a few hundred sets at most.
        self._fit_memo: dict[tuple[int, ...], tuple[tuple[ExplanationRow, ...], float]] = {}
        self._account_fit_memo: dict[tuple[int, ...], tuple[tuple[ExplanationRow, ...], float]] = {}

    def score_contact(
        self,
        *,
        contact: ContactFacts,
        touchpoints: Iterable[TouchpointLike],
        now: datetime,
        predicted: float | None = None,
    ) -> ScoreResult:
        factors = self._engagement_factors(touchpoints, now)
        fired = [
            (index, hits[0] if len(hits) == 1 else math.fsum(hits), len(hits))
            for index, hits in sorted(factors.items())
        ]
        return self._result(contact, fired, predicted)

    @property
    def matcher(self) -> EngagementMatcher:
        return self._matcher

    def score_columns(
        self,
        *,
        contacts: Iterable[ContactFacts],
        touches: TouchColumns,
        now: datetime,
        predicted: Mapping[int, float] | None = None,
    ) -> list[ScoreResult]:
        """As `score_contact` on each contact, with the touchpoints of all of them given as
        columns (`facts.touchpoint_columns`): the rescoring of many contacts."""
        _check_aware(now)
        fired = engagement_fired(touches, windows=self._windows, half_life=self._half_life, now=now)
        predicted = predicted or {}
        return [
            self._result(
                contact, fired.get(contact.contact_id, ()), predicted.get(contact.contact_id)
            )
            for contact in contacts
        ]

    def _result(self, contact: ContactFacts, fired: Fired, predicted: float | None) -> ScoreResult:
        """The contact's scores from its fit facts and the engagement rules that counted
        something (rule index, summed decay factors, occurrences), in index order."""
        fit_rows, fit = _fit_known(self._fit.fired_key(contact), self._fit_rows, self._fit_memo)
        groups = []
        single = len(self._groups) == 1
        for group, indices in zip(self._groups, self._ranges, strict=True):
            rows = self._engagement_rows(fired if single else [f for f in fired if f[0] in indices])
            engagement = math.fsum([row.points for row in rows])
            total = math.fsum([row.points for row in (*fit_rows, *rows)])
            groups.append(
                GroupScore(
                    group.id,
                    group.label,
                    fit,
                    engagement,
                    total,
                    self.grade(fit, engagement),
                    self.mql_criterion(fit, engagement, total, predicted),
                    predicted,
                    fit_rows + rows,
                )
            )
        return ScoreResult(contact.contact_id, tuple(groups))

    def _engagement_factors(
        self, touchpoints: Iterable[TouchpointLike], now: datetime
    ) -> dict[int, list[float]]:
        """Rule index → the decay factor of each touchpoint it counts. Touchpoints after `now`
        have not happened yet (a backtest scores as of a past day) and do not count."""
        found: dict[int, list[float]] = {}
        matched_of, windows, half_life = self._matcher.matched, self._windows, self._half_life
        for touchpoint in touchpoints:
            matched = matched_of(touchpoint)
            if not matched:
                continue
            age = (now - touchpoint.occurred_at).total_seconds() / DAY_SECONDS
            if age < 0:
                continue
            factor = 1.0 if half_life is None else 0.5 ** (age / half_life)
            for index in matched:
                window = windows[index]
                if window is not None and age > window:
                    continue
                hits = found.get(index)
                if hits is None:
                    found[index] = [factor]
                else:
                    hits.append(factor)
        return found

    def _engagement_rows(self, fired: Fired) -> tuple[ExplanationRow, ...]:
        """A row per rule that counted something: points times the sum of the decay factors,
        then held within ±cap (the cap applies after decay)."""
        rows = []
        for index, summed, occurrences in fired:
            rule_id, label, points, cap = self._rule_data[index]
            value = points * summed
            if cap is not None:
                value = cap if value > cap else -cap if value < -cap else value
            rows.append(_row(ExplanationRow, (rule_id, label, value, occurrences, _ENGAGEMENT)))
        return tuple(rows)

    def grade(self, fit: float, engagement: float) -> str:
        """A letter from the fit bands (A best) and a digit from the engagement bands (1 best)."""
        a, b, c = self._fit_bands
        letter = "A" if fit >= a else "B" if fit >= b else "C" if fit >= c else "D"
        one, two, three = self._engagement_bands
        digit = "1" if engagement >= one else "2" if engagement >= two else "3"
        return letter + (digit if engagement >= three else "4")

    def mql_criterion(
        self, fit: float, engagement: float, total: float, predicted: float | None
    ) -> MqlCriterion | None:
        """The first criterion (in definition order) the scores meet, None when none is met."""
        for c in self.definition.mql:
            if (
                (c.fit is None or fit >= c.fit)
                and (c.engagement is None or engagement >= c.engagement)
                and (c.total is None or total >= c.total)
                and (c.predicted is None or (predicted is not None and predicted >= c.predicted))
            ):
                return c
        return None

    def account_fit(self, account: AccountFacts) -> tuple[float, tuple[ExplanationRow, ...]]:
        """The account's fit and its rows (account.* rules), memoised per set of rules that
        fire."""
        rows, fit = _fit_known(
            self._account_fit.fired_key(account), self._account_rows, self._account_fit_memo
        )
        return fit, rows

    def score_account(
        self, *, account: AccountFacts, contact_scores: Iterable[ScoreResult]
    ) -> AccountScore:
        fit, fit_rows = self.account_fit(account)
        scores = list(contact_scores)
        groups = []
        for group, indices in zip(self._groups, self._ranges, strict=True):
            per_contact = [(s.contact_id, _group_of(s, group.id)) for s in scores]
            rows = self._account_engagement_rows(indices, [g for _, g in per_contact])
            engagement = math.fsum(row.points for row in rows)
            groups.append(
                AccountGroupScore(
                    group_id=group.id,
                    label=group.label,
                    fit=fit,
                    engagement=engagement,
                    total=math.fsum(row.points for row in (*fit_rows, *rows)),
                    explanation=fit_rows + rows,
                    contacts=tuple((cid, g.engagement) for cid, g in per_contact),
                )
            )
        return AccountScore(account.account_id, tuple(groups))

    def _account_engagement_rows(
        self, indices: range, scores: Sequence[GroupScore]
    ) -> tuple[ExplanationRow, ...]:
        """The contacts' engagement rows summed per rule, and a row taking off what exceeds the
        account's engagement cap."""
        points: dict[str, list[float]] = {}
        counts: dict[str, int] = {}
        for score in scores:
            for row in score.explanation:
                if row.kind is RowKind.ENGAGEMENT:
                    points.setdefault(row.rule_id, []).append(row.points)
                    counts[row.rule_id] = counts.get(row.rule_id, 0) + row.occurrences
        rows = []
        for rule in (self._rules[i] for i in indices):
            if rule.id in points:
                total = math.fsum(points[rule.id])
                rows.append(
                    ExplanationRow(rule.id, rule.label, total, counts[rule.id], RowKind.ENGAGEMENT)
                )
        cap = self.definition.account.engagement_cap
        raw = math.fsum(row.points for row in rows)
        if cap is not None and abs(raw) > cap:
            label = f"Account engagement cap ({cap:g})"
            held = math.copysign(cap, raw) - raw
            rows.append(ExplanationRow(ACCOUNT_CAP_RULE, label, held, 0, RowKind.ENGAGEMENT))
        return tuple(rows)


def _fit_known(
    fired: tuple[int, ...],
    all_rows: Sequence[ExplanationRow],
    memo: dict[tuple[int, ...], tuple[tuple[ExplanationRow, ...], float]],
) -> tuple[tuple[ExplanationRow, ...], float]:
    """The fit rows of the rules that fired (in definition order) and their sum, memoised per
    set of rules that fire (`FitMatcher.fired_key`): a few hundred sets at most."""
    known = memo.get(fired)
    if known is None:
        rows = tuple([all_rows[i] for i in sorted(fired)])
        known = (rows, math.fsum([row.points for row in rows]))
        if len(memo) >= _FIT_MEMO_LIMIT:
            memo.clear()
        memo[fired] = known
    return known


def _group_of(score: ScoreResult, group_id: str) -> GroupScore:
    try:
        return score.group(group_id)
    except KeyError:
        raise ValueError(
            f"contact {score.contact_id} has no score in group {group_id!r}: "
            "it was scored with another definition"
        ) from None


_scorers: dict[int, tuple[Definition, Scorer]] = {}
_scorers_lock = threading.Lock()


def scorer_for(definition: Definition) -> Scorer:
    """The compiled scorer of a definition, kept for the last few definitions seen (by identity,
    then by equality, so a definition read again from the database is not compiled again)."""
    hit = _scorers.get(id(definition))
    if hit is not None and hit[0] is definition:
        return hit[1]
    with _scorers_lock:
        for cached, scorer in _scorers.values():
            if cached == definition:
                return scorer
        scorer = Scorer(definition)
        if len(_scorers) >= _CACHE_SIZE:
            del _scorers[next(iter(_scorers))]
        _scorers[id(definition)] = (definition, scorer)  # holding it keeps its id from reuse
        return scorer


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (UTC)")


def score_contact(
    *,
    definition: Definition,
    contact: ContactFacts,
    touchpoints: Iterable[TouchpointLike],
    now: datetime,
    predicted: float | None = None,
) -> ScoreResult:
    """A contact's scores as of `now`, one per score group, each explained."""
    _check_aware(now)
    return scorer_for(definition).score_contact(
        contact=contact, touchpoints=touchpoints, now=now, predicted=predicted
    )


def score_many(
    *,
    definition: Definition,
    contacts: Iterable[ContactFacts],
    touchpoints_by_contact: Mapping[int, Sequence[TouchpointLike]],
    now: datetime,
    predicted: Mapping[int, float] | None = None,
) -> Iterator[ScoreResult]:
    """Scores for many contacts, lazily (so a caller can write them in chunks), identical to
    `score_contact` on each."""
    _check_aware(now)
    scorer = scorer_for(definition)
    predicted = predicted or {}
    for contact in contacts:
        yield scorer.score_contact(
            contact=contact,
            touchpoints=touchpoints_by_contact.get(contact.contact_id, ()),
            now=now,
            predicted=predicted.get(contact.contact_id),
        )


def score_account(
    *, definition: Definition, account: AccountFacts, contact_scores: Iterable[ScoreResult]
) -> AccountScore:
    """An account's scores: its fit (account.* rules) plus its contacts' engagement."""
    return scorer_for(definition).score_account(account=account, contact_scores=contact_scores)
