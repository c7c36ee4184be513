"""The reason list a new installation starts with; teams edit it afterwards."""

from django.db import migrations

DEFAULT_REASONS = [
    ("recycle", "no-response", "No response after the agreed cadence"),
    ("recycle", "not-ready", "Interested, but not ready to buy yet"),
    ("recycle", "timing", "Buying later (budget cycle, project timing)"),
    ("disqualify", "no-fit", "Company does not fit our customer profile"),
    ("disqualify", "student", "Student, job seeker or researcher"),
    ("disqualify", "competitor", "Competitor or vendor"),
    ("disqualify", "bad-data", "Fake or unreachable contact details"),
    ("reject", "not-decision-maker", "Not a decision maker and no path to one"),
    ("reject", "no-need", "No need for what we sell"),
    ("reject", "no-budget", "No budget"),
    ("reject", "duplicate", "Duplicate of a lead sales already works"),
]


def seed(apps, schema_editor):
    reason = apps.get_model("lifecycle", "TransitionReason")
    for kind, code, label in DEFAULT_REASONS:
        reason.objects.get_or_create(kind=kind, code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
