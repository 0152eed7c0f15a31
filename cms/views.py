"""Public pages built from data: the NGO directory, search, open data and the cached
Wagtail page view. Everything here is readable by anyone."""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail import views as wagtail_views
from wagtail.contrib.sitemaps.views import sitemap as sitemap_view
from wagtail.models import Locale

from cms import search as site_search
from cms import selectors
from cms.caching import cache_public, serve_cached
from cms.calls import announcement_of, call_sections, open_calls_feed
from cms.forms import DirectoryFilterForm, SearchForm
from cms.opendata import threesixty
from cms.opendata.selectors import awarded_grant_rows
from cms.sitemaps import SITEMAPS
from incubator.models import Organisation

DIRECTORY_PAGE_SIZE = 24
SEARCH_PAGE_SIZE = 20


@require_GET
def sitemap(request):
    """sitemap.xml at the site root (mounted by config/urls.py, outside the language prefix)."""
    return serve_cached(request, lambda: sitemap_view(request, sitemaps=SITEMAPS))


def serve_page(request, path):
    """Wagtail's page view behind the public page cache."""
    return serve_cached(request, lambda: wagtail_views.serve(request, path))


@require_GET
@cache_public
def directory(request):
    form = DirectoryFilterForm(
        request.GET or None, areas=selectors.directory_areas(), categories=selectors.service_categories()
    )
    organisations = selectors.directory_organisations(**form.filters())
    page_obj = Paginator(organisations, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cms/directory.html",
        {"form": form, "page_obj": page_obj, "query_string": query.urlencode(), "filtered": bool(form.filters())},
    )


@require_GET
@cache_public
def organisation_profile(request, pk):
    try:
        organisation = selectors.public_organisation_profile(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    showcases = selectors.organisation_showcases(organisation=organisation, locale=Locale.get_active())
    return render(request, "cms/organisation_profile.html", {"organisation": organisation, "showcases": showcases})


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    pages = organisations = None
    if query:
        locale = Locale.get_active()
        pages = Paginator(site_search.search_pages(query=query, locale=locale), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        organisations = site_search.search_organisations(query=query)
    return render(
        request,
        "cms/search.html",
        {"form": form, "query": query, "pages": pages, "organisations": organisations},
    )


@require_GET
@cache_public
def open_data(request):
    rows = awarded_grant_rows(request=request)
    return render(
        request,
        "cms/open_data.html",
        {
            "grant_count": len(rows),
            "total_awarded": sum((row.amount_awarded for row in rows), start=0),
            "rows": rows[:20],
        },
    )


def _package(request):
    with translation.override("zh-hans"):
        title = _("Awarded grants")
    return threesixty.package(
        awarded_grant_rows(request=request),
        title=f"{title} · Legal Aid Hub",
        publisher_name="Legal Aid Hub · 法律服务社会组织孵化平台",
        website=request.build_absolute_uri("/"),
    )


@require_GET
@cache_public
def open_data_json(request):
    response = HttpResponse(
        json.dumps(_package(request), ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_public
def open_data_csv(request):
    response = HttpResponse(
        threesixty.to_csv(awarded_grant_rows(request=request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="360giving-grants.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_public
def calls(request):
    sections = call_sections()
    return render(
        request,
        "cms/calls.html",
        {
            "open_calls": sections.open,
            "upcoming_calls": sections.upcoming,
            "past_calls": [(call, announcement_of(call)) for call in sections.past],
        },
    )


@require_GET
@cache_public
def calls_feed(request):
    """Open calls as JSON for aggregators (titles, deadlines in local time, links)."""
    response = JsonResponse(
        {"generated": timezone.localtime().isoformat(timespec="seconds"), "calls": open_calls_feed(request)},
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
