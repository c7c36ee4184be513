from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "smarketing.people"
    label = "people"
