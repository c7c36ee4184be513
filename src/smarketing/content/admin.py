from django.contrib import admin

from smarketing.content.models import ContentAsset


@admin.register(ContentAsset)
class ContentAssetAdmin(admin.ModelAdmin):
    list_display = ["title", "asset_type", "funnel_stage", "url"]
    list_filter = ["asset_type", "funnel_stage"]
    search_fields = ["title", "url"]
