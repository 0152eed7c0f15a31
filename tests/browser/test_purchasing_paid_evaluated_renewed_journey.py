"""The purchasing lifecycle after delivery, through the real forms, as each role, no seam mocked:
a signed contract whose periods are all accepted (set up through the delivery services; the
delivery journey covers those screens); one finance officer requests an instalment and another
approves it, it goes out in a bank batch and the bank's confirmation marks it paid; the NGO sees
it paid on a phone; the buyer gives the purchaser's marks; five residents answer the survey on
phones without an account; the buyer publishes; the final instalment is released into the
ledger; the buyer starts the service, marks it completed and renews it for next year."""

from urllib.parse import urlsplit

from django.utils import timezone

from grants.awards.evaluation.models import Part
from grants.payments.models import Payment
from purchasing.contracts.models import Contract, Instalment
from purchasing.contracts.services import contracts as contract_services
from purchasing.delivery import services as delivery
from purchasing.delivery.models import DeliveryPeriod
from tests.browser.helpers import browser_login, close, new_page, screenshot, submit
from tests.factories.accounts import UserFactory
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    ContractFactory,
    buyer_user,
    ngo_manager,
)


def signed_and_delivered(buyer_staff, owner, contract):
    """Both sides accept; every period is logged, submitted and accepted (services)."""
    contract_services.contract_accept(contract=contract, by=buyer_staff)
    contract = contract_services.contract_accept(contract=contract, by=owner)
    assert contract.status == Contract.Status.SIGNED
    periods = DeliveryPeriod.objects.filter(contract=contract).select_related("instalment")
    for period in periods.order_by("instalment__sequence"):
        delivery.delivery_log(
            period=period,
            by=owner,
            delivered_on=period.instalment.period_start,
            place="枫桥街道综治中心",
            hours=3,
            people_served=40,
            cases_handled=5,
            cases_mediated=2,
        )
        delivery.period_submit(period=period, by=owner)
        delivery.period_accept(period=period, by=buyer_staff)
    assert periods.count() and all(p.status == DeliveryPeriod.Status.ACCEPTED for p in periods.all())
    return contract


