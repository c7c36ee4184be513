"""The `smarketing` command: one entry point for operators and newcomers."""

from __future__ import annotations

import os
import secrets
import sys
import threading
from typing import Annotated

import typer

app = typer.Typer(
    help="Smarketing: the shared system of record for marketing and sales.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage personal REST API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarketing.settings")
    import django

    django.setup()


def fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


@app.command()
def migrate() -> None:
    """Create or upgrade the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def serve_forever(*, host: str, port: int, with_worker: bool) -> None:
    """The web server, and in the embedded default the queue consumer in the same process."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from waitress import serve as waitress_serve

    from smarketing.wsgi import application

    typer.echo(f"Smarketing is running at http://{host}:{port}/  (Ctrl+C to stop)")
    if not with_worker:
        waitress_serve(application, host=host, port=port, threads=8, _quiet=True)
        return
    web = threading.Thread(
        target=waitress_serve,
        kwargs={"app": application, "host": host, "port": port, "threads": 8, "_quiet": True},
        daemon=True,
        name="web",
    )
    web.start()
    run_consumer()


def run_consumer() -> None:
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    from smarketing.checkpoints import checkpointer_start

    # Each app's tasks (and their periodic schedules) register when their module is imported.
    autodiscover_modules("tasks", "model_tasks")
    # On SQLite, the log is copied back by a thread, not by the commit of an event batch.
    checkpointer_start()
    # The consumer installs signal handlers, so it runs on the main thread.
    consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True)
    consumer.run()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    worker: Annotated[
        bool, typer.Option(help="Also run the queue consumer in this process.")
    ] = True,
) -> None:
    """Run the web server (and, by default, the queue consumer) after migrating."""
    setup_django()
    serve_forever(host=host, port=port, with_worker=worker)


@app.command()
def worker() -> None:
    """Run the queue consumer alone (production: beside `serve --no-worker`)."""
    setup_django()
    run_consumer()


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Login email.")],
    role: Annotated[str, typer.Option(help="marketing, sales, leader or admin.")],
    password: Annotated[
        str | None, typer.Option(help="Password; one is generated and printed if omitted.")
    ] = None,
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    team: Annotated[str, typer.Option(help="Name of the user's team.")] = "",
) -> None:
    """Create a user who can log in to the web UI."""
    setup_django()
    from smarketing.errors import InvalidInput
    from smarketing.org import services
    from smarketing.org.models import Team

    team_obj = None
    if team:
        team_obj = Team.objects.filter(name__iexact=team).first()
        if team_obj is None:
            names = ", ".join(Team.objects.values_list("name", flat=True)) or "none yet"
            raise fail(f"no team named {team!r} (teams: {names})")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = services.user_create(
            email=email, role=role, password=password, full_name=name, team=team_obj
        )
    except InvalidInput as exc:
        raise fail(exc.summary()) from None
    typer.echo(f"created {user.role} user {user.email}")
    if generated:
        typer.echo(f"password: {password}")


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "",
) -> None:
    """Create an API token and print it (it is shown only once)."""
    setup_django()
    from smarketing.org import services
    from smarketing.org.models import User

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise fail(f"no active user with email {email}")
    _, raw = services.token_create(user=user, name=name)
    typer.echo(raw)


@app.command()
def check() -> None:
    """Check the configuration and the connections to the database, Redis and SMTP."""
    setup_django()
    from smarketing.checks import run_checks

    results = run_checks()
    for result in results:
        mark = (
            typer.style("ok  ", fg=typer.colors.GREEN)
            if result.ok
            else typer.style("FAIL", fg=typer.colors.RED)
        )
        typer.echo(f"{mark} {result.name}: {result.detail}")
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)


_registered = False


def register_plugins_once() -> None:
    """Commands owned by other apps (import/export, demo) register themselves here."""
    global _registered
    if _registered:
        return
    _registered = True
    from smarketing.analytics.attribution_cli import register as register_attribution
    from smarketing.analytics.funnel.cli import register as register_funnel
    from smarketing.analytics.health.cli import register as register_health
    from smarketing.analytics.insights.cli import register as register_insights
    from smarketing.analytics.performance.cli import register as register_performance
    from smarketing.demo.cli import register as register_demo
    from smarketing.events.cli import register as register_events
    from smarketing.handoff.routing.cli import register as register_routing
    from smarketing.handoff.routing.cli import register_user_deactivate
    from smarketing.handoff.sla.cli import register as register_sla
    from smarketing.imports.cli import register as register_imports
    from smarketing.notify.cli import register as register_notify
    from smarketing.scoring.cli import register as register_scoring

    register_demo(app, setup_django=setup_django, serve_forever=serve_forever)
    register_imports(app, setup_django=setup_django)
    register_events(app, setup_django=setup_django)
    register_scoring(app, setup_django=setup_django)
    register_notify(app, setup_django=setup_django)
    register_routing(app, setup_django=setup_django)
    register_sla(app, setup_django=setup_django)
    register_funnel(app, setup_django=setup_django)
    register_performance(app, setup_django=setup_django)
    register_health(app, setup_django=setup_django)
    register_insights(app, setup_django=setup_django)
    register_user_deactivate(user_app, setup_django=setup_django)
    register_attribution(app, setup_django=setup_django)


def main() -> None:
    register_plugins_once()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
