"""Public pages built from data: the NGO directory, search, open data, the feeds and
calendar files, and the cached Wagtail page view. Everything here is readable by anyone."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import views as wagtail_views
from wagtail.contrib.sitemaps.views import sitemap as sitemap_view
from wagtail.models import Locale, Page, PageViewRestriction, Site

from cms import calendars, donations, feeds, selectors
from cms import search as site_search
from cms.caching import cache_public, memoize, serve_cached
from cms.calls import announcement_of, call_sections, open_calls_feed
from cms.forms import DirectoryFilterForm, DonationForm, SearchForm
from cms.models import ShowcasePage
from cms.sitemaps import SITEMAPS
from grants.calls.selectors import public_call
from grants.payments.stripe_gateway import PaymentGatewayError
from incubator.models import Organisation

DIRECTORY_PAGE_SIZE = 24
SEARCH_PAGE_SIZE = 20


@require_GET
def sitemap(request):
    """sitemap.xml at the site root (mounted by config/urls.py, outside the language prefix)."""
    return serve_cached(request, lambda: sitemap_view(request, sitemaps=SITEMAPS))


def serve_page(request, path):
    """Wagtail's page view behind the public page cache (a hit is answered before routing)."""

    def render():
        _route_from_memo(request, path)
        return wagtail_views.serve(request, path)

    return serve_cached(request, render)


def _route_from_memo(request, path):
    """Walking the page tree costs two queries per URL segment and is the largest part
    of rendering a page. Which live page a path leads to changes only when pages are
    published, unpublished, moved or deleted, all of which purge the memo; so the
    routed page is memoized and handed to Wagtail the way it caches its own route on
    the request, together with the pages whose view restrictions apply to it (itself
    and its ancestors, aliases resolved; they change only with moves). The restrictions
    themselves are read on every request, one query, so a new one holds at once; Wagtail's
    before_serve_page hook checks them against the reader.

    A page under any view restriction does not share its head and body with other
    readers (`request.shows_public_page`): who may read it differs. Nor does a page
    whose route is not memoized (404s, routes with arguments), whose restrictions are
    not known here."""
    site = Site.find_for_request(request)
    if site is None or request.method not in ("GET", "HEAD"):
        request.shows_public_page = False
        return

    def compute():
        route = Page.route_for_request(request, path)
        if route is None or route[1] or route[2]:
            return None  # a 404 or a route with arguments: nothing is memoized
        page = route[0]
        return page, _restricting_page_ids(page)

    routed = memoize("routed-page", site.pk, translation.get_language(), path, compute=compute)
    if not routed:
        request.shows_public_page = False
        return
    page, restricting_ids = routed
    restrictions = list(PageViewRestriction.objects.filter(page_id__in=restricting_ids))
    if restrictions:
        request.shows_public_page = False
    page.get_view_restrictions = _KnownViewRestrictions(restrictions)
    # Wagtail keeps this result on the request, so serve() does not route again.
    request._wagtail_route_for_request = (page, [], {})


def _restricting_page_ids(page) -> tuple[int, ...]:
    """The pages whose view restrictions apply to `page`, as Wagtail's
    `Page.get_view_restrictions` finds them: the page and its ancestors, an alias
    standing for its source."""
    ids = set()

    def add(candidate):
        if candidate.alias_of_id:
            add(candidate.alias_of)
        else:
            ids.add(candidate.pk)

    add(page)
    for ancestor in page.get_ancestors().only("alias_of"):
        add(ancestor)
    return tuple(sorted(ids))


class _KnownViewRestrictions:
    """Stands for `get_view_restrictions` on a page from the route memo: the
    restrictions read for this request. A module-level class, so the page still pickles
    (a memo of the page's context may hold it; it is purged with the restrictions)."""

    def __init__(self, restrictions):
        self.restrictions = restrictions

    def __call__(self):
        return self.restrictions


