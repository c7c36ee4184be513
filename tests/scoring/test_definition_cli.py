"""`smarketing definition export|import|show` through the real command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from smarketing import cli
from smarketing.scoring import rules, services
from smarketing.scoring.models import DefinitionVersion
from tests.scoring.definition_support import BROKEN_YAML, stricter_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def app():
    cli.register_plugins_once()
    return cli.app


def run(app, *args):
    return CliRunner().invoke(app, ["definition", *[str(a) for a in args]])


def test_export_writes_the_live_version(app, tmp_path):
    path = tmp_path / "definition.yaml"

    result = run(app, "export", path)

    assert result.exit_code == 0, result.output
    assert "wrote version 1 (live)" in result.stdout
    assert rules.load(path.read_text(encoding="utf-8")) == rules.default_definition()


def test_export_of_a_chosen_version(app, tmp_path, marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    path = tmp_path / "draft.yaml"

    result = run(app, "export", path, "--version", draft.number)

    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == stricter_yaml()


def test_export_of_an_unknown_version_fails(app, tmp_path):
    result = run(app, "export", tmp_path / "x.yaml", "--version", 9)

    assert result.exit_code == 1
    assert "there is no definition version 9" in result.stderr


def test_import_creates_then_replaces_the_users_draft(app, tmp_path, marketing_leader):
    path = tmp_path / "stricter.yaml"
    path.write_text(stricter_yaml(), encoding="utf-8")

    first = run(app, "import", path, "--as", "MAYA@example.com")
    path.write_text(stricter_yaml(-50), encoding="utf-8")
    second = run(app, "import", path, "--as", "maya@example.com")

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "created draft version 2 (revision 1)" in first.stdout
    assert "replaced draft version 2 (revision 2)" in second.stdout
    assert DefinitionVersion.objects.get(number=2).text == stricter_yaml(-50)


def test_import_with_a_yaml_error_prints_line_and_column(app, tmp_path, marketing_leader):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML, encoding="utf-8")

    result = run(app, "import", path, "--as", marketing_leader.email)

    assert result.exit_code == 1
    assert "broken.yaml: YAML syntax error at line 4, column 4" in result.stderr
    assert not DefinitionVersion.objects.filter(number=2).exists()


def test_import_with_an_unknown_field_prints_path_and_line(app, tmp_path, marketing_leader):
    path = tmp_path / "bad-field.yaml"
    text = stricter_yaml().replace("field: title", "field: job_title")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    field: job_title") + 1

    result = run(app, "import", path, "--as", marketing_leader.email)

    assert result.exit_code == 1
    assert f"fit_rules[3].field: line {line}: unknown field 'job_title'" in result.stderr


def test_import_as_a_marketer_or_an_unknown_user_fails(app, tmp_path, marketer):
    path = tmp_path / "stricter.yaml"
    path.write_text(stricter_yaml(), encoding="utf-8")

    as_marketer = run(app, "import", path, "--as", marketer.email)
    as_nobody = run(app, "import", path, "--as", "nobody@example.com")

    assert as_marketer.exit_code == 1 and "may not propose definitions" in as_marketer.stderr
    assert as_nobody.exit_code == 1 and "no active user" in as_nobody.stderr


def test_show_lists_versions_with_status_and_approvals(app, marketing_leader):
    draft = services.definition_draft_create(by_user=marketing_leader, text=stricter_yaml())
    services.definition_propose(version=draft, by_user=marketing_leader)
    services.definition_approve(version=draft, user=marketing_leader)

    result = run(app, "show")

    assert result.exit_code == 0, result.output
    newest, oldest = result.stdout.splitlines()
    assert newest.startswith("v2") and "draft" in newest
    assert "waiting for the sales leader" in newest
    assert "maya@example.com (marketing)" in newest
    assert oldest.startswith("v1") and "live since" in oldest
