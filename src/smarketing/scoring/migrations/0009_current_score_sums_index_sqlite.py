"""SQLite: an index of the current scores by (contact, group) that also holds each row's version
and engagement, so an account's engagement (the sum over its contacts, read on every event
batch) is read from the index instead of from each contact's wide row (its explanation): a
batch's account sums in 40% of the time. SQLite cannot add columns to the unique index, as
PostgreSQL does (0006), so this is an index of its own, written with every score; its key
starts with the contact, so an update rewrites its entry in place. PostgreSQL: nothing."""

from django.db import migrations

TABLE = "scoring_currentcontactscore"
INDEX = "current_score_sums"  # dropped by 0010


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        # Quoted as Django writes its own indexes.
        schema_editor.execute(
            f'CREATE INDEX "{INDEX}" ON "{TABLE}" ("contact_id", "group", "version", "engagement")'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("scoring", "0008_current_account_score_index")]

    operations = [migrations.RunPython(forwards, backwards)]
