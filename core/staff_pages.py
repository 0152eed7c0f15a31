"""The staff-page guard: how every back-office page checks the role and says no.

Inside Wagtail's admin a PermissionDenied becomes a redirect to the dashboard, and a 404
under /admin/ is turned by LocaleMiddleware into a redirect to /<lang>/admin/… (the public
site's catch-all makes every prefixed path "valid"). Neither tells the officer, or a test,
that the answer was no. So in the back office every refusal (a role that may not, another
funder's object, an id that does not exist, alike so nothing leaks) is a 403 page in the
admin's frame, with the reason when there is one.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from core.transitions import require


def refusal_response(request, error: Exception | None = None, *, not_found_message: str = "") -> TemplateResponse:
    """A 403 page: the admin's frame under /admin/, the site's elsewhere."""
    message = str(error) if isinstance(error, PermissionDenied) and str(error) else str(not_found_message or "")
    template = "core/admin_forbidden.html" if request.path.startswith("/admin/") else "403.html"
    return TemplateResponse(request, template, {"message": message}, status=403)


def staff_page(allowed: Callable | None = None, message: str = "", *, not_found_message: str = ""):
    """Decorate a back-office view: it opens only when ``allowed(user)`` is true, and any
    refusal raised inside it (PermissionDenied, Http404) answers with a 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if allowed is not None:
                    require(allowed(request.user), message)
                return view(request, *args, **kwargs)
            except (PermissionDenied, Http404) as error:
                return refusal_response(request, error, not_found_message=not_found_message)

        return wrapped

    return decorator


# Views whose checks are all inside them (by object, by funder).
refuse_with_403 = staff_page()


class RefuseWith403Mixin:
    """For Wagtail's generic views: a refusal while loading the object (setup) or while
    checking permissions (dispatch) answers 403."""

    refusal = None

    def setup(self, request, *args, **kwargs):
        try:
            super().setup(request, *args, **kwargs)
        except (PermissionDenied, Http404) as error:
            self.request = request
            self.refusal = error

    def dispatch(self, request, *args, **kwargs):
        if self.refusal is not None:
            return refusal_response(request, self.refusal)
        try:
            return super().dispatch(request, *args, **kwargs)
        except (PermissionDenied, Http404) as error:
            return refusal_response(request, error)
