"""Creating users, from the service and the CLI."""

import pytest
from typer.testing import CliRunner

from smarketing import cli
from smarketing.errors import InvalidInput
from smarketing.org import services
from smarketing.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def runner():
    cli.register_plugins_once()
    return CliRunner()


def test_user_create_checks_role_duplicate_and_password(marketer):
    with pytest.raises(InvalidInput, match="unknown role 'boss'"):
        services.user_create(email="x@example.com", role="boss", password="long enough pw 1")
    with pytest.raises(InvalidInput, match="already exists"):
        services.user_create(email="MIA@example.com", role="sales", password="long enough pw 1")
    with pytest.raises(InvalidInput) as exc:
        services.user_create(email="y@example.com", role="sales", password="123")
    assert list(exc.value.errors) == ["password"]


def test_cli_user_create_prints_a_generated_password(runner, sales_team):
    result = runner.invoke(
        cli.app,
        ["user", "create", "--email", "Rita@Example.com", "--role", "sales", "--team", "sales"],
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("password: ")[1].strip()
    user = User.objects.get(email="rita@example.com")
    assert user.check_password(password) and user.team == sales_team


def test_cli_user_create_bad_role_is_a_clear_error(runner):
    result = runner.invoke(cli.app, ["user", "create", "--email", "a@b.example", "--role", "ceo"])
    assert result.exit_code == 1
    assert "unknown role 'ceo'" in result.output
    assert not User.objects.filter(email="a@b.example").exists()


def test_cli_token_create_prints_a_working_token(runner, rep):
    result = runner.invoke(cli.app, ["token", "create", "--email", rep.email])
    assert result.exit_code == 0
    assert services.token_authenticate(result.output.strip()) == rep
    missing = runner.invoke(cli.app, ["token", "create", "--email", "nobody@example.com"])
    assert missing.exit_code == 1 and "no active user" in missing.output


def test_cli_check_reports_each_service(runner):
    result = runner.invoke(cli.app, ["check"])
    assert "database:" in result.output and "queue:" in result.output
    assert "smtp:" in result.output
