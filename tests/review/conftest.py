import pytest

from incubator.models import ServiceCategory
from tests.factories.accounts import UserFactory
from tests.factories.review import officer_call


@pytest.fixture
def officer(db):
    return UserFactory(officer=True)


@pytest.fixture
def call(officer):
    """An in-review call of the officer's funder (3 reviewers per application)."""
    return officer_call(officer)


@pytest.fixture
def mediation(db):
    return ServiceCategory.objects.get(code="mediation")


@pytest.fixture
def reviewers(db):
    return [UserFactory(reviewer=True, email=f"expert{i}@uni{i}.edu.cn") for i in range(4)]
