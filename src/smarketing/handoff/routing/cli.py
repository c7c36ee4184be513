"""`smarketing routing list|test|reassign|away` and `smarketing user deactivate`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import typer

from smarketing.cli import fail


def _user(email: str, *, active: bool = True) -> Any:
    from smarketing.org.models import User

    qs = User.objects.filter(email__iexact=email.strip())
    if active:
        qs = qs.filter(is_active=True)
    user = qs.first()
    if user is None:
        raise fail(f"no {'active ' if active else ''}user with the email {email!r}")
    return user


def _contact(email: str) -> Any:
    from smarketing.people.queries import contact_by_email

    contact = contact_by_email(email)
    if contact is None:
        raise fail(f"no contact with the email {email!r}")
    return contact


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date like 2026-12-24") from None


def rules_lines() -> list[str]:
    from smarketing.handoff.routing import queries
    from smarketing.handoff.routing.choose import routing_settings

    lines = []
    for rule in queries.rules_ordered():
        state = "" if rule.active else " [off]"
        lines.append(
            f"{rule.position:>3}. {rule.name}{state} ({rule.get_kind_display()}): "
            f"{queries.rule_conditions_text(rule)} → {queries.rule_target_text(rule)}"
        )
    settings = routing_settings()
    fallback = settings.fallback_user.email if settings.fallback_user else "the sales leader"
    lines.append(f"  —  fallback: {fallback}")
    capacity = settings.default_capacity
    lines.append(f"default capacity: {capacity if capacity is not None else 'no limit'}")
    return lines


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    routing_app = typer.Typer(help="Routing of new MQLs to their owners.", no_args_is_help=True)
    app.add_typer(routing_app, name="routing")

    @routing_app.command("list")
    def list_() -> None:
        """The routing rules in the order they are tried, the fallback, and the reps' load."""
        setup_django()
        from smarketing.handoff.routing import queries

        for line in rules_lines():
            typer.echo(line)
        for rep in queries.reps_overview():
            away = " (away)" if rep.away_now else ""
            cap = rep.capacity if rep.capacity is not None else "-"
            typer.echo(f"  {rep.user.email:<36} open {rep.open_leads:>4} / {cap}{away}")

    @routing_app.command("test")
    def test(
        contact: Annotated[str, typer.Argument(help="The contact's email.")],
    ) -> None:
        """Who the rules would give this contact now, and why (changes nothing)."""
        setup_django()
        from smarketing.handoff.routing import queries

        choice = queries.route_preview(contact=_contact(contact))
        if choice is None:
            raise fail("nobody: no rule finds an owner and there is no fallback")
        for step in choice.steps:
            typer.echo(f"  passed over: {step}")
        typer.echo(f"{choice.owner.email} ({choice.rule})")

    @routing_app.command("reassign")
    def reassign(
        contact: Annotated[str, typer.Argument(help="The contact's email.")],
        owner: Annotated[str, typer.Option(help="The new owner's email.")],
        by: Annotated[str, typer.Option(help="Your email (recorded as who reassigned).")],
        note: Annotated[str, typer.Option(help="Why.")] = "",
    ) -> None:
        """Give a contact to another owner by hand."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.handoff.routing import services
        from smarketing.org.permissions import can

        by_user = _user(by)
        if not can(by_user, "contact.assign"):
            raise fail(f"a {by_user.role} user may not reassign contacts")
        try:
            row = services.contact_reassign(
                contact=_contact(contact), owner=_user(owner), by_user=by_user, note=note
            )
        except InvalidInput as exc:
            raise fail(exc.summary()) from None
        typer.echo(f"{row.contact.email} → {row.owner.email}")

    @routing_app.command("away")
    def away(
        rep: Annotated[str, typer.Argument(help="The rep's email.")],
        first_day: Annotated[str, typer.Option("--from", help="First day away, YYYY-MM-DD.")],
        last_day: Annotated[str, typer.Option("--to", help="Last day away, YYYY-MM-DD.")],
        note: Annotated[str, typer.Option(help="E.g. holiday.")] = "",
    ) -> None:
        """Record days a rep takes no new leads."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.handoff.routing import config

        try:
            period = config.away_create(
                user=_user(rep),
                first_day=_day(first_day, "--from"),
                last_day=_day(last_day, "--to"),
                note=note,
            )
        except InvalidInput as exc:
            raise fail(exc.summary()) from None
        typer.echo(f"{rep} away {period.first_day} – {period.last_day}")


def register_user_deactivate(user_app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    @user_app.command("deactivate")
    def deactivate(
        email: Annotated[str, typer.Argument(help="The user to deactivate.")],
        by: Annotated[str, typer.Option(help="Your email (an admin's).")] = "",
    ) -> None:
        """Stop a user logging in; their open MQLs and SALs are rerouted by the rules."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.handoff.models import Assignment
        from smarketing.org import services

        by_user = _user(by) if by else None
        user = _user(email, active=False)
        before = Assignment.objects.count()
        try:
            services.user_deactivate(user=user, by_user=by_user)
        except InvalidInput as exc:
            raise fail(exc.summary()) from None
        moved = Assignment.objects.count() - before
        typer.echo(f"deactivated {user.email}; {moved} open leads reassigned by the rules")
