"""Accounts: the filtered list with contact counts, and one account with contacts and deals."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from smarketing.deals.models import Deal
from smarketing.org import permissions
from smarketing.people.queries import (
    accounts_filter,
    accounts_visible_to,
    accounts_with_counts,
    contacts_filter,
    contacts_visible_to,
)
from smarketing.web.forms import AccountFilterForm
from smarketing.web.guard import filter_values, guarded, paginate

SECTION = "web:accounts"


@require_GET
@guarded("account.view")
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET)
    values = filter_values(form)
    qs = accounts_filter(
        accounts_visible_to(request.user),
        q=values.get("q", "").strip(),
        industry=values.get("industry", "").strip(),
        country=values.get("country", "").strip(),
        min_employees=values.get("min_employees"),
        max_employees=values.get("max_employees"),
    )
    context = {
        "form": form,
        "page": paginate(request, accounts_with_counts(qs).order_by("name", "id")),
        "section": SECTION,
    }
    template = "web/_accounts_table.html" if request.htmx else "web/accounts.html"
    return render(request, template, context)


@require_GET
@guarded("account.view")
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(accounts_visible_to(request.user), pk=pk)
    contacts = contacts_filter(contacts_visible_to(request.user), account_id=account.pk)
    deals = (
        Deal.objects.filter(account=account).select_related("owner", "primary_contact")
        if permissions.can(request.user, "deal.view")
        else Deal.objects.none()
    )
    context = {
        "account": account,
        "contacts": contacts.order_by("last_name", "first_name", "id"),
        "deals": deals,
        "section": SECTION,
    }
    return render(request, "web/account.html", context)
