"""What the planted truths look like in one generated company (for the truths JSON and tests)."""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from typing import Any

from smarketing.demo.sim.company import contact_facts
from smarketing.demo.timeline import Timeline
from smarketing.demo.truths import segment_matches

LEAD_STAGES = frozenset({"lead", "mql", "sal", "sql", "opportunity"})


def _rate(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def segment_observed(timeline: Timeline, definition: dict[str, Any]) -> dict[str, Any]:
    """Conversion of leads to customers (any route) and to opportunity, inside and outside."""
    reached: dict[int, set[str]] = {}
    for t in timeline.transitions:
        reached.setdefault(t.contact, set()).add(t.to_stage)
    counts = {True: [0, 0, 0], False: [0, 0, 0]}  # leads, customers, opportunities
    for i, c in enumerate(timeline.contacts):
        stages = reached.get(i, set())
        if not stages & LEAD_STAGES:
            continue  # never a lead: a subscriber only, or a contact added as a customer
        row = counts[segment_matches(definition, contact_facts(timeline, c))]
        row[0] += 1
        row[1] += "customer" in stages
        row[2] += "opportunity" in stages
    rate_in = _rate(counts[True][1], counts[True][0])
    rate_out = _rate(counts[False][1], counts[False][0])
    opp_in, opp_out = (
        _rate(counts[True][2], counts[True][0]),
        _rate(counts[False][2], counts[False][0]),
    )
    return {
        "leads_in": counts[True][0],
        "customers_in": counts[True][1],
        "leads_out": counts[False][0],
        "customers_out": counts[False][1],
        "customer_rate_in": rate_in,
        "customer_rate_out": rate_out,
        "customer_ratio": round(rate_in / rate_out, 3)
        if rate_in is not None and rate_out
        else None,
        "opportunity_rate_in": opp_in,
        "opportunity_rate_out": opp_out,
        "opportunity_ratio": round(opp_in / opp_out, 3) if opp_in is not None and opp_out else None,
    }


def _fields(definition: dict[str, Any]) -> set[str]:
    if "any" in definition or "all" in definition:
        return {f for d in definition.get("any", definition.get("all", [])) for f in _fields(d)}
    return {definition["field"]}


def account_observed(timeline: Timeline, definition: dict[str, Any]) -> dict[str, Any] | None:
    """For a segment of accounts: the share of accounts with a lead that won a deal."""
    if not all(f.startswith("account.") for f in _fields(definition)):
        return None
    with_leads = {
        timeline.contacts[t.contact].account for t in timeline.transitions if t.to_stage == "lead"
    }
    won = {d.account for d in timeline.deals if d.stage == "won"}
    counts = {True: [0, 0], False: [0, 0]}
    for a in with_leads:
        acc = timeline.accounts[a]
        facts = {
            "account.employees": acc.employees,
            "account.annual_revenue": acc.annual_revenue,
            "account.industry": acc.industry,
            "account.country": acc.country,
        }
        row = counts[segment_matches(definition, facts)]
        row[0] += 1
        row[1] += a in won
    rate_in = _rate(counts[True][1], counts[True][0])
    rate_out = _rate(counts[False][1], counts[False][0])
    return {
        "accounts_in": counts[True][0],
        "won_in": counts[True][1],
        "accounts_out": counts[False][0],
        "won_out": counts[False][1],
        "won_rate_in": rate_in,
        "won_rate_out": rate_out,
        "won_ratio": round(rate_in / rate_out, 3) if rate_in is not None and rate_out else None,
    }


def dud_observed(timeline: Timeline) -> dict[str, Any]:
    dud = next(
        i for i, c in enumerate(timeline.campaigns) if c.name == timeline.truths.dud_campaign
    )
    sourced = {i for i, c in enumerate(timeline.contacts) if c.source_campaign == dud}
    accounts = {timeline.contacts[i].account for i in sourced}
    mqls = {t.contact for t in timeline.transitions if t.to_stage == "mql" and t.contact in sourced}
    won = [d for d in timeline.deals if d.account in accounts and d.stage == "won"]
    return {
        "contacts": len(sourced),
        "share_of_contacts": _rate(len(sourced), len(timeline.contacts)),
        "mqls": len(mqls),
        "deals": sum(1 for d in timeline.deals if d.account in accounts),
        "won_deals": len(won),
        "won_revenue": sum(d.amount for d in won),
    }


def first_touch_hours(timeline: Timeline) -> dict[str, list[float]]:
    """Per rep: hours from each MQL of a contact they own to their next activity on it."""
    acts: dict[tuple[int, int], list[dt.datetime]] = {}
    for a in timeline.activities:
        acts.setdefault((a.contact, a.user), []).append(a.at)
    out: dict[str, list[float]] = {u.email: [] for u in timeline.users if u.habit}
    for t in timeline.transitions:
        if t.to_stage != "mql":
            continue
        owner = timeline.contacts[t.contact].owner
        times = acts.get((t.contact, owner), [])
        k = bisect.bisect_left(times, t.at)
        if k < len(times):
            out[timeline.users[owner].email].append((times[k] - t.at).total_seconds() / 3600)
    return out


def slow_rep_observed(timeline: Timeline) -> dict[str, Any]:
    hours = first_touch_hours(timeline)
    slow = timeline.truths.slow_rep
    others = [h for email, hs in hours.items() if email != slow for h in hs]
    return {
        "mqls": len(hours[slow]),
        "median_first_touch_hours": _median(hours[slow]),
        "others_median_first_touch_hours": _median(others),
        "per_rep_median_first_touch_hours": {e: _median(hs) for e, hs in sorted(hours.items())},
    }


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def observed(timeline: Timeline) -> dict[str, Any]:
    return {
        "run": {
            "contacts": len(timeline.contacts),
            "accounts": len(timeline.accounts),
            "window": {"start": timeline.start.isoformat(), "end": timeline.now.isoformat()},
        },
        "segments": {
            s.effect: {
                "contacts": segment_observed(timeline, s.definition),
                "accounts": account_observed(timeline, s.definition),
            }
            for s in timeline.truths.segments
        },
        "dud_campaign": dud_observed(timeline),
        "slow_rep": slow_rep_observed(timeline),
    }
