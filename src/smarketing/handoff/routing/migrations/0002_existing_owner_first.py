"""A new install routes an MQL to its existing owner first; the fallback takes the rest."""

from django.db import migrations
from django.utils import timezone


def existing_owner_rule(apps, schema_editor):
    RoutingRule = apps.get_model("routing", "RoutingRule")
    if not RoutingRule.objects.exists():
        RoutingRule.objects.create(
            name="Existing owner", kind="owner", position=1, updated_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("routing", "0001_initial")]

    operations = [migrations.RunPython(existing_owner_rule, migrations.RunPython.noop)]
