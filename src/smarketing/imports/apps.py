from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "smarketing.imports"
    label = "imports"
    verbose_name = "CSV import"
