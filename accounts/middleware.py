from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language_from_path

from accounts.mfa import mfa_setup_redirect
from accounts.roles import requires_mfa


def _path_without_language(path: str) -> str:
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


class MFARequiredMiddleware:
    """Staff and reviewers reach staff or review pages only with a second factor.

    Without an authenticator they are sent to set up TOTP; with one, the session must
    have passed it (a login through any other door, e.g. Wagtail's own login form,
    has not, so it is sent to allauth's MFA re-authentication).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        # Wagtail would bounce a signed-in user without admin access to the login page,
        # which sends them straight back: a redirect loop. Refuse plainly instead.
        if self._is_wagtail_admin(request.path) and not user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        if self._is_protected(request.path) and requires_mfa(user):
            second_factor = mfa_setup_redirect(request, next_url=request.get_full_path())
            if second_factor is not None:
                return second_factor
        return self.get_response(request)

    @staticmethod
    def _is_wagtail_admin(path: str) -> bool:
        return path.startswith("/admin/") and not path.startswith(("/admin/login/", "/admin/logout/"))

    @staticmethod
    def _is_protected(path: str) -> bool:
        bare = _path_without_language(path)
        # /admin/login/ only redirects (accounts/login_doors.py): protected like the rest.
        if bare.startswith("/admin/logout/"):
            return False
        return any(bare.startswith(prefix) for prefix in settings.MFA_PROTECTED_PREFIXES)
