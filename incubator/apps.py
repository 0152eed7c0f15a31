from django.apps import AppConfig


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = "Incubator"
