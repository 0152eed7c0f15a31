"""What readers the page cache cannot answer (signed in, or carrying a session) still
get from the cache: shared page fragments, the Wagtail site of the host and the routed
page. Each is purged with the public pages, and nothing per-reader is shared."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site

from cms import caching
from home.models import SiteSettings
from tests.factories.accounts import UserFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

FRAGMENT = Template('{% load cms_tags %}{% public_fragment "probe" value %}{{ counter.next }}{% endpublic_fragment %}')


class Counter:
    def __init__(self):
        self.count = 0

    def next(self):
        self.count += 1
        return self.count


def render_fragment(request, counter, value="a"):
    return FRAGMENT.render(Context({"request": request, "counter": counter, "value": value}))


@pytest.fixture
def reader_request(rf):
    return rf.get("/en/")


def test_a_fragment_renders_once_and_is_then_shared(reader_request):
    counter = Counter()
    assert render_fragment(reader_request, counter) == "1"
    assert render_fragment(reader_request, counter) == "1"
    assert counter.count == 1


def test_a_fragment_varies_on_its_variables_and_the_language(reader_request):
    counter = Counter()
    render_fragment(reader_request, counter, value="a")
    assert render_fragment(reader_request, counter, value="b") == "2"
    with translation.override("zh-hans"):
        assert render_fragment(reader_request, counter, value="a") == "3"


def test_a_purge_renders_fragments_afresh(reader_request):
    counter = Counter()
    render_fragment(reader_request, counter)
    caching.purge()
    assert render_fragment(reader_request, counter) == "2"


def test_previews_and_a_switched_off_cache_always_render(reader_request, settings):
    counter = Counter()
    reader_request.is_preview = True
    render_fragment(reader_request, counter)
    assert render_fragment(reader_request, counter) == "2"
    del reader_request.is_preview
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    render_fragment(reader_request, counter)
    assert render_fragment(reader_request, counter) == "4"


def test_signed_in_reader_sees_a_changed_footer_after_the_purge(client, django_capture_on_commit_callbacks):
    login(client, UserFactory(ngo_member=True))
    settings_row = SiteSettings.load()
    settings_row.footer_text = "Open weekdays."
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.save()
    assert "Open weekdays." in client.get("/en/directory/").content.decode()
    settings_row.footer_text = "Open every day."
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.save()
    assert "Open every day." in client.get("/en/directory/").content.decode()


def test_signed_in_reader_sees_a_renamed_organisation_in_the_directory(client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(verified=True, name_en="Before Centre")
    login(client, UserFactory(ngo_member=True))
    assert "Before Centre" in client.get("/en/directory/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name_en = "After Centre"
        organisation.save()
    page = client.get("/en/directory/").content.decode()
    assert "After Centre" in page and "Before Centre" not in page


def test_the_user_menu_is_never_shared(client):
    login(client, UserFactory(ngo_member=True))
    assert "Sign out" in client.get("/en/directory/").content.decode()
    client.logout()
    client.cookies["sessionid"] = "unknown"  # bypasses the page cache, not the fragments
    page = client.get("/en/directory/").content.decode()
    assert "Sign out" not in page and "Sign in" in page


# --- The site and the routed page ---------------------------------------------------


def test_the_routed_page_is_reused_until_the_next_purge(client, site_tree, monkeypatch):
    article = site_tree.en["article"]
    client.cookies["sessionid"] = "unknown"
    assert client.get(article.url).status_code == 200
    walks = []
    original = Page.route

    def counting_route(self, request, components):
        walks.append(components)
        return original(self, request, components)

    monkeypatch.setattr(Page, "route", counting_route)
    assert client.get(article.url).status_code == 200
    assert walks == []
    caching.purge()
    assert client.get(article.url).status_code == 200
    assert walks, "after a purge the page tree is walked again"


def test_signed_in_reader_gets_404_once_a_page_is_unpublished(client, site_tree, django_capture_on_commit_callbacks):
    article = site_tree.en["article"]
    login(client, UserFactory(ngo_member=True))
    assert client.get(article.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert client.get(article.url).status_code == 404


def test_view_restrictions_are_checked_on_every_request_even_for_a_memoized_route(client, site_tree):
    article = site_tree.en["article"]
    client.cookies["sessionid"] = "unknown"
    assert client.get(article.url).status_code == 200
    # Created without running the purge: the memoized route must not let readers in.
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(article.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _site_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/").status_code == 200
    return [query["sql"] for query in captured.captured_queries if "wagtailcore_site" in query["sql"]]


def test_the_site_of_a_host_is_looked_up_once_until_the_next_purge(client, site_tree):
    client.cookies["sessionid"] = "unknown"
    assert _site_queries(client)
    assert _site_queries(client) == []
    caching.purge()
    assert _site_queries(client)


def test_saving_a_site_purges_the_public_cache(site_tree, django_capture_on_commit_callbacks):
    before = caching.generation()
    site = Site.objects.get(is_default_site=True)
    with django_capture_on_commit_callbacks(execute=True):
        site.site_name = "Legal Aid Hub"
        site.save()
    assert caching.generation() > before


# --- A public page's head and body, shared by every reader ----------------------------


def test_a_public_page_shares_its_body_with_signed_in_readers_until_the_purge(
    client, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(verified=True, name_en="First Name Centre")
    url = f"/en/directory/{organisation.pk}/"
    login(client, UserFactory(ngo_member=True))
    assert "First Name Centre" in client.get(url).content.decode()
    # Changed without the signals that purge: the body is the one rendered before.
    type(organisation).objects.filter(pk=organisation.pk).update(name_en="Second Name Centre")
    page = client.get(url).content.decode()
    assert "First Name Centre" in page and "Second Name Centre" not in page
    assert "Sign out" in page, "the header is the reader's own"
    caching.purge()
    assert "Second Name Centre" in client.get(url).content.decode()


def test_a_shared_body_never_carries_one_readers_menu_to_another(client):
    organisation = OrganisationFactory(verified=True)
    url = f"/en/directory/{organisation.pk}/"
    login(client, UserFactory(ngo_member=True))
    assert "Sign out" in client.get(url).content.decode()
    client.logout()
    client.cookies["sessionid"] = "unknown"
    page = client.get(url).content.decode()
    assert "Sign out" not in page and "Sign in" in page


def test_only_public_views_share_their_head_and_body(client):
    """The dashboard extends the same base template, but only a view that shows every
    reader the same page (cms.caching.serve_cached) marks its request for sharing."""
    login(client, UserFactory(ngo_member=True))
    assert not getattr(client.get("/en/dashboard/").wsgi_request, "shows_public_page", False)
    assert client.get("/en/directory/").wsgi_request.shows_public_page is True


def test_only_if_shares_the_fragment_only_when_the_condition_holds(reader_request):
    conditional = Template(
        '{% load cms_tags %}{% public_fragment "probe-if" only_if=shared %}{{ counter.next }}{% endpublic_fragment %}'
    )
    counter = Counter()
    context = {"request": reader_request, "counter": counter}
    assert conditional.render(Context({**context, "shared": False})) == "1"
    assert conditional.render(Context({**context, "shared": False})) == "2"
    assert conditional.render(Context({**context, "shared": True})) == "3"
    assert conditional.render(Context({**context, "shared": True})) == "3"


def test_a_memoized_route_reads_the_restrictions_without_walking_the_ancestors(client, site_tree):
    article = site_tree.en["article"]
    client.cookies["sessionid"] = "unknown"
    assert client.get(article.url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(article.url).status_code == 200
    tree_walks = [query["sql"] for query in captured.captured_queries if '"wagtailcore_page"' in query["sql"]]
    restrictions = [q["sql"] for q in captured.captured_queries if "wagtailcore_pageviewrestriction" in q["sql"]]
    assert tree_walks == [] and len(restrictions) == 1


def test_a_shared_body_spares_the_home_page_reading_its_lists(client, site_tree, monkeypatch):
    home = site_tree.en["home"]
    login(client, UserFactory(ngo_member=True))
    assert client.get(home.url).status_code == 200
    reads = []
    original = caching.memoize

    def counted(name, *parts, **options):
        reads.append(name)
        return original(name, *parts, **options)

    monkeypatch.setattr(caching, "memoize", counted)
    monkeypatch.setattr("home.models.impact_figures", lambda: reads.append("impact"))
    assert client.get(home.url).status_code == 200
    assert "home-sections" not in reads and "impact" not in reads
    caching.purge()
    client.get(home.url)
    assert "home-sections" in reads, "rendered afresh, the body reads them"


def test_a_page_under_a_view_restriction_never_shares_its_head_and_body(
    client, site_tree, django_capture_on_commit_callbacks
):
    article = site_tree.en["article"]
    client.cookies["sessionid"] = "unknown"
    assert client.get(article.url).wsgi_request.shows_public_page is True
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="open sesame"
        )
    login(client, UserFactory(ngo_member=True))
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk]),
        {"password": "open sesame", "return_url": article.url},
    )
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert response.wsgi_request.shows_public_page is False, "who may read it differs: never shared"


def test_a_page_that_is_not_found_is_not_shared(client, site_tree):
    client.cookies["sessionid"] = "unknown"
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert response.wsgi_request.shows_public_page is False