def test_instalment_paid_contract_evaluated_final_released_and_renewed(
    browser, page, phone_page, live_server, settings
):
    settings.FEEDBACK_MIN_FILL_SECONDS = 1
    buyer = BuyerFactory(name_en="Fengqiao Street Office", name_zh="枫桥街道办事处")
    BudgetLineFactory(buyer=buyer, amount=1_000_000)
    BudgetLineFactory(buyer=buyer, year=2027, amount=1_000_000)
    contract = ContractFactory(buyer=buyer, offered=True)
    organisation = contract.organisation
    organisation.bank_name = "中国银行苏州分行"
    organisation.bank_account_name = organisation.name_zh
    organisation.bank_account_number = "6217000011115555"
    organisation.save()
    buyer_staff = buyer_user(buyer, email="staff@fengqiao.gov.cn")
    owner = ngo_manager(organisation)
    finance = UserFactory(finance=True, email="finance1@bureau.gov.cn")
    finance2 = UserFactory(finance=True, email="finance2@bureau.gov.cn")
    contract = signed_and_delivered(buyer_staff, owner, contract)
    first_period = contract.instalments.filter(kind=Instalment.Kind.PERIOD).order_by("sequence").first()
    payment = Payment.objects.get(source_key=f"instalment:{first_period.pk}")
    assert payment.status == Payment.Status.SCHEDULED

    # 1. One finance officer requests the first instalment from the queue ...
    first = new_page(browser)
    browser_login(first, live_server, finance)
    first.goto(f"{live_server.url}/admin/payments/queue/?kind=instalment")
    assert buyer.name_zh in first.content()
    submit(first, f"a:has-text('{payment.reference}')")
    submit(first, "form[action$='/request/'] button")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUESTED and payment.requested_by == finance

    # ... another approves it, puts it in a bank batch and imports the bank's confirmation.
    second = new_page(browser)
    browser_login(second, live_server, finance2)
    second.goto(f"{live_server.url}/admin/payments/queue/?status=requested")
    second.check(f"input[name=payment][value='{payment.pk}']")
    submit(second, "button:has-text('Approve selected')")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED and payment.approved_by == finance2

    second.goto(f"{live_server.url}/admin/payments/batches/")
    second.check(f"input[name=payment][value='{payment.pk}']")
    submit(second, "button:has-text('Create batch and mark these sent')")
    screenshot(second, "purchasing-renewal-01-bank-batch")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SENT and payment.batch is not None

    second.goto(f"{live_server.url}/admin/payments/reconciliation/")
    confirmation = f"参考号,金额,日期\n{payment.reference},{payment.amount},{timezone.localdate():%Y-%m-%d}\n"
    second.set_input_files(
        "input[name=file]",
        files=[{"name": "boc-confirmation.csv", "mimeType": "text/csv", "buffer": confirmation.encode("gb18030")}],
    )
    submit(second, "form[enctype] button[type=submit]")
    assert "1 payment marked paid; 0 lines reported" in second.content()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID

    # 2. The NGO sees it paid on a phone: in its payments and on the contract's delivery page.
    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/payments/organisations/{organisation.pk}/")
    assert "Paid" in phone_page.locator("li", has_text=payment.reference).inner_text()
    phone_page.goto(f"{live_server.url}/en/purchasing/delivery/contracts/{contract.pk}/")
    assert "Paid" in phone_page.locator("tr", has_text=payment.reference).inner_text()
    screenshot(phone_page, "purchasing-renewal-02-ngo-sees-paid-phone")

    # 3. The buyer gives the purchaser's marks from the contract page.
    browser_login(page, live_server, buyer_staff)
    page.goto(f"{live_server.url}/en/purchasing/contracts/{contract.pk}/")
    submit(page, "a:has-text('Evaluate the contract')")
    marks = page.locator("form:has(input[name=action][value=marks]) input[type=number]")
    assert marks.count() == contract.evaluation_case.scheme.criteria.filter(part=Part.PURCHASER).count() > 0
    for field in marks.all():
        field.fill("85")
    page.fill("textarea[name=comment]", "按时开展，台账齐全。")
    submit(page, "button:has-text('Submit the marks')")
    assert "Your marks are saved" in page.content()
    case = contract.evaluation_case
    assert case.assessments.filter(part=Part.PURCHASER).exists()
    screenshot(page, "purchasing-renewal-03-buyer-marks")

    # 4. Five residents answer the contract's survey on phones, without an account.
    page.goto(f"{live_server.url}/en/purchasing/contracts/{contract.pk}/")
    # The link (and the poster's QR code) carry the site's public address; here, the live server's.
    link = page.locator("a:has-text('Feedback form')").get_attribute("href")
    survey = f"{live_server.url}{urlsplit(link).path}"
    for n, answer in enumerate(("Very good", "Good", "Very good", "Good", "Very good")):
        resident = browser.new_context(
            viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="en-GB"
        )
        resident_page = resident.new_page()
        resident_page.goto(survey)
        for group in resident_page.locator("fieldset").all():
            group.get_by_label(answer, exact=True).check()
        if n == 0:
            resident_page.fill("textarea[name=comment]", "讲座很实用，老师讲得很清楚。")
            screenshot(resident_page, "purchasing-renewal-04-resident-phone")
        resident_page.wait_for_timeout(1100)
        submit(resident_page, "main form button[type=submit]")
        assert "Your answers were received" in resident_page.content()
        resident.close()
    assert case.responses.count() == 5

    # 5. The buyer publishes the evaluation; it passed.
    page.goto(f"{live_server.url}/en/purchasing/contracts/{contract.pk}/evaluation/")
    assert page.locator("dt:has-text('Survey answers') + dd").inner_text().strip() == "5"
    submit(page, "button:has-text('Publish the evaluation')")
    assert "The evaluation is published" in page.content()
    case.refresh_from_db()
    assert case.is_published and case.passed
    assert case.get_grade_display() in page.content()
    screenshot(page, "purchasing-renewal-05-published")

    # 6. The final instalment becomes payable: the buyer releases it into the ledger.
    final = contract.instalments.get(kind=Instalment.Kind.FINAL)
    assert not Payment.objects.filter(source_key=f"instalment:{final.pk}").exists()
    page.goto(f"{live_server.url}/en/purchasing/delivery/contracts/{contract.pk}/")
    submit(page, "button:has-text('Release the final instalment')")
    assert "is in the payments ledger" in page.content()
    final_payment = Payment.objects.get(source_key=f"instalment:{final.pk}")
    assert final_payment.status == Payment.Status.SCHEDULED and final_payment.amount == final.amount
    assert final_payment.reference in page.content()
    screenshot(page, "purchasing-renewal-06-final-released")
    first.goto(f"{live_server.url}/admin/payments/queue/?kind=instalment")
    assert final_payment.reference in first.content()

    # 7. The buyer starts the service, marks it completed and renews it for next year.
    page.goto(f"{live_server.url}/en/purchasing/contracts/{contract.pk}/")
    submit(page, "form[action$='/do/start/'] button")
    submit(page, "form[action$='/do/complete/'] button")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    submit(page, "form[action$='/do/renew/'] button")
    assert "Renewal drafted from this contract" in page.content()
    renewal = Contract.objects.get(previous=contract)
    assert renewal.status == Contract.Status.DRAFT and renewal.pk != contract.pk
    assert page.url.endswith(f"/purchasing/contracts/{renewal.pk}/")
    assert contract.reference in page.locator("a", has_text=contract.reference).first.inner_text()
    assert renewal.organisation_id == contract.organisation_id and renewal.buyer_id == contract.buyer_id
    screenshot(page, "purchasing-renewal-07-renewal-draft")

    for other in (first, second):
        close(other)
