"""Helpers the review services share."""

from grants.calls.models import Call


def lock_call(*, call: Call) -> Call:
    """Serialises every change to one call's review round."""
    return Call.objects.select_for_update().select_related("funder").get(pk=call.pk)
