import pytest

from accounts import roles
from incubator.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory


@pytest.fixture
def officer(db):
    return UserFactory(officer=True)


@pytest.fixture
def finance(db):
    return UserFactory(finance=True)


@pytest.fixture
def funder(officer, finance):
    return FunderFactory(officers=[officer, finance])


@pytest.fixture
def call(funder):
    return CallFactory(funder=funder)


@pytest.fixture
def organisation(db):
    return OrganisationFactory(verified=True)


@pytest.fixture
def member(organisation):
    user = UserFactory(roles=[roles.NGO_MEMBER])
    MembershipFactory(organisation=organisation, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def draft(call, organisation, member):
    return ApplicationFactory(call=call, organisation=organisation, created_by=member)


@pytest.fixture
def submitted(call, organisation, member):
    return ApplicationFactory(call=call, organisation=organisation, created_by=member, submitted=True)


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit side effects (emails) of whatever happens inside."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner
