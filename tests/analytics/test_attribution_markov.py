"""Markov removal effects: a textbook chain solved by hand, the state construction at orders
2 and 3, and figures cross-checked with ChannelAttribution."""

import numpy as np
import pytest

from smarketing.analytics.attribution import attribute, paths_parse
from smarketing.analytics.attribution.markov import chain_build

# The textbook example (Anderl et al. 2014; also in ChannelAttribution's and many tutorials):
#   C1 > C2 > C3 converts; C1 ends without converting; C2 > C3 ends without converting.
TEXTBOOK = """path,total_conversions,total_null
C1 > C2 > C3,1,0
C1,0,1
C2 > C3,0,1
"""


def test_textbook_removal_effects_match_the_hand_calculation() -> None:
    # Transitions: start->C1 2/3, start->C2 1/3; C1->C2 1/2, C1->null 1/2; C2->C3 1;
    # C3->conversion 1/2, C3->null 1/2.
    # P(conversion) = 2/3 * 1/2 * 1 * 1/2 + 1/3 * 1 * 1/2 = 1/6 + 1/6 = 1/3.
    # Without C1 only start->C2 converts: 1/3 * 1/2 = 1/6 -> removal effect 1 - (1/6)/(1/3) = 1/2.
    # Without C2 or C3 nothing converts -> removal effect 1 each.
    # Credit = effect / (1/2 + 1 + 1) * 1 conversion = 0.2, 0.4, 0.4.
    result = attribute(paths_parse(TEXTBOOK), model="markov")
    assert result.details["conversion_probability"] == pytest.approx(1 / 3)
    assert result.details["removal_effects"] == pytest.approx({"C1": 0.5, "C2": 1.0, "C3": 1.0})
    assert result.conversions == pytest.approx({"C1": 0.2, "C2": 0.4, "C3": 0.4})


def test_loops_are_solved_exactly() -> None:
    # A > B > A converts, B ends. Order 1: start->A 1/2, start->B 1/2; A->B 1/2, A->conv 1/2;
    # B->A 1/2, B->null 1/2. p_A = 1/2 + 1/2 p_B, p_B = 1/2 p_A -> p_A = 2/3, p_B = 1/3;
    # P = 1/2 (2/3 + 1/3) = 1/2. Without A: 0. Without B: 1/2 * 1/2 = 1/4 -> effect 1/2.
    text = "path,total_conversions,total_null\nA > B > A,1,0\nB,0,1\n"
    result = attribute(paths_parse(text), model="markov")
    assert result.details["conversion_probability"] == pytest.approx(1 / 2)
    assert result.details["removal_effects"] == pytest.approx({"A": 1.0, "B": 0.5})
    assert result.conversions == pytest.approx({"A": 2 / 3, "B": 1 / 3})


def test_consecutive_repeats_merge_into_one_state() -> None:
    repeated = "path,total_conversions,total_null\nA > A > B,1,0\nA,0,1\n"
    plain = "path,total_conversions,total_null\nA > B,1,0\nA,0,1\n"
    ours = attribute(paths_parse(repeated), model="markov").details["removal_effects"]
    assert ours == attribute(paths_parse(plain), model="markov").details["removal_effects"]


def states(text: str, *, order: int) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Transitions as (from, to) windows of channel names; () is (start)."""
    paths = paths_parse(text)
    chain = chain_build(paths, order=order)
    names = [tuple(paths.channels[c] for c in np.flatnonzero(row)) for row in chain.members]
    return sorted((names[s], names[t]) for s, t in zip(chain.source, chain.target, strict=True))


def test_order_two_states_are_sliding_windows() -> None:
    # a > b > c > d: windows (a,b) (b,c) (c,d); a state's members are its set of channels.
    transitions = states("path,total_conversions,total_null\na > b > c > d,1,0\n", order=2)
    assert transitions == [((), ("a", "b")), (("a", "b"), ("b", "c")), (("b", "c"), ("c", "d"))]


def test_order_two_keeps_repeats_inside_a_window_and_merges_repeated_windows() -> None:
    # a > a > a > b: windows (a,a) (a,a) (a,b) -> (a,a) (a,b), as ChannelAttribution does.
    paths = paths_parse("path,total_conversions,total_null\na > a > a > b,1,0\n")
    chain = chain_build(paths, order=2)
    assert chain.size == 3  # (start), (a,a), (a,b)
    assert sorted(chain.weight) == [1.0, 1.0]


def test_a_journey_shorter_than_the_order_is_one_state() -> None:
    transitions = states("path,total_conversions,total_null\na > b,1,0\nc,0,1\n", order=3)
    assert transitions == [((), ("a", "b")), ((), ("c",))]


def test_order_three_on_a_longer_path() -> None:
    text = "path,total_conversions,total_null\na > b > c > a,1,0\n"
    assert states(text, order=3) == [((), ("a", "b", "c")), (("a", "b", "c"), ("a", "b", "c"))]


@pytest.mark.parametrize("order", [0, 4])
def test_order_outside_one_to_three_is_refused(order: int) -> None:
    with pytest.raises(ValueError, match="order must be 1 to 3"):
        attribute(paths_parse(TEXTBOOK), model="markov", order=order)


CROSS_CHECK = """path,total_conversions,total_null,total_conversion_value
a > b > c,2,1,20
a,1,3,5
b > a > a > Direct,1,0,100
Direct,0,2,0
c > b,1,1,10
a > a > b > c > c > a,3,2,33
"""

# ChannelAttribution 2.2.5's markov_model on CROSS_CHECK with nsim_start=2e6 and max_step=1000
# (so no simulated walk is cut short), orders 1 to 3: attributed conversions and value.
CHANNEL_ATTRIBUTION = {
    1: ({"a": 3.4820, "b": 2.0194, "c": 1.9665, "Direct": 0.5321}, {"a": 55.385, "Direct": 59.196}),
    2: ({"a": 2.7787, "b": 2.4439, "c": 2.3791, "Direct": 0.3984}, {"a": 66.361, "Direct": 42.057}),
    3: ({"a": 2.6671, "b": 2.6664, "c": 2.2852, "Direct": 0.3813}, {"a": 54.859, "Direct": 34.714}),
}


@pytest.mark.parametrize("order", [1, 2, 3])
def test_agrees_with_channel_attribution_within_its_sampling_error(order: int) -> None:
    result = attribute(paths_parse(CROSS_CHECK), model="markov", order=order)
    conversions, value = CHANNEL_ATTRIBUTION[order]
    assert result.conversions == pytest.approx(conversions, abs=0.01)
    assert result.value is not None
    assert {c: result.value[c] for c in value} == pytest.approx(value, rel=0.01)
    assert sum(result.conversions.values()) == pytest.approx(8)
    assert sum(result.value.values()) == pytest.approx(168)


def test_no_conversions_credits_nothing() -> None:
    text = "path,total_conversions,total_null\nA > B,0,3\n"
    assert attribute(paths_parse(text), model="markov").conversions == {"A": 0.0, "B": 0.0}


def test_sparse_solver_agrees_with_dense(monkeypatch: pytest.MonkeyPatch) -> None:
    from smarketing.analytics.attribution import markov

    dense = attribute(paths_parse(CROSS_CHECK), model="markov", order=3)
    monkeypatch.setattr(markov, "DENSE_STATES", 0)
    sparse = attribute(paths_parse(CROSS_CHECK), model="markov", order=3)
    assert sparse.conversions == pytest.approx(dense.conversions)
    assert sparse.value == pytest.approx(dense.value)