@require_GET
@cache_public
def directory(request):
    # The choices change only with the data, which purges the memo.
    areas = memoize("directory-areas", compute=lambda: list(selectors.directory_areas()))
    categories = memoize("service-categories", compute=lambda: list(selectors.service_categories()))
    form = DirectoryFilterForm(request.GET or None, areas=areas, categories=categories)
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
    pages = organisations = calls = offers = None
    if query:
        locale = Locale.get_active()
        pages = Paginator(site_search.search_pages(query=query, locale=locale), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        organisations = site_search.search_organisations(query=query)
        calls = site_search.search_calls(query=query)
        offers = site_search.search_offers(query=query)
    return render(
        request,
        "cms/search.html",
        {
            "form": form,
            "query": query,
            "pages": pages,
            "organisations": organisations,
            "calls": calls,
            "offers": offers,
        },
    )


def _donatable_showcase(pk: int, *, online: bool = True) -> ShowcasePage:
    """A live, consented showcase taking donations (online ones, unless `online` is
    False) in this language, or 404."""
    showcase = ShowcasePage.objects.live().public().filter(pk=pk, locale=Locale.get_active()).first()
    takes = donations.showcase_accepts_donations if online else donations.showcase_takes_donations
    if showcase is None or not takes(showcase):
        raise Http404
    return showcase


@require_http_methods(["GET", "POST"])
def donate(request, pk):
    showcase = _donatable_showcase(pk, online=False)
    if not donations.donations_enabled():
        # No Stripe keys: the donor gives by bank transfer to the account in the site settings.
        return render(
            request,
            "cms/donate_bank_transfer.html",
            {"showcase": showcase, "reference": donations.bank_transfer_reference(showcase)},
        )
    form = DonationForm(request.POST or None, initial={"amount": donations.SUGGESTED_AMOUNTS[1]})
    if request.method == "POST" and form.is_valid():
        thanks = request.build_absolute_uri(reverse("cms:donation_thanks", kwargs={"pk": showcase.pk}))
        try:
            url = donations.donation_checkout_start(
                showcase=showcase,
                amount=form.cleaned_data["amount"],
                success_url=thanks,
                cancel_url=request.build_absolute_uri(showcase.url),
            )
        except ValidationError as error:
            form.add_error("amount", error)
        except PaymentGatewayError:
            form.add_error(None, _("The payment service did not answer. Nothing was charged; please try again."))
        else:
            return redirect(url)
    return render(
        request,
        "cms/donate.html",
        {"showcase": showcase, "form": form, "suggested": donations.SUGGESTED_AMOUNTS},
    )


@require_GET
def donation_thanks(request, pk):
    """Where Stripe sends the donor back. It records nothing: the webhook does."""
    showcase = _donatable_showcase(pk)
    return render(request, "cms/donation_thanks.html", {"showcase": showcase})


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


# --- Feeds (RSS, Atom) and calendars (.ics) -----------------------------------------------
# A syndication Feed keeps the request it serves: one instance per request.


@require_GET
@cache_public
def news_rss(request):
    return feeds.NewsRssFeed()(request)


@require_GET
@cache_public
def news_atom(request):
    return feeds.NewsAtomFeed()(request)


@require_GET
@cache_public
def calls_rss(request):
    return feeds.CallsRssFeed()(request)


@require_GET
@cache_public
def calls_atom(request):
    return feeds.CallsAtomFeed()(request)


def _calendar_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=calendars.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _call_url(call) -> str:
    return reverse("grants:call_detail", kwargs={"key": call.slug or call.pk})


@require_GET
@cache_public
def event_ics(request, pk):
    """A live public event page of this language as an .ics file."""
    event = selectors.public_event(pk=pk, locale=Locale.get_active())
    if event is None:
        raise Http404
    return _calendar_response(calendars.event_ics(event=event), filename=f"event-{event.slug}.ics")


@require_GET
@cache_public
def call_ics(request, key):
    """A public call's deadline as an .ics file."""
    call = public_call(key)
    return _calendar_response(
        calendars.call_deadline_ics(call=call, url=_call_url(call)), filename=f"call-{call.slug or call.pk}.ics"
    )


@require_GET
@cache_public
def calls_ics(request):
    """Every open call's deadline in one .ics file."""
    content = calendars.call_deadlines_ics(calls_and_urls=[(call, _call_url(call)) for call in call_sections().open])
    return _calendar_response(content, filename="call-deadlines.ics")
