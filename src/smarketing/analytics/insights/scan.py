"""The scan: which segments convert significantly worse or better than the rest of the leads.

Plain Python over numpy, no Django. For every segment with enough leads inside and outside it,
Fisher's exact test compares its conversion rate with the rest's. Leads of one company tend to
convert together (a won deal makes all its contacts customers), so a test counts each group's
leads as the fewer independent leads they are worth: n divided by the design effect
1 + (m - 1) * rho, m the group's leads per company, rho how alike one company's outcomes are.

Single-field segments and pairs are two families of tests. Benjamini-Hochberg turns each
family's p-values into q-values, which are then multiplied by the number of families (2 with
pairs), so keeping q <= `max_q` keeps the expected share of false findings among all that is
reported at most `max_q`, and a thousand pairs cannot drown a clear single-field finding. A
finding is a segment with q <= `max_q` whose rate differs from the rest's by at least the factor
`min_ratio`.

Pairs (two segments of different fields, e.g. retail *and* paid social) are tested only when
both single segments were, and a pair must say something its singles do not: its p-value is the
largest of three tests, each of which must point the same way - the pair against the rest of
the leads, and against the other leads of each of its two singles (an intersection-union test,
valid at the same level without further correction). So "small companies from paid social" is
reported only if it converts differently from small companies in general *and* from paid social
leads in general; when the small companies explain it all, only the single is reported.
Segments with exactly the same leads (a campaign and the one asset only it offers) are tested
once, under the first field, and the others are named as its aliases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smarketing.analytics.insights.segments import Segment, field_rank, pair_label
from smarketing.analytics.insights.stats import (
    bh_q_values,
    effective_counts,
    fisher_p,
    intraclass_correlation,
    wilson_interval,
)

WORSE = "worse"
BETTER = "better"


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """`min_n`: least leads in a segment, and outside it, to test it. `max_q`: the largest
    q-value kept (the tolerated share of false findings). `min_ratio`: the least factor between
    a segment's rate and the rest's worth reporting (either way)."""

    min_n: int = 30
    max_q: float = 0.05
    min_ratio: float = 1.5
    pairs: bool = True

    def check(self) -> None:
        """ValueError naming the setting that is out of range."""
        if self.min_n < 1:
            raise ValueError(f"min_n: must be at least 1, not {self.min_n}")
        if not 0 < self.max_q <= 1:
            raise ValueError(f"max_q: must be in (0, 1], not {self.max_q}")
        if self.min_ratio < 1:
            raise ValueError(f"min_ratio: must be at least 1, not {self.min_ratio}")


@dataclass(frozen=True, slots=True)
class Finding:
    """A segment whose rate differs from the rest's; `baseline_rate` is the rest's rate (the
    leads outside the segment), not the overall one. `members` are indexes into the leads."""

    segments: tuple[Segment, ...]
    n: int
    hits: int
    aliases: tuple[str, ...]  # labels of other segments with exactly these leads
    rest_n: int
    rest_hits: int
    p_value: float
    q_value: float
    members: tuple[int, ...]

    @property
    def rate(self) -> float:
        return self.hits / self.n

    @property
    def baseline_rate(self) -> float:
        return self.rest_hits / self.rest_n

    @property
    def ratio(self) -> float:
        """rate / baseline_rate; inf when the rest never converts."""
        return self.rate / self.baseline_rate if self.baseline_rate else math.inf

    @property
    def direction(self) -> str:
        return WORSE if self.rate < self.baseline_rate else BETTER

    @property
    def interval(self) -> tuple[float, float]:
        """95 % Wilson interval of the segment's rate."""
        return wilson_interval(hits=self.hits, n=self.n)

    @property
    def key(self) -> str:
        return "&".join(s.key for s in self.segments)

    @property
    def label(self) -> str:
        if len(self.segments) == 1:
            return self.segments[0].label
        return pair_label(self.segments[0], self.segments[1])


@dataclass(frozen=True, slots=True)
class ScanResult:
    leads: int
    conversions: int
    clustering: float  # the intraclass correlation of outcomes within a company (0 to 1)
    singles_tested: int
    pairs_tested: int
    findings: tuple[Finding, ...]

    @property
    def overall_rate(self) -> float | None:
        return self.conversions / self.leads if self.leads else None


