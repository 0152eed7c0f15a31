"""An NGO registers, uploads its certificate and submits; an officer verifies it in the
back office; the member sees it verified."""

import pytest

from grants.models import ServiceCategory, ServiceItem
from incubator.models import Area, Organisation
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.incubator import PDF_BYTES, make_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def reference_data():
    """Migrations' data does not survive another transactional test's flush: make sure."""
    district, _ = Area.objects.get_or_create(
        code="320506",
        defaults={"name_zh": "吴中区", "name_en": "Wuzhong District", "level": "district", "population": 1_390_000},
    )
    category, _ = ServiceCategory.objects.get_or_create(
        code="people-mediation", defaults={"name_zh": "人民调解", "name_en": "People's mediation"}
    )
    item, _ = ServiceItem.objects.get_or_create(
        code="neighbourhood-mediation",
        defaults={"category": category, "name_zh": "邻里纠纷调解", "name_en": "Neighbourhood mediation"},
    )
    return district, item


def test_ngo_registers_submits_and_sees_its_organisation_verified(page, browser, live_server):
    district, service = reference_data()
    member = UserFactory(ngo_member=True, email="founder@huimin-ngo.org")
    # A superuser officer: the flush may also have removed the role's admin permissions.
    officer = UserFactory(officer=True, is_superuser=True, email="officer@bureau.gov.cn")

    browser_login(page, live_server, member)
    page.goto(f"{live_server.url}/en/ngo/register/")
    page.fill("#id_name_zh", "吴中区惠民法律服务中心")
    page.fill("#id_name_en", "Huimin Legal Service Centre")
    page.select_option("#id_legal_form", "private_non_enterprise")
    page.fill("#id_uscc", make_uscc("private_non_enterprise", 8080))
    page.select_option("#id_field_type", "grassroots")
    page.fill("#id_registration_date", "2026-03-01")
    page.fill("#id_registration_authority", "苏州市吴中区民政局")
    page.fill("#id_legal_representative", "张明")
    page.select_option("#id_district", str(district.pk))
    page.fill("#id_contact_name", "李华")
    page.fill("#id_contact_phone", "0512-65550000")
    page.fill("#id_mission", "为社区居民提供免费法律咨询和人民调解服务。")
    page.check(f"input[name=services][value='{service.pk}']")
    screenshot(page, "incubator-register-form")
    page.click("button:has-text('Save draft')")
    page.wait_for_load_state()
    organisation = Organisation.objects.get(name_zh="吴中区惠民法律服务中心")
    assert page.url.endswith(f"/en/ngo/{organisation.pk}/")
    assert "Upload the registration (or filing) certificate." in page.content()
    screenshot(page, "incubator-draft-checklist")

    page.click("nav.tabs >> text=Documents")
    page.select_option("#id_kind", "registration_certificate")
    page.fill("#id_title", "民办非企业单位登记证书")
    page.set_input_files(
        "#id_file", files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.click("button:has-text('Upload')")
    page.wait_for_load_state()
    assert "Document uploaded." in page.content()
    screenshot(page, "incubator-certificate-uploaded")

    page.click("nav.tabs >> text=Overview")
    page.click("button:has-text('Submit for verification')")
    page.wait_for_load_state()
    assert "Submitted. The programme office will review it" in page.content()
    screenshot(page, "incubator-submitted")

    officer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    officer_page = officer_context.new_page()
    officer_page.set_default_timeout(15_000)
    try:
        browser_login(officer_page, live_server, officer)
        officer_page.goto(f"{live_server.url}/admin/incubator/queue/")
        officer_page.click("text=吴中区惠民法律服务中心")
        officer_page.wait_for_load_state()
        screenshot(officer_page, "incubator-officer-review")
        officer_page.click("button:has-text('Verify organisation')")
        officer_page.wait_for_load_state()
        screenshot(officer_page, "incubator-officer-verified")
    finally:
        officer_context.close()

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
