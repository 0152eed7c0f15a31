from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    """Calls and applications: the catalogue, funders, calls, applications and screening.

    The label stays "grants" so that tables, migrations and content types keep their
    names from before the app moved into grants/calls/."""

    name = "grants.calls"
    label = "grants"
    verbose_name = _("Grants")

    def ready(self):
        from accounts import dashboard
        from core.identifiers import register_uscc_holder
        from grants.calls.dashboard import call_tasks, grant_links
        from grants.calls.models import Funder

        dashboard.register(grant_links)
        dashboard.register_tasks(call_tasks)
        # Every stored USCC is checked (manage.py check_identifiers).
        register_uscc_holder(Funder)

        # How its audit events read, and the History pages staff may open (core.audit, core.history).
        from grants.calls.audit_labels import register_audit

        register_audit()
