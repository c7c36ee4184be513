"""`smarketing demo`: options, refusal on existing data, --reset, truths file, logins, serving."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from smarketing.demo.cli import register
from smarketing.people.models import Contact
from tests.factories import ContactFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def served() -> list[dict]:
    return []


@pytest.fixture
def invoke(db, served):
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """The command group the demo command joins."""

    register(app, setup_django=lambda: None, serve_forever=lambda **kw: served.append(kw))
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["demo", *args])


def test_demo_generates_prints_logins_and_writes_truths(invoke, served, tmp_path):
    truths = tmp_path / "truths.json"

    result = invoke("--contacts", "60", "--seed", "3", "--no-serve", "--truths-out", str(truths))

    assert result.exit_code == 0, result.output
    assert Contact.objects.count() == 60
    assert "admin@lumen.example" in result.output
    assert "smarketing-demo" in result.output
    assert "http://127.0.0.1:8000/" in result.output
    document = json.loads(truths.read_text())
    assert document["seed"] == 3
    assert document["contacts"] == 60
    assert served == []


def test_demo_serves_on_the_given_address_unless_told_not_to(invoke, served):
    result = invoke("--contacts", "20", "--host", "0.0.0.0", "--port", "8123")

    assert result.exit_code == 0, result.output
    assert served == [{"host": "0.0.0.0", "port": 8123, "with_worker": True}]


def test_demo_refuses_a_database_with_contacts(invoke):
    ContactFactory()

    result = invoke("--contacts", "20", "--no-serve")

    assert result.exit_code == 1
    assert "already has data" in result.output
    assert "--reset" in result.output
    assert Contact.objects.count() == 1


def test_demo_with_reset_replaces_existing_data(invoke):
    ContactFactory(email="real.person@customer.example")

    result = invoke("--contacts", "20", "--no-serve", "--reset")

    assert result.exit_code == 0, result.output
    assert "Deleted" in result.output
    assert Contact.objects.count() == 20
    assert not Contact.objects.filter(email="real.person@customer.example").exists()


def test_demo_refuses_a_size_out_of_range(invoke):
    result = invoke("--contacts", "5", "--no-serve")

    assert result.exit_code == 1
    assert "--contacts must be between 10 and 1,000,000" in result.output
