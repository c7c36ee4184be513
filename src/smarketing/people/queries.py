"""Reads of accounts and contacts. `*_visible_to` is the one scoping helper per kind."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from smarketing.org import permissions
from smarketing.people.models import Account, Contact


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    if not permissions.can(user, "contact.view"):
        return Contact.objects.none()
    return Contact.objects.select_related("account", "owner", "source_campaign")


def accounts_visible_to(user: Any) -> QuerySet[Account]:
    if not permissions.can(user, "account.view"):
        return Account.objects.none()
    return Account.objects.select_related("owner")


def contacts_with_email(qs: QuerySet[Contact], email: str) -> QuerySet[Contact]:
    """Contacts whose email is `email` whatever its case. Compared as LOWER(email), the
    expression the unique index is on: iexact (UPPER on PostgreSQL, LIKE on SQLite) scans the
    whole table."""
    return qs.alias(email_ci=Lower("email")).filter(email_ci=email.strip().lower())


def contact_by_email(email: str) -> Contact | None:
    return contacts_with_email(Contact.objects.all(), email).first()


def contacts_filter(
    qs: QuerySet[Contact],
    *,
    q: str = "",
    email: str = "",
    stage: str = "",
    owner_id: int | None = None,
    account_id: int | None = None,
    source_channel: str = "",
    campaign_id: int | None = None,
) -> QuerySet[Contact]:
    if q:
        qs = qs.filter(
            Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(account__name__icontains=q)
        )
    if email:
        qs = contacts_with_email(qs, email)
    if stage:
        qs = qs.filter(lifecycle_stage=stage)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if account_id:
        qs = qs.filter(account_id=account_id)
    if source_channel:
        qs = qs.filter(source_channel=source_channel)
    if campaign_id:
        qs = qs.filter(source_campaign_id=campaign_id)
    return qs


def accounts_filter(
    qs: QuerySet[Account],
    *,
    q: str = "",
    domain: str = "",
    industry: str = "",
    country: str = "",
    owner_id: int | None = None,
    min_employees: int | None = None,
    max_employees: int | None = None,
) -> QuerySet[Account]:
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(domain__icontains=q))
    if domain:
        qs = qs.filter(domain=domain.strip().lower())
    if industry:
        qs = qs.filter(industry__iexact=industry)
    if country:
        qs = qs.filter(country=country.upper())
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if min_employees is not None:
        qs = qs.filter(employees__gte=min_employees)
    if max_employees is not None:
        qs = qs.filter(employees__lte=max_employees)
    return qs


def accounts_with_counts(qs: QuerySet[Account]) -> QuerySet[Account]:
    return qs.annotate(contact_count=Count("contacts", distinct=True))
