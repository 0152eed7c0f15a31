"""Factories of service purchasing (purchasing.contracts), for its tests and purchasing.delivery's."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts import roles
from incubator.models import Membership, ServiceItem
from purchasing.contracts.models import (
    BudgetLine,
    Buyer,
    Contract,
    ContractItem,
    Instalment,
    Kpi,
    Need,
    Offer,
    Quote,
    Unit,
)
from purchasing.contracts.terms import schedule
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, MembershipFactory, OrganisationFactory

YEAR = 2026


def first_item() -> ServiceItem:
    return ServiceItem.objects.order_by("pk").first()


class BuyerFactory(factory.django.DjangoModelFactory):
    name_zh = factory.Sequence(lambda n: f"测试街道办事处{n}")
    name_en = factory.Sequence(lambda n: f"Test Street Office {n}")
    kind = Buyer.Kind.STREET_OFFICE
    area = factory.SubFactory(AreaFactory)

    class Meta:
        model = Buyer


class BudgetLineFactory(factory.django.DjangoModelFactory):
    buyer = factory.SubFactory(BuyerFactory)
    year = YEAR
    amount = Decimal("100000.00")

    class Meta:
        model = BudgetLine


def buyer_user(buyer, **kwargs):
    """A member of the buyer's staff with the Buyer role."""
    user = UserFactory(roles=[roles.BUYER], **kwargs)
    buyer.staff.add(user)
    return user


def ngo_manager(organisation, role=Membership.Role.OWNER):
    return MembershipFactory(organisation=organisation, role=role).user


class OfferFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    item = factory.LazyFunction(first_item)
    unit = Unit.SESSION
    unit_price = Decimal("500.00")
    capacity = 100
    title_zh = factory.Sequence(lambda n: f"社区法律讲座{n}")
    title_en = factory.Sequence(lambda n: f"Community law talks {n}")
    description_zh = "为社区居民开展法律讲座。"
    description_en = "Law talks for residents."
    status = Offer.Status.DRAFT

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    class Params:
        published = factory.Trait(status=Offer.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.areas.set(extracted or [AreaFactory()])


class NeedFactory(factory.django.DjangoModelFactory):
    buyer = factory.SubFactory(BuyerFactory)
    item = factory.LazyFunction(first_item)
    area = factory.SelfAttribute("buyer.area")
    title_zh = factory.Sequence(lambda n: f"社区普法需求{n}")
    title_en = factory.Sequence(lambda n: f"Community law talks needed {n}")
    unit = Unit.SESSION
    quantity = 20
    budget = Decimal("12000.00")
    period_start = datetime.date(YEAR, 1, 1)
    period_end = datetime.date(YEAR, 12, 31)
    quote_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))

    class Meta:
        model = Need

    class Params:
        closed = factory.Trait(
            quote_deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
        )


class QuoteFactory(factory.django.DjangoModelFactory):
    need = factory.SubFactory(NeedFactory)
    offer = factory.SubFactory(OfferFactory, published=True)
    organisation = factory.SelfAttribute("offer.organisation")
    unit_price = Decimal("480.00")
    quantity = 20

    class Meta:
        model = Quote


class ContractFactory(factory.django.DjangoModelFactory):
    """A contract of one item (20 sessions at ¥500 = ¥10,000 in YEAR), quarterly instalments
    plus a final 10 %, and one KPI. Traits: offered, signed, active, completed."""

    reference = factory.Sequence(lambda n: f"SC-{YEAR}-T{n:04d}")
    buyer = factory.SubFactory(BuyerFactory)
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    year = YEAR
    title_zh = "社区法律讲座服务合同"
    title_en = "Community law talks contract"
    period_start = datetime.date(YEAR, 1, 1)
    period_end = datetime.date(YEAR, 12, 31)
    total = Decimal("10000.00")
    status = Contract.Status.DRAFT

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    class Params:
        offered = factory.Trait(status=Contract.Status.OFFERED)
        signed = factory.Trait(
            status=Contract.Status.SIGNED,
            signed_at=factory.LazyFunction(timezone.now),
            buyer_accepted_at=factory.LazyFunction(timezone.now),
            ngo_accepted_at=factory.LazyFunction(timezone.now),
        )
        active = factory.Trait(signed=True, status=Contract.Status.ACTIVE)
        completed = factory.Trait(signed=True, status=Contract.Status.COMPLETED)

    @factory.post_generation
    def terms(self, create, extracted, **kwargs):
        if not create:
            return
        ContractItem.objects.create(
            contract=self, item=first_item(), unit=Unit.SESSION, quantity=20, unit_price=self.total / 20
        )
        for number, instalment in enumerate(
            schedule(
                total=self.total, start=self.period_start, end=self.period_end, frequency="quarterly", final_percent=10
            ),
            start=1,
        ):
            Instalment.objects.create(
                contract=self,
                sequence=number,
                kind=instalment.kind,
                period_start=instalment.period_start,
                period_end=instalment.period_end,
                amount=instalment.amount,
            )
        Kpi.objects.create(contract=self, name_zh="讲座场次", name_en="Talks held", target=20)
