"""The rule-scoring engine: the qualification definition (fit and engagement rules, decay, MQL
criteria, grades, SQL checklist, account settings), its YAML file format, scoring with
explanations, and the diff shown at sign-off. Plain Python, no Django: the database layer turns
rows into facts and stores the results."""

from smarketing.scoring.rules.catalogue import FIELDS, FieldType, Operator
from smarketing.scoring.rules.defaults import default_definition, default_yaml
from smarketing.scoring.rules.diff import Action, Change, FieldChange, definition_diff
from smarketing.scoring.rules.errors import DefinitionError
from smarketing.scoring.rules.evaluate import (
    Scorer,
    score_account,
    score_contact,
    score_many,
    scorer_for,
)
from smarketing.scoring.rules.facts import (
    AccountFacts,
    ContactFacts,
    TouchpointFacts,
    TouchpointLike,
)
from smarketing.scoring.rules.model import (
    AccountSettings,
    Conditions,
    Definition,
    EngagementRule,
    FitRule,
    GradeBands,
    MqlCriterion,
    ScoreGroup,
    SqlItem,
)
from smarketing.scoring.rules.results import (
    AccountGroupScore,
    AccountScore,
    ExplanationRow,
    GroupScore,
    RowKind,
    ScoreResult,
)
from smarketing.scoring.rules.schema import definition_from_dict
from smarketing.scoring.rules.serialize import definition_to_dict
from smarketing.scoring.rules.yaml_format import dump, load

__all__ = [
    "FIELDS",
    "AccountFacts",
    "AccountGroupScore",
    "AccountScore",
    "AccountSettings",
    "Action",
    "Change",
    "Conditions",
    "ContactFacts",
    "Definition",
    "DefinitionError",
    "EngagementRule",
    "ExplanationRow",
    "FieldChange",
    "FieldType",
    "FitRule",
    "GradeBands",
    "GroupScore",
    "MqlCriterion",
    "Operator",
    "RowKind",
    "ScoreGroup",
    "ScoreResult",
    "Scorer",
    "SqlItem",
    "TouchpointFacts",
    "TouchpointLike",
    "default_definition",
    "default_yaml",
    "definition_diff",
    "definition_from_dict",
    "definition_to_dict",
    "dump",
    "load",
    "score_account",
    "score_contact",
    "score_many",
    "scorer_for",
]
