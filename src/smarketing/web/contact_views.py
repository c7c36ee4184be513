"""Contacts: the filtered list and one contact's page with its timeline and forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.handoff import services as handoff
from smarketing.lifecycle import services as lifecycle
from smarketing.lifecycle.stages import LABELS, Stage
from smarketing.org import permissions
from smarketing.people.models import Contact
from smarketing.people.queries import contacts_filter, contacts_visible_to
from smarketing.people.timeline import contact_timeline
from smarketing.scoring.history_chart import history_chart
from smarketing.scoring.queries import (
    contacts_score_filter,
    contacts_sort,
    contacts_with_scores,
    score_history,
)
from smarketing.scoring.rules.model import DEFAULT_GROUP_ID
from smarketing.scoring.scores import contact_score
from smarketing.web.forms import ActivityForm, ContactFilterForm, StageForm
from smarketing.web.guard import apply_errors, filter_values, guarded, paginate

SECTION = "web:contacts"


@require_GET
@guarded("contact.view")
def contact_list(request: HttpRequest) -> HttpResponse:
    form = ContactFilterForm(request.GET)
    values = filter_values(form)
    qs = contacts_filter(
        contacts_visible_to(request.user),
        q=values.get("q", "").strip(),
        stage=values.get("stage", ""),
        owner_id=values["owner"].pk if "owner" in values else None,
        source_channel=values.get("source_channel", ""),
        campaign_id=values["campaign"].pk if "campaign" in values else None,
    )
    qs = contacts_with_scores(
        qs.select_related("account", "owner", "source_campaign"),
        group=values.get("score_group", DEFAULT_GROUP_ID),
    )
    qs = contacts_score_filter(
        qs,
        min_total=values.get("min_score"),
        max_total=values.get("max_score"),
        grade=values.get("grade", ""),
        is_mql={"yes": True, "no": False}.get(values.get("mql", "")),
    )
    sort = values.get("sort", "-created")
    qs = contacts_sort(qs, sort)
    context = {"form": form, "page": paginate(request, qs), "section": SECTION, "sort": sort}
    # htmx swaps only the table; a plain GET (no JavaScript) gets the whole page.
    template = "web/_contacts_table.html" if request.htmx else "web/contacts.html"
    return render(request, template, context)


def _visible_contact(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(contacts_visible_to(request.user), pk=pk)


def _contact_page(
    request: HttpRequest,
    contact: Contact,
    *,
    stage_form: StageForm | None = None,
    activity_form: ActivityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    if stage_form is None and permissions.can(user, "contact.transition", contact):
        stage_form = StageForm(current=contact.lifecycle_stage)
    if activity_form is None and permissions.can(user, "activity.change", contact):
        activity_form = ActivityForm(initial={"kind": "call"})
    context: dict[str, Any] = {
        "contact": contact,
        "stage_label": LABELS[Stage(contact.lifecycle_stage)] if contact.lifecycle_stage else "",
        "timeline": contact_timeline(contact=contact),
        "score": contact_score(contact=contact, now=now),
        "score_chart": history_chart(
            [(p.at, p.total) for p in score_history(contact=contact, group=DEFAULT_GROUP_ID)],
            now=now,
        ),
        "stage_form": stage_form,
        "activity_form": activity_form,
        "section": SECTION,
    }
    return render(request, "web/contact.html", context, status=status)


@require_GET
@guarded("contact.view")
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _contact_page(request, _visible_contact(request, pk))


@guarded("contact.view")
def contact_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the stage form for a chosen target (htmx refreshes the reasons); POST: move."""
    contact = _visible_contact(request, pk)
    permissions.require(request.user, "contact.transition", contact)
    if request.method == "GET":
        form = StageForm(current=contact.lifecycle_stage, target=request.GET.get("to_stage", ""))
        form.initial["to_stage"] = request.GET.get("to_stage", "")
        return render(request, "web/_stage_form.html", {"contact": contact, "stage_form": form})
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    # Every reason that fits some allowed move is accepted here; the service judges the pair.
    form = StageForm(request.POST, current=contact.lifecycle_stage)
    if form.is_valid():
        try:
            lifecycle.stage_transition(
                contact=contact,
                to_stage=form.cleaned_data["to_stage"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by_user=request.user,
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            label = LABELS[Stage(contact.lifecycle_stage)]
            messages.success(request, f"{contact} moved to {label}.")
            return redirect("web:contact", pk=contact.pk)
    return _contact_page(request, contact, stage_form=form, status=400)


@require_POST
@guarded("contact.view")
def contact_activity(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _visible_contact(request, pk)
    permissions.require(request.user, "activity.change", contact)
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            handoff.activity_create(
                kind=data["kind"],
                contact=contact,
                user=request.user,
                subject=data["subject"],
                body=data["body"],
                outcome=data["outcome"],
                occurred_at=data["occurred_at"] or timezone.now(),
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{dict(form.fields['kind'].choices)[data['kind']]} logged.")
            return redirect("web:contact", pk=contact.pk)
    return _contact_page(request, contact, activity_form=form, status=400)
