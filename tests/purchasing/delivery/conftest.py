"""A signed contract with its two sides, the officers and two finance officers."""

import datetime

import pytest

from purchasing.contracts import evaluation_results
from purchasing.contracts.models import Instalment
from purchasing.delivery import services
from tests.factories.accounts import UserFactory
from tests.purchasing.contracts.factories import BuyerFactory, ContractFactory, buyer_user, ngo_manager


@pytest.fixture
def deal(db):
    contract = ContractFactory(signed=True, buyer=BuyerFactory())
    contract.organisation.bank_name = "中国银行苏州分行"
    contract.organisation.bank_account_name = contract.organisation.name_zh
    contract.organisation.bank_account_number = "6217000011113333"
    contract.organisation.save()
    periods = services.periods_open(contract=contract)
    return {
        "contract": contract,
        "periods": periods,
        "period": periods[0],
        "final": contract.instalments.get(kind=Instalment.Kind.FINAL),
        "buyer": buyer_user(contract.buyer),
        "ngo": ngo_manager(contract.organisation),
        "officer": UserFactory(officer=True),
        "finance": UserFactory(finance=True),
        "finance2": UserFactory(finance=True),
        "reviewer": UserFactory(reviewer=True),
        "stranger": UserFactory(ngo_member=True),
    }


def log(deal, period=None, **fields):
    period = period or deal["period"]
    values = {
        "delivered_on": period.instalment.period_start + datetime.timedelta(days=3),
        "place": "枫桥街道综治中心",
        "hours": 3,
        "people_served": 40,
        "cases_handled": 5,
        "cases_mediated": 2,
    }
    values.update(fields)
    return services.delivery_log(period=period, by=deal["ngo"], **values)


def accept(deal, period=None):
    period = period or deal["period"]
    log(deal, period)
    services.period_submit(period=period, by=deal["ngo"])
    return services.period_accept(period=period, by=deal["buyer"])


@pytest.fixture
def evaluation():
    """Set the contract's evaluation result: evaluation["result"] = EvaluationResult(...)."""
    state = {"result": None}

    def provider(contract):
        return state["result"]

    evaluation_results.register(provider)
    yield state
    evaluation_results.unregister(provider)
