"""The insights' statistics on hand-made data: Fisher's test and BH against scipy, the scan's
minimum sample, clustering, pairs and aliases, seniority from titles, proposed rules."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import false_discovery_control, fisher_exact

from smarketing.analytics.insights import proposals
from smarketing.analytics.insights import segments as seg
from smarketing.analytics.insights.scan import ScanSettings, segments_scan
from smarketing.analytics.insights.stats import (
    bh_q_values,
    effective_counts,
    fisher_p,
    intraclass_correlation,
    wilson_interval,
)
from smarketing.scoring import rules

SMALL = seg.Segment(seg.EMPLOYEES, (seg.Condition(seg.EMPLOYEES, "<", 10),), "Small")
WEBINAR = seg.Segment(seg.WEBINAR, (seg.Condition(seg.WEBINAR, "==", True),), "Webinar attendees")
RETAIL = seg.Segment(
    seg.INDUSTRY, (seg.Condition(seg.INDUSTRY, "==", "Retail"),), "Companies in retail"
)


def _leads(groups: list[tuple[list[seg.Segment], int, int]]) -> tuple[list, list]:
    """(segments, leads, conversions) per group → memberships and outcomes."""
    memberships, outcomes = [], []
    for segments, n, hits in groups:
        for i in range(n):
            memberships.append(segments)
            outcomes.append(i < hits)
    return memberships, outcomes


@settings(max_examples=60, deadline=None)
@given(
    n_in=st.integers(1, 120),
    n_out=st.integers(1, 400),
    share_in=st.floats(0, 1),
    share_out=st.floats(0, 1),
)
def test_fisher_p_equals_scipy(n_in, n_out, share_in, share_out):
    hits_in, hits_out = round(n_in * share_in), round(n_out * share_out)
    table = [[hits_in, n_in - hits_in], [hits_out, n_out - hits_out]]
    expected = fisher_exact(table).pvalue
    got = fisher_p(hits_in=hits_in, n_in=n_in, hits_out=hits_out, n_out=n_out)
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_fisher_p_when_counts_impossible_names_the_group():
    with pytest.raises(ValueError, match="group 'in'"):
        fisher_p(hits_in=5, n_in=3, hits_out=0, n_out=10)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_bh_q_values_equal_scipy(p_values):
    expected = false_discovery_control(p_values, method="bh")
    assert bh_q_values(p_values) == pytest.approx(list(expected), abs=1e-12)


def test_bh_q_values_by_hand():
    # m = 4, sorted p 0.01, 0.02, 0.03, 0.5 → 0.04, 0.04, 0.04, 0.5 (min of later p·m/rank).
    assert bh_q_values([0.5, 0.01, 0.03, 0.02]) == pytest.approx([0.5, 0.04, 0.04, 0.04])
    assert bh_q_values([]) == []
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bh_q_values([1.5])


def test_wilson_interval_holds_the_rate_and_stays_in_0_1():
    low, high = wilson_interval(hits=0, n=50)
    assert low == pytest.approx(0, abs=1e-12) and 0 < high < 0.1
    low, high = wilson_interval(hits=20, n=100)
    assert low < 0.2 < high


def test_intraclass_correlation_when_companies_convert_together_is_1_and_0_when_alike():
    outcomes = [True, True, False, False, True, True, False, False]
    assert intraclass_correlation(outcomes=outcomes, clusters=[1, 1, 2, 2, 3, 3, 4, 4]) == 1.0
    mixed = [True, False] * 4
    assert intraclass_correlation(outcomes=mixed, clusters=[1, 1, 2, 2, 3, 3, 4, 4]) == 0.0


def test_effective_counts_divide_by_the_design_effect_keeping_the_rate():
    assert effective_counts(hits=30, n=300, design_effect=3.0) == (10, 100)
    assert effective_counts(hits=0, n=0, design_effect=2.0) == (0, 0)


def test_scan_when_a_segment_converts_far_worse_finds_it_with_its_figures():
    memberships, outcomes = _leads([([SMALL], 200, 2), ([], 800, 80)])
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    (finding,) = result.findings
    assert finding.segments == (SMALL,)
    assert (finding.n, finding.hits, finding.rest_n, finding.rest_hits) == (200, 2, 800, 80)
    assert finding.direction == "worse"
    assert (finding.rate, finding.baseline_rate) == (0.01, 0.1)
    assert finding.q_value <= 0.05
    assert finding.p_value == pytest.approx(fisher_exact([[2, 198], [80, 720]]).pvalue, rel=1e-6)


def test_scan_when_the_difference_is_noise_finds_nothing():
    memberships, outcomes = _leads([([SMALL], 200, 19), ([], 800, 80)])
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    assert result.singles_tested == 1
    assert result.findings == ()


def test_scan_when_a_segment_is_below_the_minimum_sample_does_not_test_it():
    # 29 leads that never convert against 10 %: striking, but under the minimum of 30.
    memberships, outcomes = _leads([([SMALL], 29, 0), ([], 971, 100)])
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    assert (result.singles_tested, result.findings) == (0, ())
    lowered = segments_scan(
        memberships=memberships, outcomes=outcomes, settings=ScanSettings(min_n=20)
    )
    assert lowered.singles_tested == 1


def test_scan_when_the_effect_is_significant_but_small_leaves_it_out():
    memberships, outcomes = _leads([([SMALL], 5000, 500), ([], 5000, 600)])
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    assert result.findings == ()  # 10 % vs 12 %: q tiny, ratio 0.83 above 1/1.5
    kept = segments_scan(
        memberships=memberships, outcomes=outcomes, settings=ScanSettings(min_ratio=1.1)
    )
    assert [f.direction for f in kept.findings] == ["worse"]


def test_scan_when_leads_cluster_in_companies_weighs_them_as_fewer():
    # Companies of 10 leads each, whose leads convert together: 1 of 10 small companies
    # converts against 10 of 30 others.
    memberships, outcomes = _leads([([SMALL], 10, 10)] + [([SMALL], 10, 0)] * 9)
    rest_m, rest_o = _leads([([], 10, 10)] * 10 + [([], 10, 0)] * 20)
    memberships += rest_m
    outcomes += rest_o
    clusters = [i // 10 for i in range(len(outcomes))]
    naive = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    clustered = segments_scan(
        memberships=memberships, outcomes=outcomes, settings=ScanSettings(), clusters=clusters
    )
    assert clustered.clustering == 1.0
    assert naive.findings, "as 400 independent leads it looks significant"
    assert clustered.findings == (), "as 40 companies it does not"


def test_scan_pair_that_restates_its_single_is_not_reported():
    # Small companies convert at 1 % whether or not they are in retail: the pair says nothing new.
    memberships, outcomes = _leads(
        [
            ([SMALL, RETAIL], 100, 1),
            ([SMALL], 300, 3),
            ([RETAIL], 300, 30),
            ([], 1300, 130),
        ]
    )
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    assert result.pairs_tested == 1
    assert [f.segments for f in result.findings] == [(SMALL,)]


def test_scan_pair_that_differs_from_both_singles_is_reported():
    # Only small retail companies convert badly; small companies and retail alone are ordinary.
    memberships, outcomes = _leads(
        [
            ([SMALL, RETAIL], 300, 0),
            ([SMALL], 600, 90),
            ([RETAIL], 600, 90),
            ([], 2000, 300),
        ]
    )
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    pair = next(f for f in result.findings if len(f.segments) == 2)
    assert pair.segments == (SMALL, RETAIL)
    assert pair.label == "Small and companies in retail"
    assert pair.direction == "worse"


def test_scan_segments_with_the_same_leads_are_tested_once_as_aliases():
    campaign = seg.Segment(
        seg.CAMPAIGN, (seg.Condition(seg.CAMPAIGN, "==", "Dud"),), "Leads from the campaign Dud"
    )
    memberships, outcomes = _leads([([campaign, WEBINAR], 300, 0), ([], 1000, 100)])
    result = segments_scan(memberships=memberships, outcomes=outcomes, settings=ScanSettings())
    assert result.singles_tested == 1
    (finding,) = result.findings
    assert finding.segments == (campaign,)
    assert finding.aliases == ("Webinar attendees",)


def test_scan_settings_out_of_range_name_the_setting():
    with pytest.raises(ValueError, match="max_q"):
        segments_scan(memberships=[], outcomes=[], settings=ScanSettings(max_q=0))
    with pytest.raises(ValueError, match="outcomes has 0"):
        segments_scan(memberships=[[SMALL]], outcomes=[], settings=ScanSettings())


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("Chief Marketing Officer", "cxo"),
        ("CEO", "cxo"),
        ("Co-founder", "cxo"),
        ("Vice President, Sales", "vp"),
        ("VP Marketing", "vp"),
        ("Director of Revenue Operations", "director"),
        ("Head of Growth", "director"),
        ("Demand Generation Manager", "manager"),
        ("Senior Data Analyst", "senior"),
        ("Marketing Coordinator", "entry"),
        ("Working Student", "student"),
        ("", ""),
    ],
)
def test_title_seniority(title, level):
    assert seg.title_seniority(title) == level


def test_lead_segments_use_the_truths_field_names_and_bands():
    facts = seg.LeadFacts(
        employees=7,
        annual_revenue=250_000,
        industry="Retail",
        source_campaign="Dud",
        attended_webinar=True,
        asset_types=("case_study",),
    )
    found = {s.field: s for s in seg.lead_segments(facts, labels=seg.Labels())}
    assert [c.as_dict() for c in found[seg.EMPLOYEES].conditions] == [
        {"field": "account.employees", "op": "<", "value": 10}
    ]
    assert found[seg.EMPLOYEES].label == "Companies with fewer than 10 employees"
    assert [c.as_dict() for c in found[seg.REVENUE].conditions] == [
        {"field": "account.annual_revenue", "op": ">=", "value": 100_000},
        {"field": "account.annual_revenue", "op": "<", "value": 1_000_000},
    ]
    assert found[seg.WEBINAR].conditions[0].as_dict() == {
        "field": "contact.attended_webinar",
        "op": "==",
        "value": True,
    }
    assert found[seg.ASSET_TYPES].label == "Leads who downloaded a case study"
    assert seg.CHANNEL not in found  # unknown: in no channel's segment


def _definition() -> rules.Definition:
    return rules.default_definition()


def test_points_for_ratio():
    assert proposals.points_for(0.25) == -20
    assert proposals.points_for(2.0) == 10
    assert proposals.points_for(1.1) == 5  # never 0: the direction is kept
    assert proposals.points_for(0.0) == -proposals.MAX_POINTS
    assert proposals.points_for(math.inf) == proposals.MAX_POINTS
    assert isinstance(proposals.points_for(0.3), int)  # "-25", not "-25.0", in the draft


def test_proposal_when_the_definition_has_the_rule_changes_its_points():
    proposal = proposals.proposal_for([SMALL], ratio=0.25, definition=_definition(), paths={})
    assert proposal is not None
    assert (proposal.action, proposal.replaces, proposal.kind) == (
        "change",
        "employees-under-10",
        "fit",
    )
    assert proposal.rule.points == -50  # -30 in the default, -20 more
    changed = proposals.definition_with(_definition(), proposal)
    rule = next(r for r in changed.fit_rules if r.id == "employees-under-10")
    assert rule.points == -50
    assert len(changed.fit_rules) == len(_definition().fit_rules)


def test_proposal_for_a_campaign_adds_an_engagement_rule_counted_once():
    campaign = seg.Segment(
        seg.CAMPAIGN,
        (seg.Condition(seg.CAMPAIGN, "==", "Ads * [test]"),),
        "Leads from the campaign “Ads * [test]”",
    )
    proposal = proposals.proposal_for([campaign], ratio=0.0, definition=_definition(), paths={})
    assert proposal is not None and proposal.action == "add"
    assert proposal.as_dict()["rule"] == {
        "id": "leads-from-the-campaign-ads-test",
        "label": "Leads from the campaign “Ads * [test]”",
        "when": {"campaign": "Ads [*] [[]test]"},
        "points": -50.0,
        "cap": 50.0,
    }
    changed = proposals.definition_with(_definition(), proposal)
    # The changed definition reads back through the rule engine's own schema.
    assert rules.load(rules.dump(changed)) == changed


def test_proposal_for_a_pair_is_none():
    assert (
        proposals.proposal_for([SMALL, RETAIL], ratio=0.2, definition=_definition(), paths={})
        is None
    )
