from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Service purchasing (签约服务): buyers and their budget lines, NGOs' offers, buyers'
    needs and quotes, contracts and their amendments."""

    name = "purchasing.contracts"
    label = "purchasing"
    verbose_name = _("Service purchasing")

    def ready(self):
        from accounts import dashboard
        from core.bulk_import.registry import register_importer
        from core.identifiers import register_uscc_holder
        from core.invitations import register_accept_on_login
        from purchasing.contracts import evaluation
        from purchasing.contracts.audit_labels import register_audit
        from purchasing.contracts.dashboard import purchasing_links, purchasing_tasks
        from purchasing.contracts.imports import BuyerImporter
        from purchasing.contracts.models import Buyer
        from purchasing.contracts.services.buyers import accept_pending_invitation
        from purchasing.contracts.views import INVITATION_SESSION_KEY

        dashboard.register(purchasing_links)
        dashboard.register_tasks(purchasing_tasks)
        # Every stored USCC is checked (manage.py check_identifiers).
        register_uscc_holder(Buyer)
        # An invitee who signs in or signs up from a buyer invitation page joins at once.
        register_accept_on_login(session_key=INVITATION_SESSION_KEY, accept=accept_pending_invitation)
        register_audit()
        # Contracts are evaluated by the three-party scheme (grants.awards.evaluation, kind "contract").
        evaluation.register()
        # Bulk import of buyers (core.bulk_import), for programme officers.
        register_importer(BuyerImporter())
