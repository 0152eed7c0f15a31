"""Every API error in one shape: {"code": "...", "message": "...", "errors": {...}}, the
message in the request's language (Accept-Language; LocaleMiddleware has set it)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.views import exception_handler


def _message(exc: exceptions.APIException) -> str:
    """A sentence in the reader's language for each kind of error."""
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return ngettext(
            "Too many requests. Try again in %(seconds)d second.",
            "Too many requests. Try again in %(seconds)d seconds.",
            wait,
        ) % {"seconds": wait}
    if isinstance(exc, exceptions.ValidationError):
        return _("Some of the parameters are not valid.")
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Give a personal access token in the Authorization header: “Bearer <token>”.")
    if isinstance(exc, exceptions.NotFound):
        return _("Not found.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("This method is not allowed here.")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("The API answers in JSON only.")
    detail = exc.detail
    if isinstance(detail, str):
        # Our own messages (authentication, scopes) are already translated.
        return str(detail)
    return _("The request cannot be answered.")


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    detail = exc.detail
    code = getattr(detail, "code", None) if isinstance(detail, str) else None
    return code or exc.default_code


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = {"code": _code(exc), "message": _message(exc)}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        data["errors"] = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    response.data = data
    return response
