"""One scan from the database to the stored document: leads → segments → findings → insights
with feedback and proposed rules. The document is what the page, the API and the CLI show."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from smarketing.analytics.insights import proposals, segments
from smarketing.analytics.insights.collect import Population, leads_collect, window_for
from smarketing.analytics.insights.feedback import feedback_summarize
from smarketing.analytics.insights.scan import Finding, ScanResult, ScanSettings, segments_scan
from smarketing.campaigns.models import Channel
from smarketing.content.models import AssetType
from smarketing.errors import InvalidInput
from smarketing.scoring import rules

OUTCOME = "customer"
# Rates and ratios are stored to this many decimals; p- and q-values in full.
DECIMALS = 6
ID_LENGTH = 12


@dataclass(frozen=True)
class Params:
    """The scan's settings; docs/analytics.md ("Insights") explains each."""

    min_n: int = 30
    max_q: float = 0.05
    min_ratio: float = 1.5
    pairs: bool = True
    lookback_days: int = 365
    settle_days: int = 30

    def scan_settings(self) -> ScanSettings:
        return ScanSettings(
            min_n=self.min_n, max_q=self.max_q, min_ratio=self.min_ratio, pairs=self.pairs
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_LIMITS: dict[str, tuple[float, float, str]] = {
    "min_n": (1, math.inf, "a whole number of at least 1"),
    "max_q": (0, 1, "a number above 0 and at most 1"),
    "min_ratio": (1, math.inf, "a number of at least 1"),
    "lookback_days": (1, 3660, "a whole number of days from 1 to 3660"),
    "settle_days": (0, 3660, "a whole number of days from 0 to 3660"),
}


def _param(name: str, raw: object, default: object) -> object:
    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise InvalidInput(f"must be true or false, not {raw!r}", field=name)
        return raw
    low, high, words = _LIMITS[name]
    whole = isinstance(default, int)
    ok_type = isinstance(raw, int) if whole else isinstance(raw, int | float)
    if isinstance(raw, bool) or not ok_type:
        raise InvalidInput(f"must be {words}, not {raw!r}", field=name)
    assert isinstance(raw, int | float)
    too_low = raw <= low if name == "max_q" else raw < low
    if too_low or raw > high:
        raise InvalidInput(f"must be {words}, not {raw!r}", field=name)
    return raw


def params_parse(raw: Mapping[str, object]) -> Params:
    """Params from plain data (the API's body, the CLI's options); InvalidInput naming every
    setting that is unknown or out of range."""
    defaults = Params()
    known = {f.name for f in fields(Params)}
    errors: dict[str, list[str]] = {
        name: ["is not a setting of the scan"] for name in raw if name not in known
    }
    values: dict[str, Any] = {}
    for name in known & set(raw):
        try:
            values[name] = _param(name, raw[name], getattr(defaults, name))
        except InvalidInput as exc:
            for field, reasons in exc.errors.items():
                errors.setdefault(field, []).extend(reasons)
    if errors:
        raise InvalidInput(errors)
    return Params(**values)


def _labels() -> segments.Labels:
    return segments.Labels(channels=dict(Channel.choices), asset_types=dict(AssetType.choices))


def _percent(rate: float) -> str:
    return f"{rate:.1%}"


def _q_text(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {q:.2g}"


def sentence(finding: Finding) -> str:
    """'Companies with fewer than 10 employees: 0.8% become customers vs 6.0% of other leads,
    140 leads, q = 0.001'."""
    return (
        f"{finding.label}: {_percent(finding.rate)} become customers vs "
        f"{_percent(finding.baseline_rate)} of other leads, {finding.n:,} leads, "
        f"{_q_text(finding.q_value)}"
    )


def _segment_parts(finding: Finding) -> list[dict[str, Any]]:
    return [
        {
            "field": s.field,
            "label": s.label,
            "conditions": [c.as_dict() for c in s.conditions],
        }
        for s in finding.segments
    ]


def segments_from_parts(parts: list[dict[str, Any]]) -> tuple[segments.Segment, ...]:
    """The segments of a stored insight, rebuilt to propose its rule again."""
    return tuple(
        segments.Segment(
            p["field"],
            tuple(segments.Condition(c["field"], c["op"], c["value"]) for c in p["conditions"]),
            p["label"],
        )
        for p in parts
    )


def insight_id(key: str) -> str:
    """A short id safe in a URL, the same for the same segment in every scan."""
    return hashlib.sha256(key.encode()).hexdigest()[:ID_LENGTH]


def _round(value: float) -> float:
    return round(value, DECIMALS)


def insight_document(
    finding: Finding,
    *,
    population: Population,
    definition: rules.Definition,
) -> dict[str, Any]:
    proposal = proposals.proposal_for(
        finding.segments, ratio=finding.ratio, definition=definition, paths=population.paths
    )
    low, high = finding.interval
    return {
        "id": insight_id(finding.key),
        "label": finding.label,
        "sentence": sentence(finding),
        "segment": [c.as_dict() for s in finding.segments for c in s.conditions],
        "parts": _segment_parts(finding),
        "same_leads_as": list(finding.aliases),
        "direction": finding.direction,
        "rate": _round(finding.rate),
        "rate_interval": [_round(low), _round(high)],
        "baseline_rate": _round(finding.baseline_rate),
        "ratio": None if math.isinf(finding.ratio) else _round(finding.ratio),
        "n": finding.n,
        "conversions": finding.hits,
        "rest_n": finding.rest_n,
        "rest_conversions": finding.rest_hits,
        "p_value": finding.p_value,
        "q_value": finding.q_value,
        "confidence": _round(1 - finding.q_value),
        "feedback": feedback_summarize(
            members=finding.members, verdicts=population.verdicts
        ).as_dict(),
        "proposal": None if proposal is None else proposal.as_dict(),
    }


def _document(
    scan: ScanResult, *, population: Population, params: Params, definition: rules.Definition
) -> dict[str, Any]:
    return {
        "outcome": OUTCOME,
        "window": {
            "start": population.window.start.isoformat(),
            "end": population.window.end.isoformat(),
        },
        "params": params.as_dict(),
        "leads": scan.leads,
        "conversions": scan.conversions,
        "overall_rate": None if scan.overall_rate is None else _round(scan.overall_rate),
        "clustering": _round(scan.clustering),
        "singles_tested": scan.singles_tested,
        "pairs_tested": scan.pairs_tested,
        "insights": [
            insight_document(f, population=population, definition=definition) for f in scan.findings
        ],
    }


def insights_compute(
    *, params: Params, now: dt.datetime, definition: rules.Definition
) -> dict[str, Any]:
    """Scan the leads of the window ending `settle_days` before `now`; proposals are made
    against `definition` (the live one)."""
    window = window_for(now=now, lookback_days=params.lookback_days, settle_days=params.settle_days)
    population = leads_collect(window=window)
    labels = _labels()
    memberships = [segments.lead_segments(f, labels=labels) for f in population.facts]
    scan = segments_scan(
        memberships=memberships,
        outcomes=population.outcomes,
        clusters=population.clusters,
        settings=params.scan_settings(),
    )
    return _document(scan, population=population, params=params, definition=definition)
