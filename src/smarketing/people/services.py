"""Writes to accounts and contacts, with their rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from smarketing.errors import InvalidInput, fields_check, full_clean
from smarketing.lifecycle import services as lifecycle
from smarketing.lifecycle.stages import Stage
from smarketing.people.models import Account, Contact
from smarketing.people.normalize import domain_is_valid, domain_normalize, email_normalize
from smarketing.people.queries import contacts_with_email

ACCOUNT_FIELDS = frozenset(
    {
        "name",
        "domain",
        "employees",
        "annual_revenue",
        "industry",
        "country",
        "owner",
        "owner_id",
        "created_at",
    }
)
CONTACT_FIELDS = frozenset(
    {
        "email",
        "first_name",
        "last_name",
        "title",
        "seniority",
        "phone",
        "country",
        "account",
        "account_id",
        "owner",
        "owner_id",
        "source_channel",
        "source_campaign",
        "source_campaign_id",
        "created_at",
    }
)


def _account_normalize(fields: dict[str, Any]) -> None:
    if "domain" in fields:
        domain = domain_normalize(fields["domain"] or "")
        if domain and not domain_is_valid(domain):
            raise InvalidInput(f"{fields['domain']!r} is not a domain name", field="domain")
        fields["domain"] = domain or None
    if fields.get("country"):
        fields["country"] = fields["country"].strip().upper()


def account_create(**fields: Any) -> Account:
    fields_check(fields, ACCOUNT_FIELDS)
    _account_normalize(fields)
    account = Account(**fields)
    full_clean(account)
    account.save()
    return account


@transaction.atomic
def account_update(*, account: Account, **fields: Any) -> Account:
    fields_check(fields, ACCOUNT_FIELDS)
    _account_normalize(fields)
    for name, value in fields.items():
        setattr(account, name, value)
    full_clean(account)
    account.save()
    contacts = Contact.objects.filter(account=account).values_list("pk", flat=True)
    contact_rescore(contact_ids=contacts)
    return account


def _contact_normalize(fields: dict[str, Any]) -> None:
    if "email" in fields:
        fields["email"] = email_normalize(fields["email"] or "")
    if fields.get("country"):
        fields["country"] = fields["country"].strip().upper()


def _contact_clean(contact: Contact) -> None:
    # Before full_clean: its check of the case-insensitive constraint names no field.
    clash = contacts_with_email(Contact.objects.all(), contact.email).exclude(pk=contact.pk)
    if clash.exists():
        raise InvalidInput(f"a contact with email {contact.email} already exists", field="email")
    full_clean(contact, exclude=["lifecycle_stage"])


@transaction.atomic
def contact_create(
    *,
    stage: Stage | str | None = None,
    by_user: Any = None,
    by_rule: str = "",
    stage_at: dt.datetime | None = None,
    **fields: Any,
) -> Contact:
    """Create a contact; with `stage`, its first lifecycle move is recorded as well."""
    fields_check(fields, CONTACT_FIELDS)
    _contact_normalize(fields)
    contact = Contact(**fields)
    _contact_clean(contact)
    contact.save()
    if stage:
        lifecycle.stage_transition(
            contact=contact,
            to_stage=stage,
            by_user=by_user,
            by_rule=by_rule or ("" if by_user else "created"),
            at=stage_at or contact.created_at,
        )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, **fields: Any) -> Contact:
    """Update fields; the stage changes only through lifecycle.stage_transition."""
    fields_check(fields, CONTACT_FIELDS)
    _contact_normalize(fields)
    for name, value in fields.items():
        setattr(contact, name, value)
    _contact_clean(contact)
    contact.save()
    contact_rescore(contact_ids=[contact.pk])
    return contact


def contact_rescore(*, contact_ids: Iterable[int]) -> None:
    """Fit rules read these fields: the scores (and an MQL they now earn) follow at once."""
    # Imported here: scoring reads people's models, so people cannot import it at load time.
    from smarketing.scoring.models import ScoreCause
    from smarketing.scoring.refresh import scores_refresh_soon

    scores_refresh_soon(contact_ids=contact_ids, cause=ScoreCause.FIELD)
