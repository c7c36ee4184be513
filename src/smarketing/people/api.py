"""/api/accounts and /api/contacts: parse, check the role, call people.services, render."""
# Annotations stay evaluated (no __future__ import): @paginate hides this module from Ninja.

from typing import Any

from django.db.models import QuerySet, Value
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from smarketing.campaigns.queries import campaigns_visible_to
from smarketing.org.api import active_users, fields_named, get_or_404, ids_resolve
from smarketing.org.permissions import require
from smarketing.org.schemas import ERRORS, WRITE_ERRORS, Pagination
from smarketing.people import queries
from smarketing.people import services as people
from smarketing.people.models import Account, Contact
from smarketing.people.schemas import (
    AccountFilters,
    AccountIn,
    AccountOut,
    AccountPatch,
    ContactFilters,
    ContactIn,
    ContactOut,
    ContactPatch,
)
from smarketing.scoring import queries as scores

accounts_router = Router(tags=["accounts"])
contacts_router = Router(tags=["contacts"])

# Service and model errors name model fields; the API names the ids it takes.
ACCOUNT_NAMES = {"owner": "owner_id"}
CONTACT_NAMES = {
    "account": "account_id",
    "owner": "owner_id",
    "source_campaign": "source_campaign_id",
    "to_stage": "stage",
}


def _accounts(user: Any) -> QuerySet[Account]:
    return queries.accounts_with_counts(queries.accounts_visible_to(user))


def _account_refs() -> dict[str, tuple[str, QuerySet[Any], str]]:
    return {"owner_id": ("owner", active_users(), "user")}


@accounts_router.get("", response={200: list[AccountOut], **ERRORS}, summary="List accounts")
@paginate(Pagination)
def account_list(request: HttpRequest, filters: Query[AccountFilters]) -> QuerySet[Account]:
    require(request.user, "account.view")
    qs = queries.accounts_filter(_accounts(request.user), **filters.model_dump())
    return qs.order_by("name", "id")


@accounts_router.get("/{account_id}", response={200: AccountOut, **ERRORS}, summary="One account")
def account_get(request: HttpRequest, account_id: int) -> Account:
    require(request.user, "account.view")
    return get_or_404(_accounts(request.user), account_id, "account")


@accounts_router.post("", response={201: AccountOut, **WRITE_ERRORS}, summary="Create an account")
def account_create(request: HttpRequest, payload: AccountIn) -> Status[Account]:
    require(request.user, "account.change")
    fields = payload.model_dump()
    ids_resolve(fields, _account_refs())
    with fields_named(ACCOUNT_NAMES):
        account = people.account_create(**fields)
    return Status(201, get_or_404(_accounts(request.user), account.pk, "account"))


@accounts_router.patch(
    "/{account_id}", response={200: AccountOut, **WRITE_ERRORS}, summary="Change an account"
)
def account_update(request: HttpRequest, account_id: int, payload: AccountPatch) -> Account:
    require(request.user, "account.change")
    account = get_or_404(queries.accounts_visible_to(request.user), account_id, "account")
    fields = payload.model_dump(exclude_unset=True)
    ids_resolve(fields, _account_refs())
    with fields_named(ACCOUNT_NAMES):
        people.account_update(account=account, **fields)
    return get_or_404(_accounts(request.user), account.pk, "account")


def _contact_refs(user: Any) -> dict[str, tuple[str, QuerySet[Any], str]]:
    return {
        "account_id": ("account", queries.accounts_visible_to(user), "account"),
        "owner_id": ("owner", active_users(), "user"),
        "source_campaign_id": ("source_campaign", campaigns_visible_to(user), "campaign"),
    }


@contacts_router.get("", response={200: list[ContactOut], **ERRORS}, summary="List contacts")
@paginate(Pagination)
def contact_list(request: HttpRequest, filters: Query[ContactFilters]) -> QuerySet[Contact]:
    require(request.user, "contact.view")
    params = filters.model_dump()
    params["stage"] = params["stage"] or ""
    group = params.pop("score_group")
    scored = {name: params.pop(name) for name in ("min_score", "max_score", "grade", "mql")}
    sort = params.pop("sort")
    qs = queries.contacts_filter(queries.contacts_visible_to(request.user), **params)
    qs = scores.contacts_with_scores(qs, group=group).annotate(score_group_id=Value(group))
    qs = scores.contacts_score_filter(
        qs,
        min_total=scored["min_score"],
        max_total=scored["max_score"],
        grade=scored["grade"],
        is_mql=scored["mql"],
    )
    return scores.contacts_sort(qs, sort)


@contacts_router.get("/{contact_id}", response={200: ContactOut, **ERRORS}, summary="One contact")
def contact_get(request: HttpRequest, contact_id: int) -> Contact:
    require(request.user, "contact.view")
    return get_or_404(queries.contacts_visible_to(request.user), contact_id, "contact")


@contacts_router.post(
    "",
    response={201: ContactOut, **WRITE_ERRORS},
    summary="Create a contact",
    description="With `stage`, the first lifecycle move is recorded as made by the caller.",
)
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    require(request.user, "contact.change")
    fields = payload.model_dump()
    stage = fields.pop("stage")
    if stage:
        require(request.user, "contact.transition")
    ids_resolve(fields, _contact_refs(request.user))
    with fields_named(CONTACT_NAMES):
        contact = people.contact_create(stage=stage, by_user=request.user, **fields)
    return Status(201, get_or_404(queries.contacts_visible_to(request.user), contact.pk, "contact"))


@contacts_router.patch(
    "/{contact_id}", response={200: ContactOut, **WRITE_ERRORS}, summary="Change a contact"
)
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    require(request.user, "contact.change")
    contact = get_or_404(queries.contacts_visible_to(request.user), contact_id, "contact")
    fields = payload.model_dump(exclude_unset=True)
    ids_resolve(fields, _contact_refs(request.user))
    with fields_named(CONTACT_NAMES):
        people.contact_update(contact=contact, **fields)
    return get_or_404(queries.contacts_visible_to(request.user), contact.pk, "contact")
