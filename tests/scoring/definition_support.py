"""Definition texts for the sign-off tests: the shipped default and a stricter change of it."""

from __future__ import annotations

import dataclasses

from smarketing.scoring import rules

BROKEN_YAML = "format: 1\nmql:\n  - fit: 20\n   total: 80\n"


def stricter_yaml(points: float = -40) -> str:
    """The default with fewer points for companies under 10 employees."""
    default = rules.default_definition()
    fit = tuple(
        dataclasses.replace(r, points=points) if r.id == "employees-under-10" else r
        for r in default.fit_rules
    )
    return rules.dump(dataclasses.replace(default, fit_rules=fit))
