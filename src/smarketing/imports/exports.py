"""CSV export with our own column names, which `smarketing import` reads back unchanged."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TextIO

from django.db.models import QuerySet

from smarketing.deals.models import Deal
from smarketing.imports.mappings import FIELDS, Kind
from smarketing.people.models import Account, Contact

EXPORT_KINDS = (Kind.CONTACTS, Kind.ACCOUNTS, Kind.DEALS)


def _email(user: Any) -> str:
    return user.email if user is not None else ""


def _contact(c: Contact) -> dict[str, Any]:
    account = c.account
    return {
        "email": c.email,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "title": c.title,
        "seniority": c.seniority,
        "phone": c.phone,
        "country": c.country,
        "account_name": account.name if account else "",
        "account_domain": (account.domain or "") if account else "",
        "owner_email": _email(c.owner),
        "source_channel": c.source_channel,
        "lifecycle_stage": c.lifecycle_stage,
        "created_at": c.created_at,
    }


def _account(a: Account) -> dict[str, Any]:
    return {
        "name": a.name,
        "domain": a.domain,
        "employees": a.employees,
        "annual_revenue": a.annual_revenue,
        "industry": a.industry,
        "country": a.country,
        "owner_email": _email(a.owner),
        "created_at": a.created_at,
    }


def _deal(d: Deal) -> dict[str, Any]:
    return {
        "id": d.pk,
        "external_id": d.external_id,
        "name": d.name,
        "account_name": d.account.name,
        "account_domain": d.account.domain,
        "primary_contact_email": d.primary_contact.email if d.primary_contact else "",
        "owner_email": _email(d.owner),
        "amount": d.amount,
        "currency": d.currency,
        "stage": d.stage,
        "close_date": d.close_date,
        "closed_at": d.closed_at,
        "loss_reason": d.loss_reason,
        "created_at": d.created_at,
    }


ROWS: dict[Kind, Callable[[Any], dict[str, Any]]] = {
    Kind.CONTACTS: _contact,
    Kind.ACCOUNTS: _account,
    Kind.DEALS: _deal,
}


def export_columns(kind: Kind) -> list[str]:
    """Every field the import knows, less the ones that are not stored on the record."""
    return [name for name in FIELDS[kind] if name != "lifecycle_reason"]


def export_queryset(kind: Kind) -> QuerySet[Any]:
    if kind == Kind.CONTACTS:
        return Contact.objects.select_related("account", "owner").order_by("id")
    if kind == Kind.ACCOUNTS:
        return Account.objects.select_related("owner").order_by("id")
    return Deal.objects.select_related("account", "owner", "primary_contact").order_by("id")


def cell(value: Any) -> str:
    """Text that the import parses back to the same value."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def export_rows(kind: Kind, qs: QuerySet[Any] | None = None) -> Iterator[list[str]]:
    """The header, then one list of cells per record."""
    columns = export_columns(kind)
    yield columns
    to_row = ROWS[kind]
    for obj in (qs if qs is not None else export_queryset(kind)).iterator(chunk_size=2000):
        row = to_row(obj)
        yield [cell(row[name]) for name in columns]


def export_write(out: TextIO, *, kind: Kind, qs: QuerySet[Any] | None = None) -> int:
    """Write the CSV to `out`; returns how many records were written."""
    writer = csv.writer(out)
    rows = export_rows(kind, qs)
    writer.writerow(next(rows))
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
