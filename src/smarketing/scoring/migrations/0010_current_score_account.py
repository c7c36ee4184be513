"""Each current score carries its contact's account, and an index by (account, group, version)
holding the engagement, so that an account's engagement (the sum over its contacts, read on
every event batch) is a range of index entries instead of its contacts found by account and
then a probe per contact in the scores (at a million contacts, an event batch's accounts took
three times the rest of its scoring). Contacts without an account have no entry. The indexes
0006 (PostgreSQL) and 0009 (SQLite) gave the sums before are dropped: each was written with
every score."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "scoring_currentcontactscore"


def accounts_fill(apps, schema_editor):
    schema_editor.execute(
        f"UPDATE {TABLE} SET account_id = "
        "(SELECT c.account_id FROM people_contact c WHERE c.id = contact_id)"
    )


def _unique_index(schema_editor, include: str) -> None:
    """0006's replacement of the unique (contact, group) index, with or without INCLUDE."""
    schema_editor.execute(
        f'CREATE UNIQUE INDEX current_score_once_new ON {TABLE} (contact_id, "group") {include}'
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT current_score_once")
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT current_score_once "
        "UNIQUE USING INDEX current_score_once_new"
    )


def old_sums_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _unique_index(schema_editor, "")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('DROP INDEX IF EXISTS "current_score_sums"')


def old_sums_make(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _unique_index(schema_editor, "INCLUDE (version, engagement)")
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            'CREATE INDEX "current_score_sums" ON "scoring_currentcontactscore" '
            '("contact_id", "group", "version", "engagement")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_updated_at"),
        ("scoring", "0009_current_score_sums_index_sqlite"),
    ]

    operations = [
        migrations.AddField(
            model_name="currentcontactscore",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="people.account",
            ),
        ),
        migrations.RunPython(accounts_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="currentcontactscore",
            index=models.Index(
                condition=models.Q(("account__isnull", False)),
                fields=["account", "group", "version", "engagement"],
                name="current_score_account",
            ),
        ),
        migrations.RunPython(old_sums_drop, old_sums_make),
    ]
