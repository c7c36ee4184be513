"""/api/deals: parse, check the role, call deals.services, render."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smarketing.deals import services
from smarketing.deals.models import Deal
from smarketing.deals.queries import deals_filter, deals_visible_to
from smarketing.deals.schemas import DealFilters, DealIn, DealOut, DealPatch
from smarketing.org.api import active_users, fields_named, get_or_404, ids_resolve
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination
from smarketing.people.queries import accounts_visible_to, contacts_visible_to

router = Router(tags=["deals"])

DEAL_NAMES = {"account": "account_id", "primary_contact": "primary_contact_id", "owner": "owner_id"}


def _refs(user: Any) -> dict[str, tuple[str, QuerySet[Any], str]]:
    return {
        "account_id": ("account", accounts_visible_to(user), "account"),
        "primary_contact_id": ("primary_contact", contacts_visible_to(user), "contact"),
        "owner_id": ("owner", active_users(), "user"),
    }


@router.get("", response={200: list[DealOut], **ERRORS}, summary="List deals")
@paginate(Pagination)
def deal_list(request: HttpRequest, filters: Query[DealFilters]) -> QuerySet[Deal]:
    require(request.user, "deal.view")
    params = filters.model_dump()
    params["stage"] = params["stage"] or ""
    return deals_filter(deals_visible_to(request.user), **params)


@router.get("/{deal_id}", response={200: DealOut, **ERRORS}, summary="One deal")
def deal_get(request: HttpRequest, deal_id: int) -> Deal:
    require(request.user, "deal.view")
    return get_or_404(deals_visible_to(request.user), deal_id, "deal")


@router.post(
    "",
    response={201: DealOut, **WRITE_ERRORS},
    summary="Create a deal",
    description="A deal created as won makes every contact of its account a customer.",
)
def deal_create(request: HttpRequest, payload: DealIn) -> Status[Deal]:
    require(request.user, "deal.change")
    fields = payload.model_dump()
    if fields["owner_id"] is None:
        fields["owner_id"] = request.user.pk
    ids_resolve(fields, _refs(request.user))
    with fields_named(DEAL_NAMES):
        deal = services.deal_create(by_user=request.user, **fields)
    return Status(201, get_or_404(deals_visible_to(request.user), deal.pk, "deal"))


@router.patch(
    "/{deal_id}",
    response={200: DealOut, **WRITE_ERRORS},
    summary="Change a deal",
    description="Moving a deal to `won` makes every contact of its account a customer; "
    "moving it to `lost` needs a `loss_reason`.",
)
def deal_update(request: HttpRequest, deal_id: int, payload: DealPatch) -> Deal:
    require(request.user, "deal.change")
    deal = get_or_404(deals_visible_to(request.user), deal_id, "deal")
    fields = payload.model_dump(exclude_unset=True)
    ids_resolve(fields, _refs(request.user))
    with fields_named(DEAL_NAMES):
        services.deal_update(deal=deal, by_user=request.user, **fields)
    return get_or_404(deals_visible_to(request.user), deal.pk, "deal")
