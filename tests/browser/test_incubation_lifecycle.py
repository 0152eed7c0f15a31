"""The incubator from the first screen to the last, as each role would take it.

An NGO member registers an organisation, uploads its certificate and submits it; a
programme officer returns it with a reason; the NGO fixes it and resubmits; the officer
verifies it. The NGO applies to a cohort; the officer admits it, marks it resident, logs
a service for it and graduates it. The NGO requests a subsidy; the officer approves it
and requests the payment; a finance officer (someone else) approves the payment, sends
it in a bank batch and records it paid; the NGO sees the subsidy paid.
"""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from grants.payments.models import Payment
from incubator.models import Incubatee, Organisation, Subsidy, SubsidyPolicy
from tests.browser.helpers import browser_login, screenshot
from tests.browser.incubator_steps import (
    fill_registration,
    open_in_verification_queue,
    reference_data,
    staff_page,
    submit_for_verification,
    upload_certificate,
)
from tests.factories.accounts import UserFactory
from tests.factories.incubator import CohortFactory, ProgrammeFactory, policy

pytestmark = pytest.mark.django_db(transaction=True)

NAME_ZH = "吴中区新河调解服务中心"
NAME_EN = "Xinhe Mediation Centre"


def started_cohort():
    """A cohort under way a week, still taking applications for a fortnight."""
    today = timezone.localdate()
    return CohortFactory(
        programme=ProgrammeFactory(name_zh="法律服务社会组织孵化基地", name_en="Legal-aid NGO incubation base"),
        name_zh="2026年秋季班",
        name_en="Autumn 2026",
        applications_open_on=today - datetime.timedelta(days=30),
        applications_close_on=today + datetime.timedelta(days=14),
        starts_on=today - datetime.timedelta(days=7),
        ends_on=today + datetime.timedelta(days=180),
    )


def decide(officer_page, action: str, *, note: str = ""):
    """The incubatee's Decide page: one decision, today."""
    officer_page.select_option("#id_action", action)
    if note:
        officer_page.fill("#id_note", note)
    with officer_page.expect_navigation():
        officer_page.click("button:has-text('Record decision')")
    assert "Decision recorded for" in officer_page.content(), officer_page.content()[:3000]


def mails_to(address: str) -> list[str]:
    return [message.subject for message in mail.outbox if address in message.to]


