"""Registers `smarketing demo` (being written)."""

from collections.abc import Callable

import typer


def register(
    app: typer.Typer, *, setup_django: Callable[[], None], serve_forever: Callable[..., None]
) -> None:
    pass
