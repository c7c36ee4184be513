"""Migration scoring 0013 keys the contacts' current scores by (contact, group) instead of an
id: every row and value survives both ways, and the new key refuses a second row for a
contact and group as the unique constraint did."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from smarketing.scoring.models import CurrentContactScore
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("scoring", "0012_score_total_indexes_dropped")]
COLUMNS = 'contact_id, account_id, "group", version, fit, engagement, total, grade, explanation'


def _migrate(target: list[tuple[str, str]] | None) -> None:
    """To `target`, or (None) to the latest migrations, where every other test runs."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target or executor.loader.graph.leaf_nodes())


def _insert(contact_id: int, group: str, total: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO scoring_currentcontactscore ({COLUMNS}, is_mql, mql_reason, "
            "computed_at) VALUES (%s, NULL, %s, 3, 20, %s, %s, 'B3', '[]', false, '', "
            "CURRENT_TIMESTAMP)",
            [contact_id, group, total - 20, total],
        )


def _rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM scoring_currentcontactscore ORDER BY 1, 3")
        return cursor.fetchall()


def _refused_again(contact_id: int) -> bool:
    try:
        with transaction.atomic():
            _insert(contact_id, "default", 1)
    except IntegrityError:
        return True
    return False


def test_scores_keep_their_rows_and_their_key_both_ways():
    first, second = ContactFactory(), ContactFactory()
    try:
        _migrate(BEFORE)
        _insert(first.pk, "default", 41)
        _insert(first.pk, "enterprise", 12.5)
        _insert(second.pk, "default", -7)
        before = _rows()

        _migrate(None)
        assert _rows() == before
        assert _refused_again(first.pk)
        stored = CurrentContactScore.objects.get(contact=first, group="enterprise")
        assert stored.pk == (first.pk, "enterprise") and stored.total == 12.5
        # A new row needs no id.
        _insert(second.pk, "enterprise", 3)

        _migrate(BEFORE)
        assert _rows() == sorted(
            [*before, (second.pk, None, "enterprise", 3, 20, -17, 3, "B3", "[]")]
        )
        assert _refused_again(second.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT id) FROM scoring_currentcontactscore")
            assert cursor.fetchone()[0] == 4
    finally:
        _migrate(None)
