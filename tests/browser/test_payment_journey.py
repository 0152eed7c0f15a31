"""The money end of the report journey: the mid-term report is accepted, the officer
requests the tranche, finance approves it, exports the bank batch, imports the bank's
confirmation, and the NGO sees the tranche paid on its phone."""

from decimal import Decimal

from django.utils import timezone

from grants.awards.models import AwardMilestone, MilestoneReport
from grants.payments.models import Payment
from incubator.models import Membership
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.grants import FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.factories.payments import award_with_tranches, tranche_payment


def midterm_report_accepted(award, officer):
    milestone = AwardMilestone.objects.create(
        award=award,
        kind=AwardMilestone.Kind.MIDTERM,
        title="Mid-term report",
        due_date=timezone.localdate(),
        position=1,
    )
    MilestoneReport.objects.create(
        milestone=milestone,
        status=MilestoneReport.Status.ACCEPTED,
        narrative="48 mediation sessions held.",
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
        decided_by=officer,
    )


def new_page(browser, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_tranche_requested_approved_exported_confirmed_and_seen_paid(browser, page, phone_page, live_server):
    funder = FunderFactory(name_en="Wuzhong District Justice Bureau")
    officer = UserFactory(officer=True, email="officer@bureau.gov.cn")
    finance = UserFactory(finance=True, email="finance@bureau.gov.cn")
    funder.officers.add(officer, finance)
    organisation = OrganisationFactory(
        verified=True,
        name_en="Xinhe Mediation Centre",
        bank_name="Bank of China Suzhou",
        bank_account_name="Xinhe Mediation Centre",
        bank_account_number="6217856000012345678",
    )
    owner = UserFactory(ngo_member=True, email="owner@xinhe.org")
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    award = award_with_tranches(funder=funder, organisation=organisation, amount=Decimal("100000.00"))
    tranche_payment(award=award, position=0, paid=True)  # the signing tranche went out earlier
    midterm_report_accepted(award, officer)

    # The officer requests the mid-term tranche.
    browser_login(page, live_server, officer)
    page.goto(f"{live_server.url}/admin/payments/payable/")
    assert "Mid-term report accepted" in page.content() or "Tranche 2" in page.content()
    screenshot(page, "payments-ready-to-request")
    page.click("form[action*='/payable/tranche/'] button[type=submit]")
    page.wait_for_load_state()
    payment = Payment.objects.get(tranche__award=award, tranche__position=1)
    assert payment.status == Payment.Status.REQUESTED
    assert payment.reference in page.content()

    # Finance approves it from the queue (the four-eyes check passes: someone else requested it).
    finance_page = new_page(browser)
    browser_login(finance_page, live_server, finance)
    finance_page.goto(f"{live_server.url}/admin/payments/queue/?status=requested")
    finance_page.check(f"input[name=payment][value='{payment.pk}']")
    screenshot(finance_page, "payments-queue-approve")
    finance_page.click("button:has-text('Approve selected')")
    finance_page.wait_for_load_state()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED

    # ... exports the bank batch ...
    finance_page.goto(f"{live_server.url}/admin/payments/batches/")
    finance_page.check(f"input[name=payment][value='{payment.pk}']")
    finance_page.click("button:has-text('Create batch and mark these sent')")
    finance_page.wait_for_load_state()
    screenshot(finance_page, "payments-bank-batch")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SENT and payment.batch is not None

    # ... and imports the bank's confirmation.
    finance_page.goto(f"{live_server.url}/admin/payments/reconciliation/")
    confirmation = f"参考号,金额,日期\n{payment.reference},{payment.amount},{timezone.localdate():%Y-%m-%d}\n"
    finance_page.set_input_files(
        "input[name=file]",
        files=[{"name": "boc-confirmation.csv", "mimeType": "text/csv", "buffer": confirmation.encode("gb18030")}],
    )
    finance_page.click("form[enctype] button[type=submit]")
    finance_page.wait_for_load_state()
    assert "1 payment marked paid; 0 lines reported" in finance_page.content()
    screenshot(finance_page, "payments-reconciliation-report")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID

    # The NGO sees it paid, on a phone.
    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/payments/organisations/{organisation.pk}/")
    row = phone_page.locator("li", has_text=payment.reference)
    assert "Paid" in row.inner_text()
    screenshot(phone_page, "payments-ngo-sees-paid-phone")
    finance_page.context.close()
