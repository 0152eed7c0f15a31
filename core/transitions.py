"""The one state-transition check every lifecycle service uses."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


class TransitionNotAllowed(ValidationError):
    pass


def check_transition(*, allowed: dict, current: str, target: str) -> None:
    """Raise unless `current -> target` is in the lifecycle's table."""
    if target not in allowed.get(current, ()):
        raise TransitionNotAllowed(
            _("Cannot change the status from “%(current)s” to “%(target)s”.") % {"current": current, "target": target}
        )


def require(condition: bool, message: str) -> None:
    """Raise PermissionDenied with a message when the actor may not do this."""
    if not condition:
        raise PermissionDenied(message)
