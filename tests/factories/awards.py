"""Factories for awards and reports, with the call and application they come from.

`AwardFactory()` makes an offered award with the default 40/40/20 tranches, a
mid-term and a final milestone, two KPIs and two budget lines, as
`create_awards_for_call` would. Traits: `active=True` (agreement accepted).
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from grants.awards.models import (
    Award,
    AwardBudgetLine,
    AwardKPI,
    AwardMilestone,
    EvaluationScheme,
    MilestoneReport,
    Tranche,
    TrancheTemplate,
)
from grants.awards.tranches import split_award
from grants.calls.models import Application, Call, Funder
from tests.factories.incubator import OrganisationFactory


class FunderFactory(factory.django.DjangoModelFactory):
    name_zh = factory.Sequence(lambda n: f"测试市司法局{n}")
    name_en = factory.Sequence(lambda n: f"Test Justice Bureau {n}")
    kind = Funder.Kind.JUSTICE_BUREAU

    class Meta:
        model = Funder
        skip_postgeneration_save = True

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        if create and extracted:
            self.officers.add(*extracted)


class FinalCallFactory(factory.django.DjangoModelFactory):
    funder = factory.SubFactory(FunderFactory)
    title = factory.Sequence(lambda n: f"Community mediation call {n}")
    slug = factory.Sequence(lambda n: f"award-test-call-{n}")
    total_budget = Decimal("500000.00")
    max_per_project = Decimal("100000.00")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=120))
    closes_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=90))
    status = Call.Status.FINAL

    class Meta:
        model = Call


class AwardedApplicationFactory(factory.django.DjangoModelFactory):
    call = factory.SubFactory(FinalCallFactory)
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    reference = factory.Sequence(lambda n: f"AWT-2026-{n + 1:05d}")
    title = factory.Sequence(lambda n: f"Village mediation project {n}")
    summary = "Mediation and legal publicity in twelve villages."
    status = Application.Status.AWARDED
    requested_amount = Decimal("80000.00")
    submitted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=95))

    class Meta:
        model = Application
        skip_postgeneration_save = True

    @factory.post_generation
    def target_areas(self, create, extracted, **kwargs):
        """`AwardFactory(application__target_areas=[town, village])`: the places it serves."""
        if create and extracted:
            self.target_areas.set(extracted)


def default_template() -> TrancheTemplate:
    return TrancheTemplate.objects.get(is_default=True)


def default_scheme() -> EvaluationScheme:
    return EvaluationScheme.objects.get(is_default=True)


class AwardFactory(factory.django.DjangoModelFactory):
    application = factory.SubFactory(AwardedApplicationFactory)
    reference = factory.LazyAttribute(lambda o: f"AW-{o.application.reference}")
    amount = Decimal("80000.00")
    currency = "CNY"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=365))
    tranche_template = factory.LazyFunction(default_template)
    evaluation_scheme = factory.LazyFunction(default_scheme)
    status = Award.Status.OFFERED

    class Meta:
        model = Award
        skip_postgeneration_save = True

    class Params:
        active = factory.Trait(
            status=Award.Status.ACTIVE,
            accepted_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=20)),
        )

    @factory.post_generation
    def parts(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        for index, line in enumerate(split_award(self.amount, self.tranche_template.template())):
            Tranche.objects.create(
                award=self, position=index, label=line.label, trigger=line.trigger, amount=line.amount
            )
        AwardMilestone.objects.create(
            award=self,
            kind=AwardMilestone.Kind.MIDTERM,
            title="Mid-term report",
            due_date=self.starts_on + datetime.timedelta(days=180),
            position=0,
        )
        AwardMilestone.objects.create(
            award=self, kind=AwardMilestone.Kind.FINAL, title="Final report", due_date=self.ends_on, position=1
        )
        AwardKPI.objects.create(
            award=self, indicator="Disputes mediated", unit="cases", target=Decimal("120"), position=0
        )
        AwardKPI.objects.create(
            award=self, indicator="People reached", unit="people", target=Decimal("2000"), position=1
        )
        half = (self.amount / 2).quantize(Decimal("0.01"))
        AwardBudgetLine.objects.create(award=self, kind="personnel", description="Mediators", amount=half, position=0)
        AwardBudgetLine.objects.create(
            award=self, kind="activities", description="Village sessions", amount=self.amount - half, position=1
        )


def milestone(award, kind=AwardMilestone.Kind.MIDTERM) -> AwardMilestone:
    return award.milestones.get(kind=kind)


class ReportFactory(factory.django.DjangoModelFactory):
    milestone = factory.LazyFunction(lambda: AwardFactory(active=True).milestones.get(kind=AwardMilestone.Kind.MIDTERM))
    narrative = "We held 40 mediation sessions in six villages."
    status = MilestoneReport.Status.DRAFT

    class Meta:
        model = MilestoneReport
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(
            status=MilestoneReport.Status.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        accepted = factory.Trait(
            status=MilestoneReport.Status.ACCEPTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )
        returned = factory.Trait(
            status=MilestoneReport.Status.RETURNED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def complete(self, create, extracted, **kwargs):
        """`complete=True` fills an actual for every KPI and spending for every budget line."""
        if not create or not extracted:
            return
        award = self.milestone.award
        for kpi in award.kpis.all():
            self.kpi_actuals.create(kpi=kpi, actual=kpi.target / 2)
        for line in award.budget_lines.all():
            self.spending.create(budget_line=line, spent=line.amount / 4)
