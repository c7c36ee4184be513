"""Stored explanations become JSON text of a [rule id, points, occurrences] list per row, the
rules' labels and kinds left to the definition: written in full, with a JSON column the
database parses, they were two thirds of a score row's bytes and of the time to write one
(refresh.explanation_json). Existing rows are rewritten in the new form: on PostgreSQL by one
UPDATE while the column is still jsonb, on SQLite (whose JSON functions cannot keep the rows in
order) a chunk at a time here. Going back puts each row's label and kind back from the
definition version it was computed under."""

import json

from django.db import migrations, models

TABLES = ("scoring_currentcontactscore", "scoring_currentaccountscore")
CHUNK = 5_000
HELP = (
    "The rules that gave the points, as JSON text: a [rule id, points, occurrences] list per "
    "rule, labels as the version's definition gives them (refresh.explanation_rows)."
)


def _rows_rewrite(schema_editor, table, convert) -> None:
    """Each row's explanation through `convert(version, rows)`, a chunk of rows at a time."""
    connection = schema_editor.connection
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, version, explanation FROM {table} WHERE id > %s ORDER BY id LIMIT %s",
                [last, CHUNK],
            )
            found = cursor.fetchall()
            if not found:
                return
            changed = []
            for pk, version, text in found:
                rows = json.loads(text) if isinstance(text, str) else text
                changed.append([json.dumps(convert(version, rows), separators=(",", ":")), pk])
            cursor.executemany(f"UPDATE {table} SET explanation = %s{cast} WHERE id = %s", changed)
            last = found[-1][0]


def to_compact(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"UPDATE {table} SET explanation = (SELECT coalesce(jsonb_agg(jsonb_build_array("
                "e->'rule', e->'points', e->'occurrences') ORDER BY n), '[]'::jsonb) "
                "FROM jsonb_array_elements(explanation) WITH ORDINALITY AS x(e, n))"
            )
        return

    def compact(version, rows):
        return [[r["rule"], r["points"], r["occurrences"]] for r in rows]

    for table in TABLES:
        _rows_rewrite(schema_editor, table, compact)


def to_full(apps, schema_editor):
    from smarketing.scoring import rules

    versions = apps.get_model("scoring", "DefinitionVersion").objects.all()
    known: dict[int, dict[str, tuple[str, str]]] = {}
    for version in versions:
        definition = rules.load(version.text)
        labels = {r.id: (r.label, "fit") for r in definition.fit_rules}
        for group in definition.score_groups():
            labels.update((r.id, (r.label, "engagement")) for r in group.engagement_rules)
        known[version.number] = labels

    def full(version, rows):
        labels = known.get(version, {})
        found = []
        for rule_id, points, occurrences in rows:
            # A rule its version does not have (there should be none): named by its id.
            label, kind = labels.get(rule_id, (rule_id, "engagement"))
            found.append(
                {
                    "rule": rule_id,
                    "label": label,
                    "points": points,
                    "occurrences": occurrences,
                    "kind": kind,
                }
            )
        return found

    for table in TABLES:
        _rows_rewrite(schema_editor, table, full)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0010_current_score_account"),
    ]

    operations = [
        migrations.RunPython(to_compact, to_full),
        migrations.AlterField(
            model_name="currentaccountscore",
            name="explanation",
            field=models.TextField(default="[]", help_text=HELP),
        ),
        migrations.AlterField(
            model_name="currentcontactscore",
            name="explanation",
            field=models.TextField(default="[]", help_text=HELP),
        ),
    ]
