"""The one state-transition check every lifecycle service uses."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Choices
from django.utils.translation import gettext as _


class TransitionNotAllowed(ValidationError):
    pass


def _state_label(allowed: dict, code: str) -> str:
    """A table's keys are its lifecycle's ``Status`` members: the message names their labels, not codes."""
    for state in allowed:
        if isinstance(state, Choices):
            try:
                return str(type(state)(code).label)
            except ValueError:
                break
    return code.replace("_", " ")


def check_transition(*, allowed: dict, current: str, target: str) -> None:
    """Raise unless `current -> target` is in the lifecycle's table."""
    if target not in allowed.get(current, ()):
        raise TransitionNotAllowed(
            _("Cannot change the status from “%(current)s” to “%(target)s”.")
            % {"current": _state_label(allowed, current), "target": _state_label(allowed, target)}
        )


def require(condition: bool, message: str) -> None:
    """Raise PermissionDenied with a message when the actor may not do this."""
    if not condition:
        raise PermissionDenied(message)
