"""Checked reading of plain data (what YAML or JSON give): each reader returns the value or None
and records what was wrong under the value's path, so one pass finds every mistake."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from smarketing.scoring.rules.errors import ErrorCollector

_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_MARKS = re.compile(r"[\u0300-\u036f]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
ID_RULE = "1–64 lower-case letters, digits, '-' or '_', starting with a letter or digit"


def join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def slug(label: str) -> str:
    """The id derived from a label: "Webinar attended (live)" → "webinar-attended-live"."""
    folded = _MARKS.sub("", unicodedata.normalize("NFKD", label).lower())
    return _NOT_SLUG.sub("-", folded).strip("-")[:64].rstrip("-")


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Reader:
    def __init__(self) -> None:
        self.err = ErrorCollector()

    def mapping(
        self, raw: object, path: str, keys: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, object] | None:
        """`raw` as a mapping; unknown keys and missing required keys are reported."""
        if not isinstance(raw, dict):
            self.err.add(path, f"expected a mapping with the keys {', '.join(keys)}")
            return None
        for key in raw:
            if key not in keys:
                self.err.add(join(path, key), f"unknown key (known: {', '.join(keys)})")
        for key in required:
            if key not in raw:
                self.err.add(path, f"missing key {key!r}")
        return {str(k): v for k, v in raw.items() if k in keys}

    def items(self, raw: object, path: str) -> list[object] | None:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.err.add(path, "expected a list")
            return None
        return raw

    def text(self, raw: object, path: str) -> str | None:
        """Non-blank text, kept exactly as written."""
        if not isinstance(raw, str):
            hint = " (write it in quotes)" if is_number(raw) or isinstance(raw, bool) else ""
            self.err.add(path, f"expected text, got {raw!r}{hint}")
            return None
        if not raw.strip():
            self.err.add(path, "must not be blank")
            return None
        return raw

    def texts(self, raw: object, path: str) -> tuple[str, ...] | None:
        """One text or a non-empty list of them."""
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            self.err.add(path, "expected at least one value")
            return None
        found = [
            self.text(v, f"{path}[{i}]" if raw is values else path) for i, v in enumerate(values)
        ]
        return tuple(v for v in found if v is not None) if None not in found else None

    def choices(
        self, raw: object, path: str, known: Sequence[str], what: str
    ) -> tuple[str, ...] | None:
        values = self.texts(raw, path)
        if values is None:
            return None
        wrong = [v for v in values if v not in known]
        for value in wrong:
            self.err.add(path, f"unknown {what} {value!r} (known: {', '.join(known)})")
        return None if wrong else values

    def number(
        self,
        raw: object,
        path: str,
        *,
        positive: bool = False,
        unit: tuple[float, float] | None = None,
    ) -> float | None:
        """A finite number, kept as written (an int stays an int)."""
        if not is_number(raw):
            self.err.add(path, f"expected a number, got {raw!r}")
            return None
        assert isinstance(raw, int | float)
        if not math.isfinite(raw):
            self.err.add(path, "must be a finite number")
            return None
        if positive and raw <= 0:
            self.err.add(path, "must be greater than 0")
            return None
        if unit is not None and not unit[0] <= raw <= unit[1]:
            self.err.add(path, f"must be between {unit[0]:g} and {unit[1]:g}")
            return None
        return raw

    def optional_number(self, m: dict[str, object], key: str, path: str) -> float | None:
        """A positive number, or None when the key is absent or null."""
        raw = m.get(key)
        return None if raw is None else self.number(raw, join(path, key), positive=True)

    def boolean(self, raw: object, path: str) -> bool | None:
        if not isinstance(raw, bool):
            self.err.add(path, f"expected true or false, got {raw!r}")
            return None
        return raw

    def ident(self, raw: object, path: str) -> str | None:
        if not isinstance(raw, str) or not _ID.fullmatch(raw):
            self.err.add(path, f"invalid id {raw!r}: ids are {ID_RULE}")
            return None
        return raw

    def id_or_slug(self, m: dict[str, object], label: str | None, path: str) -> str | None:
        """The given id, else the slug of the label."""
        if "id" in m:
            return self.ident(m["id"], join(path, "id"))
        if label is None:
            return None
        derived = slug(label)
        if not derived:
            self.err.add(path, f"no id can be made from the label {label!r}: give an 'id'")
            return None
        return derived
