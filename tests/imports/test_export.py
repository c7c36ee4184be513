"""Export → import round trips: the same database reads back unchanged, an empty one the same."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from smarketing.deals import services as deals
from smarketing.deals.models import Deal
from smarketing.imports.exports import export_write
from smarketing.imports.mappings import Kind
from smarketing.lifecycle.models import StageTransition
from smarketing.people import services as people
from smarketing.people.models import Account, Contact
from tests.imports.conftest import import_bytes

pytestmark = pytest.mark.django_db

KINDS = ("accounts", "contacts", "deals")


@pytest.fixture
def company(marketer, rep):
    acme = people.account_create(
        name="Acme, Inc.",
        domain="acme.example",
        employees=250,
        annual_revenue=Decimal("1234567.89"),
        industry="Software",
        country="DE",
        owner=rep,
    )
    solo = people.account_create(name='Solo "Quotes" Ltd', country="FR")
    at = dt.datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=dt.UTC)
    buyer = people.contact_create(
        email="buyer@acme.example",
        first_name="Bea",
        last_name="Buyer",
        title="Head of Ops, EMEA",
        seniority="director",
        phone="+49 30 1234",
        country="DE",
        account=acme,
        owner=rep,
        source_channel="paid_search",
        created_at=at,
        stage="mql",
        by_rule="test",
    )
    people.contact_create(
        email="note@solo.example", first_name="Nó\nte", account=solo, stage="lead", by_rule="t"
    )
    deals.deal_create(
        name="Acme platform",
        account=acme,
        primary_contact=buyer,
        owner=rep,
        amount=Decimal("50000.50"),
        stage="won",
        close_date=dt.date(2024, 5, 1),
        closed_at=dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC),
    )
    deals.deal_create(
        name="Solo pilot", account=solo, amount=Decimal("900"), stage="lost", loss_reason="price"
    )
    deals.deal_create(name="Acme add-on", account=acme, amount=0, external_id="crm-77")


def export_text(kind: str) -> str:
    out = io.StringIO()
    export_write(out, kind=Kind(kind))
    return out.getvalue()


def without_ids(text: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        row.pop("id", None)
    return rows


def test_export_uses_our_column_names(company):
    header = export_text("contacts").splitlines()[0]
    assert header == (
        "email,first_name,last_name,title,seniority,phone,country,account_name,account_domain,"
        "owner_email,source_channel,lifecycle_stage,created_at"
    )
    (row,) = [r for r in csv.DictReader(io.StringIO(export_text("deals"))) if r["stage"] == "won"]
    assert (row["amount"], row["account_domain"], row["primary_contact_email"]) == (
        "50000.50",
        "acme.example",
        "buyer@acme.example",
    )


def test_reimport_into_the_same_database_changes_nothing(company):
    before = {kind: export_text(kind) for kind in KINDS}
    moves = StageTransition.objects.count()

    for kind in KINDS:
        result = import_bytes(before[kind].encode(), kind, name=f"{kind}.csv")
        assert result.format_label == "Smarketing"
        assert (result.created, result.updated, len(result.rejected)) == (0, 0, 0), kind
        assert result.unchanged == result.total > 0

    assert StageTransition.objects.count() == moves
    assert {kind: export_text(kind) for kind in KINDS} == before


def test_import_into_an_empty_database_recreates_the_records(company):
    before = {kind: export_text(kind) for kind in KINDS}
    Deal.objects.all().delete()
    Contact.objects.all().delete()
    Account.objects.all().delete()

    for kind in KINDS:
        result = import_bytes(before[kind].encode(), kind, name=f"{kind}.csv")
        assert result.rejected == [], kind
        assert result.created == result.total

    for kind in KINDS:
        assert without_ids(export_text(kind)) == without_ids(before[kind]), kind
    buyer = Contact.objects.get(email="buyer@acme.example")
    # The history of the old database is not in the file: the import records one move, to the
    # stage the export names, dated when the contact was created.
    (move,) = buyer.transitions.all()
    assert (move.from_stage, move.to_stage, move.by_rule) == (
        "",
        "customer",
        "import: contacts.csv",
    )
    assert move.at == buyer.created_at
