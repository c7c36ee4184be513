"""Accounts from events: found by a contact's email domain (never a free-mail one) and
described by group calls.

A group call's groupId is the sender's own id for the company, which our Account has no field
for; the account is found by traits.website (or traits.domain), created on first sight, else it is
the account of the contact who sent the call.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from smarketing.errors import InvalidInput
from smarketing.events.processing.freemail import is_freemail
from smarketing.events.processing.payload import first_text, obj, text
from smarketing.imports.countries import country_code
from smarketing.imports.values import parse_amount, parse_count
from smarketing.people import services as people
from smarketing.people.models import Account
from smarketing.people.normalize import domain_is_valid, domain_normalize, email_domain

logger = logging.getLogger(__name__)


def company_domain(email: str) -> str:
    """The company domain of an address; '' for free-mail and odd domains."""
    domain = email_domain(email)
    if not domain or is_freemail(domain) or not domain_is_valid(domain):
        return ""
    return domain


def account_for_domain(*, domain: str, name: str = "", at: dt.datetime | None = None) -> Account:
    """The account with this domain, created on first sight with the company's name, else the
    domain as a provisional name that a later name replaces."""
    account = Account.objects.filter(domain=domain).first()
    if account is None:
        try:
            with transaction.atomic():
                fields: dict[str, Any] = {"name": (name or domain)[:200], "domain": domain}
                if at is not None:
                    fields["created_at"] = at
                return people.account_create(**fields)
        except (IntegrityError, InvalidInput):
            # Another worker created it in the meantime (or the domain is unusable: re-raise).
            account = Account.objects.filter(domain=domain).first()
            if account is None:
                raise
    if name and account.name == account.domain and name != account.name:
        people.account_update(account=account, name=name[:200])
    return account


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value >= 0 and value.is_integer():
        return int(value)
    try:
        return parse_count(value) if isinstance(value, str) and value.strip() else None
    except ValueError:
        return None


def _amount(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value >= 0:
        return Decimal(str(value))
    try:
        return parse_amount(value) if isinstance(value, str) and value.strip() else None
    except ValueError:
        return None


def _first(traits: dict[str, Any], names: tuple[str, ...], parse: Any) -> Any:
    for name in names:
        value = parse(traits.get(name))
        if value is not None:
            return value
    return None


def group_fields(traits: dict[str, Any]) -> dict[str, Any]:
    """Account fields a group call's traits set; what is missing or unreadable is left out."""
    revenue = _first(traits, ("annual_revenue", "annualRevenue", "revenue"), _amount)
    fields: dict[str, Any] = {
        "name": first_text(traits, "name", "company", "company_name")[:200],
        "industry": first_text(traits, "industry")[:100],
        "country": country_code(
            first_text(traits, "country") or text(obj(traits.get("address")).get("country"))
        ),
        "employees": _first(traits, ("employees", "employee_count", "employeeCount"), _count),
        "annual_revenue": revenue.quantize(Decimal("0.01")) if revenue is not None else None,
    }
    return {k: v for k, v in fields.items() if v not in (None, "")}


def group_domain(traits: dict[str, Any]) -> str:
    domain = domain_normalize(first_text(traits, "website", "domain"))
    return domain if domain and domain_is_valid(domain) else ""


def group_account(
    *, traits: dict[str, Any], contact_account_id: int | None, at: dt.datetime
) -> Account | None:
    """The account a group call describes, updated with its traits."""
    fields = group_fields(traits)
    domain = group_domain(traits)
    account = None
    if domain:
        account = Account.objects.filter(domain=domain).first()
        if account is None and contact_account_id is not None:
            # The contact's account, known so far without a domain, is this company.
            account = Account.objects.filter(pk=contact_account_id, domain__isnull=True).first()
            if account is not None:
                fields["domain"] = domain
        if account is None:
            account = account_for_domain(domain=domain, name=fields.get("name", ""), at=at)
    elif contact_account_id is not None:
        account = Account.objects.filter(pk=contact_account_id).first()
    if account is None:
        logger.info("group call names no website and its sender has no account: nothing to set")
        return None
    changes = {k: v for k, v in fields.items() if getattr(account, k) != v}
    if changes:
        people.account_update(account=account, **changes)
    return account
