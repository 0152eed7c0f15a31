from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Incubator")

    def ready(self):
        from accounts.dashboard import register
        from incubator import signals  # noqa: F401
        from incubator.dashboard import organisation_links

        register(organisation_links)
