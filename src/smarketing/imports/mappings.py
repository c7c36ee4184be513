"""Which CSV column is which of our fields, and a row's cells parsed (plain Python, no Django).

Three formats are known: our own column names (what `smarketing export` writes), HubSpot's
export and Salesforce's export (report labels and API names alike). `auto` picks the one whose
column names the header matches best. A JSON mapping (column → field, null to ignore) is laid
over the detected format.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smarketing.imports import values as v


class Kind(enum.StrEnum):
    CONTACTS = "contacts"
    ACCOUNTS = "accounts"
    DEALS = "deals"
    ACTIVITIES = "activities"


class Format(enum.StrEnum):
    OWN = "smarketing"
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"


FORMAT_LABELS = {
    Format.OWN: "Smarketing",
    Format.HUBSPOT: "HubSpot",
    Format.SALESFORCE: "Salesforce",
}

DATES = {"created_at", "closed_at", "occurred_at"}
DAYS = {"close_date"}

# Our fields per kind, in export order, with the parser of their cells.
FIELDS: dict[Kind, dict[str, Callable[[str], Any]]] = {
    Kind.CONTACTS: {
        "email": v.parse_email,
        "first_name": v.text_parser(100),
        "last_name": v.text_parser(100),
        "title": v.text_parser(200),
        "seniority": v.parse_seniority,
        "phone": v.text_parser(40),
        "country": v.parse_country,
        "account_name": v.text_parser(200),
        "account_domain": v.parse_domain,
        "owner_email": v.parse_person,
        "source_channel": v.parse_channel,
        "lifecycle_stage": v.parse_stage,
        "lifecycle_reason": v.text_parser(50),
        "created_at": v.parse_datetime,
    },
    Kind.ACCOUNTS: {
        "name": v.text_parser(200),
        "domain": v.parse_domain,
        "employees": v.parse_count,
        "annual_revenue": v.parse_amount,
        "industry": v.text_parser(100),
        "country": v.parse_country,
        "owner_email": v.parse_person,
        "created_at": v.parse_datetime,
    },
    Kind.DEALS: {
        "id": v.parse_int_id,
        "external_id": v.text_parser(100),
        "name": v.text_parser(200),
        "account_name": v.text_parser(200),
        "account_domain": v.parse_domain,
        "primary_contact_email": v.parse_person,
        "owner_email": v.parse_person,
        "amount": v.parse_amount,
        "currency": v.parse_currency,
        "stage": v.parse_deal_stage,
        "close_date": v.parse_date,
        "closed_at": v.parse_datetime,
        "loss_reason": v.parse_loss_reason,
        "created_at": v.parse_datetime,
    },
    Kind.ACTIVITIES: {
        "external_id": v.text_parser(100),
        "kind": v.parse_activity_kind,
        "contact_email": v.parse_person,
        "occurred_at": v.parse_datetime,
        "subject": v.text_parser(300),
        "body": v.text_parser(None),
        "outcome": v.parse_outcome,
        "user_email": v.parse_person,
        "deal_external_id": v.text_parser(100),
    },
}

# Each inner tuple is one requirement: at least one of its fields must have a column.
REQUIRED: dict[Kind, tuple[tuple[str, ...], ...]] = {
    Kind.CONTACTS: (("email",),),
    Kind.ACCOUNTS: (("name",),),
    Kind.DEALS: (("name",), ("account_name", "account_domain")),
    Kind.ACTIVITIES: (("kind",), ("contact_email",), ("occurred_at",)),
}

_HUBSPOT: dict[Kind, dict[str, str]] = {
    Kind.CONTACTS: {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Email Address": "email",
        "Job Title": "title",
        "Phone Number": "phone",
        "Company Name": "account_name",
        "Associated Company": "account_name",
        "Website URL": "account_domain",
        "Company Domain Name": "account_domain",
        "Lifecycle Stage": "lifecycle_stage",
        "Original Source": "source_channel",
        "Country/Region": "country",
        "Country": "country",
        "Contact owner": "owner_email",
        "HubSpot Owner": "owner_email",
        "Create Date": "created_at",
    },
    Kind.ACCOUNTS: {
        "Company name": "name",
        "Name": "name",
        "Company Domain Name": "domain",
        "Website URL": "domain",
        "Number of Employees": "employees",
        "Annual Revenue": "annual_revenue",
        "Industry": "industry",
        "Country/Region": "country",
        "Company owner": "owner_email",
        "Create Date": "created_at",
    },
    Kind.DEALS: {
        "Record ID": "external_id",
        "Deal Name": "name",
        "Amount": "amount",
        "Currency": "currency",
        "Deal Stage": "stage",
        "Close Date": "close_date",
        "Associated Company": "account_name",
        "Associated Contact": "primary_contact_email",
        "Deal owner": "owner_email",
        "Closed Lost Reason": "loss_reason",
        "Create Date": "created_at",
    },
    Kind.ACTIVITIES: {
        "Record ID": "external_id",
        "Activity Type": "kind",
        "Activity date": "occurred_at",
        "Associated Contact": "contact_email",
        "Activity assigned to": "user_email",
        "Call Title": "subject",
        "Subject": "subject",
        "Call notes": "body",
        "Body": "body",
        "Call outcome": "outcome",
    },
}

_SALESFORCE: dict[Kind, dict[str, str]] = {
    Kind.CONTACTS: {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Title": "title",
        "Phone": "phone",
        "Account Name": "account_name",
        "Company / Account": "account_name",
        "Company": "account_name",
        "Website": "account_domain",
        "Lead Source": "source_channel",
        "Mailing Country": "country",
        "Country": "country",
        "Lead Status": "lifecycle_stage",
        "Status": "lifecycle_stage",
        "Contact Owner": "owner_email",
        "Lead Owner": "owner_email",
        "Created Date": "created_at",
    },
    Kind.ACCOUNTS: {
        "Account Name": "name",
        "Name": "name",
        "Website": "domain",
        "Employees": "employees",
        "Number Of Employees": "employees",
        "Annual Revenue": "annual_revenue",
        "Industry": "industry",
        "Billing Country": "country",
        "Account Owner": "owner_email",
        "Created Date": "created_at",
    },
    Kind.DEALS: {
        "Opportunity ID": "external_id",
        "Opportunity Name": "name",
        "Amount": "amount",
        "Opportunity Currency": "currency",
        "Stage": "stage",
        "Stage Name": "stage",
        "Close Date": "close_date",
        "Account Name": "account_name",
        "Opportunity Owner": "owner_email",
        "Loss Reason": "loss_reason",
        "Created Date": "created_at",
    },
    Kind.ACTIVITIES: {
        "Activity ID": "external_id",
        "Task Subtype": "kind",
        "Type": "kind",
        "Date": "occurred_at",
        "Activity Date": "occurred_at",
        "Email": "contact_email",
        "Assigned": "user_email",
        "Assigned To": "user_email",
        "Subject": "subject",
        "Comments": "body",
        "Full Comments": "body",
        "Call Result": "outcome",
    },
}

COLUMNS: dict[Format, dict[Kind, dict[str, str]]] = {
    Format.OWN: {kind: {name: name for name in fields} for kind, fields in FIELDS.items()},
    Format.HUBSPOT: _HUBSPOT,
    Format.SALESFORCE: _SALESFORCE,
}


class FileError(Exception):
    """The file as a whole cannot be imported; nothing was read into the database."""


@dataclass(frozen=True)
class ColumnMapping:
    kind: Kind
    format: Format
    header: tuple[str, ...]
    fields: tuple[str | None, ...]  # per column: our field, or None when ignored
    custom: bool = False

    def columns_of(self, name: str) -> list[int]:
        return [i for i, f in enumerate(self.fields) if f == name]

    @property
    def label(self) -> str:
        base = FORMAT_LABELS[self.format]
        return f"custom mapping over {base} names" if self.custom else base


def detect_format(kind: Kind, header: tuple[str, ...]) -> Format:
    """The format that understands most columns (spacing and case aside); on a tie, the one
    whose exact spellings match most; then ours, HubSpot, Salesforce in that order."""
    names = {h.strip().lower() for h in header}
    keys = {v.key(h) for h in header}

    def score(fmt: Format) -> tuple[int, int, int]:
        table = COLUMNS[Format.OWN][kind] | COLUMNS[fmt][kind]
        understood = len(keys & {v.key(c) for c in table})
        exact = len(names & {c.lower() for c in COLUMNS[fmt][kind]})
        return understood, exact, -list(Format).index(fmt)

    return max(Format, key=score)


def build_mapping(
    kind: Kind,
    header: tuple[str, ...],
    *,
    format: Format | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> ColumnMapping:
    """Map each column of `header`; raise FileError for a required field no column provides."""
    fmt = format or detect_format(kind, header)
    # Our own names are understood in every format; the format's spellings win on a clash.
    table = {v.key(c): f for c, f in COLUMNS[Format.OWN][kind].items()}
    table |= {v.key(c): f for c, f in COLUMNS[fmt][kind].items()}
    fields = [table.get(v.key(h)) for h in header]
    if overrides:
        _apply_overrides(kind, header, fields, overrides)
    mapping = ColumnMapping(kind, fmt, header, tuple(fields), custom=bool(overrides))
    _check_required(mapping)
    return mapping


def _apply_overrides(
    kind: Kind,
    header: tuple[str, ...],
    fields: list[str | None],
    overrides: Mapping[str, str | None],
) -> None:
    by_name = {h.strip().lower(): i for i, h in enumerate(header)}
    for column, target in overrides.items():
        index = by_name.get(column.strip().lower())
        if index is None:
            raise FileError(f"the mapping names column {column!r}, which the file does not have")
        if target and target not in FIELDS[kind]:
            known = ", ".join(FIELDS[kind])
            raise FileError(
                f"the mapping maps column {column!r} to {target!r}, which is not a field of "
                f"{kind} (fields: {known})"
            )
        fields[index] = target or None


def _check_required(mapping: ColumnMapping) -> None:
    for alternatives in REQUIRED[mapping.kind]:
        if not any(mapping.columns_of(f) for f in alternatives):
            spellings = sorted(
                {
                    column
                    for fmt in Format
                    for column, name in COLUMNS[fmt][mapping.kind].items()
                    if name in alternatives
                }
            )
            raise FileError(
                f"no column for the required field {' or '.join(alternatives)} "
                f"(call a column one of: {', '.join(spellings)}; "
                "or map one with a JSON mapping)"
            )


def overrides_parse(data: object) -> dict[str, str | None]:
    """A JSON mapping document checked for shape: {"CSV column": "our_field" | null, ...}."""
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and (t is None or isinstance(t, str)) for k, t in data.items()
    ):
        raise FileError('a mapping file is a JSON object {"CSV column": "our_field" or null, ...}')
    return data


@dataclass
class ParsedRow:
    """One row's values by our field name, and the errors as (column, reason)."""

    values: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # our field → the column it came from
    errors: list[tuple[str, str]] = field(default_factory=list)


