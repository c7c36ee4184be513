"""Hypothesis strategies for definitions, contacts and touchpoints, and small example helpers,
shared by the rule tests; and the check that every definition the strategies make is valid and
survives the plain-data form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from smarketing.scoring.rules import (
    FIELDS,
    AccountFacts,
    AccountSettings,
    Conditions,
    ContactFacts,
    Definition,
    EngagementRule,
    FieldType,
    FitRule,
    GradeBands,
    MqlCriterion,
    Operator,
    ScoreGroup,
    SqlItem,
    TouchpointFacts,
    default_definition,
    definition_from_dict,
    definition_to_dict,
    score_contact,
)
from smarketing.scoring.rules.catalogue import CHANNEL_VALUES, FUNNEL_STAGES, OPERATORS

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)

# Small value sets, so generated rules and generated facts meet often.
WORDS = ["alpha", "Beta", "student", "VP Sales", "de", "US", "director", "cxo", "x y"]
PATHS = ["/pricing", "/pricing/plans", "/careers", "/blog/a", "/", "/Docs/API"]
FORMS = ["demo-request", "Newsletter", "contact"]
KINDS = ["page_view", "form", "email_click", "webinar_attended", "unsubscribe"]

labels = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=24,
).filter(lambda s: bool(s.strip()))
texts = st.sampled_from(WORDS) | labels
numbers = st.integers(-1000, 1000) | st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.integers(1, 500) | st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False)
points = st.integers(-60, 60) | st.floats(-60, 60, allow_nan=False, allow_infinity=False)


def _tuple(values: st.SearchStrategy[object], **kwargs: int) -> st.SearchStrategy[tuple]:
    return st.lists(values, unique=True, **kwargs).map(tuple)


@st.composite
def fit_rules(draw: st.DrawFn, rule_id: str) -> FitRule:
    field = draw(st.sampled_from(sorted(FIELDS)))
    type_ = FIELDS[field].type
    operator = draw(st.sampled_from(OPERATORS[type_]))
    value: object = None
    low = high = None
    scalar = {FieldType.TEXT: texts, FieldType.NUMBER: numbers, FieldType.BOOLEAN: st.booleans()}
    if operator in (Operator.IN, Operator.NOT_IN):
        value = draw(_tuple(scalar[type_], min_size=1, max_size=4))
    elif operator is Operator.RANGE:
        low, high = sorted(
            draw(st.lists(st.integers(0, 2000), min_size=2, max_size=2, unique=True))
        )
        which = draw(st.sampled_from(["both", "min", "max"]))
        low, high = (None if which == "max" else low), (None if which == "min" else high)
    elif operator not in (Operator.IS_EMPTY, Operator.NOT_EMPTY):
        value = draw(scalar[type_])
    return FitRule(rule_id, draw(labels), field, operator, draw(points), value, low, high)


conditions = st.builds(
    Conditions,
    kind=_tuple(st.sampled_from(KINDS), max_size=2),
    channel=_tuple(st.sampled_from(CHANNEL_VALUES), max_size=2),
    path=_tuple(st.sampled_from(["/pricing*", "/careers*", "*/api", "/blog/?"]), max_size=2),
    form=_tuple(st.sampled_from(["*demo*", "newsletter", "contact"]), max_size=1),
    funnel_stage=_tuple(st.sampled_from(FUNNEL_STAGES), max_size=2),
    campaign=_tuple(st.sampled_from(["spring*", "Fall"]), max_size=1),
    event=_tuple(st.sampled_from(["Trial Started", "signup*"]), max_size=1),
    high_intent=st.none() | st.booleans(),
    properties=st.dictionaries(
        st.sampled_from(["plan", "seats"]),
        st.sampled_from(["pro", "Enterprise"]) | st.integers(1, 3) | st.booleans(),
        max_size=2,
    ).map(lambda d: tuple(d.items())),
)


@st.composite
def engagement_rules(draw: st.DrawFn, rule_id: str) -> EngagementRule:
    return EngagementRule(
        rule_id,
        draw(labels),
        draw(conditions),
        draw(points),
        draw(st.none() | positive),
        draw(st.none() | positive),
    )


@st.composite
def criteria(draw: st.DrawFn) -> MqlCriterion:
    keys = draw(st.sets(st.sampled_from(["fit", "engagement", "total", "predicted"]), min_size=1))
    values = {k: draw(st.floats(0, 1) if k == "predicted" else st.integers(-20, 120)) for k in keys}
    return MqlCriterion(**values)


@st.composite
def definitions(draw: st.DrawFn, max_rules: int = 6) -> Definition:
    counter = iter(range(1000))

    def next_id() -> str:
        return f"{draw(st.sampled_from(['r', 'rule', 'x-y', 'a_b']))}-{next(counter)}"

    fit = [draw(fit_rules(next_id())) for _ in range(draw(st.integers(0, max_rules)))]
    default = [draw(engagement_rules(next_id())) for _ in range(draw(st.integers(0, max_rules)))]
    groups = tuple(
        ScoreGroup(
            f"line-{g}",
            draw(labels),
            tuple(draw(engagement_rules(next_id())) for _ in range(draw(st.integers(0, 3)))),
        )
        for g in range(draw(st.integers(0, 2)))
    )
    bands = [sorted(draw(st.lists(numbers, min_size=3, max_size=3, unique=True)), reverse=True)]
    more = sorted(draw(st.lists(numbers, min_size=3, max_size=3, unique=True)), reverse=True)
    sql = draw(st.lists(st.sampled_from(["budget", "authority", "need", "timing"]), unique=True))
    return Definition(
        name=draw(st.just("") | labels),
        fit_rules=tuple(fit),
        engagement_rules=tuple(default),
        groups=groups,
        decay_half_life_days=draw(st.none() | positive),
        mql=tuple(draw(st.lists(criteria(), min_size=1, max_size=3))),
        grades=GradeBands(fit=tuple(bands[0]), engagement=tuple(more)),  # type: ignore[arg-type]
        sql_checklist=tuple(SqlItem(s, s.capitalize()) for s in sql),
        account=AccountSettings(engagement_cap=draw(st.none() | positive)),
    )


accounts = st.builds(
    AccountFacts,
    account_id=st.integers(1, 5),
    employees=st.none() | st.integers(0, 2000),
    annual_revenue=st.none() | st.floats(0, 1e8),
    industry=st.sampled_from(["", *WORDS]),
    country=st.sampled_from(["", "US", "DE"]),
)
contacts = st.builds(
    ContactFacts,
    contact_id=st.integers(1, 10_000),
    email_domain=st.sampled_from(["", "acme.com", "gmail.com"]),
    is_freemail=st.booleans(),
    title=st.sampled_from(["", *WORDS, "Student assistant", "Head of Data"]),
    seniority=st.sampled_from(["", "manager", "director", "vp", "cxo"]),
    country=st.sampled_from(["", "US", "de", "FR"]),
    source_channel=st.sampled_from(["", *CHANNEL_VALUES[:3]]),
    lifecycle_stage=st.sampled_from(["", "lead", "mql"]),
    account=st.none() | accounts,
)
touchpoints = st.builds(
    TouchpointFacts,
    occurred_at=st.floats(-5, 400).map(lambda days: NOW - timedelta(days=days)),
    kind=st.sampled_from(KINDS),
    channel=st.sampled_from(CHANNEL_VALUES),
    path=st.sampled_from(["", *PATHS]),
    form=st.sampled_from(["", *FORMS]),
    funnel_stage=st.sampled_from(["", *FUNNEL_STAGES]),
    high_intent=st.booleans(),
    campaign=st.sampled_from(["", "Spring launch", "fall"]),
    event=st.sampled_from(["", "Trial Started", "signup_done"]),
    properties=st.dictionaries(
        st.sampled_from(["plan", "seats", "other"]),
        st.sampled_from(["pro", "enterprise", 1, 2, True, [1]]),
        max_size=2,
    ),
)


# Example helpers


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def tp(kind: str, days: float = 0, **fields: object) -> TouchpointFacts:
    return TouchpointFacts(occurred_at=ago(days), kind=kind, **fields)  # type: ignore[arg-type]


def person(**fields: object) -> ContactFacts:
    return ContactFacts(contact_id=int(fields.pop("contact_id", 1)), **fields)  # type: ignore[arg-type]


def score(contact, touchpoints=(), definition=None, predicted=None):
    return score_contact(
        definition=definition or default_definition(),
        contact=contact,
        touchpoints=list(touchpoints),
        now=NOW,
        predicted=predicted,
    )


def rows(group) -> list[tuple[str, float, int]]:
    return [(r.rule_id, r.points, r.occurrences) for r in group.explanation]


@given(definitions())
def test_generated_definitions_are_valid_and_survive_plain_data(definition: Definition) -> None:
    assert definition_from_dict(definition_to_dict(definition)) == definition
