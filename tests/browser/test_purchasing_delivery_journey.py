"""The whole purchasing lifecycle through the real forms, as each role, no seam mocked:
a buyer contracts a published offer, both sides accept it, the NGO logs deliveries and
submits the first period (on a 375 px phone), the buyer disputes it, the NGO corrects and
resubmits, the buyer accepts it; the accepted period's instalment is in the payments
queue with the buyer as payer; one finance officer requests it and another approves it."""

import datetime

from grants.payments.models import Payment
from purchasing.contracts.models import Contract
from purchasing.delivery.models import DeliveryPeriod
from tests.browser.helpers import browser_login, close, new_page, screenshot, submit
from tests.factories.accounts import UserFactory
from tests.purchasing.contracts.factories import (
    BudgetLineFactory,
    BuyerFactory,
    OfferFactory,
    buyer_user,
    ngo_manager,
)

YEAR = 2026


def test_offer_contracted_signed_delivered_disputed_accepted_and_instalment_approved(
    browser, page, phone_page, live_server
):
    buyer = BuyerFactory(name_en="Fengqiao Street Office", name_zh="枫桥街道办事处")
    BudgetLineFactory(buyer=buyer, year=YEAR)
    offer = OfferFactory(published=True)
    organisation = offer.organisation
    organisation.bank_name = "中国银行苏州分行"
    organisation.bank_account_name = organisation.name_zh
    organisation.bank_account_number = "6217000011114444"
    organisation.save()
    buyer_staff = buyer_user(buyer, email="staff@fengqiao.gov.cn")
    owner = ngo_manager(organisation)
    finance = UserFactory(finance=True, email="finance1@bureau.gov.cn")
    finance2 = UserFactory(finance=True, email="finance2@bureau.gov.cn")

    # The buyer contracts the offer directly and offers the draft for signature.
    browser_login(page, live_server, buyer_staff)
    page.goto(f"{live_server.url}/en/purchasing/offers/{offer.pk}/contract/")
    page.fill("input[name=quantity]", "4")
    page.fill("input[name=period_start]", f"{YEAR}-01-01")
    page.fill("input[name=period_end]", f"{YEAR}-12-31")
    submit(page, "main form button[type=submit]")
    contract = Contract.objects.get(offer=offer)
    submit(page, "form[action$='/do/offer/'] button")
    submit(page, "form[action$='/do/accept/'] button")

    # The NGO accepts: both have, the contract is signed.
    ngo = new_page(browser)
    browser_login(ngo, live_server, owner)
    ngo.goto(f"{live_server.url}/en/purchasing/contracts/{contract.pk}/")
    submit(ngo, "form[action$='/do/accept/'] button")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.SIGNED

    # The NGO logs a delivery of the first period on a phone and submits the period.
    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/purchasing/delivery/contracts/{contract.pk}/")
    period = DeliveryPeriod.objects.filter(contract=contract).order_by("instalment__sequence").first()
    submit(phone_page, f"a[href$='/periods/{period.pk}/']")
    submit(phone_page, "a:has-text('Log a delivery')")
    day = period.instalment.period_start + datetime.timedelta(days=5)
    phone_page.fill("input[name=delivered_on]", day.isoformat())
    phone_page.fill("input[name=place]", "枫桥街道综治中心")
    phone_page.fill("input[name=hours]", "3")
    phone_page.fill("input[name=people_served]", "400")
    phone_page.fill("input[name=cases_handled]", "6")
    submit(phone_page, "main form button[type=submit]")
    assert "Delivery logged." in phone_page.content()
    screenshot(phone_page, "delivery-period-phone")
    submit(phone_page, "form[action$='/submit/'] button")
    period.refresh_from_db()
    assert period.status == DeliveryPeriod.Status.SUBMITTED

    # The buyer disputes it with a reason: no payment.
    page.goto(f"{live_server.url}/en/purchasing/delivery/periods/{period.pk}/")
    page.fill("textarea[name=reason]", "签到表只有40人，不是400人。")
    submit(page, "form[action$='/dispute/'] button")
    period.refresh_from_db()
    assert period.status == DeliveryPeriod.Status.DISPUTED
    assert not Payment.objects.filter(source_key=f"instalment:{period.instalment_id}").exists()

    # The NGO reads why, removes the wrong delivery, logs the right one and resubmits.
    phone_page.goto(f"{live_server.url}/en/purchasing/delivery/periods/{period.pk}/")
    assert "签到表只有40人" in phone_page.content()
    submit(phone_page, "form[action$='/remove/'] button")
    submit(phone_page, "a:has-text('Log a delivery')")
    phone_page.fill("input[name=delivered_on]", day.isoformat())
    phone_page.fill("input[name=place]", "枫桥街道综治中心")
    phone_page.fill("input[name=hours]", "3")
    phone_page.fill("input[name=people_served]", "40")
    submit(phone_page, "main form button[type=submit]")
    phone_page.fill("textarea[name=summary]", "已按签到表更正人数。")
    submit(phone_page, "form[action$='/submit/'] button")

    # The buyer accepts: the instalment is in the ledger, scheduled, the buyer as payer.
    page.goto(f"{live_server.url}/en/purchasing/delivery/periods/{period.pk}/")
    submit(page, "form[action$='/accept/'] button")
    assert "is now in the payments ledger" in page.content()
    payment = Payment.objects.get(source_key=f"instalment:{period.instalment_id}")
    assert payment.status == Payment.Status.SCHEDULED and payment.payer_name == buyer.name_zh

    # One finance officer requests it from the queue ...
    first = new_page(browser)
    browser_login(first, live_server, finance)
    first.goto(f"{live_server.url}/admin/payments/queue/?kind=instalment")
    assert buyer.name_zh in first.content()
    submit(first, f"a:has-text('{payment.reference}')")
    submit(first, "form[action$='/request/'] button")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUESTED and payment.requested_by == finance
    assert "someone else in finance must approve it" in first.content()

    # ... and another approves it.
    second = new_page(browser)
    browser_login(second, live_server, finance2)
    second.goto(f"{live_server.url}/admin/payments/queue/?status=requested")
    second.check(f"input[name=payment][value='{payment.pk}']")
    submit(second, "button:has-text('Approve selected')")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED and payment.approved_by == finance2
    screenshot(second, "delivery-instalment-approved")

    # The contract's delivery page shows the payment.
    ngo.goto(f"{live_server.url}/en/purchasing/delivery/contracts/{contract.pk}/")
    assert payment.reference in ngo.content()
    for other in (ngo, first, second):
        close(other)
