"""GET /api/lifecycle/reasons and /api/lifecycle/stages: what clients build their pickers from."""

from __future__ import annotations

from smarketing.lifecycle.models import TransitionReason
from smarketing.lifecycle.stages import ALLOWED, FUNNEL, Stage


def test_reason_list_when_seeded_gives_every_active_reason(as_rep):
    body = as_rep.get("/api/lifecycle/reasons").json()
    expected = set(TransitionReason.objects.filter(active=True).values_list("kind", "code"))
    assert {(r["kind"], r["code"]) for r in body} == expected
    assert ("recycle", "no-response") in expected
    assert all(r["label"] for r in body)


def test_reason_list_when_filtered_by_kind_and_one_retired(as_rep):
    TransitionReason.objects.filter(code="student").update(active=False)
    body = as_rep.get("/api/lifecycle/reasons", {"kind": "disqualify"}).json()
    codes = {r["code"] for r in body}
    assert {r["kind"] for r in body} == {"disqualify"}
    assert "no-fit" in codes
    assert "student" not in codes


def test_stage_list_when_read_gives_funnel_order_and_allowed_moves(as_marketer):
    body = as_marketer.get("/api/lifecycle/stages").json()
    stages = body["stages"]
    assert [s["value"] for s in stages] == [s.value for s in Stage]
    in_funnel = [s["value"] for s in stages if s["funnel_position"] is not None]
    assert in_funnel == [s.value for s in FUNNEL]
    by_value = {s["value"]: s for s in stages}
    assert by_value["customer"]["next_stages"] == []
    assert "recycled" not in by_value["subscriber"]["next_stages"]
    assert by_value["mql"]["next_stages"][0] == "sal"
    for stage in Stage:
        assert set(by_value[stage.value]["next_stages"]) == {s.value for s in ALLOWED[stage]}
    assert by_value["recycled"]["reason_kinds"] == ["recycle", "reject"]
    assert by_value["lead"]["reason_kinds"] == []
    assert set(body["initial_stages"]) == {s.value for s in FUNNEL}
