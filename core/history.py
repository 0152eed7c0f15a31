"""One audit history page per object in the back office (``core_admin_history``).

Each app registers, in its ``AppConfig.ready()``, the models whose history staff may read and
how to find one for a user: ``find(user, pk)`` returns the object only if that user may see it
(the app's own scoped selector or permission function) and raises ``Http404`` or
``PermissionDenied`` otherwise, so the history is never wider than the object's own page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse


@dataclass(frozen=True)
class HistoryOf:
    model: type
    find: Callable  # (user, pk) -> object, or Http404 / PermissionDenied
    page_url: Callable | None  # object -> the URL of its back-office page


_HISTORIES: dict[str, HistoryOf] = {}


def kind_of(model) -> str:
    return model._meta.label_lower


def register_history(model, *, find: Callable, page_url: Callable | None = None) -> None:
    kind = kind_of(model)
    if kind in _HISTORIES and _HISTORIES[kind].find is not find:
        raise ImproperlyConfigured(f"The history of {kind} is registered twice.")
    _HISTORIES[kind] = HistoryOf(model=model, find=find, page_url=page_url)


def history_of(kind: str) -> HistoryOf:
    try:
        return _HISTORIES[kind]
    except KeyError:
        raise Http404(kind) from None


def history_url(obj) -> str:
    """The History page of an object, or "" when its model has none."""
    if obj is None or kind_of(type(obj)) not in _HISTORIES:
        return ""
    return reverse("core_admin_history", args=[kind_of(type(obj)), obj.pk])