@dataclass(frozen=True, slots=True)
class _Candidate:
    columns: tuple[int, ...]
    n: int
    hits: int
    p_value: float


def _membership(
    memberships: Sequence[Sequence[Segment]],
) -> tuple[list[Segment], NDArray[np.bool_], dict[int, list[str]]]:
    """The distinct segments (by field, then key), the leads-by-segments membership matrix, and
    per column kept the labels of later columns with the same leads, which are dropped."""
    distinct = {s.key: s for lead in memberships for s in lead}
    ordered = sorted(distinct.values(), key=lambda s: (field_rank(s.field), s.field, s.key))
    column = {s.key: i for i, s in enumerate(ordered)}
    matrix = np.zeros((len(memberships), len(ordered)), dtype=np.bool_)
    for row, lead in enumerate(memberships):
        for s in lead:
            matrix[row, column[s.key]] = True
    first: dict[bytes, int] = {}
    aliases: dict[int, list[str]] = {}
    keep: list[int] = []
    for col, segment in enumerate(ordered):
        same = first.setdefault(np.packbits(matrix[:, col]).tobytes(), len(keep))
        if same == len(keep):
            keep.append(col)
        else:
            aliases.setdefault(same, []).append(segment.label)
    return [ordered[c] for c in keep], matrix[:, keep], aliases


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


@dataclass(frozen=True)
class _Leads:
    """The leads' outcomes and, when given, the cluster (company) of each with the clusters'
    intraclass correlation `rho`, which every test takes into account."""

    outcomes: NDArray[np.bool_]
    clusters: NDArray[np.int64] | None
    rho: float

    def counts(self, mask: NDArray[np.bool_]) -> tuple[int, int]:
        return int((mask & self.outcomes).sum()), int(mask.sum())

    def design_effect(self, mask: NDArray[np.bool_], n: int) -> float:
        """1 + (m - 1)·rho, m the size-weighted mean number of the group's leads per cluster."""
        if self.clusters is None or self.rho == 0 or n == 0:
            return 1.0
        sizes = np.bincount(self.clusters[mask])
        return 1 + (float((sizes**2).sum()) / n - 1) * self.rho

    def p_value(self, inside: NDArray[np.bool_], outside: NDArray[np.bool_]) -> float:
        h1, n1 = self.counts(inside)
        h0, n0 = self.counts(outside)
        h1, n1 = effective_counts(hits=h1, n=n1, design_effect=self.design_effect(inside, n1))
        h0, n0 = effective_counts(hits=h0, n=n0, design_effect=self.design_effect(outside, n0))
        return fisher_p(hits_in=h1, n_in=n1, hits_out=h0, n_out=n0)


def _singles(matrix: NDArray[np.bool_], leads: _Leads, *, min_n: int) -> list[_Candidate]:
    total = len(leads.outcomes)
    sizes = matrix.sum(axis=0)
    hits = (matrix & leads.outcomes[:, None]).sum(axis=0)
    out = []
    for col in range(matrix.shape[1]):
        n, h = int(sizes[col]), int(hits[col])
        if n < min_n or total - n < min_n:
            continue
        inside = matrix[:, col]
        out.append(_Candidate((col,), n, h, leads.p_value(inside, ~inside)))
    return out


def _pair_p(
    leads: _Leads, *, inside: NDArray[np.bool_], parents: Sequence[NDArray[np.bool_]]
) -> float:
    """The intersection-union p-value: the largest of the pair against the rest and against
    each parent's other leads, or 1 when they do not all point the same way."""
    h, n = leads.counts(inside)
    others = [~inside, *(parent & ~inside for parent in parents)]
    p_values, signs = [], set()
    for other in others:
        other_h, other_n = leads.counts(other)
        if other_n == 0:
            return 1.0
        signs.add(_sign(h / n - other_h / other_n))
        p_values.append(leads.p_value(inside, other))
    if len(signs) != 1 or 0 in signs:
        return 1.0
    return max(p_values)


