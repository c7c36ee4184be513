"""Read-only lists of deals (with totals) and campaigns (with the contacts they sourced)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from smarketing.campaigns.models import Campaign
from smarketing.deals.models import Deal
from smarketing.web.forms import CampaignFilterForm, DealFilterForm
from smarketing.web.guard import filter_values, guarded, paginate


@require_GET
@guarded("deal.view")
def deal_list(request: HttpRequest) -> HttpResponse:
    form = DealFilterForm(request.GET)
    values = filter_values(form)
    qs = Deal.objects.select_related("account", "owner")
    if values.get("q", "").strip():
        q = values["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(account__name__icontains=q))
    if values.get("stage"):
        qs = qs.filter(stage=values["stage"])
    # Per currency: amounts in different currencies are never added together.
    totals = qs.order_by().values("currency").annotate(n=Count("id"), amount=Sum("amount"))
    context = {
        "form": form,
        "page": paginate(request, qs),
        "totals": sorted(totals, key=lambda row: row["currency"]),
        "count": sum(row["n"] for row in totals),
        "section": "web:deals",
    }
    return render(request, "web/deals.html", context)


@require_GET
@guarded("campaign.view")
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = CampaignFilterForm(request.GET)
    values = filter_values(form)
    qs = Campaign.objects.select_related("owner").annotate(
        contacts_sourced=Count("sourced_contacts")
    )
    if values.get("channel"):
        qs = qs.filter(channel=values["channel"])
    context = {
        "form": form,
        "page": paginate(request, qs.order_by("-start_date", "name")),
        "section": "web:campaigns",
    }
    return render(request, "web/campaigns.html", context)
