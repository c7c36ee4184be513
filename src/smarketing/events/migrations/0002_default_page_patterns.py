"""High-intent pages a new installation starts with; admins edit them afterwards."""

from django.db import migrations

DEFAULT_PATTERNS = [
    ("/pricing*", "Pricing"),
    ("*/demo*", "Demo request"),
    ("*/contact-sales*", "Contact sales"),
    ("*/trial*", "Free trial"),
    ("*/quote*", "Request a quote"),
]


def seed(apps, schema_editor):
    pattern = apps.get_model("events", "PagePattern")
    for glob, label in DEFAULT_PATTERNS:
        pattern.objects.get_or_create(pattern=glob, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("events", "0001_events_identities_touchpoints")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
