from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "smarketing.org"
    label = "org"
    verbose_name = "Organisation"
