from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "smarketing.handoff.sla"
    label = "sla"
    verbose_name = "SLA"
