from django.contrib import admin

from smarketing.people.models import Account, Contact


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "employees", "annual_revenue", "industry", "country", "owner"]
    list_filter = ["industry", "country"]
    search_fields = ["name", "domain"]
    raw_id_fields = ["owner"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "account", "lifecycle_stage", "owner"]
    list_filter = ["lifecycle_stage", "source_channel"]
    search_fields = ["email", "first_name", "last_name"]
    raw_id_fields = ["account", "owner", "source_campaign"]
    # The stage changes only through the lifecycle service, which writes history.
    readonly_fields = ["lifecycle_stage", "lifecycle_stage_at"]
