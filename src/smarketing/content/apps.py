from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "smarketing.content"
    label = "content"