def parse_row(mapping: ColumnMapping, cells: list[str], *, day_first: bool = False) -> ParsedRow:
    """Parse the mapped cells; an empty cell means 'no value' (it never clears a field).

    When several columns map to one field, the first non-empty one is used.
    """
    parsed = ParsedRow()
    parsers = FIELDS[mapping.kind]
    for index, name in enumerate(mapping.fields):
        if name is None or name in parsed.columns or index >= len(cells):
            continue
        raw = cells[index].strip()
        if not raw:
            continue
        column = mapping.header[index]
        parsed.columns[name] = column
        try:
            if name in DATES:
                parsed.values[name] = v.parse_datetime(raw, day_first=day_first)
            elif name in DAYS:
                parsed.values[name] = v.parse_date(raw, day_first=day_first)
            else:
                parsed.values[name] = parsers[name](raw)
        except ValueError as exc:
            parsed.errors.append((column, str(exc)))
    for alternatives in REQUIRED[mapping.kind]:
        if not any(f in parsed.columns for f in alternatives):
            columns = [mapping.header[i] for f in alternatives for i in mapping.columns_of(f)]
            parsed.errors.append((columns[0], "is empty, and a value is required"))
    return parsed


def field_value_text(value: Any) -> str:
    """How a parsed value reads in a preview or a report."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)
