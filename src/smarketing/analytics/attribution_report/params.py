"""What an attribution run is computed over: the window, the level, what counts as a channel,
the lookback and the models' parameters.

One parser for the page, the API and the CLI: every value arrives as text under the same name
(`from`, `until`, `level`, `by`, `lookback`, `order`, `half_life`) and every mistake is an
InvalidInput naming that name.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from smarketing.analytics.attribution.heuristics import DEFAULT_HALF_LIFE_DAYS
from smarketing.analytics.attribution.markov import MAX_ORDER
from smarketing.analytics.funnel.filters import window_parse
from smarketing.errors import Errors, InvalidInput

FIELDS = ("from", "until", "level", "by", "lookback", "order", "half_life")
DEFAULT_LOOKBACK_DAYS = 90
MAX_LOOKBACK_DAYS = 730


class Level(StrEnum):
    CONTACT = "contact"  # the won deal's primary contact's touches
    ACCOUNT = "account"  # the touches of every contact of the deal's account


class By(StrEnum):
    CHANNEL = "channel"  # a touch counts for its channel
    CAMPAIGN = "campaign"  # a touch counts for its campaign (else its channel, "no campaign")


@dataclass(frozen=True)
class AttributionParams:
    """Deals won in [since, until) are the conversions; touches count back `lookback_days`
    from each journey's end."""

    since: dt.datetime
    until: dt.datetime
    level: Level = Level.CONTACT
    by: By = By.CHANNEL
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    order: int = 1
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS

    @property
    def lookback(self) -> dt.timedelta:
        return dt.timedelta(days=self.lookback_days)

    def params(self) -> dict[str, str]:
        """As query parameters, under the names `params_parse` reads."""
        return {
            "from": f"{self.since:%Y-%m-%d}",
            "until": f"{self.until:%Y-%m-%d}",
            "level": self.level.value,
            "by": self.by.value,
            "lookback": str(self.lookback_days),
            "order": str(self.order),
            "half_life": f"{self.half_life_days:g}",
        }

    @property
    def key(self) -> str:
        """The stored result's key: equal parameters, equal key."""
        return urlencode(self.params())

    def as_dict(self) -> dict[str, Any]:
        """For the API and the stored run: typed values, not text."""
        return {
            "from": self.since.date().isoformat(),
            "until": self.until.date().isoformat(),
            "level": self.level.value,
            "by": self.by.value,
            "lookback": self.lookback_days,
            "order": self.order,
            "half_life": self.half_life_days,
        }


def _choice(raw: str, kind: type[StrEnum], name: str) -> Any:
    try:
        return kind(raw.strip().lower() or next(iter(kind)).value)
    except ValueError:
        known = ", ".join(k.value for k in kind)
        raise InvalidInput(f"must be one of {known}, not {raw!r}", field=name) from None


def _integer(raw: str, *, name: str, default: int, low: int, high: int) -> int:
    if not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"must be a whole number, not {raw!r}", field=name) from None
    if not low <= value <= high:
        raise InvalidInput(f"must be from {low} to {high}, not {value}", field=name)
    return value


def _half_life(raw: str) -> float:
    if not raw.strip():
        return DEFAULT_HALF_LIFE_DAYS
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"must be a number of days, not {raw!r}", field="half_life") from None
    if not (math.isfinite(value) and value > 0):
        raise InvalidInput(f"must be a positive number of days, not {raw}", field="half_life")
    return value


def params_parse(params: Mapping[str, Any], *, today: dt.date) -> AttributionParams:
    """Parse every value and report every mistake at once, each under its own name."""
    raw = {name: str(params.get(name) or "").strip() for name in FIELDS}
    errors = Errors()
    attempt = errors.attempt
    window = attempt(lambda: window_parse(since=raw["from"], until=raw["until"], today=today))
    level = attempt(lambda: _choice(raw["level"], Level, "level"))
    by = attempt(lambda: _choice(raw["by"], By, "by"))
    lookback = attempt(
        lambda: _integer(
            raw["lookback"],
            name="lookback",
            default=DEFAULT_LOOKBACK_DAYS,
            low=1,
            high=MAX_LOOKBACK_DAYS,
        )
    )
    order = attempt(lambda: _integer(raw["order"], name="order", default=1, low=1, high=MAX_ORDER))
    half_life = attempt(lambda: _half_life(raw["half_life"]))
    errors.raise_any()
    # Their parsers return a value or raise, so these are set once no error was kept.
    assert not (window is None or level is None or by is None)
    if lookback is None or order is None or half_life is None:
        raise InvalidInput(errors)
    return AttributionParams(
        since=window[0],
        until=window[1],
        level=level,
        by=by,
        lookback_days=lookback,
        order=order,
        half_life_days=half_life,
    )
