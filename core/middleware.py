from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.middleware.locale import LocaleMiddleware

# Paths that live outside the language prefix. Django's LocaleMiddleware would turn a
# 404 there into a redirect to /en/<path> (Wagtail's catch-all makes that look valid).
UNPREFIXED = ("/admin/", "/webhooks/", "/api/", "/documents/", "/static/", "/media/", "/i18n/")


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED):
            return response
        return super().process_response(request, response)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header, with the Wagtail admin's relaxed policy under its prefixes
    (settings.CONTENT_SECURITY_POLICY_ADMIN) and the strict one everywhere else. A view
    decorated with django-csp's `@csp_override` still decides for itself.

    Wagtail renders a preview by passing a dummy request for the page's public address
    through the middleware: it gets the public policy (the page's own scripts run as
    they will when published), framable by the admin's preview panel."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if getattr(request, "is_dummy", False) or getattr(request, "is_preview", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif request.path_info.startswith(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts
