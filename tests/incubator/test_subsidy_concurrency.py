"""Two officers approving at the same moment cannot exceed a cap (PostgreSQL only:
SQLite has no row locks)."""

import threading
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.roles import PROGRAMME_OFFICER
from incubator.models import Subsidy
from incubator.services import subsidies as subsidy_services
from incubator.services.subsidies import subsidy_approve
from tests.factories.accounts import UserFactory
from tests.factories.incubator import IncubateeFactory, OrganisationFactory, SubsidyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")


@pytest.fixture(autouse=True)
def _roles():
    """Transactional tests flush the database between tests, roles from migrations included."""

    Group.objects.get_or_create(name=PROGRAMME_OFFICER)


@pytest.fixture(autouse=True)
def _wide_race_window(monkeypatch):
    """Pause between checking the cap and writing, so that without the row lock both
    threads would read the same total and both approve (the test then fails)."""
    check = subsidy_services.eligibility_problems

    def slow_check(**kwargs):
        problems = check(**kwargs)
        time.sleep(0.3)
        return problems

    monkeypatch.setattr(subsidy_services, "eligibility_problems", slow_check)


def test_two_officers_approving_at_once_never_exceed_the_yearly_cap():
    organisation = OrganisationFactory(verified=True)
    IncubateeFactory(organisation=organisation, incubating=True)
    # Two requests of ¥20,000 each against a ¥30,000 yearly cap: only one may pass.
    requests = [SubsidyFactory(organisation=organisation, amount_requested=Decimal("20000")) for _ in range(2)]
    officers = [UserFactory(officer=True) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(subsidy, officer):
        try:
            barrier.wait(timeout=10)
            subsidy_approve(subsidy=subsidy, amount=Decimal("20000"), by=officer)
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(requests, officers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("approved") == 1, outcomes
    assert "capped" in next(outcome for outcome in outcomes if outcome != "approved")
    approved = Subsidy.objects.filter(organisation=organisation, status=Subsidy.Status.APPROVED)
    assert sum(subsidy.amount_approved for subsidy in approved) == Decimal("20000")


def test_many_concurrent_approvals_stay_within_the_cap():
    organisation = OrganisationFactory(verified=True)
    IncubateeFactory(organisation=organisation, incubating=True)
    requests = [SubsidyFactory(organisation=organisation, amount_requested=Decimal("7000")) for _ in range(6)]
    officer = UserFactory(officer=True)
    barrier = threading.Barrier(len(requests))
    refusals = []

    def approve(subsidy):
        try:
            barrier.wait(timeout=10)
            subsidy_approve(subsidy=subsidy, amount=Decimal("7000"), by=officer)
        except ValidationError as error:
            refusals.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(subsidy,)) for subsidy in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    approved = Subsidy.objects.filter(organisation=organisation, status=Subsidy.Status.APPROVED)
    assert len(refusals) == 2, refusals
    assert approved.count() == 4  # 4 × ¥7,000 = ¥28,000 ≤ ¥30,000 < 5 × ¥7,000
    assert sum(subsidy.amount_approved for subsidy in approved) <= Decimal("30000")
