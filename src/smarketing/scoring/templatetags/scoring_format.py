"""How the definition pages write points."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def points(value: float | None) -> str:
    """One decimal at most, none when it rounds to a whole number: 9.9999998 → 10, 2.25 → 2.3."""
    if value is None:
        return "—"
    rounded = round(float(value), 1) + 0.0  # no "-0"
    return f"{rounded:.0f}" if rounded.is_integer() else f"{rounded:.1f}"
