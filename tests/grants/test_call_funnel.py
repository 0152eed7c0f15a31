"""The application funnel on a call's back-office page (issue 14): one chart, its
table, in both languages, from one query however many applications there are."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grants.calls import selectors
from grants.calls.models import Application
from tests.factories.grants import ApplicationFactory
from tests.utils.admin_language import admin_in
from tests.utils.auth import login

pytestmark = pytest.mark.django_db
S = Application.Status


def applications(call, *statuses):
    for status in statuses:
        submitted_at = None if status == S.DRAFT else timezone.now()
        ApplicationFactory(call=call, status=status, submitted_at=submitted_at)


def test_each_stage_counts_every_application_that_reached_it(call, django_assert_max_num_queries):
    applications(call, S.DRAFT, S.DRAFT, S.SUBMITTED, S.INELIGIBLE, S.IN_REVIEW, S.NOT_RECOMMENDED, S.AWARDED)
    with django_assert_max_num_queries(1):
        funnel = selectors.application_funnel(call)
    assert [count for _label, count in funnel] == [7, 5, 3, 2, 1]
    applications(call, S.RECOMMENDED, S.ELIGIBLE, S.DRAFT)
    with django_assert_max_num_queries(1):
        funnel = selectors.application_funnel(call)
    assert [count for _label, count in funnel] == [10, 7, 5, 3, 2]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_call_page_shows_the_funnel_and_its_table(client, officer, call, language):
    applications(call, S.DRAFT, S.SUBMITTED, S.AWARDED, S.AWARDED)
    login(client, officer)
    admin_in(officer, language)
    with translation.override(language):
        url = reverse("grants_admin_call_manage", kwargs={"pk": call.pk})
    page = client.get(url).content.decode()
    assert f'<html lang="{language}"' in page
    start = page.index('<figure class="chart chart-funnel"')
    chart = page[start : page.index("</figure>", start)]
    assert 'role="img"' in chart and "<desc id=" in chart
    assert "<table" in chart and "<td>4</td><td>100%</td>" in chart and "<td>2</td><td>50%</td>" in chart
    assert "css/charts.css" in page


def test_a_call_without_applications_says_no_data_yet(client, officer, call):
    login(client, officer)
    page = client.get(reverse("grants_admin_call_manage", kwargs={"pk": call.pk})).content.decode()
    assert "No data yet." in page
