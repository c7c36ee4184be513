"""Number formatting for the dashboard and lists."""

from __future__ import annotations

from decimal import Decimal

from django import template

from smarketing.analytics.dashboard import Comparison
from smarketing.campaigns.models import Channel

register = template.Library()

MINUS = "\u2212"
CHANNEL_LABELS = dict(Channel.choices)


def _number(value: int | float | Decimal, *, decimals: int = 0) -> str:
    text = f"{abs(value):,.{decimals}f}"
    return f"{MINUS}{text}" if value < 0 else text


@register.filter
def fmt(value: int | float | Decimal | None, kind: str = "count") -> str:
    """A dashboard value: counts and money with thousands separators, shares as percent."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{_number(float(value) * 100, decimals=1)} %"
    if kind == "money":
        return _number(value, decimals=0)
    return _number(value)


@register.filter
def delta(row: Comparison) -> str:
    """The change vs last month with its sign; percentage points for shares."""
    change = row.delta
    if change is None:
        return "—"
    if change == 0:
        return "±0"
    sign = "+" if change > 0 else MINUS
    if row.kind == "percent":
        return f"{sign}{_number(abs(float(change)) * 100, decimals=1)} pts"
    return f"{sign}{_number(abs(change))}"


@register.filter
def money(value: Decimal | int | None, currency: str = "") -> str:
    if value is None:
        return "—"
    text = _number(value, decimals=2)
    return f"{currency} {text}".strip()


@register.filter
def channel(value: str) -> str:
    """A source channel's label; a value outside the taxonomy is shown as it is."""
    return CHANNEL_LABELS.get(value, value)
