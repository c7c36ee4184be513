"""Registers `smarketing import` and `smarketing export` (being written)."""

from collections.abc import Callable

import typer


def register(app: typer.Typer, *, setup_django: Callable[[], None]) -> None:
    pass
