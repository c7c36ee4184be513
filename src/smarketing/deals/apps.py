from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "smarketing.deals"
    label = "deals"
