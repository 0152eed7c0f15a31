from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The open REST API under /api/v1/ and its personal access tokens."""

    name = "api"
    verbose_name = _("API")
