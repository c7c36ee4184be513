from django.apps import AppConfig


class HandoffConfig(AppConfig):
    name = "smarketing.handoff"
    label = "handoff"
