from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from smarketing.org.models import ApiToken, Team, User
from smarketing.org.services import user_deactivate


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

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        # Unticking "active" goes through the service, so the person's open leads are routed
        # to someone else rather than left with an owner who cannot work them.
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        if was_active and not obj.is_active:
            obj.is_active = True
            super().save_model(request, obj, form, change)
            user_deactivate(user=obj, by_user=request.user)
            return
        super().save_model(request, obj, form, change)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "timezone", "workdays", "day_start", "day_end"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["key_hint", "name", "user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "key_hint", "created_at", "last_used_at"]
