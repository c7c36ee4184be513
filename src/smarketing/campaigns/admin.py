from django.contrib import admin

from smarketing.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "channel",
        "utm_campaign",
        "start_date",
        "end_date",
        "cost",
        "owner",
    ]
    raw_id_fields = ["owner"]
    list_filter = ["channel"]
    search_fields = ["name", "utm_campaign"]
