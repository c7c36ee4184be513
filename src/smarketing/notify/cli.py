"""`smarketing notify send|deliveries|retry`: what an operator needs when mail or hooks fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    notify_app = typer.Typer(help="Notifications: send what is due, see and retry deliveries.")
    app.add_typer(notify_app, name="notify")

    @notify_app.command("send")
    def send() -> None:
        """Send the emails and webhooks that are due now (the worker does this every minute)."""
        setup_django()
        from smarketing.notify.sending import deliveries_send

        outcome = deliveries_send()
        typer.echo(
            f"{outcome.sent} sent, {outcome.retrying} to retry later, {outcome.failed} failed"
        )
        for error in sorted(set(outcome.errors)):
            typer.echo(f"  {error}")

    @notify_app.command("deliveries")
    def deliveries(
        status: Annotated[str, typer.Option(help="pending, sent or failed")] = "failed",
        limit: Annotated[int, typer.Option(min=1)] = 50,
    ) -> None:
        """List deliveries, newest first (by default the failed ones)."""
        setup_django()
        from smarketing.notify.models import Delivery, DeliveryStatus

        if status not in DeliveryStatus.values:
            typer.secho(f"error: --status must be one of {', '.join(DeliveryStatus.values)}")
            raise typer.Exit(code=1)
        rows = (
            Delivery.objects.filter(status=status)
            .select_related("notification__user")
            .order_by("-created_at", "-id")[:limit]
        )
        for d in rows:
            n = d.notification
            typer.echo(
                f"{d.pk}\t{n.user.email}\t{d.channel}\t{d.attempts} tries\t{n.title}"
                + (f"\t{d.last_error}" if d.last_error else "")
            )

    @notify_app.command("retry")
    def retry(ids: Annotated[list[int], typer.Argument(help="Delivery ids")]) -> None:
        """Try failed deliveries again from the first try."""
        setup_django()
        from smarketing.notify.services import deliveries_retry

        count = deliveries_retry(ids=ids, user=None)
        typer.echo(f"{count} of {len(ids)} set to be sent again")
