"""The planted truths: the default seed's, other seeds', their definitions and JSON form."""

from __future__ import annotations

import json

import pytest

from smarketing.demo.sim import catalogue, marketing
from smarketing.demo.truths import (
    DEFAULT_SEED,
    DEFAULT_TRUTHS,
    FORMAT,
    segment_matches,
    truths_document,
    truths_draw,
    truths_write,
)


def test_default_seed_plants_the_documented_truths():
    truths = truths_draw(DEFAULT_SEED)

    assert truths == DEFAULT_TRUTHS
    assert truths.worse.multiplier < 0.2
    assert truths.better.multiplier >= 4
    assert truths.dud_campaign == "Facebook lead ads – Free funnel template"
    assert truths.slow_rep == "tom.becker@lumen.example"


def test_default_small_company_segment_means_under_10_employees_or_100k_revenue():
    definition = DEFAULT_TRUTHS.worse.definition

    assert segment_matches(definition, {"account.employees": 9, "account.annual_revenue": 2e6})
    assert segment_matches(definition, {"account.employees": 40, "account.annual_revenue": 99e3})
    assert not segment_matches(
        definition, {"account.employees": 10, "account.annual_revenue": 100_000}
    )


def test_other_seeds_draw_other_truths_of_the_same_kinds():
    drawn = [truths_draw(seed) for seed in range(1, 40)]

    assert len({t.dud_campaign for t in drawn}) > 2
    assert len({t.slow_rep for t in drawn}) > 2
    assert len({t.worse.name for t in drawn}) > 3
    assert len({t.better.name for t in drawn}) > 2
    dud_able = {c.name for c in marketing.CAMPAIGNS if c.dud_able}
    for truths in drawn:
        assert truths.dud_campaign in dud_able
        assert truths.slow_rep in catalogue.REP_EMAILS
        assert 0.08 <= truths.worse.multiplier <= 0.2
        assert 4.0 <= truths.better.multiplier <= 6.0


def test_same_seed_draws_the_same_truths():
    assert truths_draw(1234) == truths_draw(1234)


def test_segment_all_needs_every_condition():
    band = {
        "all": [
            {"field": "account.employees", "op": ">=", "value": 10},
            {"field": "account.employees", "op": "<", "value": 50},
        ]
    }

    assert segment_matches(band, {"account.employees": 10})
    assert not segment_matches(band, {"account.employees": 50})
    assert not segment_matches(band, {"account.employees": None})


def test_segment_contains_looks_inside_a_list():
    downloaded = {
        "field": "contact.downloaded_asset_types",
        "op": "contains",
        "value": "case_study",
    }

    assert segment_matches(downloaded, {"contact.downloaded_asset_types": ("case_study",)})
    assert not segment_matches(downloaded, {"contact.downloaded_asset_types": ()})


def test_segment_with_unknown_operator_is_refused():
    with pytest.raises(ValueError, match="unknown operator '~'"):
        segment_matches({"field": "account.employees", "op": "~", "value": 1}, {})


def test_truths_document_is_json_with_segments_dud_and_slow_rep(tmp_path):
    document = truths_document(DEFAULT_TRUTHS, observed={"run": {"contacts": 10}})
    path = tmp_path / "out" / "truths.json"

    truths_write(document, path)
    loaded = json.loads(path.read_text())

    assert loaded["format"] == FORMAT
    assert loaded["seed"] == DEFAULT_SEED
    assert loaded["contacts"] == 10
    assert [s["effect"] for s in loaded["segments"]] == ["worse", "better"]
    assert loaded["segments"][0]["definition"] == DEFAULT_TRUTHS.worse.definition
    assert loaded["segments"][1]["multiplier"] == DEFAULT_TRUTHS.better.multiplier
    assert loaded["dud_campaign"]["utm_campaign"] == "facebook-lead-ads-free-funnel-template"
    assert loaded["slow_rep"]["email"] == DEFAULT_TRUTHS.slow_rep
