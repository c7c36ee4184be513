from django.contrib import admin

from smarketing.handoff.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["kind", "contact", "user", "occurred_at", "subject", "outcome"]
    list_filter = ["kind", "outcome"]
    raw_id_fields = ["contact", "account", "deal", "user"]