def _pairs(
    matrix: NDArray[np.bool_],
    leads: _Leads,
    *,
    segments: Sequence[Segment],
    singles: Sequence[_Candidate],
    min_n: int,
) -> list[_Candidate]:
    total = len(leads.outcomes)
    cols = [c.columns[0] for c in singles]
    sub = matrix[:, cols].astype(np.int64)
    sizes = sub.T @ sub
    hits = sub.T @ (sub * leads.outcomes[:, None])
    out = []
    for i, a in enumerate(singles):
        for j in range(i + 1, len(singles)):
            b = singles[j]
            n = int(sizes[i, j])
            same_field = segments[cols[i]].field == segments[cols[j]].field
            # A pair equal to one of its singles is that single, already tested.
            if same_field or n < min_n or total - n < min_n or n in (a.n, b.n):
                continue
            first, second = matrix[:, cols[i]], matrix[:, cols[j]]
            p = _pair_p(leads, inside=first & second, parents=(first, second))
            out.append(_Candidate((cols[i], cols[j]), n, int(hits[i, j]), p))
    return out


def _meaningful(*, rate: float, baseline: float, min_ratio: float) -> bool:
    if baseline == 0:
        return rate > 0
    ratio = rate / baseline
    return ratio >= min_ratio or ratio <= 1 / min_ratio


def _leads(outcomes: Sequence[bool], clusters: Sequence[int] | None) -> _Leads:
    y = np.asarray(outcomes, dtype=np.bool_)
    if clusters is None:
        return _Leads(y, None, 0.0)
    if len(clusters) != len(outcomes):
        raise ValueError(f"clusters has {len(clusters)} leads but outcomes has {len(outcomes)}")
    _, index = np.unique(np.asarray(clusters), return_inverse=True)
    rho = intraclass_correlation(outcomes=outcomes, clusters=clusters)
    return _Leads(y, index.astype(np.int64), rho)


def segments_scan(
    *,
    memberships: Sequence[Sequence[Segment]],
    outcomes: Sequence[bool],
    settings: ScanSettings,
    clusters: Sequence[int] | None = None,
) -> ScanResult:
    """The findings among the leads: `memberships[i]` are the single segments lead i is in,
    `outcomes[i]` whether it converted and `clusters[i]` its company. Leads of one company
    often convert together (a won deal makes all its contacts customers), so with `clusters`
    every test counts each group's leads as the fewer independent leads they are worth (n
    divided by the design effect 1 + (m - 1)·rho, m the group's leads per company)."""
    settings.check()
    if len(memberships) != len(outcomes):
        raise ValueError(
            f"memberships has {len(memberships)} leads but outcomes has {len(outcomes)}"
        )
    segments, matrix, aliases = _membership(memberships)
    leads = _leads(outcomes, clusters)
    y = leads.outcomes
    total, conversions = len(y), int(y.sum())
    singles = _singles(matrix, leads, min_n=settings.min_n)
    pairs = (
        _pairs(matrix, leads, segments=segments, singles=singles, min_n=settings.min_n)
        if settings.pairs
        else []
    )
    candidates = [*singles, *pairs]
    families = [f for f in (singles, pairs) if f]
    q_values = [
        min(1.0, q * len(families))
        for family in families
        for q in bh_q_values([c.p_value for c in family])
    ]
    findings = []
    for candidate, q in zip(candidates, q_values, strict=True):
        rest_n, rest_h = total - candidate.n, conversions - candidate.hits
        rate, baseline = candidate.hits / candidate.n, rest_h / rest_n
        if q > settings.max_q or not _meaningful(
            rate=rate, baseline=baseline, min_ratio=settings.min_ratio
        ):
            continue
        inside = matrix[:, list(candidate.columns)].all(axis=1)
        findings.append(
            Finding(
                segments=tuple(segments[c] for c in candidate.columns),
                n=candidate.n,
                hits=candidate.hits,
                aliases=tuple(aliases.get(candidate.columns[0], []))
                if len(candidate.columns) == 1
                else (),
                rest_n=rest_n,
                rest_hits=rest_h,
                p_value=candidate.p_value,
                q_value=q,
                members=tuple(int(i) for i in np.flatnonzero(inside)),
            )
        )
    findings.sort(key=lambda f: (f.q_value, len(f.segments), -abs(math.log(f.ratio or 1e-12))))
    return ScanResult(
        leads=total,
        conversions=conversions,
        clustering=leads.rho,
        singles_tested=len(singles),
        pairs_tested=len(pairs),
        findings=tuple(findings),
    )
