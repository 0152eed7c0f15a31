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


@pytest.mark.django_db
def test_demo_applications_serve_one_to_three_real_places_of_wuzhong():
    ctx = DemoContext()
    accounts_demo.load(ctx)
    grants_demo.load(ctx)
    submitted = Application.objects.exclude(status=Application.Status.DRAFT).prefetch_related("target_areas")
    sizes = set()
    for application in submitted:
        places = list(application.target_areas.all())
        sizes.add(len(places))
        assert all(place.code.startswith("320506") and place.retired_in is None for place in places), places
    assert sizes == {1, 2, 3}
