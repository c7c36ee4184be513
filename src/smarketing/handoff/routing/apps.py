from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "smarketing.handoff.routing"
    label = "routing"
    verbose_name = "Routing"
