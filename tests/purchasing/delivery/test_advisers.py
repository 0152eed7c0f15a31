import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from incubator.models import Area
from purchasing.delivery import selectors, services
from purchasing.delivery.models import AdviserPolicy
from tests.factories.incubator import AreaFactory
from tests.purchasing.contracts.factories import ContractFactory

pytestmark = pytest.mark.django_db


def villages(n=3):
    district = AreaFactory()
    town = AreaFactory(level=Area.Level.TOWN, parent=district, code=f"{district.code[:6]}001000", population=None)
    return district, [
        AreaFactory(level=Area.Level.VILLAGE, parent=town, code=f"{district.code[:6]}001{i:03d}", population=None)
        for i in range(1, n + 1)
    ]


def adviser_contract(deal, village, total=Decimal("10000.00")):
    contract = ContractFactory(
        signed=True, buyer=deal["contract"].buyer, organisation=deal["contract"].organisation, total=total
    )
    return services.adviser_contract_register(contract=contract, village=village, by=deal["buyer"])


def test_the_minimum_is_ten_thousand_until_officers_set_a_policy(deal):
    assert services.adviser_minimum(year=2026) == Decimal("10000")
    AdviserPolicy.objects.create(year=2025, minimum_per_village=Decimal("12000"))
    assert services.adviser_minimum(year=2026) == Decimal("12000")  # the latest earlier year's


def test_a_contract_below_the_policy_minimum_is_refused(deal):
    _district, (village, *_rest) = villages(1)
    AdviserPolicy.objects.create(year=2026, minimum_per_village=Decimal("15000"))
    with pytest.raises(ValidationError, match="at least"):
        adviser_contract(deal, village, total=Decimal("10000.00"))
    assert adviser_contract(deal, village, total=Decimal("15000.00")).year == 2026


def test_one_adviser_contract_per_village_and_year(deal):
    _district, (village, *_rest) = villages(1)
    adviser_contract(deal, village)
    with pytest.raises(ValidationError, match="already has"):
        adviser_contract(deal, village)


def test_only_a_village_can_have_an_adviser(deal):
    district, _villages = villages(1)
    with pytest.raises(ValidationError, match="village or community"):
        adviser_contract(deal, district)


def test_the_ngo_cannot_register_an_adviser_contract(deal):
    _district, (village, *_rest) = villages(1)
    with pytest.raises(PermissionDenied):
        services.adviser_contract_register(contract=deal["contract"], village=village, by=deal["ngo"])


def test_the_ngo_enters_and_corrects_a_month_and_the_buyer_cannot(deal):
    _district, (village, *_rest) = villages(1)
    adviser = adviser_contract(deal, village)
    month = datetime.date(2026, 3, 17)
    log = services.adviser_log_save(
        adviser_contract=adviser, by=deal["ngo"], month=month, hours_at_village=Decimal("8"), consultations=12
    )
    assert log.month == datetime.date(2026, 3, 1)
    services.adviser_log_save(
        adviser_contract=adviser, by=deal["ngo"], month=month, hours_at_village=Decimal("10"), lectures=1
    )
    assert adviser.logs.get().hours_at_village == Decimal("10")
    with pytest.raises(PermissionDenied, match="Only the organisation providing"):
        services.adviser_log_save(adviser_contract=adviser, by=deal["buyer"], month=month, hours_at_village=1)
    with pytest.raises(ValidationError):
        services.adviser_log_save(
            adviser_contract=adviser, by=deal["ngo"], month=datetime.date(2027, 2, 1), hours_at_village=1
        )


def test_coverage_counts_every_village_of_the_programme_districts(deal):
    district, vs = villages(3)
    adviser_contract(deal, vs[0])
    coverage = selectors.adviser_coverage(year=2026)
    row = next(r for r in coverage["rows"] if r["district"] == district)
    assert (row["villages"], row["covered"], row["missing"]) == (3, 1, 2)
    listed = {v.pk: v.covered for v in selectors.adviser_village_list(year=2026)}
    assert listed[vs[0].pk] and not listed[vs[1].pk]
