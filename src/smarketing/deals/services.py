"""Deal writes. Winning a deal makes its account's contacts customers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.deals.models import CLOSED_STAGES, Deal, DealStage
from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.lifecycle import services as lifecycle

DEAL_FIELDS = frozenset(
    {
        "external_id",
        "name",
        "account",
        "account_id",
        "primary_contact",
        "primary_contact_id",
        "owner",
        "owner_id",
        "amount",
        "currency",
        "stage",
        "close_date",
        "closed_at",
        "loss_reason",
        "created_at",
    }
)


def _check(fields: dict[str, Any]) -> None:
    fields_check(fields, DEAL_FIELDS)
    if fields.get("currency"):
        fields["currency"] = fields["currency"].strip().upper()


def _validate(deal: Deal) -> None:
    if deal.stage == DealStage.LOST and not deal.loss_reason:
        raise InvalidInput("a lost deal needs a loss reason", field="loss_reason")
    if deal.stage != DealStage.LOST and deal.loss_reason:
        raise InvalidInput("only a lost deal has a loss reason", field="loss_reason")
    contact = deal.primary_contact
    if contact is not None and contact.account_id != deal.account_id:
        raise InvalidInput("the primary contact works at another account", field="primary_contact")
    full_clean(deal)


def _after_stage_change(deal: Deal, *, previous: str | None, by_user: Any) -> None:
    if deal.stage in CLOSED_STAGES and previous not in CLOSED_STAGES:
        deal.closed_at = deal.closed_at or timezone.now()
        deal.close_date = deal.close_date or deal.closed_at.date()
        Deal.objects.filter(pk=deal.pk).update(closed_at=deal.closed_at, close_date=deal.close_date)
    if deal.stage == DealStage.WON and previous != DealStage.WON:
        lifecycle.account_contacts_to_customer(
            account_id=deal.account_id,
            at=deal.closed_at or timezone.now(),
            by_rule=f"deal won: {deal.name}",
            by_user=by_user,
        )


@transaction.atomic
def deal_create(*, by_user: Any = None, **fields: Any) -> Deal:
    _check(fields)
    deal = Deal(**fields)
    _validate(deal)
    deal.save()
    _after_stage_change(deal, previous=None, by_user=by_user)
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, by_user: Any = None, **fields: Any) -> Deal:
    _check(fields)
    previous = Deal.objects.select_for_update().values_list("stage", flat=True).get(pk=deal.pk)
    if previous in CLOSED_STAGES and fields.get("stage", previous) not in CLOSED_STAGES:
        deal.closed_at = None
    for name, value in fields.items():
        setattr(deal, name, value)
    _validate(deal)
    deal.save()
    _after_stage_change(deal, previous=previous, by_user=by_user)
    return deal


def deal_close(
    *,
    deal: Deal,
    won: bool,
    at: dt.datetime | None = None,
    loss_reason: str = "",
    by_user: Any = None,
) -> Deal:
    stage = DealStage.WON if won else DealStage.LOST
    return deal_update(
        deal=deal,
        stage=stage,
        closed_at=at or timezone.now(),
        loss_reason=loss_reason,
        by_user=by_user,
    )
