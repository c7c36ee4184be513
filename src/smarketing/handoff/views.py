"""The rep's working pages: the handoff card with its decisions, "My leads", and the monthly
lead-quality review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.handoff import decisions, queries
from smarketing.handoff.card import Card, card_contact, handoff_card, urgent_clocks
from smarketing.handoff.forms import (
    AcceptForm,
    ConvertForm,
    DealForm,
    RatingForm,
    ReasonForm,
    ReviewMonthForm,
)
from smarketing.handoff.review import DIMENSIONS
from smarketing.lifecycle.stages import LABELS, Stage
from smarketing.org import permissions
from smarketing.org.models import Role
from smarketing.people.models import Contact
from smarketing.people.queries import contacts_visible_to
from smarketing.web.guard import apply_errors, guarded

SECTION = "handoff:mine"


def _contact(request: HttpRequest, pk: int) -> Contact:
    try:
        return card_contact(contacts_visible_to(request.user), pk)
    except Contact.DoesNotExist:
        raise Http404("no such contact") from None


def _forms(card: Card) -> dict[str, forms.Form]:
    """Every decision's form, blank."""
    reasons = card.reasons
    return {
        "accept": AcceptForm(prefix="accept"),
        "reject": ReasonForm(reasons=reasons["reject"], prefix="reject"),
        "disqualify": ReasonForm(reasons=reasons["disqualify"], prefix="disqualify"),
        "recycle": ReasonForm(reasons=reasons["recycle"], prefix="recycle"),
        "convert": ConvertForm(items=card.sql_checklist, prefix="convert"),
        "deal": DealForm(prefix="deal"),
        "rating": RatingForm(prefix="rating"),
    }


def _bound(card: Card, action: str, data: Any) -> forms.Form:
    """The submitted decision's form, bound to its data."""
    kinds = {"reject", "disqualify", "recycle"}
    if action in kinds:
        return ReasonForm(data, reasons=card.reasons[action], prefix=action)
    if action == "convert":
        return ConvertForm(data, items=card.sql_checklist, prefix=action)
    simple: dict[str, type[forms.Form]] = {
        "accept": AcceptForm,
        "deal": DealForm,
        "rating": RatingForm,
    }
    return simple[action](data, prefix=action)


def _page(
    request: HttpRequest,
    contact: Contact,
    *,
    card: Card | None = None,
    failed: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    """The card; after a refused decision, with that form and its errors open (status 400)."""
    card = card or handoff_card(contact=contact, user=request.user, now=timezone.now())
    page_forms = _forms(card)
    if failed:
        page_forms[failed[0]] = failed[1]
    context = {
        "card": card,
        "contact": contact,
        "forms": page_forms,
        "failed": failed[0] if failed else "",
        "can_import": permissions.can(request.user, "activity.import"),
        "section": SECTION,
    }
    return render(request, "handoff/card.html", context, status=400 if failed else 200)


@require_GET
@guarded("contact.view")
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _contact(request, pk))


def _accept(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.lead_accept(contact=contact, user=user, **data)


def _reject(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.lead_reject(contact=contact, user=user, **data)


def _disqualify(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.lead_disqualify(contact=contact, user=user, **data)


def _recycle(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.lead_recycle(contact=contact, user=user, **data)


def _convert(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.lead_convert(contact=contact, user=user, **data)


def _deal(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.lead_deal_create(contact=contact, user=user, **data)


def _rate(contact: Contact, user: Any, data: dict[str, Any]) -> decisions.Decision:
    return decisions.Decision(decisions.lead_rate(contact=contact, user=user, **data), None)


ACTIONS: dict[str, tuple[Callable[[Contact, Any, dict[str, Any]], decisions.Decision], str]] = {
    "accept": (_accept, "Accepted"),
    "reject": (_reject, "Rejected back to marketing"),
    "disqualify": (_disqualify, "Disqualified"),
    "recycle": (_recycle, "Recycled to nurture; marketing is told"),
    "convert": (_convert, "Converted to SQL"),
    "deal": (_deal, "Deal opened"),
    "rating": (_rate, "Rating saved"),
}


@require_POST
@guarded("lead.handle")
def card_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("no such action")
    contact = _contact(request, pk)
    permissions.require(request.user, "lead.handle", contact)
    if action == "deal":
        permissions.require(request.user, "deal.change")
    card = handoff_card(contact=contact, user=request.user, now=timezone.now())
    form = _bound(card, action, request.POST)
    if form.is_valid():
        run, done = ACTIONS[action]
        try:
            run(contact, request.user, form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{done}: {contact.full_name or contact.email}.")
            return redirect("handoff:card", pk=contact.pk)
    # The card was read before the refused decision, which changed nothing.
    return _page(request, contact, card=card, failed=(action, form))


@require_GET
@guarded("lead.handle")
def my_leads(request: HttpRequest) -> HttpResponse:
    user = request.user
    team = request.GET.get("team") == "1" and user.role in (Role.LEADER, Role.ADMIN)
    now = timezone.now()
    contacts = list(queries.leads_open(user=user, team=team))
    urgent = urgent_clocks(contacts=contacts, now=now)
    leads = [(c, LABELS[Stage(c.lifecycle_stage)], urgent[c.pk]) for c in contacts]
    context = {
        "leads": leads,
        "team": team,
        "can_team": user.role in (Role.LEADER, Role.ADMIN) and user.team_id is not None,
        "section": SECTION,
    }
    return render(request, "handoff/my_leads.html", context)


@require_GET
@guarded("feedback.review")
def review_page(request: HttpRequest) -> HttpResponse:
    default = timezone.now().strftime("%Y-%m")
    form = ReviewMonthForm(request.GET or {"month": default})
    review, status = None, 200
    if form.is_valid():
        try:
            review = queries.lead_quality_review(month=form.cleaned_data["month"])
        except InvalidInput as exc:
            apply_errors(form, exc)
    if review is None:
        status = 400
    context = {
        "form": form,
        "review": review,
        "dimensions": [(label, review.by[d]) for d, label in DIMENSIONS] if review else [],
        "section": "health:page",  # under the main navigation's "Analytics"
    }
    return render(request, "handoff/review.html", context, status=status)
