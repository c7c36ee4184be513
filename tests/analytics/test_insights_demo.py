"""On the demo company, the scan finds the planted truths: small companies convert worse,
webinar attendees better, and the dud campaign's leads never become customers.

Power: leads of one company convert together, and the scan counts them as the fewer independent
leads they are worth, so the planted segments are significant at the demo's default size (5,000
contacts) but not at 2,500 or less. The statistics are therefore checked on the simulated
default-size company (the same timeline the generator writes, without the database: seconds,
not minutes), and the database path on a small generated company, where the planted segments
must point the right way but need not be significant."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import timezone

from smarketing.analytics.insights import segments as seg
from smarketing.analytics.insights.compute import Params
from smarketing.analytics.insights.scan import ScanSettings, segments_scan
from smarketing.analytics.insights.services import insights_scan_now
from smarketing.demo.generate import generate, reset
from smarketing.demo.sim.company import contact_facts
from smarketing.demo.timeline import simulate
from smarketing.demo.truths import DEFAULT_SEED, DEFAULT_TRUTHS

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LEAD_STAGES = {"lead", "mql", "sal", "sql", "opportunity"}
SMALL = [{"field": "account.employees", "op": "<", "value": 10}]
WEBINAR = [DEFAULT_TRUTHS.better.definition]
DUD = [{"field": "contact.source_campaign", "op": "==", "value": DEFAULT_TRUTHS.dud_campaign}]


def _facts(timeline, contact) -> seg.LeadFacts:
    """The demo's own facts about a contact (the truths file's fields) as the scan's."""
    facts = contact_facts(timeline, contact)
    return seg.LeadFacts(
        employees=facts["account.employees"],
        annual_revenue=facts["account.annual_revenue"],
        industry=facts["account.industry"],
        country=facts["account.country"],
        source_channel=facts["contact.source_channel"],
        source_campaign=facts["contact.source_campaign"],
        seniority=facts["contact.seniority"],
        attended_webinar=facts["contact.attended_webinar"],
        asset_types=tuple(facts["contact.downloaded_asset_types"]),
    )


def _by_segment(findings) -> dict[str, tuple[str, float, float]]:
    return {
        str([c.as_dict() for s in f.segments for c in s.conditions]): (
            f.direction,
            f.rate,
            f.baseline_rate,
        )
        for f in findings
    }


def test_scan_on_the_simulated_default_demo_finds_the_planted_truths():
    timeline = simulate(seed=DEFAULT_SEED, contacts=5000, now=timezone.now())
    reached: dict[int, set[str]] = {}
    for t in timeline.transitions:
        reached.setdefault(t.contact, set()).add(t.to_stage)
    memberships, outcomes, clusters = [], [], []
    for i, contact in enumerate(timeline.contacts):
        stages = reached.get(i, set())
        if stages & LEAD_STAGES:
            memberships.append(seg.lead_segments(_facts(timeline, contact), labels=seg.Labels()))
            outcomes.append("customer" in stages)
            clusters.append(contact.account)
    result = segments_scan(
        memberships=memberships, outcomes=outcomes, clusters=clusters, settings=ScanSettings()
    )
    found = _by_segment(result.findings)
    assert found[str(SMALL)][0] == "worse"
    assert found[str(WEBINAR)][0] == "better"
    direction, rate, _ = found[str(DUD)]
    assert (direction, rate) == ("worse", 0.0)


@pytest.fixture(scope="module")
def company(django_db_setup, django_db_blocker):
    """A small generated company, written once for this module and deleted after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        generate(simulate(seed=DEFAULT_SEED, contacts=800, now=timezone.now()))
    yield
    with django_db_blocker.unblock():
        reset()


def test_scan_on_a_generated_demo_points_the_planted_segments_the_right_way(db, company):
    # Every tested segment reported (q ≤ 1, any ratio): at this size the test has little power,
    # but the database path must see what the simulation planted.
    run = insights_scan_now(params=Params(max_q=1.0, min_ratio=1.0, pairs=False, min_n=20))
    # Keys in the truths file's order: PostgreSQL's jsonb stores them in its own.
    found = {
        str([{k: c[k] for k in ("field", "op", "value")} for c in i["segment"]]): i
        for i in run.result["insights"]
    }
    assert found[str(SMALL)]["direction"] == "worse"
    assert found[str(WEBINAR)]["direction"] == "better"
    dud = found[str(DUD)]
    assert (dud["direction"], dud["rate"]) == ("worse", 0.0)
    assert dud["feedback"]["ratings"] > 0
