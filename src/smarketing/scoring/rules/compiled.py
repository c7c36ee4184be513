"""Rules compiled into small closures with memos, so scoring a contact is mostly dict look-ups.

Fit rules are grouped by field and their outcome memoised per field value; engagement rules are
matched once per distinct touchpoint "shape" (the values the rules look at), which repeats a
lot: most touchpoints are the same few kinds of page view, click and form."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from smarketing.scoring.rules.catalogue import ACCOUNT_PREFIX, FIELDS, FieldType, Operator
from smarketing.scoring.rules.errors import DefinitionError
from smarketing.scoring.rules.model import Conditions, EngagementRule, FitRule, Scalar

Test = Callable[[Any], bool]
# A memo is dropped when it grows past this many entries (unbounded paths, titles, ...).
MEMO_LIMIT = 65_536
_NUMBER = (int, float, Decimal)
_MISSING = object()
_POSITIVE = {
    Operator.NOT_EQUALS: Operator.EQUALS,
    Operator.NOT_IN: Operator.IN,
    Operator.NOT_CONTAINS: Operator.CONTAINS,
    Operator.NOT_EMPTY: Operator.IS_EMPTY,
}
_CHOICE_KEYS = ("kind", "channel", "funnel_stage")
_GLOB_KEYS = ("path", "form", "campaign", "event")


def _is_number(value: object) -> bool:
    return isinstance(value, _NUMBER) and not isinstance(value, bool)


def _fold(value: object) -> str | None:
    return value.strip().casefold() if isinstance(value, str) else None


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def fit_test(rule: FitRule) -> Test:
    """Whether a field value meets the rule. A `not_…` operator is the exact opposite of its
    positive form, so an empty value is "not equal", "not in" and "does not contain"."""
    spec = FIELDS.get(rule.field)
    if spec is None:
        raise DefinitionError({rule.id: [f"unknown field {rule.field!r}"]})
    positive = _POSITIVE.get(rule.operator, rule.operator)
    test = _positive_test(rule, spec.type, positive)
    if positive is rule.operator:
        return test
    return lambda value: not test(value)


def _positive_test(rule: FitRule, type_: FieldType, operator: Operator) -> Test:
    if operator is Operator.IS_EMPTY:
        return _is_empty
    if operator is Operator.RANGE:
        low, high = rule.min, rule.max
        return lambda v: _is_number(v) and (low is None or v >= low) and (high is None or v < high)
    values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
    if type_ is FieldType.TEXT:
        if operator is Operator.CONTAINS:
            needle = _fold(rule.value) or ""
            return lambda v: isinstance(v, str) and needle in v.casefold()
        folded = frozenset(_fold(v) for v in values) - {None}
        return lambda v: _fold(v) in folded
    if type_ is FieldType.NUMBER:
        numbers = frozenset(v for v in values if _is_number(v))
        return lambda v: _is_number(v) and v in numbers
    wanted = rule.value
    return lambda v: isinstance(v, bool) and v is wanted


def contact_getter(field: str) -> Callable[[Any], object]:
    """Reads a catalogue field from ContactFacts (account.* through its account, None without)."""
    if field.startswith(ACCOUNT_PREFIX):
        name = field.removeprefix(ACCOUNT_PREFIX)
        return lambda contact: getattr(contact.account, name, None)
    return attrgetter(field)


def account_getter(field: str) -> Callable[[Any], object]:
    """Reads an account.* field from AccountFacts."""
    return attrgetter(field.removeprefix(ACCOUNT_PREFIX))


class FitMatcher:
    """Which fit rules fire for a contact (or account), by index in definition order."""

    def __init__(
        self, rules: Sequence[FitRule], getter: Callable[[str], Callable[[Any], object]]
    ) -> None:
        by_field: dict[str, list[tuple[int, Test]]] = {}
        for index, rule in enumerate(rules):
            by_field.setdefault(rule.field, []).append((index, fit_test(rule)))
        self._fields = [
            (getter(field), tests, dict[Hashable, tuple[int, ...]]())
            for field, tests in by_field.items()
        ]
        self._single = len(self._fields) <= 1

    def fired(self, facts: object) -> list[int]:
        found = list(self.fired_key(facts))
        if not self._single:
            found.sort()
        return found

    def fired_key(self, facts: object) -> tuple[int, ...]:
        """The rules that fire, field by field (not sorted): a key for a memo of what follows
        from them, cheaper than `fired`."""
        found: list[int] = []
        for get, tests, memo in self._fields:
            value = get(facts)
            try:
                hit = memo.get(value)
            except TypeError:  # unhashable: not from our facts, but do not fail on it
                hit = tuple(i for i, test in tests if test(value))
            if hit is None:
                hit = tuple(i for i, test in tests if test(value))
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[value] = hit
            found.extend(hit)
        return tuple(found)


class EngagementMatcher:
    """Which engagement rules a touchpoint matches, by index.

    Memoised per touchpoint shape (the tuple of values the rules look at); a new shape is
    matched column by column, each column memoising, per value, the bit mask of the rules that
    value lets through, so even a first sight costs a few look-ups."""

    def __init__(self, rules: Sequence[EngagementRule]) -> None:
        attrs = sorted({key for rule in rules for key in _attributes(rule.when)})
        self._props = sorted({name for rule in rules for name, _ in rule.when.properties})
        # What a key is made of, in order: these touchpoint attributes, then these properties.
        # A reader that selects just them builds keys without a facts object per touchpoint.
        self.attributes: tuple[str, ...] = tuple(attrs)
        self.property_names: tuple[str, ...] = tuple(self._props)
        positions = {name: i for i, name in enumerate(attrs)}
        positions.update({f"properties.{n}": len(attrs) + i for i, n in enumerate(self._props)})
        self._get: Callable[[Any], tuple[object, ...]] = _tuple_getter(attrs)
        self._no_props = (_MISSING,) * len(self._props)
        self._no_props_key = ((object, _MISSING),) * len(self._props)
        self._everyone = (1 << len(rules)) - 1
        self._indices = range(len(rules))
        by_position: dict[int, list[tuple[int, Test]]] = {}
        for index, rule in enumerate(rules):
            for position, test in _value_tests(rule.when, positions):
                by_position.setdefault(position, []).append((index, test))
        self._columns = [
            (position, tests, self._everyone & ~_mask(i for i, _ in tests), dict[Any, int]())
            for position, tests in sorted(by_position.items())
        ]
        self._memo: dict[tuple[object, ...], tuple[int, ...]] = {}

    def key(self, touchpoint: Any) -> tuple[object, ...]:
        """The values the rules look at, in a fixed order; property values paired with their
        type, as True == 1 would otherwise share a memo entry."""
        if not self._props:
            return self._get(touchpoint)
        return self.key_of(self._get(touchpoint), touchpoint.properties)

    def key_of(
        self, values: tuple[object, ...], properties: Mapping[str, object] | None
    ) -> tuple[object, ...]:
        """The key from the `attributes`' values (in that order) and the properties."""
        if not self._props:
            return values
        if not properties:
            return values + self._no_props_key
        found = map(properties.get, self._props, self._no_props)
        return values + tuple([(type(v), v) for v in found])

    def matched(self, touchpoint: Any) -> tuple[int, ...]:
        return self.matched_key(self.key(touchpoint))

    def matched_key(self, key: tuple[object, ...]) -> tuple[int, ...]:
        """The rules a touchpoint with this `key` matches, by index."""
        try:
            hit = self._memo.get(key)
        except TypeError:  # a property value that is a list or an object
            return self._match(key)
        if hit is None:
            hit = self._match(key)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = hit
        return hit

    def _match(self, key: tuple[object, ...]) -> tuple[int, ...]:
        found = self._everyone
        for position, tests, free, memo in self._columns:
            value = key[position]
            try:
                allowed = memo.get(value)
            except TypeError:
                allowed = free | _mask(i for i, test in tests if test(value))
            if allowed is None:
                allowed = free | _mask(i for i, test in tests if test(value))
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[value] = allowed
            found &= allowed
            if not found:
                return ()
        return tuple(i for i in self._indices if found >> i & 1)


