"""The public side of grant calls: open, upcoming and past calls (with their results),
read through `grants.calls.selectors.public_calls()`; a call's own page, with how to apply,
is the grants app's (`grants:call_detail`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from grants.calls.models import Call
from grants.calls.selectors import public_calls
from incubator.models import ServiceCategory

PAST_LIMIT = 30


@dataclass
class CallSections:
    open: list[Call]
    upcoming: list[Call]
    past: list[Call]


def _calls():
    return (
        public_calls()
        .select_related("announcement")
        .prefetch_related(Prefetch("eligible_categories", queryset=ServiceCategory.objects.order_by("sort_order")))
    )


def call_sections(*, now=None) -> CallSections:
    """Open calls (soonest deadline first), upcoming ones (soonest opening first) and
    past ones (latest first, with their results announcement when published)."""
    now = now or timezone.now()
    calls = _calls()
    return CallSections(
        open=list(
            calls.filter(status=Call.Status.OPEN, opens_at__lte=now, closes_at__gt=now).order_by("closes_at", "pk")
        ),
        upcoming=list(calls.filter(opens_at__gt=now).order_by("opens_at", "pk")),
        past=list(calls.filter(closes_at__lte=now).order_by("-closes_at", "-pk")[:PAST_LIMIT]),
    )


def announcement_of(call: Call):
    """The call's published results, or None."""
    try:
        return call.announcement
    except Call.announcement.RelatedObjectDoesNotExist:
        return None


def open_calls_feed(request) -> list[dict]:
    """Open calls for aggregators: plain JSON with local-time ISO dates and absolute links."""
    rows = []
    for call in call_sections().open:
        rows.append(
            {
                "id": call.slug or str(call.pk),
                "title": call.title,
                "summary": call.summary,
                "funder": call.funder.name_zh,
                "funder_en": call.funder.name_en,
                "currency": call.currency,
                "total_budget": str(call.total_budget),
                "max_per_project": str(call.max_per_project),
                "opens_at": timezone.localtime(call.opens_at).isoformat(timespec="minutes"),
                "closes_at": timezone.localtime(call.closes_at).isoformat(timespec="minutes"),
                "categories": [category.code for category in call.eligible_categories.all()],
                "url": request.build_absolute_uri(reverse("grants:call_detail", kwargs={"key": call.slug or call.pk})),
            }
        )
    return rows