def test_an_organisation_goes_from_registration_to_a_paid_subsidy(page, browser, live_server):
    district, service = reference_data()
    cohort = started_cohort()
    startup = policy(SubsidyPolicy.Kind.STARTUP)
    member = UserFactory(ngo_member=True, email="founder@xinhe-ngo.org")
    officer = UserFactory(officer=True, email="officer@bureau.gov.cn")
    finance = UserFactory(finance=True, email="finance@bureau.gov.cn")
    today = timezone.localdate()

    # --- The NGO registers, uploads its certificate and submits. -------------------------
    browser_login(page, live_server, member)
    page.goto(f"{live_server.url}/en/ngo/register/")
    fill_registration(
        page,
        district=district,
        service=service,
        name_zh=NAME_ZH,
        name_en=NAME_EN,
        uscc_serial=9191,
        bank=True,
        legal_representative="王",
    )
    screenshot(page, "lifecycle-01-register")
    with page.expect_navigation():
        page.click("button:has-text('Save draft')")
    organisation = Organisation.objects.get(name_zh=NAME_ZH)
    upload_certificate(page)
    submit_for_verification(page)
    screenshot(page, "lifecycle-02-submitted")

    # --- The officer returns it with a reason. -------------------------------------------
    officer_page = staff_page(browser, live_server, officer)
    open_in_verification_queue(officer_page, live_server, NAME_ZH, shot="lifecycle-03-officer-review")
    officer_page.fill("#id_return-reason", "法定代表人姓名不完整，请填写全名。")
    with officer_page.expect_navigation():
        officer_page.click("button:has-text('Return to the organisation')")
    assert "is returned to the organisation" in officer_page.content()
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.RETURNED

    # --- The NGO reads the reason, fixes the record and resubmits. ----------------------
    page.goto(f"{live_server.url}/en/ngo/{organisation.pk}/")
    assert "法定代表人姓名不完整，请填写全名。" in page.locator(".returned-reason").inner_text()
    screenshot(page, "lifecycle-04-returned")
    page.click("nav.tabs >> text=Edit details")
    page.fill("#id_legal_representative", "王建国")
    with page.expect_navigation():
        page.click("button:has-text('Save changes')")
    submit_for_verification(page)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.SUBMITTED
    assert organisation.legal_representative == "王建国"

    # --- The officer verifies it. --------------------------------------------------------
    open_in_verification_queue(officer_page, live_server, NAME_ZH, shot="lifecycle-05-officer-review-again")
    assert "法定代表人姓名不完整" in officer_page.content()  # the last reason, to check against
    with officer_page.expect_navigation():
        officer_page.click("button:has-text('Verify organisation')")
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.VERIFIED

    # --- The NGO applies to the cohort. --------------------------------------------------
    page.goto(f"{live_server.url}/en/ngo/{organisation.pk}/incubation/")
    page.select_option("#id_cohort", str(cohort.pk))
    page.fill("#id_statement", "希望提升项目设计和公益创投申报能力。")
    screenshot(page, "lifecycle-06-cohort-application")
    with page.expect_navigation():
        page.click("main form button:has-text('Apply')")
    assert "Application sent." in page.content()
    incubatee = Incubatee.objects.get(organisation=organisation, cohort=cohort)

    # --- The officer admits it, marks it resident, logs a service, graduates it. -----
    officer_page.goto(f"{live_server.url}/admin/incubator_incubatees/")
    officer_page.locator("tr", has_text=NAME_EN).locator("a:has-text('Decide')").click()
    officer_page.wait_for_load_state()
    assert officer_page.url.endswith(f"/admin/incubator/incubatees/{incubatee.pk}/decide/")
    assert "Log a service" not in officer_page.content()  # not before it is admitted
    screenshot(officer_page, "lifecycle-07-officer-decide")
    decide(officer_page, "admit", note="欢迎加入秋季班。")
    decide(officer_page, "resident")
    incubatee.refresh_from_db()
    assert incubatee.status == Incubatee.Status.INCUBATING and incubatee.resident_from == today

    with officer_page.expect_navigation():
        officer_page.click("a:has-text('Log a service')")
    assert officer_page.locator("#id_incubatee").input_value() == str(incubatee.pk)
    officer_page.select_option("#id_kind", "project_design")
    officer_page.fill("#id_provided_on", today.isoformat())
    officer_page.fill("#id_provider", "苏州大学王教授")
    officer_page.fill("#id_hours", "3")
    screenshot(officer_page, "lifecycle-08-log-service")
    with officer_page.expect_navigation():
        officer_page.locator("main form button[type=submit]").first.click()
    entry = incubatee.service_log.get()
    assert (entry.kind, entry.hours, entry.recorded_by) == ("project_design", Decimal("3.0"), officer)

    officer_page.goto(f"{live_server.url}/admin/incubator/incubatees/{incubatee.pk}/decide/")
    assert "苏州大学王教授" in officer_page.content()
    decide(officer_page, "graduate", note="完成孵化目标，顺利出壳。")
    screenshot(officer_page, "lifecycle-09-graduated")
    incubatee.refresh_from_db()
    assert incubatee.status == Incubatee.Status.HATCHED

    page.goto(f"{live_server.url}/en/ngo/{organisation.pk}/incubation/")
    assert "Hatched (graduated)" in page.content()
    assert "苏州大学王教授" in page.content()
    screenshot(page, "lifecycle-10-ngo-sees-hatched")

    # --- The NGO requests the start-up subsidy; the officer approves it. --------------
    page.goto(f"{live_server.url}/en/ngo/{organisation.pk}/subsidies/")
    page.select_option("#id_policy", str(startup.pk))
    page.fill("#id_amount", "30000")
    assert page.locator("#id_year").input_value() == str(today.year)
    screenshot(page, "lifecycle-11-subsidy-request")
    with page.expect_navigation():
        page.click("button:has-text('Request subsidy')")
    assert "Subsidy requested." in page.content()
    subsidy = Subsidy.objects.get(organisation=organisation)

    officer_page.goto(f"{live_server.url}/admin/incubator_subsidies/")
    officer_page.locator("tr", has_text=NAME_EN).locator("a:has-text('Decide')").click()
    officer_page.wait_for_load_state()
    screenshot(officer_page, "lifecycle-12-subsidy-decide")
    with officer_page.expect_navigation():
        officer_page.click("button:has-text('Approve this amount')")
    subsidy.refresh_from_db()
    assert subsidy.status == Subsidy.Status.APPROVED and subsidy.amount_approved == Decimal("30000.00")

    # --- The officer requests the payment; finance (someone else) approves it. --------
    officer_page.goto(f"{live_server.url}/admin/payments/payable/")
    with officer_page.expect_navigation():
        officer_page.click(f"form[action$='/payable/subsidy/{subsidy.pk}/'] button[type=submit]")
    payment = Payment.objects.get(subsidy=subsidy)
    assert payment.status == Payment.Status.REQUESTED and payment.requested_by == officer
    assert "someone else in finance must approve it" in officer_page.content()
    screenshot(officer_page, "lifecycle-13-payment-requested")
    officer_page.context.close()

    finance_page = staff_page(browser, live_server, finance)
    finance_page.goto(f"{live_server.url}/admin/payments/{payment.pk}/")
    with finance_page.expect_navigation():
        finance_page.click("form[action$='/approve/'] button[type=submit]")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.APPROVED and payment.approved_by == finance

    # ... puts it in a bank batch, then records it paid by hand.
    finance_page.goto(f"{live_server.url}/admin/payments/batches/")
    finance_page.check(f"input[name=payment][value='{payment.pk}']")
    with finance_page.expect_navigation():
        finance_page.click("button:has-text('Create batch and mark these sent')")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SENT
    finance_page.goto(f"{live_server.url}/admin/payments/{payment.pk}/")
    finance_page.fill("input[name=paid_on]", today.isoformat())
    with finance_page.expect_navigation():
        finance_page.click("button:has-text('Mark paid')")
    screenshot(finance_page, "lifecycle-14-payment-paid")
    payment.refresh_from_db()
    subsidy.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert subsidy.status == Subsidy.Status.PAID
    finance_page.context.close()

    # --- The NGO sees the subsidy paid. --------------------------------------------------
    page.goto(f"{live_server.url}/en/ngo/{organisation.pk}/subsidies/")
    row = page.locator("tr", has_text=startup.name)
    assert "Paid" in row.inner_text()
    screenshot(page, "lifecycle-15-ngo-sees-subsidy-paid")
    page.goto(f"{live_server.url}/en/payments/organisations/{organisation.pk}/")
    assert "Paid" in page.locator("li", has_text=payment.reference).inner_text()

    # --- Who heard what along the way. ---------------------------------------------------
    to_officer = mails_to(officer.email)
    # The officer reads English (their preferred language): organisations are named in English.
    assert any("submitted" in subject and NAME_EN in subject for subject in to_officer)
    assert any("resubmitted" in subject for subject in to_officer)
    assert any("applied to the incubation cohort" in subject for subject in to_officer)
    assert any(f"{NAME_EN} requests" in subject for subject in to_officer)
    assert any("is received" in subject for subject in mails_to(member.email))
    to_finance = mails_to(finance.email)
    assert not any((NAME_ZH in subject or NAME_EN in subject) and "verify" in subject.lower() for subject in to_finance)
    assert not any("incubation cohort" in subject or " requests " in subject for subject in to_finance)
    assert not any(f"Organisation {organisation.pk}" in message.body for message in mail.outbox)
