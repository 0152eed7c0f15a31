"""An NGO registers, uploads its certificate and submits; an officer verifies it in the
back office; the member sees it verified."""

import datetime

import pytest

from incubator.models import Organisation
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

pytestmark = pytest.mark.django_db(transaction=True)


def test_ngo_registers_submits_and_sees_its_organisation_verified(page, browser, live_server):
    district, service = reference_data()
    member = UserFactory(ngo_member=True, email="founder@huimin-ngo.org")
    # A superuser officer: the flush may also have removed the role's admin permissions.
    officer = UserFactory(officer=True, is_superuser=True, email="officer@bureau.gov.cn")

    browser_login(page, live_server, member)
    page.goto(f"{live_server.url}/en/ngo/register/")
    fill_registration(
        page,
        district=district,
        service=service,
        name_zh="吴中区惠民法律服务中心",
        name_en="Huimin Legal Service Centre",
        uscc_serial=8080,
        registration_date=datetime.date(2026, 3, 1),
    )
    screenshot(page, "incubator-register-form")
    page.click("button:has-text('Save draft')")
    page.wait_for_load_state()
    organisation = Organisation.objects.get(name_zh="吴中区惠民法律服务中心")
    assert page.url.endswith(f"/en/ngo/{organisation.pk}/")
    assert "Upload the registration (or filing) certificate." in page.content()
    screenshot(page, "incubator-draft-checklist")

    upload_certificate(page)
    screenshot(page, "incubator-certificate-uploaded")

    submit_for_verification(page)
    screenshot(page, "incubator-submitted")

    officer_page = staff_page(browser, live_server, officer)
    try:
        open_in_verification_queue(officer_page, live_server, "吴中区惠民法律服务中心", shot="incubator-officer-review")
        officer_page.click("button:has-text('Verify organisation')")
        officer_page.wait_for_load_state()
        screenshot(officer_page, "incubator-officer-verified")
    finally:
        officer_page.context.close()

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.VERIFIED
    page.goto(f"{live_server.url}/en/ngo/{organisation.pk}/")
    assert "Verified on" in page.content()
    assert "Verified" in page.locator(".org-header .badge").inner_text()
    screenshot(page, "incubator-member-sees-verified")


def test_registration_form_fits_a_phone_in_chinese(phone_page, live_server):
    reference_data()
    member = UserFactory(ngo_member=True)
    browser_login(phone_page, live_server, member, language="zh-hans")
    phone_page.goto(f"{live_server.url}/zh-hans/ngo/register/")
    assert "登记组织" in phone_page.content()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form is {width}px wide on a 375px screen"
    screenshot(phone_page, "incubator-register-form-phone-zh")
