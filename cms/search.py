"""Site search: Wagtail search over live public pages in the reader's language,
verified organisations by name or mission, public grant calls (which are not pages)
by title, summary, description or funder, and published service offers (purchasing).

Full-text backends split Chinese text poorly (SQLite FTS and PostgreSQL without a
Chinese parser treat a run of Han characters as one word), so a query containing Han
characters also matches page titles and summaries by substring.
"""

from __future__ import annotations

import re

from django.db.models import Q
from wagtail.models import Page

from grants.calls.models import Call
from grants.calls.selectors import public_calls
from incubator.selectors import public_organisations
from purchasing.contracts.selectors import public_offers

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_RESULTS = 200


def search_pages(*, query: str, locale) -> list[Page]:
    pages = Page.objects.live().public().filter(locale=locale).exclude(depth=1)
    results = list(pages.search(query)[:MAX_RESULTS])
    if HAN.search(query):
        seen = {page.pk for page in results}
        results += [
            page
            for page in pages.filter(
                Q(title__icontains=query)
                | Q(search_description__icontains=query)
                | Q(articlepage__summary__icontains=query)
                | Q(eventpage__summary__icontains=query)
                | Q(showcasepage__summary__icontains=query)
                | Q(standardpage__intro__icontains=query)
            ).order_by("-first_published_at")[:MAX_RESULTS]
            if page.pk not in seen
        ]
    return results


def search_organisations(*, query: str, limit: int = 20):
    return list(
        public_organisations()
        .select_related(None)
        .prefetch_related(None)
        .filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query) | Q(mission__icontains=query))
        .select_related("district")
        .order_by("name_zh", "pk")[:limit]
    )


def search_calls(*, query: str, limit: int = 20) -> list[Call]:
    """Public calls matching every word of `query`; open calls first, then the latest."""
    calls = public_calls()
    for term in query.split()[:10]:
        calls = calls.filter(
            Q(title_zh__icontains=term)
            | Q(title_en__icontains=term)
            | Q(summary_zh__icontains=term)
            | Q(summary_en__icontains=term)
            | Q(description_zh__icontains=term)
            | Q(description_en__icontains=term)
            | Q(funder__name_zh__icontains=term)
            | Q(funder__name_en__icontains=term)
        )
    calls = list(calls.order_by("-closes_at", "-pk")[:limit])
    return sorted(calls, key=lambda call: call.status != Call.Status.OPEN)


def search_offers(*, query: str, limit: int = 20):
    """Published service offers matching every word of `query` (title, description, service,
    organisation)."""
    offers = public_offers()
    for term in query.split()[:10]:
        offers = offers.filter(
            Q(title_zh__icontains=term)
            | Q(title_en__icontains=term)
            | Q(description_zh__icontains=term)
            | Q(description_en__icontains=term)
            | Q(item__name_zh__icontains=term)
            | Q(item__name_en__icontains=term)
            | Q(organisation__name_zh__icontains=term)
            | Q(organisation__name_en__icontains=term)
        )
    return list(offers.distinct()[:limit])
