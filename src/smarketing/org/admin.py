from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from smarketing.org.models import ApiToken, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name", "role", "team"]}),
        ("Status", {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "role", "team", "password1", "password2"]})]
    filter_horizontal: list[str] = []


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "timezone", "workdays", "day_start", "day_end"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key_hint", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "key_hint", "created_at", "last_used_at"]
