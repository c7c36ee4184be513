from django.contrib import admin

from smarketing.lifecycle.models import StageTransition, TransitionReason


@admin.register(TransitionReason)
class TransitionReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "code", "active"]
    list_filter = ["kind", "active"]


@admin.register(StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    """Read-only: history rows are never edited."""

    list_display = ["contact", "from_stage", "to_stage", "at", "by_user", "by_rule", "reason"]
    list_filter = ["to_stage"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
