"""Refusals in the back office answer 403 instead of Wagtail's usual redirect.

Inside the Wagtail admin, a PermissionDenied becomes a redirect to the dashboard, and
a 404 under /admin/ is turned by LocaleMiddleware into a redirect to /<lang>/admin/…
(the public site's catch-all makes every prefixed path "valid"). Neither tells the
officer, or a test, that the answer was no. So another funder's call or application
and an action the officer's role does not allow both get a plain 403 page here.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.views import permission_denied


def refuse_with_403(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, Http404) as error:
            return permission_denied(request, error if isinstance(error, PermissionDenied) else None)

    return wrapped


class RefuseWith403Mixin:
    """For Wagtail's generic views: a refusal while loading the object (setup) or
    while checking permissions (dispatch) answers 403."""

    refusal = None

    def setup(self, request, *args, **kwargs):
        try:
            super().setup(request, *args, **kwargs)
        except (PermissionDenied, Http404) as error:
            self.request = request
            self.refusal = error

    def dispatch(self, request, *args, **kwargs):
        if self.refusal is not None:
            return permission_denied(request, self.refusal if isinstance(self.refusal, PermissionDenied) else None)
        try:
            return super().dispatch(request, *args, **kwargs)
        except (PermissionDenied, Http404) as error:
            return permission_denied(request, error if isinstance(error, PermissionDenied) else None)
