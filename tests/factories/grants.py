"""Factories for funders, calls and applications, with traits for each state.

`CallFactory()` is an open call (opened a day ago, closing in 30 days);
`ApplicationFactory(submitted=True)` is a complete application already submitted
through the real service, so it has a reference and a revision.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from grants.calls.models import Application, ApplicationKPI, ApplicationMilestone, BudgetLine, Call, Funder
from grants.calls.services.applications import application_submit
from incubator.models import Area, Membership, ServiceCategory, ServiceItem
from tests.factories.incubator import MembershipFactory, OrganisationFactory


class FunderFactory(factory.django.DjangoModelFactory):
    kind = Funder.Kind.JUSTICE_BUREAU
    name_zh = factory.Sequence(lambda n: f"测试司法局{n}")
    name_en = factory.Sequence(lambda n: f"Test Justice Bureau {n}")

    class Meta:
        model = Funder
        skip_postgeneration_save = True

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create and extracted:
            self.officers.add(*extracted)


def _category():
    return ServiceCategory.objects.get(code="mediation")


class CallFactory(factory.django.DjangoModelFactory):
    funder = factory.SubFactory(FunderFactory)
    title = factory.Sequence(lambda n: f"Community mediation grants {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    summary = "Small grants for neighbourhood mediation."
    description = "<p>Grants for mediation projects.</p>"
    total_budget = Decimal("500000.00")
    max_per_project = Decimal("100000.00")
    min_cofunding_percent = Decimal("10")
    admin_cost_cap_percent = Decimal("10")
    require_no_overdue_reports = True
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    status = Call.Status.OPEN

    class Meta:
        model = Call

    class Params:
        draft = factory.Trait(
            status=Call.Status.DRAFT,
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=3)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=33)),
        )
        closed = factory.Trait(
            status=Call.Status.CLOSED,
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )


COMPLETE = {
    "title": "Neighbourhood mediation in Xinhe Street",
    "summary": "Trained volunteer mediators settle neighbour disputes before they escalate.",
    "target_area_detail": "Xinhe Street, 6 communities",
    "beneficiaries": "Residents of older housing estates",
    "beneficiaries_count": 3000,
    "activities": "Mediation sessions twice a week; training for 20 volunteers.",
    "timeline": "Months 1-2 training; months 3-12 mediation.",
    "cofunding_amount": Decimal("10000.00"),
    "cofunding_source": "Street office matching fund",
}


def wuzhong_town(name_zh: str = "长桥街道") -> Area:
    """A current town or street of 吴中区, shipped by the incubator's data migrations."""
    return Area.objects.current().get(level=Area.Level.TOWN, name_zh=name_zh, code__startswith="320506")


def fill_application(application, *, lines=None, target_areas=None):
    """Make a draft complete and within the default call's rules (¥80,000 requested).
    It serves 长桥街道 unless `target_areas` names other places."""
    item = ServiceItem.objects.get(code="neighbourhood-mediation")
    for name, value in COMPLETE.items():
        setattr(application, name, value)
    application.category = item.category
    application.service_item = item
    lines = lines or [
        ("personnel", "Two part-time mediators", Decimal("50000.00")),
        ("activities", "Sessions and training", Decimal("20000.00")),
        ("materials", "Leaflets", Decimal("5000.00")),
        ("administration", "Office costs", Decimal("5000.00")),
    ]
    BudgetLine.objects.filter(application=application).delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=application, kind=kind, description=description, amount=amount, position=index)
        for index, (kind, description, amount) in enumerate(lines)
    )
    application.requested_amount = sum(amount for _kind, _description, amount in lines)
    application.administration_amount = sum(amount for kind, _d, amount in lines if kind == "administration")
    ApplicationMilestone.objects.get_or_create(
        application=application,
        position=0,
        defaults={"title": "Volunteers trained", "due_date": timezone.localdate() + timedelta(days=60)},
    )
    ApplicationKPI.objects.get_or_create(
        application=application,
        position=0,
        defaults={"indicator": "Disputes mediated", "unit": "cases", "target": Decimal("120")},
    )
    application.save()
    application.target_areas.set(target_areas if target_areas is not None else [wuzhong_town()])
    return application


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by default. `complete=True` fills every part; `submitted=True` also
    submits it through the service (a member of the organisation is the submitter)."""

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    status = Application.Status.DRAFT

    class Meta:
        model = Application

    @classmethod
    def _create(cls, model_class, *args, complete=False, submitted=False, **kwargs):
        application = super()._create(model_class, *args, **kwargs)
        if complete or submitted:
            fill_application(application)
        if submitted:
            member = applicant_of(application)
            application_submit(application=application, by=member)
            application.refresh_from_db()
        return application


def applicant_of(application):
    """An active member of the application's organisation (created if there is none)."""

    membership = Membership.objects.filter(organisation=application.organisation, left_at__isnull=True).first()
    if membership is None:
        membership = MembershipFactory(organisation=application.organisation)
    return membership.user
