from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self):
        from accounts import dashboard
        from grants.dashboard import grant_links

        dashboard.register(grant_links)
