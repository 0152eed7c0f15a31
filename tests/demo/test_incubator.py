import pytest

from demo import accounts as accounts_demo
from demo import incubator as incubator_demo
from demo.loader import DemoContext
from incubator.models import (
    Checkpoint,
    Incubatee,
    Membership,
    Organisation,
    OrganisationDocument,
    ServiceLogEntry,
    Subsidy,
)

pytestmark = pytest.mark.django_db
MODELS = (Organisation, Membership, OrganisationDocument, Incubatee, ServiceLogEntry, Checkpoint, Subsidy)


def load():
    ctx = DemoContext()
    accounts_demo.load(ctx)
    incubator_demo.load(ctx)
    return ctx


def test_demo_covers_every_state_and_loading_twice_changes_nothing():
    ctx = load()
    counts = {model: model.objects.count() for model in MODELS}
    load()
    assert {model: model.objects.count() for model in MODELS} == counts

    assert set(Organisation.objects.values_list("status", flat=True)) == set(Organisation.Status.values)
    assert set(Incubatee.objects.values_list("status", flat=True)) >= {
        "applied",
        "admitted",
        "incubating",
        "hatched",
        "exited",
    }
    assert set(Subsidy.objects.values_list("status", flat=True)) == set(Subsidy.Status.values)
    ngo, ngo2 = ctx.users["ngo"], ctx.users["ngo2"]
    assert Organisation.objects.filter(status="verified", memberships__user=ngo, memberships__role="owner").exists()
    assert Organisation.objects.filter(status="verified", memberships__user=ngo2, memberships__role="owner").exists()
    assert ServiceLogEntry.objects.exists()
    assert OrganisationDocument.objects.filter(kind="registration_certificate").exists()
