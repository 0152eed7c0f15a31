"""Ledger test data: approved subsidies and awards with tranches to pay, and payments in each state.

``PaymentFactory(approved=True)`` gives a subsidy payment already approved by another
person than its requester; ``tranche_payment(...)`` does the same for a grant tranche.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from grants.awards.models import Award, EvaluationScheme, Tranche
from grants.calls.models import Application
from grants.payments.models import BankBatch, ConnectedAccount, Payment
from incubator.models import Subsidy, SubsidyPolicy
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import OrganisationFactory, SubsidyFactory, policy


def approved_subsidy(
    *, organisation=None, amount: Decimal = Decimal("10000.00"), kind=SubsidyPolicy.Kind.INCUBATION, **fields
):
    """A subsidy an officer has approved: what the ledger pays."""
    organisation = organisation or OrganisationFactory(
        verified=True,
        bank_name="中国银行苏州分行",
        bank_account_name="测试中心",
        bank_account_number="6217000011112222",
    )
    return SubsidyFactory(
        organisation=organisation,
        policy=policy(kind),
        amount_requested=amount,
        amount_approved=amount,
        status=Subsidy.Status.APPROVED,
        approved_at=timezone.now(),
        decided_at=timezone.now(),
        **fields,
    )


def award_with_tranches(
    *,
    amount: Decimal = Decimal("100000.00"),
    tranches=(Decimal("40000.00"), Decimal("40000.00"), Decimal("20000.00")),
    funder=None,
    organisation=None,
    accepted: bool = True,
    triggers=("on_signing", "on_midterm_accepted", "on_final_accepted_and_evaluated"),
):
    """An award of ``amount`` with tranches (first one payable on signing once ``accepted``)."""

    call = CallFactory(funder=funder) if funder else CallFactory()
    organisation = organisation or OrganisationFactory(
        verified=True,
        bank_name="中国工商银行苏州分行",
        bank_account_name="受助机构",
        bank_account_number="6222020011113333",
    )
    application = ApplicationFactory(call=call, organisation=organisation, status=Application.Status.AWARDED)
    scheme = EvaluationScheme.objects.filter(is_default=True).first() or EvaluationScheme.objects.create(
        name="Test scheme", is_default=True
    )
    today = timezone.localdate()
    award = Award.objects.create(
        application=application,
        reference=f"AW-{application.pk:05d}",
        status=Award.Status.ACTIVE if accepted else Award.Status.OFFERED,
        amount=amount,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
        evaluation_scheme=scheme,
        accepted_at=timezone.now() if accepted else None,
    )
    for position, (tranche_amount, trigger) in enumerate(zip(tranches, triggers, strict=False)):
        Tranche.objects.create(
            award=award, position=position, label=f"Tranche {position + 1}", trigger=trigger, amount=tranche_amount
        )
    return award


class PaymentFactory(factory.django.DjangoModelFactory):
    """A subsidy payment. Traits walk it along the lifecycle (fields as the services would set them)."""

    subsidy = factory.LazyFunction(approved_subsidy)
    payee = factory.LazyAttribute(
        lambda o: o.subsidy.organisation if o.subsidy else o.tranche.award.application.organisation
    )
    amount = factory.LazyAttribute(lambda o: o.subsidy.amount_approved if o.subsidy else o.tranche.amount)
    currency = "CNY"
    rail = Payment.Rail.BANK
    status = Payment.Status.SCHEDULED
    description = "测试付款"

    class Meta:
        model = Payment

    class Params:
        requested = factory.Trait(
            status=Payment.Status.REQUESTED,
            requested_by=factory.SubFactory(UserFactory, officer=True),
            requested_at=factory.LazyFunction(timezone.now),
        )
        approved = factory.Trait(
            requested=True,
            status=Payment.Status.APPROVED,
            approved_by=factory.SubFactory(UserFactory, finance=True),
            approved_at=factory.LazyFunction(timezone.now),
        )
        sent = factory.Trait(
            approved=True,
            status=Payment.Status.SENT,
            external_id=factory.LazyAttribute(lambda o: "tr_test" if o.rail == Payment.Rail.STRIPE else ""),
            sent_at=factory.LazyFunction(timezone.now),
        )
        paid = factory.Trait(
            sent=True,
            status=Payment.Status.PAID,
            paid_at=factory.LazyFunction(timezone.now),
            paid_on=factory.LazyFunction(timezone.localdate),
        )
        failed = factory.Trait(approved=True, status=Payment.Status.FAILED, failure_reason="The bank returned it.")
        cancelled = factory.Trait(status=Payment.Status.CANCELLED, cancel_reason="Entered twice.")


def tranche_payment(*, award=None, position: int = 0, **traits) -> Payment:
    award = award or award_with_tranches()
    tranche = award.tranches.get(position=position)
    return PaymentFactory(
        subsidy=None,
        tranche=tranche,
        funder=award.application.call.funder,
        **traits,
    )


class ConnectedAccountFactory(factory.django.DjangoModelFactory):
    organisation = factory.SubFactory(OrganisationFactory, verified=True)
    account_id = factory.Sequence(lambda n: f"acct_test{n:08d}")
    details_submitted = True
    transfers_active = True

    class Meta:
        model = ConnectedAccount


class BankBatchFactory(factory.django.DjangoModelFactory):
    created_by = factory.SubFactory(UserFactory, finance=True)
    csv = "reference,payee,bank,account,amount,currency\r\n"

    class Meta:
        model = BankBatch
