"""The live event stream: newest events, counts per source, and what was rejected and why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from smarketing.events import queries
from smarketing.events.models import WriteKey
from smarketing.web.guard import filter_values, guarded

SECTION = "events:stream"
LATEST_EVENTS = 50
LATEST_REJECTED = 20


class StreamFilterForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=WriteKey.objects.order_by("name"), required=False, empty_label="All sources"
    )


def _context(request: HttpRequest) -> dict[str, Any]:
    form = StreamFilterForm(request.GET)
    source = filter_values(form).get("source")
    source_id = source.pk if source else None
    rejected = queries.rejected_filter(
        queries.rejected_visible_to(request.user), source_id=source_id
    )
    now = timezone.now()
    return {
        "now": now,
        "form": form,
        "source": source,
        "counts": queries.source_counts(now=now),
        "events": queries.events_latest(
            user=request.user, source_id=source_id, limit=LATEST_EVENTS
        ),
        "rejected": list(rejected[:LATEST_REJECTED]),
        "section": SECTION,
    }


@require_GET
@guarded("events.view")
def stream(request: HttpRequest) -> HttpResponse:
    # htmx polls for the live part only; a plain GET (no JavaScript) gets the whole page.
    template = "events/stream_live.html" if request.htmx else "events/stream.html"
    return render(request, template, _context(request))
