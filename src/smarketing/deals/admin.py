from django.contrib import admin

from smarketing.deals.models import Deal


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "amount", "currency", "stage", "close_date", "owner"]
    list_filter = ["stage", "loss_reason"]
    search_fields = ["name", "external_id", "account__name"]
    raw_id_fields = ["account", "primary_contact", "owner"]
