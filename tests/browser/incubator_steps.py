"""Steps of the incubator's journeys that several browser tests take: the NGO's
registration, upload and submission; the officer's review; a signed-in staff page."""

import datetime

from django.utils import timezone

from incubator.models import Area, ServiceCategory, ServiceItem
from tests.browser.helpers import browser_login, screenshot
from tests.factories.incubator import PDF_BYTES, make_uscc


def reference_data():
    """Migrations' data does not survive another transactional test's flush: make sure."""
    district, _ = Area.objects.get_or_create(
        code="320506000000",
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


def staff_page(browser, live_server, user):
    """A second browser (own cookies) signed in as `user`, through the login form and MFA."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_login(page, live_server, user)
    return page


def fill_registration(
    page,
    *,
    district,
    service,
    name_zh: str,
    name_en: str,
    uscc_serial: int,
    registration_date: datetime.date | None = None,
    bank: bool = False,
    legal_representative: str = "张明",
):
    """The registration form, filled as a founder would (legal form: private non-enterprise)."""
    registration_date = registration_date or timezone.localdate() - datetime.timedelta(days=60)
    page.fill("#id_name_zh", name_zh)
    page.fill("#id_name_en", name_en)
    page.select_option("#id_legal_form", "private_non_enterprise")
    page.fill("#id_uscc", make_uscc("private_non_enterprise", uscc_serial))
    page.select_option("#id_field_type", "grassroots")
    page.fill("#id_registration_date", registration_date.isoformat())
    page.fill("#id_registration_authority", "苏州市吴中区民政局")
    page.fill("#id_legal_representative", legal_representative)
    pick_area(page, "district", district.name_en[:4], district)
    page.fill("#id_contact_name", "李华")
    page.fill("#id_contact_phone", "0512-65550000")
    page.fill("#id_mission", "为社区居民提供免费法律咨询和人民调解服务。")
    page.check(f"input[name=services][value='{service.pk}']")
    if bank:
        page.fill("#id_bank_name", "中国银行苏州吴中支行")
        page.fill("#id_bank_account_name", name_zh)
        page.fill("#id_bank_account_number", "6217856000012345678")


def pick_area(page, field: str, typed: str, area):
    """An area picker (incubator/widgets.py): type part of a name, click the area offered."""
    page.fill(f"#id_{field}_search", typed)
    page.click(f"#id_{field}_listbox [role=option][data-value='{area.pk}']")


def upload_certificate(page, *, title: str = "民办非企业单位登记证书"):
    page.click("nav.tabs >> text=Documents")
    page.select_option("#id_kind", "registration_certificate")
    page.fill("#id_title", title)
    page.set_input_files(
        "#id_file", files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.click("button:has-text('Upload')")
    page.wait_for_load_state()
    assert "Document uploaded." in page.content()


def submit_for_verification(page):
    page.click("nav.tabs >> text=Overview")
    page.click("button:has-text('Submit for verification')")
    page.wait_for_load_state()
    assert "Submitted. The programme office will review it" in page.content()


def open_in_verification_queue(officer_page, live_server, name_zh: str, *, shot: str):
    officer_page.goto(f"{live_server.url}/admin/incubator/queue/")
    officer_page.click(f"text={name_zh}")
    officer_page.wait_for_load_state()
    screenshot(officer_page, shot)
