"""What every page shares: the permission guard, the 403 page, errors onto forms, paging."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smarketing.errors import InvalidInput
from smarketing.org import permissions

PER_PAGE = 50

View = Callable[..., HttpResponse]


def forbidden(request: HttpRequest, exc: permissions.PermissionDenied) -> HttpResponse:
    return render(request, "web/403.html", {"reason": str(exc)}, status=403)


def guarded(action: str) -> Callable[[View], View]:
    """Require `action` for the whole view; a PermissionDenied raised inside becomes a 403 page.

    Views check object-level actions themselves with `permissions.require(user, action, obj)`.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                permissions.require(request.user, action)
                return view(request, *args, **kwargs)
            except permissions.PermissionDenied as exc:
                return forbidden(request, exc)

        return wrapped

    return decorate


def apply_errors(form: forms.Form, exc: InvalidInput) -> None:
    """Show a service's InvalidInput beside the fields it names (the rest above the form)."""
    for name, reasons in exc.errors.items():
        field = name if name in form.fields else None
        for reason in reasons:
            if field is None and name != "__all__":
                reason = f"{name}: {reason}"
            form.add_error(field, reason)


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def filter_values(form: forms.Form) -> dict[str, Any]:
    """Cleaned values of a GET filter form, leaving out fields that did not validate."""
    form.is_valid()
    return {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
