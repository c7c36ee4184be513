from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Closed-loop analytics: its templates live here; its data is the other apps' history."""

    name = "smarketing.analytics"
    label = "analytics"
    verbose_name = "Analytics"
