"""Column mapping: format detection, required columns, JSON overrides, row parsing."""

from __future__ import annotations

import pytest

from smarketing.imports.mappings import (
    FileError,
    Format,
    Kind,
    build_mapping,
    detect_format,
    overrides_parse,
    parse_row,
)

HUBSPOT = ("First Name", "Last Name", "Email", "Lifecycle Stage", "Contact owner", "Record ID")
SALESFORCE = ("First Name", "Last Name", "Email", "Title", "Account Name", "Lead Status")
OWN = ("email", "first_name", "lifecycle_stage", "account_domain")


@pytest.mark.parametrize(
    ("header", "fmt"),
    [(HUBSPOT, Format.HUBSPOT), (SALESFORCE, Format.SALESFORCE), (OWN, Format.OWN)],
)
def test_detect_format_by_header(header, fmt):
    assert detect_format(Kind.CONTACTS, header) == fmt


def test_hubspot_columns_map_and_unknown_ones_are_ignored():
    mapping = build_mapping(Kind.CONTACTS, HUBSPOT)
    assert mapping.fields == (
        "first_name",
        "last_name",
        "email",
        "lifecycle_stage",
        "owner_email",
        None,
    )
    assert mapping.label == "HubSpot"


def test_lead_status_is_a_stage_in_salesforce_but_not_in_hubspot():
    header = ("Email", "Lead Status")
    assert build_mapping(Kind.CONTACTS, header, format=Format.SALESFORCE).fields[1] == (
        "lifecycle_stage"
    )
    assert build_mapping(Kind.CONTACTS, header, format=Format.HUBSPOT).fields[1] is None


def test_salesforce_api_names_match_too():
    mapping = build_mapping(Kind.CONTACTS, ("FirstName", "LastName", "Email", "LeadSource"))
    assert mapping.fields == ("first_name", "last_name", "email", "source_channel")


def test_missing_required_column_is_a_file_error_naming_it():
    with pytest.raises(FileError, match="required field email"):
        build_mapping(Kind.CONTACTS, ("First Name", "Last Name"))
    with pytest.raises(FileError, match="account_name or account_domain"):
        build_mapping(Kind.DEALS, ("Deal Name", "Amount"))


def test_overrides_map_and_ignore_columns():
    mapping = build_mapping(
        Kind.CONTACTS,
        ("E-Mail-Adresse", "Vorname", "Email"),
        overrides={"E-Mail-Adresse": "email", "Vorname": "first_name", "Email": None},
    )
    assert mapping.fields == ("email", "first_name", None)
    assert mapping.custom


def test_overrides_are_checked():
    with pytest.raises(FileError, match="does not have"):
        build_mapping(Kind.CONTACTS, ("Email",), overrides={"Mail": "email"})
    with pytest.raises(FileError, match="not a field of contacts"):
        build_mapping(Kind.CONTACTS, ("Email", "X"), overrides={"X": "shoe_size"})
    with pytest.raises(FileError, match="JSON object"):
        overrides_parse(["Email", "email"])


def test_parse_row_collects_every_error_with_its_column():
    mapping = build_mapping(Kind.CONTACTS, ("Email", "Country/Region", "Lifecycle Stage"))
    parsed = parse_row(mapping, ["nobody", "Atlantis", "Hot"])
    assert [c for c, _ in parsed.errors] == ["Email", "Country/Region", "Lifecycle Stage"]


def test_parse_row_empty_required_cell():
    mapping = build_mapping(Kind.CONTACTS, ("Email", "First Name"))
    parsed = parse_row(mapping, ["", "Ada"])
    assert parsed.errors == [("Email", "is empty, and a value is required")]


def test_first_non_empty_of_several_columns_wins():
    mapping = build_mapping(Kind.CONTACTS, ("Email", "Website URL", "Company Domain Name"))
    parsed = parse_row(mapping, ["a@b.example", "", "https://www.acme.example"])
    assert parsed.values["account_domain"] == "acme.example"
    assert parsed.columns["account_domain"] == "Company Domain Name"
