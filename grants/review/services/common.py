"""Helpers the review services share."""

from django.urls import reverse
from django.utils import translation

from grants.calls.models import Call


def site_path(name: str, **kwargs) -> str:
    """A link without the language prefix: the site redirects to the reader's language."""
    with translation.override("en"):
        path = reverse(name, kwargs=kwargs or None)
    return path.removeprefix("/en")


def lock_call(*, call: Call) -> Call:
    """Serialises every change to one call's review round."""
    return Call.objects.select_for_update().select_related("funder").get(pk=call.pk)
