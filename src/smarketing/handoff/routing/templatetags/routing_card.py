"""`{% owner_card contact %}`: the contact page's owner, assignment history and reassign form."""

from __future__ import annotations

from typing import Any

from django import template

from smarketing.handoff.routing.forms import ReassignForm
from smarketing.handoff.routing.queries import assignments_of
from smarketing.org import permissions

register = template.Library()


@register.inclusion_tag("routing/_contact_card.html", takes_context=True)
def owner_card(context: template.Context, contact: Any) -> dict[str, Any]:
    user = context["request"].user
    can_assign = permissions.can(user, "contact.assign")
    return {
        "contact": contact,
        "assignments": list(assignments_of(contact)[:20]),
        "form": ReassignForm(initial={"owner": contact.owner_id}) if can_assign else None,
        "csrf_token": context.get("csrf_token"),
    }
