"""`smarketing sla show|export|import`: the SLA policy from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from smarketing.cli import fail


def _version(number: int | None) -> Any:
    from smarketing.handoff.sla import queries

    version = queries.version_live() if number is None else queries.version_by_number(number)
    if version is None:
        raise fail("no live SLA policy yet" if number is None else f"no version {number}")
    return version


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    sla = typer.Typer(help="The SLA policy marketing and sales agreed on.", no_args_is_help=True)
    app.add_typer(sla, name="sla")

    @sla.command("show")
    def show(
        number: Annotated[int | None, typer.Argument(help="Version; default the live one.")] = None,
    ) -> None:
        """Every version with its sign-off, then one version's text."""
        setup_django()
        from smarketing.handoff.sla import queries

        for version in queries.versions_list():
            state = queries.sign_off(version).describe(version)
            typer.echo(f"v{version.number} r{version.revision} {version.status}: {state}")
        if number is not None or queries.version_live() is not None:
            typer.echo("")
            typer.echo(_version(number).text, nl=False)

    @sla.command("export")
    def export(
        number: Annotated[int | None, typer.Argument(help="Version; default the live one.")] = None,
        out: Annotated[Path | None, typer.Option("--out", help="File; default stdout.")] = None,
    ) -> None:
        """The policy's YAML text, to edit and import again."""
        setup_django()
        text = _version(number).text
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text)

    @sla.command("import")
    def import_(
        path: Annotated[Path, typer.Argument(help="A YAML policy file.")],
        as_email: Annotated[str, typer.Option("--as", help="The leader whose draft it becomes.")],
    ) -> None:
        """Replace the user's newest draft with the file (or create one); propose and approve
        it in the web UI or the API."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.handoff.sla import services
        from smarketing.org.models import User
        from smarketing.org.permissions import PermissionDenied

        user = User.objects.filter(email__iexact=as_email, is_active=True).first()
        if user is None:
            raise fail(f"no active user {as_email!r}")
        try:
            draft, created = services.policy_draft_import(text=path.read_text(), by_user=user)
        except (InvalidInput, PermissionDenied) as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot read {path}: {exc.strerror}") from None
        verb = "created" if created else "updated"
        typer.echo(f"draft v{draft.number} {verb} (revision {draft.revision})")
