from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The open REST API under /api/v1/ and its personal access tokens."""

    name = "api"
    verbose_name = _("API")

    def ready(self):
        # The bearer scheme in the OpenAPI schema (drf-spectacular finds extensions on import).
        from api import authentication  # noqa: F401
        from api.audit_labels import register_audit

        register_audit()
