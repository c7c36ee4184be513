from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "smarketing.lifecycle"
    label = "lifecycle"
