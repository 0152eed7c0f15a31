from dataclasses import asdict

from csp.constants import HEADER, SELF
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy, default_config
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Paths that live outside the language prefix. Django's LocaleMiddleware would turn a
# 404 there into a redirect to /en/<path> (Wagtail's catch-all makes that look valid).
UNPREFIXED = ("/admin/", "/webhooks/", "/api/", "/documents/", "/static/", "/media/", "/i18n/")


def request_language(request) -> str:
    """The language a request is answered in: Django's `LocaleMiddleware` rule (the URL
    prefix, else the language cookie, else Accept-Language), as a function, so that the
    public page cache can key a page by it before the middleware has run."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    language = translation.get_language_from_request(request, check_path=i18n_patterns_used)
    if (
        i18n_patterns_used
        and not prefixed_default_language
        and not translation.get_language_from_path(request.path_info)
    ):
        return settings.LANGUAGE_CODE
    return language


class SiteLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()

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

    def process_response(self, request, response):
        """django-csp builds the header from the settings on every response (a deep copy
        of the policy, then the string: a fifth of the CPU of a cached page). The two
        policies this site sends are fixed by the settings, so each is built by
        django-csp once, on its first response, and kept. Anything that changes the
        header for one response (a nonce, `@csp_*` decorators, a preview, report-only or
        excluded prefixes in the settings, Django's debug pages) goes through
        django-csp's own `process_response`."""
        kind = self._fixed_policy_kind(request, response)
        if kind is None:
            return super().process_response(request, response)
        header = _BUILT_POLICIES.get(kind)
        if header is None:
            header = _BUILT_POLICIES[kind] = build_policy(**asdict(self.get_policy_parts(request, response)))
        if header and HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _fixed_policy_kind(request, response) -> str | None:
        """ "admin" or "site" when the response gets that policy unchanged, else None."""
        if (
            getattr(request, "_csp_nonce", None) is not None
            or getattr(request, "is_dummy", False)
            or getattr(request, "is_preview", False)
            or settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
        ):
            return None
        response_attributes = response.__dict__
        if any(name in response_attributes for name in _PER_RESPONSE_ATTRIBUTES):
            return None
        return "admin" if request.path_info.startswith(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES) else "site"

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if getattr(request, "is_dummy", False) or getattr(request, "is_preview", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif request.path_info.startswith(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts


# What django-csp's decorators set on a response (csp.decorators), and report-only exemption.
_PER_RESPONSE_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_BUILT_POLICIES: dict[str, str] = {}


@receiver(setting_changed)
def _forget_built_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _BUILT_POLICIES.clear()
