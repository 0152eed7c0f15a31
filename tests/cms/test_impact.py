from decimal import Decimal

import pytest

from cms import impact
from incubator.models import Incubatee
from tests.factories.incubator import IncubateeFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_counts_verified_organisations_only():
    OrganisationFactory.create_batch(3, verified=True)
    OrganisationFactory(submitted=True)
    assert impact.compute().organisations_verified == 3


def test_counts_incubated_and_hatched_organisations_once_each():
    resident = IncubateeFactory(incubating=True)
    IncubateeFactory(incubating=True, organisation=resident.organisation)  # a second cohort
    IncubateeFactory(status=Incubatee.Status.HATCHED)
    IncubateeFactory(status=Incubatee.Status.DECLINED)
    figures = impact.compute()
    assert figures.organisations_incubated == 2
    assert figures.organisations_hatched == 1


def test_an_empty_database_gives_zeros():
    figures = impact.compute()
    assert figures.grants_awarded == 0
    assert figures.money_disbursed == 0
    assert figures.people_reached == 0
    assert figures.disputes_mediated == 0
    assert figures.organisations_verified == 0


def test_rows_hide_unknown_figures_and_format_numbers():
    figures = impact.ImpactFigures(organisations_verified=1234, people_reached=None)
    assert figures.rows() == [{"key": "organisations_verified", "label": "Verified organisations", "value": "1,234"}]


def test_money_figures_are_shown_as_money():
    assert impact.ImpactFigures(money_disbursed=Decimal("1234567.5")).display("money_disbursed") == "¥1,234,567.50"


def test_figures_are_cached_and_refreshed_when_organisations_change(django_capture_on_commit_callbacks):
    OrganisationFactory(verified=True)
    assert impact.impact_figures().organisations_verified == 1
    OrganisationFactory.build(verified=True)  # not saved: nothing changes
    assert impact.impact_figures().organisations_verified == 1
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(verified=True)
    assert impact.impact_figures().organisations_verified == 2
