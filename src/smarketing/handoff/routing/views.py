"""The Routing page (rules, regions, reps, fallback, a dry run) and reassignment by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.handoff.routing import config, queries, services
from smarketing.handoff.routing.choose import routing_settings
from smarketing.handoff.routing.forms import (
    AwayForm,
    CapacityForm,
    PreviewForm,
    ReassignForm,
    RegionForm,
    RuleForm,
    SettingsForm,
)
from smarketing.handoff.routing.models import AwayPeriod, Region, RoutingRule
from smarketing.org import permissions
from smarketing.people.queries import contact_by_email, contacts_visible_to
from smarketing.web.guard import apply_errors, guarded

SECTION = "routing:rules"


def _page(request: HttpRequest, *, status: int = 200, **forms_: forms.Form) -> HttpResponse:
    settings = routing_settings()
    rules = [
        {
            "rule": rule,
            "conditions": queries.rule_conditions_text(rule),
            "target": queries.rule_target_text(rule),
        }
        for rule in queries.rules_ordered()
    ]
    context: dict[str, Any] = {
        "rules": rules,
        "regions": queries.regions_all(),
        "reps": queries.reps_overview(),
        "settings": settings,
        "can_change": permissions.can(request.user, "routing.change"),
        "rule_form": forms_.get("rule_form") or RuleForm(),
        "region_form": forms_.get("region_form") or RegionForm(),
        "settings_form": forms_.get("settings_form")
        or SettingsForm(
            initial={
                "fallback_user": settings.fallback_user_id,
                "default_capacity": settings.default_capacity,
            }
        ),
        "away_form": forms_.get("away_form") or AwayForm(),
        "preview_form": forms_.get("preview_form") or PreviewForm(),
        "preview": forms_.get("preview"),
        "section": SECTION,
    }
    return render(request, "routing/rules.html", context, status=status)


@require_GET
@guarded("contact.view")
def rules_page(request: HttpRequest) -> HttpResponse:
    """The rules, and with ?email= a dry run of them for that contact."""
    if "email" not in request.GET:
        return _page(request)
    form = PreviewForm(request.GET)
    preview: dict[str, Any] | None = None
    if form.is_valid():
        contact = contact_by_email(form.cleaned_data["email"])
        if contact is None or not contacts_visible_to(request.user).filter(pk=contact.pk).exists():
            form.add_error("email", "no contact with this email")
        else:
            preview = {"contact": contact, "choice": queries.route_preview(contact=contact)}
    return _page(request, preview_form=form, preview=preview)  # type: ignore[arg-type]


def _attempt(request: HttpRequest, form: forms.Form, name: str, action: Any, done: str) -> Any:
    """Run `action(cleaned_data)` on a valid form; errors go back onto the page."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(SECTION)
    return _page(request, status=400, **{name: form})


@require_POST
@guarded("routing.change")
def rule_create(request: HttpRequest) -> HttpResponse:
    def create(data: dict[str, Any]) -> None:
        config.rule_create(by_user=request.user, **data)

    return _attempt(request, RuleForm(request.POST), "rule_form", create, "Rule added.")


@require_POST
@guarded("routing.change")
def rule_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a rule up or down, switch it on or off, or remove it (`do` says which)."""
    rule = get_object_or_404(RoutingRule, pk=pk)
    do = request.POST.get("do", "")
    if do in ("up", "down"):
        config.rule_move(rule=rule, by=-1 if do == "up" else 1, by_user=request.user)
    elif do == "toggle":
        config.rule_update(rule=rule, active=not rule.active, by_user=request.user)
    elif do == "delete":
        config.rule_delete(rule=rule)
    else:
        return HttpResponse(f"unknown change {do!r} (up, down, toggle, delete)", status=400)
    messages.success(request, f"Rule {rule.name} changed.")
    return redirect(SECTION)


@require_POST
@guarded("routing.change")
def region_create(request: HttpRequest) -> HttpResponse:
    def create(data: dict[str, Any]) -> None:
        config.region_create(name=data["name"], countries=data["countries"])

    return _attempt(request, RegionForm(request.POST), "region_form", create, "Region added.")


@require_POST
@guarded("routing.change")
def region_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        config.region_delete(region=get_object_or_404(Region, pk=pk))
    except InvalidInput as exc:
        messages.error(request, exc.summary())
    return redirect(SECTION)


@require_POST
@guarded("routing.change")
def settings_update(request: HttpRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> None:
        config.settings_update(**data)

    form = SettingsForm(request.POST)
    return _attempt(request, form, "settings_form", save, "Routing settings saved.")


@require_POST
@guarded("routing.change")
def capacity_update(request: HttpRequest, user_pk: int) -> HttpResponse:
    user = get_object_or_404(queries.sellers(), pk=user_pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        config.capacity_set(user=user, capacity=form.cleaned_data["capacity"])
        messages.success(request, f"Capacity of {user.email} saved.")
    else:
        messages.error(request, f"capacity: {'; '.join(form.errors.get('capacity', []))}")
    return redirect(SECTION)


@require_POST
@guarded("routing.change")
def away_create(request: HttpRequest) -> HttpResponse:
    def create(data: dict[str, Any]) -> None:
        config.away_create(by_user=request.user, **data)

    return _attempt(request, AwayForm(request.POST), "away_form", create, "Away days added.")


@require_POST
@guarded("routing.change")
def away_delete(request: HttpRequest, pk: int) -> HttpResponse:
    config.away_delete(period=get_object_or_404(AwayPeriod, pk=pk))
    return redirect(SECTION)


@require_POST
@guarded("contact.assign")
def contact_reassign(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact = get_object_or_404(contacts_visible_to(request.user), pk=contact_pk)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            services.contact_reassign(
                contact=contact,
                owner=form.cleaned_data["owner"],
                by_user=request.user,
                note=form.cleaned_data["note"],
            )
        except InvalidInput as exc:
            messages.error(request, exc.summary())
        else:
            messages.success(request, f"{contact} now belongs to {contact.owner}.")
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("web:contact", pk=contact.pk)
