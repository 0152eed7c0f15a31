"""A record's history is paged (issue 15), and the shared page links keep the filters."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from core import admin_views
from core.audit import record_event
from core.pagination import page_links, paginate
from grants.payments.models import Payment
from tests.factories.accounts import UserFactory
from tests.factories.payments import PaymentFactory, approved_subsidy
from tests.utils.auth import login
from tests.utils.pagination import assert_paginates, assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


@pytest.fixture
def payment():
    return PaymentFactory(subsidy=approved_subsidy())


def _events(payment, actor):
    def add(n):
        for _ in range(n):
            record_event(
                target=payment,
                verb="payment.retried",
                actor=actor,
                from_state=Payment.Status.FAILED,
                to_state=Payment.Status.APPROVED,
            )

    return add


def _url(payment):
    return reverse("core_admin_history", args=[payment._meta.label_lower, payment.pk])


def test_the_history_is_paged_oldest_first(officer_client, officer, payment, monkeypatch):
    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)
    assert_paginates(
        officer_client, _url(payment), add_rows=_events(payment, officer), context_name="events", page_size=2
    )


def test_the_history_makes_as_many_queries_for_60_events_as_for_3(officer_client, officer, payment):
    assert_same_queries(officer_client, _url(payment), _events(payment, officer))


def test_page_links_keep_the_filters_and_mark_the_current_page():
    request = RequestFactory().get("/list/", {"status": "requested", "q": "苏州", "page": "3"})
    page = paginate(request, list(range(100)), 10)
    links = page_links(request, page)
    assert links["previous_url"] == "?status=requested&q=%E8%8B%8F%E5%B7%9E&page=2"
    assert links["next_url"].endswith("&page=4")
    assert [link["number"] for link in links["numbers"] if link["current"]] == [3]
    assert any(not link["url"] for link in links["numbers"])  # the gap before page 10


def test_a_second_list_on_a_page_has_its_own_number():
    request = RequestFactory().get("/list/", {"page": "2", "decided_page": "5"})
    first = paginate(request, list(range(30)), 10)
    second = paginate(request, list(range(30)), 10, param="decided_page")
    assert (first.number, second.number) == (2, 3)
    assert page_links(request, second)["previous_url"] == "?page=2&decided_page=2"
