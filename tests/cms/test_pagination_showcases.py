"""The showcase candidates page pages both its lists (issue 15)."""

import pytest
from django.test import Client
from django.urls import reverse

from cms import admin_views, services
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory
from tests.utils.auth import login
from tests.utils.pagination import assert_paginates, assert_same_queries


@pytest.fixture
def editor_client(db):
    return login(Client(), UserFactory(editor=True))


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)


def _awards(n):
    AwardFactory.create_batch(n, active=True)


def _showcases(n):
    for award in AwardFactory.create_batch(n, active=True):
        services.showcase_create_for_award(award=award)


def test_awards_without_a_showcase_are_paged(editor_client, site_tree, small_pages):
    assert_paginates(
        editor_client, reverse("cms_showcase_candidates"), add_rows=_awards, context_name="awards", page_size=2
    )


def test_showcases_linked_to_awards_are_paged_with_their_own_number(editor_client, site_tree, small_pages):
    assert_paginates(
        editor_client,
        reverse("cms_showcase_candidates"),
        add_rows=_showcases,
        context_name="showcases",
        page_size=2,
        param="showcases_page",
    )


def test_the_page_makes_as_many_queries_for_60_awards_as_for_3(editor_client, site_tree):
    assert_same_queries(editor_client, reverse("cms_showcase_candidates"), _awards)
