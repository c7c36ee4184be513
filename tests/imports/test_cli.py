"""`smarketing import` and `smarketing export` through the real command."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from smarketing import cli
from smarketing.people.models import Contact
from tests.imports.conftest import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def app():
    # Idempotent: other test modules may have registered the plugin commands already.
    cli.register_plugins_once()
    return cli.app


def run(app, *args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_import_prints_a_summary_and_exits_0(app, marketer, tmp_path):
    source = tmp_path / "contacts.csv"
    source.write_bytes((DATA / "hubspot_contacts.csv").read_bytes())

    result = run(app, "import", "contacts", source)

    assert result.exit_code == 0, result.output
    assert "HubSpot columns" in result.stdout
    assert "4 rows: 4 created, 0 updated, 0 unchanged, 0 rejected" in result.stdout
    assert Contact.objects.count() == 4
    assert not (tmp_path / "contacts.rejected.csv").exists()


def test_rejected_rows_exit_3_and_go_to_the_report_next_to_the_file(app, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_bytes((DATA / "bad_contacts.csv").read_bytes())

    result = run(app, "import", "contacts", source)

    assert result.exit_code == 3
    assert "line 3: Email: 'not-an-email' is not an email address" in result.stderr
    assert "line 4: Lifecycle Stage: unknown lifecycle stage 'Hot Prospect'" in result.stderr
    report = list(csv.DictReader((tmp_path / "bad.rejected.csv").open(encoding="utf-8")))
    assert [(r["line"], r["column"]) for r in report] == [
        ("3", "Email"),
        ("4", "Lifecycle Stage"),
        ("5", "Country/Region"),
    ]
    assert report[0]["Email"] == "not-an-email"
    assert "unknown country 'Atlantis'" in report[2]["reason"]
    assert Contact.objects.count() == 2


def test_atomic_and_dry_run_write_nothing(app, rep, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_bytes((DATA / "bad_contacts.csv").read_bytes())
    report = tmp_path / "out" / "why.csv"
    report.parent.mkdir()

    atomic = run(app, "import", "contacts", source, "--atomic", "--report", report)
    assert atomic.exit_code == 3
    assert "nothing was written" in atomic.stdout
    assert report.exists()
    assert Contact.objects.count() == 0

    good = tmp_path / "good.csv"
    good.write_bytes((DATA / "salesforce_contacts.csv").read_bytes())
    dry = run(app, "import", "contacts", good, "--dry-run")
    assert dry.exit_code == 0
    assert "Dry run: nothing was written" in dry.stdout
    assert Contact.objects.count() == 0


def test_a_missing_required_column_exits_1_before_any_row(app, tmp_path):
    source = tmp_path / "names.csv"
    source.write_text("First Name,Last Name\nAda,Lovelace\n")

    result = run(app, "import", "contacts", source)

    assert result.exit_code == 1
    assert "no column for the required field email" in result.stderr
    assert Contact.objects.count() == 0


def test_encoding_option_and_json_mapping(app, tmp_path):
    source = tmp_path / "latin.csv"
    source.write_bytes("Adresse,Vorname\njose@x.example,José\n".encode("latin-1"))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"Adresse": "email", "Vorname": "first_name"}))

    plain = run(app, "import", "contacts", source, "--mapping", mapping)
    assert plain.exit_code == 3
    assert "0xE9 is not UTF-8" in plain.stderr

    result = run(app, "import", "contacts", source, "--mapping", mapping, "--encoding", "cp1252")
    assert result.exit_code == 0, result.output
    assert Contact.objects.get(email="jose@x.example").first_name == "José"


def test_bad_mapping_option_is_a_file_error(app):
    result = run(app, "import", "contacts", DATA / "hubspot_contacts.csv", "--mapping", "pipedrive")
    assert result.exit_code == 1
    assert "neither auto, smarketing, hubspot, salesforce nor a JSON file" in result.stderr


def test_export_writes_our_columns_and_reimports_unchanged(app, marketer, tmp_path):
    source = tmp_path / "contacts.csv"
    source.write_bytes((DATA / "hubspot_contacts.csv").read_bytes())
    assert run(app, "import", "contacts", source).exit_code == 0
    out = tmp_path / "export.csv"

    exported = run(app, "export", "contacts", out)
    assert exported.exit_code == 0
    assert "wrote 4 contacts" in exported.stdout
    assert out.read_text().splitlines()[0].startswith("email,first_name,last_name")

    again = run(app, "import", "contacts", out)
    assert again.exit_code == 0, again.output
    assert "Smarketing columns" in again.stdout
    assert "0 created, 0 updated, 4 unchanged, 0 rejected" in again.stdout
