"""Migration scoring 0011 rewrites the stored explanations from rows with labels and kinds to
[rule, points, occurrences] lists, keeping every number exactly and the rows' order, and going
back puts the labels and kinds back from each row's definition version."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from smarketing.scoring.services import definition_live
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("scoring", "0010_current_score_account")]
AFTER = [("scoring", "0011_explanation_text")]

FULL = [
    {
        "rule": "employees-50-999",
        "label": "Employees 50–999",
        "points": 20,
        "occurrences": 1,
        "kind": "fit",
    },
    {
        "rule": "demo-request",
        "label": "Demo request form",
        "points": 0.1 + 0.2,  # 0.30000000000000004: every digit must survive
        "occurrences": 2,
        "kind": "engagement",
    },
    {
        "rule": "pricing-page",
        "label": "Pricing page visit",
        "points": 2.5e-05,
        "occurrences": 3,
        "kind": "engagement",
    },
]
COMPACT = [
    ["employees-50-999", 20, 1],
    ["demo-request", 0.30000000000000004, 2],
    ["pricing-page", 2.5e-05, 3],
]


def _migrate(target: list[tuple[str, str]] | None) -> None:
    """To `target`, or (None) to the latest migrations, where every other test runs."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


def _explanations() -> list[object]:
    with connection.cursor() as cursor:
        found = []
        for table in ("scoring_currentcontactscore", "scoring_currentaccountscore"):
            cursor.execute(f"SELECT explanation FROM {table}")
            (text,) = cursor.fetchone()
            found.append(json.loads(text) if isinstance(text, str) else text)
        return found


def test_explanations_are_rewritten_both_ways():
    contact = ContactFactory()
    version = definition_live().number
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    text = json.dumps(FULL)
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO scoring_currentcontactscore (contact_id, account_id, "group", '
                "version, fit, engagement, total, grade, is_mql, mql_reason, predicted, "
                f"explanation, computed_at) VALUES (%s, %s, 'default', %s, 20, 1, 21, 'B3', "
                f"false, '', NULL, %s{cast}, CURRENT_TIMESTAMP)",
                [contact.pk, contact.account_id, version, text],
            )
            cursor.execute(
                'INSERT INTO scoring_currentaccountscore (account_id, "group", version, fit, '
                "engagement, total, explanation, computed_at) VALUES (%s, 'default', %s, 20, 0, "
                f"20, %s{cast}, CURRENT_TIMESTAMP)",
                [contact.account_id, version, json.dumps(FULL[:1])],
            )

        _migrate(AFTER)
        contact_rows, account_rows = _explanations()
        assert contact_rows == COMPACT and account_rows == COMPACT[:1]

        _migrate(BEFORE)
        assert _explanations() == [FULL, FULL[:1]]
    finally:
        _migrate(None)
