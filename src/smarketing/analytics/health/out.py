"""Alignment health as plain dicts: the API's answer and `smarketing health --format json`."""

from __future__ import annotations

from typing import Any

from smarketing.analytics.health.report import Health
from smarketing.analytics.health.trend import statement


def health_out(health: Health) -> dict[str, Any]:
    return {
        "months": health.months,
        "metrics": [
            {
                "key": m.key,
                "label": m.label,
                "statement": statement(m),
                "months": [
                    {
                        "month": month.label,
                        "numerator": month.numerator,
                        "denominator": month.denominator,
                        "rate": month.rate,
                        "complete": month.complete,
                    }
                    for month in m.months
                ],
            }
            for m in health.metrics
        ],
    }
