"""The attribution page's grouped bar chart: geometry only, no Django."""

from __future__ import annotations

from smarketing.analytics.attribution_report import charts


def test_one_bar_per_channel_and_model_scaled_to_the_largest():
    chart = charts.grouped_bars(
        [("Email", [2.0, 1.0]), ("Direct", [0.0, 0.5])], series=["First touch", "Linear"]
    )
    swatches, bars = chart.bars[:2], chart.bars[2:]
    assert [s.title for s in swatches] == ["First touch", "Linear"]
    assert [b.title for b in bars] == [
        "Email, First touch: 2.0",
        "Email, Linear: 1.0",
        "Direct, First touch: 0.0",
        "Direct, Linear: 0.5",
    ]
    assert bars[0].width == charts.BAR_AREA and bars[1].width == charts.BAR_AREA / 2
    assert bars[2].width == 0 and bars[3].width == charts.BAR_AREA / 4
    assert bars[1].y == bars[0].y + charts.BAR_STEP  # the models of a channel stacked
    assert bars[2].y > bars[1].y + charts.BAR_STEP  # a gap between channels
    assert bars[0].colour != bars[1].colour and bars[0].colour == bars[2].colour


def test_axis_reads_zero_half_and_the_largest_value():
    chart = charts.grouped_bars([("Email", [40.0])], series=["Markov"], fmt=lambda v: f"{v:.0f}")
    assert [t.text for t in chart.texts[-3:]] == ["0", "20", "40"]
    assert len(chart.lines) == 3 and chart.height > chart.lines[0].y2


def test_no_channels_draws_only_the_legend():
    chart = charts.grouped_bars([], series=["Linear"])
    assert len(chart.bars) == 1 and chart.width > charts.LABEL_WIDTH


def test_long_labels_are_shortened():
    chart = charts.grouped_bars([("x" * 60, [1.0])], series=["Linear"])
    label = next(t for t in chart.texts if t.anchor == "end")
    assert len(label.text) == charts.LABEL_CHARS and label.text.endswith("…")
