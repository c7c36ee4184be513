"""The funnel page's chart geometry: bars as wide or tall as their counts."""

from __future__ import annotations

from smarketing.analytics.funnel import charts


def test_funnel_chart_when_counts_fall_narrows_centred_bars():
    chart = charts.funnel(
        [
            charts.FunnelStep("Lead", 100, None),
            charts.FunnelStep("MQL", 25, 0.25),
            charts.FunnelStep("SQL", 0, None),
        ]
    )
    lead, mql, sql = chart.bars
    assert lead.width == charts.FUNNEL_WIDTH and mql.width == charts.FUNNEL_WIDTH / 4
    assert lead.x + lead.width / 2 == mql.x + mql.width / 2  # centred on one axis
    assert sql.width == 0
    notes = [t.text for t in chart.texts if t.anchor == "start"]
    assert notes == ["100", "25  (25% of the step above)", "0  (— of the step above)"]


def test_groups_chart_when_periods_given_draws_a_column_per_group_and_period():
    chart = charts.groups_over_time([("2025-01", [4, 2, 0]), ("2025-02", [1, 1, 1])])
    assert len(chart.bars) == 6
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.height == charts.PLOT_HEIGHT and tallest.title == "2025-01: 4 entered TOFU"
    assert [t.text for t in chart.texts if t.anchor == "end"] == ["0", "2", "4"]


def test_charts_when_nothing_counted_stay_drawable():
    assert charts.funnel([]).bars == []
    assert charts.groups_over_time([("2025-01", [0, 0, 0])]).bars[0].height == 0
