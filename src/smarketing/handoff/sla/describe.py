"""An SLA policy in words, for the pages both leaders read. Plain Python, no Django."""

from __future__ import annotations

from dataclasses import dataclass

from smarketing.handoff.sla.policy import Cadence, Policy, SalesTerms, Segment

ACTION_WORDS = {"call": "call", "email": "email"}


def _hours(value: float) -> str:
    return f"{value:g} business hour" + ("" if value == 1 else "s")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def cadence_steps(cadence: Cadence) -> str:
    """'day 1: call and email; day 3: call'."""
    return "; ".join(
        f"day {s.day}: {' and '.join(ACTION_WORDS[a] for a in s.actions)}" for s in cadence.steps
    )


def sales_sentences(terms: SalesTerms) -> list[str]:
    cadence = terms.cadence
    return [
        f"Accept or reject each MQL within {_hours(terms.accept_within_hours)} of its assignment.",
        f"First call, email or meeting by the owner within "
        f"{_hours(terms.first_touch_within_hours)}.",
        f"Cadence: at least {_count(cadence.calls, 'call')} and {_count(cadence.emails, 'email')}"
        f" within {_count(cadence.within_days, 'business day')} ({cadence_steps(cadence)}).",
        f"Then recycle the lead to nurture with the reason “{terms.recycle_reason}” within "
        f"{_hours(terms.recycle_within_hours)} after the cadence ends, unless it progressed.",
        f"The rep is warned {_hours(terms.due_soon_hours)} before a deadline; a breach goes to "
        f"the sales leader {_hours(terms.escalate_after_hours)} later.",
    ]


def segment_range(segment: Segment) -> str:
    low, high = segment.min_employees, segment.max_employees
    if low is not None and high is not None:
        return f"{low:,} to {high:,} employees"
    if low is not None:
        return f"{low:,} employees or more"
    return f"up to {high:,} employees"


def _differences(terms: SalesTerms, base: SalesTerms) -> list[str]:
    out = []
    if terms.accept_within_hours != base.accept_within_hours:
        out.append(f"accept within {_hours(terms.accept_within_hours)}")
    if terms.first_touch_within_hours != base.first_touch_within_hours:
        out.append(f"first touch within {_hours(terms.first_touch_within_hours)}")
    if terms.cadence != base.cadence:
        c = terms.cadence
        out.append(
            f"cadence of {_count(c.calls, 'call')} and {_count(c.emails, 'email')} within "
            f"{_count(c.within_days, 'business day')} ({cadence_steps(c)})"
        )
    if terms.recycle_reason != base.recycle_reason:
        out.append(f"recycle reason “{terms.recycle_reason}”")
    if terms.recycle_within_hours != base.recycle_within_hours:
        out.append(f"recycle within {_hours(terms.recycle_within_hours)} after the cadence")
    if terms.due_soon_hours != base.due_soon_hours:
        out.append(f"warned {_hours(terms.due_soon_hours)} before")
    if terms.escalate_after_hours != base.escalate_after_hours:
        out.append(f"escalated after {_hours(terms.escalate_after_hours)}")
    return out


@dataclass(frozen=True)
class SegmentLine:
    name: str
    size: str
    terms: str


@dataclass(frozen=True)
class PolicyWords:
    sales: list[str]
    sales_segments: list[SegmentLine]
    marketing: list[str]
    marketing_segments: list[SegmentLine]


def policy_words(policy: Policy) -> PolicyWords:
    sales_segments = [
        SegmentLine(
            name=s.segment.name,
            size=segment_range(s.segment),
            terms="; ".join(_differences(s.terms, policy.sales)) or "the same terms",
        )
        for s in policy.sales_segments
    ]
    m = policy.marketing
    marketing = [f"Deliver {_count(m.mqls_per_month, 'MQL')} a month."]
    if m.min_acceptance_rate is not None:
        marketing.append(f"Sales accepts at least {m.min_acceptance_rate:.0%} of them.")
    marketing.append(f"Publish {_count(m.content_per_month, 'content item')} a month.")
    marketing_segments = [
        SegmentLine(
            name=s.segment.name,
            size=segment_range(s.segment),
            terms=f"{_count(s.mqls_per_month, 'MQL')} a month"
            + (
                f", at least {s.min_acceptance_rate:.0%} accepted"
                if s.min_acceptance_rate is not None
                else ""
            ),
        )
        for s in m.segments
    ]
    return PolicyWords(
        sales=sales_sentences(policy.sales),
        sales_segments=sales_segments,
        marketing=marketing,
        marketing_segments=marketing_segments,
    )
