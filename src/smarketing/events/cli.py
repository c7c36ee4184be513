"""`smarketing writekey create|list|rotate|disable`: the write keys of event sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from smarketing.cli import fail


def _key_named(name: str) -> Any:
    from smarketing.events.models import WriteKey

    key = WriteKey.objects.filter(name__iexact=name.strip()).first()
    if key is None:
        names = ", ".join(WriteKey.objects.values_list("name", flat=True)) or "none yet"
        raise fail(f"no source named {name!r} (sources: {names})")
    return key


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    keys = typer.Typer(
        help="Manage the write keys event sources send with (they can only send).",
        no_args_is_help=True,
    )
    app.add_typer(keys, name="writekey")

    @keys.command("create")
    def create(
        name: Annotated[str, typer.Option(help="The source, e.g. Website or Webinar tool.")],
        rate_limit: Annotated[
            int | None, typer.Option(help="Events per second before 429 (default 2000).")
        ] = None,
    ) -> None:
        """Create a source and print its write key (shown only once)."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.events import services

        try:
            key, raw = services.writekey_create(name=name, by_user=None, rate_limit=rate_limit)
        except InvalidInput as exc:
            raise fail(exc.summary()) from None
        typer.secho(f"write key for source {key.name!r} (shown only once):", err=True)
        typer.echo(raw)

    @keys.command("list")
    def list_keys() -> None:
        """List the sources with their events accepted and rejected and the last event time."""
        setup_django()
        from django.utils import timezone
        from rich.console import Console
        from rich.table import Table

        from smarketing.events.models import WriteKey
        from smarketing.events.queries import sources_with_counts

        table = Table()
        for column in ("source", "key", "status", "accepted", "rejected", "last event", "limit/s"):
            table.add_column(
                column, justify="right" if column in {"accepted", "rejected"} else "left"
            )
        for key in sources_with_counts(WriteKey.objects.order_by("name"), now=timezone.now()):
            table.add_row(
                key.name,
                f"{key.key_hint}…",
                "disabled" if key.disabled_at else "active",
                f"{key.accepted_total:,}",
                f"{key.rejected_total:,}",
                f"{key.last_event_at:%Y-%m-%d %H:%M}" if key.last_event_at else "never",
                f"{key.rate_limit:,}",
            )
        Console(width=120).print(table)

    @keys.command("rotate")
    def rotate(name: Annotated[str, typer.Option(help="The source.")]) -> None:
        """Give the source a new write key and print it; the old key stops working at once."""
        setup_django()
        from smarketing.errors import InvalidInput
        from smarketing.events import services

        key = _key_named(name)
        try:
            raw = services.writekey_rotate(key=key)
        except InvalidInput as exc:
            raise fail(exc.summary()) from None
        typer.secho(
            f"new write key for {key.name!r} (shown only once; the old one no longer works):",
            err=True,
        )
        typer.echo(raw)

    @keys.command("disable")
    def disable(name: Annotated[str, typer.Option(help="The source.")]) -> None:
        """Refuse the source's key from now on (its events stay)."""
        setup_django()
        from smarketing.events import services

        key = _key_named(name)
        services.writekey_disable(key=key)
        typer.echo(f"disabled write key of {key.name!r}")
