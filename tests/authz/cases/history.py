"""The History page of one object (core_admin_history, in the Wagtail admin): staff who may see
the object on its own back-office page read its audit events; everyone else is refused (403 in
the admin's frame), and an object of another funder, a model without a History page or an id
that does not exist are refused alike."""

from grants.payments.models import Payment
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, Case
from tests.factories.awards import AwardFactory, FinalCallFactory, ReportFactory, milestone
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import IncubateeFactory, SubsidyFactory
from tests.factories.payments import PaymentFactory, approved_subsidy


def back_office(**overrides) -> dict:
    expect = {
        "anonymous": LOGIN,
        "ngo_member": FORBIDDEN,
        "other_ngo_member": FORBIDDEN,
        "reviewer": FORBIDDEN,
        "programme_officer": ALLOW,
        "finance_officer": ALLOW,
    }
    expect.update(overrides)
    return expect


def history(obj) -> dict:
    return {"kind": obj._meta.label_lower, "pk": obj.pk}


def cases(world):
    officer, finance = world.users["programme_officer"], world.users["finance_officer"]
    own_funder = FunderFactory(officers=[officer, finance])
    foreign_funder = FunderFactory()
    application = ApplicationFactory(call=CallFactory(funder=own_funder), organisation=world.ngo_org, submitted=True)
    foreign_application = ApplicationFactory(
        call=CallFactory(funder=foreign_funder), organisation=world.other_org, submitted=True
    )
    award = AwardFactory(application__call=FinalCallFactory(funder=own_funder), active=True)
    report = ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    payment = PaymentFactory(subsidy=approved_subsidy(organisation=world.ngo_org), requested=True, requested_by=officer)
    nobody = back_office(programme_officer=FORBIDDEN, finance_officer=FORBIDDEN)
    officers = back_office(finance_officer=FORBIDDEN)  # the incubator's pages are the programme officers'
    return [
        Case("core_admin_history", officers, kwargs=history(world.ngo_org), note="an organisation"),
        Case("core_admin_history", officers, kwargs=history(IncubateeFactory(organisation=world.ngo_org))),
        Case("core_admin_history", officers, kwargs=history(SubsidyFactory(organisation=world.ngo_org))),
        Case("core_admin_history", back_office(), kwargs=history(application.call), note="a call of the funder"),
        Case("core_admin_history", back_office(), kwargs=history(application), note="an application to the funder"),
        Case("core_admin_history", nobody, kwargs=history(foreign_application), note="another funder's application"),
        Case("core_admin_history", back_office(), kwargs=history(award), note="an award of the funder"),
        Case("core_admin_history", back_office(), kwargs=history(report), note="a report on such an award"),
        Case("core_admin_history", back_office(), kwargs=history(payment), note="a payment"),
        Case("core_admin_history", nobody, kwargs={"kind": "review.review", "pk": 1}, note="no History page"),
        Case("core_admin_history", nobody, kwargs={"kind": Payment._meta.label_lower, "pk": 10**9}, note="no such id"),
    ]
