"""The budget line under concurrency, on PostgreSQL with real row locks.

Two contracts of one buyer, each already accepted by the buyer, are signed by their NGOs at
the same moment; the budget line fits only one of them. Without the lock on the
``BudgetLine`` row both would read the same committed sum and both would sign.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/legalaid_test_purchasing .venv/bin/pytest tests/purchasing/contracts/test_concurrency.py
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from purchasing.contracts.models import Contract
from purchasing.contracts.services import contracts as contract_services
from tests.factories.incubator import OrganisationFactory
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    buyer_user,
    ngo_manager,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock tests need PostgreSQL (set DATABASE_URL)")


def race(*calls):
    """Run the calls in threads released together; returns [("ok", result) | ("error", exception)]."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001  (the loser's refusal is what the test looks at)
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_contracts_signed_at_once_never_exceed_the_budget_line():
    buyer = BuyerFactory()
    BudgetLineFactory(buyer=buyer, year=2026, amount=Decimal("15000"))
    clerk = buyer_user(buyer)
    contracts, managers = [], []
    for _ in range(2):
        organisation = OrganisationFactory(verified=True)
        contracts.append(
            ContractFactory(
                buyer=buyer,
                organisation=organisation,
                offered=True,
                total=Decimal("10000"),
                buyer_accepted_at=timezone.now(),
                buyer_accepted_by=clerk,
            )
        )
        managers.append(ngo_manager(organisation))
    results = race(
        *(
            lambda contract=contract, manager=manager: contract_services.contract_accept(contract=contract, by=manager)
            for contract, manager in zip(contracts, managers, strict=True)
        )
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    refusal = next(value for kind, value in results if kind == "error")
    assert "over its 2026 budget" in str(refusal)
    assert Contract.objects.filter(status=Contract.Status.SIGNED).count() == 1
