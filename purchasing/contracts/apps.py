from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    """Service purchasing (签约服务): buyers and their budget lines, NGOs' offers, buyers'
    needs and quotes, contracts and their amendments."""

    name = "purchasing.contracts"
    label = "purchasing"
    verbose_name = _("Service purchasing")
