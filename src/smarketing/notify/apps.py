from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "smarketing.notify"
    verbose_name = "Notifications"
