"""The one application error type. The API maps it to HTTP 400, the CLI to a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError

T = TypeVar("T")


class InvalidInput(Exception):
    """Input broke a business rule. `errors` maps each field (or "__all__") to its reasons."""

    def __init__(self, errors: dict[str, list[str]] | str, *, field: str = "__all__") -> None:
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__(self.summary())

    def summary(self) -> str:
        parts = []
        for field, reasons in self.errors.items():
            text = "; ".join(reasons)
            parts.append(text if field == "__all__" else f"{field}: {text}")
        return ". ".join(parts)

    @classmethod
    def from_validation(cls, exc: ValidationError) -> InvalidInput:
        if hasattr(exc, "error_dict"):
            return cls(
                {
                    f: [str(m) for e in errs for m in e.messages]
                    for f, errs in exc.error_dict.items()
                }
            )
        return cls({"__all__": [str(m) for m in exc.messages]})


class Errors:
    """Runs several parsers and keeps every InvalidInput, so a form, a query string or a
    command reports all its mistakes at once, each under its own name."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def attempt(self, parse: Callable[[], T]) -> T | None:
        """`parse()`'s value, or None after keeping its InvalidInput."""
        try:
            return parse()
        except InvalidInput as exc:
            for name, reasons in exc.errors.items():
                self.errors.setdefault(name, []).extend(reasons)
            return None

    def raise_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def fields_check(
    fields: dict[str, object], allowed: frozenset[str] | set[str], *, what: str = "a field"
) -> None:
    """Refuse keyword fields a service does not accept, naming each one."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InvalidInput({f: [f"is not {what} that can be set here"] for f in unknown})


def full_clean(instance: object, *, exclude: list[str] | None = None) -> None:
    """Model.full_clean that raises InvalidInput, so callers handle one error type."""
    try:
        instance.full_clean(exclude=exclude)  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise InvalidInput.from_validation(exc) from exc
