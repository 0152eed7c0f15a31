import pytest

from accounts import demo as accounts_demo
from core.demo_loader import DemoContext
from grants.payments import demo
from grants.payments.models import Payment
from tests.factories.incubator import OrganisationFactory


@pytest.mark.django_db
def test_demo_ledger_has_a_payment_in_each_state_and_loads_idempotently():
    ctx = DemoContext()
    accounts_demo.load(ctx)
    ctx.objects["grant_organisations"] = [OrganisationFactory(verified=True) for _ in range(3)]
    demo.load(ctx)
    first = sorted(Payment.objects.values_list("id", "status", "updated_at"))
    demo.load(ctx)
    assert sorted(Payment.objects.values_list("id", "status", "updated_at")) == first
    assert set(Payment.objects.values_list("status", flat=True)) == set(Payment.Status.values)
