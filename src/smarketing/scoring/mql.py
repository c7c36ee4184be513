"""How an MQL made by the scoring engine is recorded in the lifecycle history."""

from __future__ import annotations

from smarketing.lifecycle.stages import Stage
from smarketing.scoring.rules import MqlCriterion

# Stages from which meeting the MQL criteria moves a contact to MQL at once. Anyone further on
# (or disqualified) is left where sales put them.
PROMOTABLE: frozenset[str] = frozenset(
    {"", Stage.SUBSCRIBER.value, Stage.LEAD.value, Stage.RECYCLED.value}
)


def mql_by_rule(*, version: int, criterion: MqlCriterion) -> str:
    """The `by_rule` of the transition: the definition version and the criterion it met, e.g.
    "definition v2: fit ≥ 20 and engagement ≥ 30"."""
    return f"definition v{version}: {criterion.describe()}"
