from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorConfig(AppConfig):
    name = "incubator"
    verbose_name = _("Incubator")

    def ready(self):
        from accounts.dashboard import register, register_tasks
        from core.identifiers import register_uscc_holder
        from core.invitations import register_accept_on_login
        from incubator import signals
        from incubator.dashboard import incubator_tasks, organisation_links
        from incubator.models import Organisation

        register(organisation_links)
        register_tasks(incubator_tasks)
        # An invitee who signs in or signs up from an invitation page joins at once.
        register_accept_on_login(session_key=signals.INVITATION_SESSION_KEY, accept=signals.accept_pending_invitation)
        # Every stored USCC is checked (manage.py check_identifiers).
        register_uscc_holder(Organisation)

        # How its audit events read, and the History pages staff may open (core.audit, core.history).
        from incubator.audit_labels import register_audit

        register_audit()

        # Officers import organisations from a bureau's roster (core.bulk_import).
        from core.bulk_import.registry import register_importer
        from incubator.imports import OrganisationImporter

        register_importer(OrganisationImporter())
