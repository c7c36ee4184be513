"""`{% sla_clocks contact %}`: the contact page's SLA clocks under its current owner."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from smarketing.handoff.sla import queries
from smarketing.handoff.sla.obligations import BREACHED, DUE_SOON, MET, ON_TIME

register = template.Library()

# Badge colours from the stylesheet's stage palette.
STATE_CSS = {
    BREACHED: "stage-disqualified",
    DUE_SOON: "stage-sql",
    ON_TIME: "stage-mql",
    MET: "stage-sal",
}


def left_text(clock: Any) -> str:
    """'2.5 business hours left' or '31 business hours overdue'; empty once done."""
    if clock.done_at is not None or clock.hours_left is None:
        return ""
    hours = abs(clock.hours_left)
    amount = f"{hours:.1f}" if hours < 10 else f"{hours:,.0f}"
    return f"{amount} business hours " + ("overdue" if clock.hours_left < 0 else "left")


@register.inclusion_tag("sla/_contact_clocks.html")
def sla_clocks(contact: Any) -> dict[str, Any]:
    found = queries.current_clocks_many(contact_ids=[contact.pk], now=timezone.now())
    current = found.get(contact.pk)
    clocks = current.clocks if current else []
    if not clocks and contact.owner_id is None:
        return {"show": False}
    # Due times in the zone the assignment owner's clocks count in, as the rep reads them.
    zone = current.hours.timezone if clocks and current else "UTC"
    return {
        "show": True,
        "contact": contact,
        "clocks": [
            {
                "clock": c,
                "css": STATE_CSS.get(c.state, "stage-recycled"),
                "left": left_text(c),
            }
            for c in clocks
        ],
        "first": clocks[0] if clocks else None,
        "zone": zone,
    }
