"""The incubator dashboard's charts (issue 14): the incubation funnel, districts covered
against the programme's districts, targets, villages served and field types, each with
its table, in both languages; and no style attribute left on the page."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from incubator.models import Incubatee
from tests.factories.incubator import CohortFactory, IncubateeFactory
from tests.utils.admin_language import admin_in
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    return login(client, officer)


def chart(page: str, kind: str, index: int = 0) -> str:
    starts = [m.start() for m in re.finditer(f'<figure class="chart chart-{kind}"', page)]
    start = starts[index]
    return page[start : page.index("</figure>", start)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dashboard_charts_the_incubation_funnel_and_the_coverage(officer, officer_client, language):
    cohort = CohortFactory()
    IncubateeFactory(cohort=cohort)
    IncubateeFactory(cohort=cohort, incubating=True)
    IncubateeFactory(cohort=cohort, status=Incubatee.Status.HATCHED)
    IncubateeFactory(cohort=CohortFactory(), status=Incubatee.Status.HATCHED)
    admin_in(officer, language)
    with translation.override(language):
        url = reverse("incubator_admin_dashboard")
    page = officer_client.get(url).content.decode()
    assert f'<html lang="{language}"' in page
    funnel = chart(page, "funnel")
    assert 'role="img"' in funnel and "<table" in funnel
    assert "<td>4</td><td>100%</td>" in funnel  # applied
    assert "<td>3</td><td>75%</td>" in funnel  # admitted (resident and hatched count as admitted)
    assert "<td>2</td><td>50%</td>" in funnel  # hatched
    assert 'class="chart chart-progress"' in page  # districts covered, or "no data yet" without districts
    assert 'class="chart chart-kpi"' in page and "<table" in chart(page, "kpi")
    assert "css/charts.css" in page
    main = page[page.index("<main") :]
    assert not re.search(r"<(?:div|td|span)[^>]*\sstyle=", main)
