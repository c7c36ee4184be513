"""The reasons sales gives most when it turns an MQL down, so the handoff's shared reason list
holds "too small", "student", "competitor", "no budget", "wrong contact" and "duplicate" as
reject reasons (no-budget and duplicate were seeded by 0003)."""

from django.db import migrations

REASONS = [
    ("reject", "too-small", "Company too small"),
    ("reject", "student", "Student, job seeker or researcher"),
    ("reject", "competitor", "Competitor or vendor"),
    ("reject", "wrong-contact", "Wrong contact (not the person who buys)"),
    ("disqualify", "too-small", "Company too small for us, now and later"),
]


def seed(apps, schema_editor):
    reason = apps.get_model("lifecycle", "TransitionReason")
    for kind, code, label in REASONS:
        reason.objects.get_or_create(kind=kind, code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0003_default_reasons")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
