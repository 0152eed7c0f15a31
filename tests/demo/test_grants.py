import pytest

from demo import accounts as accounts_demo
from demo import grants as grants_demo
from demo.loader import DemoContext
from grants.calls.models import Application, ApplicationRevision, Call, Funder


@pytest.mark.django_db
def test_demo_has_calls_and_applications_in_every_state_and_loading_twice_changes_nothing():
    ctx = DemoContext()
    accounts_demo.load(ctx)
    grants_demo.load(ctx)
    counts = (
        Funder.objects.count(),
        Call.objects.count(),
        Application.objects.count(),
        ApplicationRevision.objects.count(),
    )
    assert set(Call.objects.values_list("status", flat=True)) == set(Call.Status.values)
    assert set(Application.objects.values_list("status", flat=True)) == set(Application.Status.values)
    assert ctx.users["officer"].funders.count() == 2
    grants_demo.load(ctx)
    assert (
        Funder.objects.count(),
        Call.objects.count(),
        Application.objects.count(),
        ApplicationRevision.objects.count(),
    ) == counts
