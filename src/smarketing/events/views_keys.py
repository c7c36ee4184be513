"""Settings → Sources: the write keys (admins only). A raw key is shown once, when it is made."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from smarketing.errors import InvalidInput
from smarketing.events import services
from smarketing.events.models import WriteKey
from smarketing.events.queries import sources_with_counts
from smarketing.web.guard import apply_errors, guarded


class WriteKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="Where the events come from, e.g. “Website” or “Webinar tool”."
    )
    rate_limit = forms.IntegerField(
        required=False,
        min_value=1,
        label="Rate limit (events/s)",
        help_text=f"Empty: {WriteKey._meta.get_field('rate_limit').default:,}.",
    )


def _page(
    request: HttpRequest,
    *,
    form: WriteKeyForm,
    raw_key: str = "",
    key_for: WriteKey | None = None,
    status: int = 200,
) -> HttpResponse:
    keys = sources_with_counts(WriteKey.objects.order_by("disabled_at", "name"), now=timezone.now())
    context = {
        "keys": keys,
        "form": form,
        "raw_key": raw_key,
        "key_for": key_for,
        "ingest_base": request.build_absolute_uri("/").rstrip("/"),
        "section": "events:sources",
    }
    return render(request, "events/keys.html", context, status=status)


@guarded("source.manage")
def source_list(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, form=WriteKeyForm())
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = WriteKeyForm(request.POST)
    if form.is_valid():
        try:
            key, raw = services.writekey_create(
                name=form.cleaned_data["name"],
                by_user=request.user,  # type: ignore[arg-type]
                rate_limit=form.cleaned_data["rate_limit"],
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            # Rendered, not redirected: the raw key exists only in this response.
            return _page(request, form=WriteKeyForm(), raw_key=raw, key_for=key)
    return _page(request, form=form, status=400)


@require_POST
@guarded("source.manage")
def source_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(WriteKey, pk=pk)
    try:
        raw = services.writekey_rotate(key=key)
    except InvalidInput as exc:
        messages.error(request, exc.summary())
        return redirect("events:sources")
    return _page(request, form=WriteKeyForm(), raw_key=raw, key_for=key)


@require_POST
@guarded("source.manage")
def source_disable(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(WriteKey, pk=pk)
    services.writekey_disable(key=key)
    messages.success(request, f"Source {key.name} disabled: its key is refused from now on.")
    return redirect("events:sources")