def _mask(indices: Iterable[int]) -> int:
    mask = 0
    for index in indices:
        mask |= 1 << index
    return mask


def _attributes(when: Conditions) -> list[str]:
    used = [k for k in (*_CHOICE_KEYS, *_GLOB_KEYS) if getattr(when, k)]
    return used + (["high_intent"] if when.high_intent is not None else [])


def _tuple_getter(attrs: list[str]) -> Callable[[Any], tuple[object, ...]]:
    if not attrs:
        return lambda _tp: ()
    if len(attrs) == 1:
        get = attrgetter(attrs[0])
        return lambda tp: (get(tp),)
    return attrgetter(*attrs)


def _value_tests(when: Conditions, positions: dict[str, int]) -> list[tuple[int, Test]]:
    """(position in the key, test of the value there) for each condition of a rule."""
    tests: list[tuple[int, Test]] = []
    for key in _CHOICE_KEYS:
        values = getattr(when, key)
        if values:
            tests.append((positions[key], _choice_test(frozenset(v.casefold() for v in values))))
    for key in _GLOB_KEYS:
        patterns = getattr(when, key)
        if patterns:
            tests.append((positions[key], _glob_test([p.casefold() for p in patterns])))
    if when.high_intent is not None:
        wanted = when.high_intent
        tests.append((positions["high_intent"], lambda value: bool(value) is wanted))
    for name, value in when.properties:
        tests.append((positions[f"properties.{name}"], _property_test(value)))
    return tests


def _choice_test(allowed: frozenset[str]) -> Test:
    return lambda value: isinstance(value, str) and value.casefold() in allowed


def _glob_test(patterns: list[str]) -> Test:
    exact = frozenset(p for p in patterns if not any(c in p for c in "*?["))
    globs = [p for p in patterns if p not in exact]

    def test(value: object) -> bool:
        if not isinstance(value, str):
            return False
        value = value.casefold()
        return value in exact or any(fnmatch.fnmatchcase(value, g) for g in globs)

    return test


def _property_test(wanted: Scalar) -> Test:
    """Equal to the wanted value: text without regard to case, true/false only to a boolean.
    Tests a (type, value) pair."""
    if isinstance(wanted, bool):
        return lambda pair: pair[1] is wanted
    if isinstance(wanted, str):
        folded = wanted.casefold()
        return lambda pair: isinstance(pair[1], str) and pair[1].casefold() == folded
    return lambda pair: _is_number(pair[1]) and pair[1] == wanted
