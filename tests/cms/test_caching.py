import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import translation

from cms import caching
from tests.factories.accounts import UserFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def directory_url(language="en"):
    with translation.override(language):
        return reverse("cms:directory")


def test_anonymous_reader_gets_the_cached_page_the_second_time(client):
    OrganisationFactory(verified=True)
    first = client.get(directory_url())
    second = client.get(directory_url())
    assert first["X-Public-Cache"] == "miss"
    assert second["X-Public-Cache"] == "hit"
    assert second.content == first.content


def test_each_language_is_cached_separately(client):
    client.get(directory_url("en"))
    chinese = client.get(directory_url("zh-hans"))
    assert chinese["X-Public-Cache"] == "miss"
    assert '<html lang="zh-hans">' in chinese.content.decode()


def test_signed_in_users_are_never_served_from_the_cache(client):
    client.get(directory_url())
    login(client, UserFactory(ngo_member=True))
    response = client.get(directory_url())
    assert "X-Public-Cache" not in response
    assert "Sign out" in response.content.decode()


def test_readers_with_a_flash_message_or_session_bypass_the_cache(client):
    client.get(directory_url())
    client.cookies["messages"] = "something"
    assert "X-Public-Cache" not in client.get(directory_url())


def test_changing_an_organisation_purges_cached_pages(client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(verified=True, name_en="Before Centre")
    assert "Before Centre" in client.get(directory_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name_en = "After Centre"
        organisation.save()
    response = client.get(directory_url())
    assert response["X-Public-Cache"] == "miss"
    assert "After Centre" in response.content.decode()


def test_publishing_and_unpublishing_a_page_purges_cached_pages(client, site_tree, django_capture_on_commit_callbacks):
    article = site_tree.en["article"]
    client.get(article.url)
    assert client.get(article.url)["X-Public-Cache"] == "hit"
    article.title = "Cohort opens today"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert "Cohort opens today" in client.get(article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert client.get(article.url).status_code == 404


def test_purge_changes_the_generation():
    before = caching.generation()
    caching.purge()
    assert caching.generation() == before + 1


def test_a_page_that_rendered_a_csrf_token_is_not_cached(rf):
    request = rf.get("/en/form/")
    request.user = AnonymousUser()

    def render():
        get_token(request)
        return HttpResponse("form")

    caching.serve_cached(request, render)
    again = rf.get("/en/form/")
    again.user = AnonymousUser()
    assert caching.serve_cached(again, lambda: HttpResponse("fresh")).content == b"fresh"
