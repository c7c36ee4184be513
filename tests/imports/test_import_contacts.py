"""Importing contacts: HubSpot and Salesforce files, bad rows, atomic, partial, upsert, dry run."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.imports.mappings import FileError
from smarketing.lifecycle import services as lifecycle
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Account, Contact
from tests.factories import AccountFactory, ContactFactory
from tests.imports.conftest import import_bytes, import_file

pytestmark = pytest.mark.django_db


def test_hubspot_export_imports_fields_accounts_and_stages(marketer):
    result = import_file("hubspot_contacts.csv")

    assert (result.created, result.updated, result.rejected) == (4, 0, [])
    assert result.format_label == "HubSpot"
    ada = Contact.objects.get(email="ada@analytical.example")
    assert (ada.first_name, ada.title, ada.phone) == ("Ada", "CTO", "+44 20 7946 0000")
    assert (ada.country, ada.source_channel, ada.owner) == ("GB", "organic_search", marketer)
    assert ada.created_at == dt.datetime(2024, 1, 15, 9, 30, tzinfo=dt.UTC)
    assert ada.account.domain == "analytical.example"
    ken = Contact.objects.get(email="ken@analytical.example")
    assert ken.account == ada.account, "both rows name the same company domain"
    grace = Contact.objects.get(email="grace@cobol.example")
    assert grace.owner == marketer, "an owner written as 'Name <email>' is found by email"
    linus = Contact.objects.get(email="linus@kernel.example")
    assert (linus.account.name, linus.account.domain) == ("Kernel Org", None)
    assert Account.objects.count() == 3
    assert result.accounts_created == 3


def test_hubspot_stages_write_history_by_the_import_rule(marketer):
    import_file("hubspot_contacts.csv")

    ada = Contact.objects.get(email="ada@analytical.example")
    assert ada.lifecycle_stage == "mql"
    (move,) = StageTransition.objects.filter(contact=ada)
    assert (move.from_stage, move.to_stage) == ("", "mql")
    assert move.by_rule == "import: hubspot_contacts.csv"
    assert move.at == ada.created_at
    stages = dict(Contact.objects.values_list("email", "lifecycle_stage"))
    assert stages["grace@cobol.example"] == "sql"
    assert stages["linus@kernel.example"] == "subscriber"
    assert StageTransition.objects.count() == 4


def test_salesforce_export_imports(rep):
    result = import_file("salesforce_contacts.csv")

    assert (result.created, len(result.rejected)) == (3, 0)
    assert result.format_label == "Salesforce"
    margaret = Contact.objects.get(email="margaret@apollo.example")
    assert margaret.title == "Director of Software"
    assert (margaret.country, margaret.source_channel, margaret.owner) == ("US", "direct", rep)
    assert margaret.lifecycle_stage == "lead"
    assert margaret.created_at == dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    katherine = Contact.objects.get(email="katherine@apollo.example")
    assert katherine.account == margaret.account
    assert katherine.account.domain == "apollo.example"
    assert (katherine.lifecycle_stage, katherine.source_channel) == ("sal", "partner")
    konrad = Contact.objects.get(email="konrad@z3.example")
    assert (konrad.country, konrad.lifecycle_stage, konrad.source_channel) == (
        "DE",
        "sql",
        "events",
    )
    assert StageTransition.objects.filter(by_rule="import: salesforce_contacts.csv").count() == 3


def test_bad_rows_are_rejected_with_line_column_and_reason():
    result = import_file("bad_contacts.csv")

    assert (result.created, result.total) == (2, 5)
    by_line = {r.line: r for r in result.rejected}
    assert sorted(by_line) == [3, 4, 5]
    assert by_line[3].column == "Email"
    assert by_line[3].reason == "'not-an-email' is not an email address"
    assert by_line[4].column == "Lifecycle Stage"
    assert "unknown lifecycle stage 'Hot Prospect'" in by_line[4].reason
    assert by_line[5].column == "Country/Region"
    assert "unknown country 'Atlantis'" in by_line[5].reason
    assert by_line[3].cells == ["Bad", "Email", "not-an-email", "lead", "Germany"]


def test_a_row_with_several_bad_cells_names_each():
    result = import_bytes(b"Email,Country/Region\nnobody,Atlantis\n")

    (rejected,) = result.rejected
    assert rejected.column == "Email; Country/Region"
    assert rejected.reason == (
        "Email: 'nobody' is not an email address; Country/Region: unknown country 'Atlantis' "
        "(use an ISO code such as DE or US, or its name)"
    )


def test_partial_mode_imports_the_good_rows():
    import_file("bad_contacts.csv")

    assert set(Contact.objects.values_list("email", flat=True)) == {
        "good1@rows.example",
        "good2@rows.example",
    }


def test_atomic_leaves_the_database_untouched_when_any_row_is_bad():
    result = import_file("bad_contacts.csv", atomic=True)

    assert len(result.rejected) == 3
    assert result.created == 2, "the counts say what would have been written"
    assert not result.written
    assert Contact.objects.count() == 0
    assert StageTransition.objects.count() == 0


def test_atomic_writes_everything_when_every_row_is_good(marketer):
    result = import_file("hubspot_contacts.csv", atomic=True)

    assert result.written
    assert Contact.objects.count() == 4


def test_dry_run_writes_nothing(marketer):
    result = import_file("hubspot_contacts.csv", dry_run=True)

    assert (result.created, result.written) == (4, False)
    assert Contact.objects.count() == Account.objects.count() == 0


def test_reimport_updates_instead_of_duplicating(marketer):
    import_file("hubspot_contacts.csv")
    again = import_file("hubspot_contacts.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)

    changed = (
        b"Email,Job Title,Lifecycle Stage\n"
        b"ADA@analytical.example,Chief Engineer,Marketing Qualified Lead\n"
        b"grace@cobol.example,Rear Admiral,Opportunity\n"
    )
    result = import_bytes(changed, name="update.csv")
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    assert Contact.objects.count() == 4
    ada = Contact.objects.get(email="ada@analytical.example")
    assert ada.title == "Chief Engineer"
    assert StageTransition.objects.filter(contact=ada).count() == 1, "same stage: no new move"
    grace = Contact.objects.get(email="grace@cobol.example")
    last = StageTransition.objects.filter(contact=grace).order_by("-at", "-id").first()
    assert (last.from_stage, last.to_stage, last.by_rule) == (
        "sql",
        "opportunity",
        "import: update.csv",
    )


def test_empty_cells_do_not_clear_values():
    ContactFactory(email="keep@x.example", title="CFO", phone="+1 555")
    result = import_bytes(b"Email,Job Title,Phone Number\nkeep@x.example,,\n")

    assert result.unchanged == 1
    assert Contact.objects.get(email="keep@x.example").title == "CFO"


def test_a_disallowed_move_is_a_row_error_and_leaves_the_row_unwritten():
    contact = ContactFactory(email="done@x.example", title="Buyer")
    lifecycle.stage_transition(contact=contact, to_stage="customer", by_rule="test")
    data = (
        b"Email,Job Title,Lifecycle Stage\n"
        b"done@x.example,Former buyer,lead\n"
        b"new@x.example,Analyst,lead\n"
    )
    result = import_bytes(data)

    (rejected,) = result.rejected
    assert (rejected.line, rejected.column) == (2, "Lifecycle Stage")
    assert "moving from Customer to Lead is not allowed" in rejected.reason
    assert Contact.objects.get(email="done@x.example").title == "Buyer", "savepoint rolled back"
    assert result.created == 1


def test_a_move_that_needs_a_reason_takes_it_from_a_column():
    data = (
        b"email,lifecycle_stage,lifecycle_reason\n"
        b"a@x.example,disqualified,\n"
        b"b@x.example,disqualified,no-fit\n"
    )
    ContactFactory(email="a@x.example")
    ContactFactory(email="b@x.example")
    lifecycle.stage_transition(
        contact=Contact.objects.get(email="a@x.example"), to_stage="lead", by_rule="t"
    )
    lifecycle.stage_transition(
        contact=Contact.objects.get(email="b@x.example"), to_stage="lead", by_rule="t"
    )

    result = import_bytes(data)

    (rejected,) = result.rejected
    assert rejected.line == 2
    assert "needs a reason" in rejected.reason
    b = Contact.objects.get(email="b@x.example")
    assert b.lifecycle_stage == "disqualified"
    assert b.transitions.first().reason.code == "no-fit"


def test_latin1_file_rejects_the_rows_with_bad_bytes_and_reads_with_encoding():
    data = "Email,First Name\nann@x.example,Ann\njose@x.example,José\n".encode("latin-1")

    result = import_bytes(data)
    (rejected,) = result.rejected
    assert rejected.line == 3
    assert rejected.column == "First Name"
    assert "0xE9 is not UTF-8" in rejected.reason

    Contact.objects.all().delete()
    result = import_bytes(data, encoding="cp1252")
    assert result.created == 2
    assert Contact.objects.get(email="jose@x.example").first_name == "José"


def test_missing_required_column_refuses_the_whole_file():
    with pytest.raises(FileError, match="required field email"):
        import_bytes(b"First Name,Last Name\nAda,Lovelace\n")
    assert Contact.objects.count() == 0


def test_unknown_owner_and_ambiguous_account_are_row_errors():
    AccountFactory(name="Twin", domain=None)
    AccountFactory(name="Twin", domain=None)
    data = b"Email,Contact owner,Company Name\na@x.example,nobody@x.example,\nb@x.example,,Twin\n"

    result = import_bytes(data)

    first, second = result.rejected
    assert (first.line, first.column) == (2, "Contact owner")
    assert "no active user with the email 'nobody@x.example'" in first.reason
    assert (second.line, second.column) == (3, "Company Name")
    assert "several accounts are named 'Twin'" in second.reason


def test_a_clash_inside_the_file_is_an_upsert():
    data = b"Email,First Name\nsame@x.example,One\nSAME@x.example,Two\n"

    result = import_bytes(data)

    assert (result.created, result.updated) == (1, 1)
    assert Contact.objects.get().first_name == "Two"
