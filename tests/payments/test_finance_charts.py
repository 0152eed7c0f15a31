"""Budgets and spending (issue 14): budget, committed and paid per funder and per call as
charts with their tables, in both languages, with a query count that does not grow."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories.accounts import UserFactory
from tests.factories.payments import award_with_tranches, tranche_payment
from tests.utils.admin_language import admin_in
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance():
    return UserFactory(finance=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_finance_page_charts_budget_committed_and_paid(finance, language):
    award = award_with_tranches()
    call = award.application.call
    call.funder.officers.add(finance)
    tranche_payment(award=award, paid=True)
    admin_in(finance, language)
    with translation.override(language):
        url = reverse("payments_admin_finance")
    page = login(Client(), finance).get(url).content.decode()
    assert f'<html lang="{language}"' in page
    assert page.count('<figure class="chart chart-grouped"') == 2
    assert page.count('role="img"') == 2
    assert "css/charts.css" in page
    with translation.override(language):
        title = call.title
    row = f'<th scope="row">{title}</th><td>¥500,000.00</td><td>¥100,000.00</td><td>¥40,000.00</td>'
    assert row in page
    with translation.override(language):
        funder_name = call.funder.name  # in the reader's language
    assert f'<th scope="row">{funder_name}</th><td>¥500,000.00</td>' in page


def test_the_finance_charts_cost_no_query_per_call(finance):
    def add(n):
        for _ in range(n):
            award = award_with_tranches()
            award.application.call.funder.officers.add(finance)
            tranche_payment(award=award, paid=True)

    assert_flat_query_count(login(Client(), finance), reverse("payments_admin_finance"), add, few=1, many=4)
