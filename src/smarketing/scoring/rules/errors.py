"""The one error a definition raises: every mistake found, each under the path where it is.

It has the shape of `smarketing.errors.InvalidInput` (path → reasons), so the API and CLI can
hand it on as is; this module stays free of Django."""

from __future__ import annotations


class DefinitionError(ValueError):
    """`errors` maps a path such as "fit_rules[3].field" ("__all__" for the whole file) to its
    reasons; `lines` maps a path to its line in the YAML file, when read from one."""

    def __init__(
        self, errors: dict[str, list[str]], *, lines: dict[str, int] | None = None
    ) -> None:
        self.errors = errors
        self.lines = lines or {}
        super().__init__(self.summary())

    def summary(self) -> str:
        return "\n".join(self.messages())

    def messages(self) -> list[str]:
        """One line per reason: "line 12: fit_rules[3].field: unknown field …"."""
        out: list[str] = []
        for path, reasons in self.errors.items():
            where = "" if path == "__all__" else f"{path}: "
            line = self.lines.get(path)
            prefix = f"line {line}: " if line is not None else ""
            out.extend(f"{prefix}{where}{reason}" for reason in reasons)
        return out


class ErrorCollector:
    """Gathers reasons by path while a definition is read, so one pass reports them all."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, reason: str) -> None:
        self.errors.setdefault(path or "__all__", []).append(reason)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DefinitionError(self.errors)
