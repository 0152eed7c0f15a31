"""What the purchasing services share: who hears about what."""

from django.contrib.auth import get_user_model

from accounts import roles
from incubator.selectors import managers_of
from purchasing.contracts.permissions import permit
from purchasing.contracts.selectors import buyer_staff

__all__ = ["buyer_staff", "managers_of", "permit", "programme_officers"]


def programme_officers() -> list:
    return list(
        get_user_model().objects.filter(groups__name=roles.PROGRAMME_OFFICER, is_active=True).distinct().order_by("pk")
    )
