import pytest

from demo import accounts as accounts_demo
from demo import payments as payments_demo
from demo.loader import DemoContext
from grants.payments.models import Payment
from tests.factories.incubator import OrganisationFactory


@pytest.mark.django_db
def test_demo_ledger_has_a_payment_in_each_state_and_loads_idempotently():
    ctx = DemoContext()
    accounts_demo.load(ctx)
    ctx.objects["grant_organisations"] = [OrganisationFactory(verified=True) for _ in range(3)]
    payments_demo.load(ctx)
    first = sorted(Payment.objects.values_list("id", "status", "updated_at"))
    payments_demo.load(ctx)
    assert sorted(Payment.objects.values_list("id", "status", "updated_at")) == first
    assert set(Payment.objects.values_list("status", flat=True)) == set(Payment.Status.values)
