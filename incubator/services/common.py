"""Helpers the incubator's services share: recipients, today, the organisation lock."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts import roles
from incubator import selectors
from incubator.models import Organisation

# The one definition lives with the other reads (incubator.selectors); services use it from here.
managers_of = selectors.managers_of


def programme_officers() -> list:
    """Who hears about the incubator's work queue: active programme officers (the
    incubator is the platform's own programme, so all of them; never finance staff)."""
    return list(
        get_user_model().objects.filter(groups__name=roles.PROGRAMME_OFFICER, is_active=True).distinct().order_by("pk")
    )


def local_today():
    return timezone.localdate()


def lock_organisation(*, organisation: Organisation) -> Organisation:
    """Serialises every rule that counts rows of one organisation (owners, caps)."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)
