"""Helpers the incubator's services share: recipients, portal links, dates."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

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


def admin_path(name: str, **kwargs) -> str:
    """A back-office link (the admin has no language prefix)."""
    return reverse(name, kwargs=kwargs or None)


def portal_path(name: str, **kwargs) -> str:
    """A link without the language prefix: the site redirects to the reader's language."""
    with translation.override("en"):
        path = reverse(f"incubator:{name}", kwargs=kwargs or None)
    return path.removeprefix("/en")


def local_today():
    return timezone.localdate()


def lock_organisation(*, organisation: Organisation) -> Organisation:
    """Serialises every rule that counts rows of one organisation (owners, caps)."""
    return Organisation.objects.select_for_update().get(pk=organisation.pk)
