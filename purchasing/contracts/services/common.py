"""What the purchasing services share: recipients and the permission check."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from accounts import roles
from incubator.selectors import managers_of

__all__ = ["buyer_staff", "managers_of", "permit", "programme_officers"]


def permit(verdict) -> None:
    """PermissionDenied with the verdict's reason unless it allows."""
    allowed, reason = verdict
    if not allowed:
        raise PermissionDenied(reason)


def buyer_staff(buyer) -> list:
    """The buyer's active staff: who hears about its quotes and contracts."""
    return list(buyer.staff.filter(is_active=True).order_by("pk"))


def programme_officers() -> list:
    return list(
        get_user_model().objects.filter(groups__name=roles.PROGRAMME_OFFICER, is_active=True).distinct().order_by("pk")
    )
