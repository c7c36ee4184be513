"""PostgreSQL: the unique (contact, group) index of the current scores also carries each row's
version and engagement, so an account's engagement (the sum over its contacts, read on every
event batch) is an index-only scan instead of a visit to each contact's wide row (its
explanation). Every update of a score already writes a new entry in each index (the total is
indexed), so the wider entry costs no extra write. SQLite cannot include columns in an index;
it reads the rows, which costs it less."""

from django.db import migrations

TABLE = "scoring_currentcontactscore"


def _replace(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE UNIQUE INDEX current_score_once_new ON {TABLE} (contact_id, "group") {include}'
    )
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT current_score_once")
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT current_score_once "
        "UNIQUE USING INDEX current_score_once_new"
    )


def forwards(apps, schema_editor):
    _replace(schema_editor, "INCLUDE (version, engagement)")


def backwards(apps, schema_editor):
    _replace(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("scoring", "0005_current_score_contact_index")]

    operations = [migrations.RunPython(forwards, backwards)]
