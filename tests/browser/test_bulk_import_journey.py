"""A programme officer imports the bureau's roster of organisations from an Excel file:
upload, the preview with each row's errors, confirm, the report (downloaded as CSV), and
the new organisations in the back office's list."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from incubator.models import Area, Organisation
from tests.browser.helpers import screenshot
from tests.browser.incubator_steps import staff_page
from tests.data.bulk_import import samples
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wuzhong_areas():
    """Migrations' data does not survive another transactional test's flush: make sure."""
    province, _ = Area.objects.get_or_create(code="320000000000", defaults={"name_zh": "江苏省", "level": "province"})
    city, _ = Area.objects.get_or_create(
        code="320500000000", defaults={"name_zh": "苏州市", "level": "city", "parent": province}
    )
    district, _ = Area.objects.get_or_create(
        code="320506000000", defaults={"name_zh": "吴中区", "level": "district", "parent": city}
    )
    for code, name in (("320506001000", "长桥街道"), ("320506103000", "木渎镇")):
        Area.objects.get_or_create(code=code, defaults={"name_zh": name, "level": "town", "parent": district})


def test_officer_imports_organisations_from_a_spreadsheet(browser, live_server, tmp_path):
    wuzhong_areas()
    officer = UserFactory(officer=True, is_superuser=True, email="officer@bureau.gov.cn")
    workbook = tmp_path / "吴中区社会组织名录.xlsx"
    workbook.write_bytes(samples.xlsx_bytes())

    page = staff_page(browser, live_server, officer)
    page.goto(f"{live_server.url}/admin/")
    page.locator("a[href$='/admin/imports/organisations/']", has_text="Import organisations").first.click()
    page.wait_for_load_state()
    assert "/admin/imports/organisations/" in page.url
    page.set_input_files("input[name=file]", str(workbook))
    page.select_option("select[name=field_type]", "professional")
    screenshot(page, "bulk-import-1-upload")
    with page.expect_navigation():
        page.click("main form button[type=submit]:has-text('Upload and preview')")

    body = page.inner_text("main")
    assert "Preview: nothing is saved yet" in body
    assert "Row 3 has the same unified social credit code." in body
    assert "“火星区” is not in the platform's division codes" in body
    assert "The organisation's name (机构名称) is empty." in body
    assert page.locator("[data-testid=rows-to-create]").inner_text() == "3"
    assert page.locator("[data-testid=rows-to-skip]").inner_text() == "4"
    assert not Organisation.objects.filter(name_zh="木渎镇邻里调解服务中心").exists()
    screenshot(page, "bulk-import-2-preview")

    page.click("a:has-text('Rows with errors or warnings')")
    page.wait_for_load_state()
    assert page.locator("tr.import-row").count() == 4

    with page.expect_navigation():
        page.click("button:has-text('Confirm: create 3 records')")
    assert page.locator("[data-testid=rows-created]").inner_text() == "3"
    assert page.locator("[data-testid=rows-skipped]").inner_text() == "4"
    screenshot(page, "bulk-import-3-report")

    with page.expect_download() as download_info:
        page.click("a:has-text('CSV')")
    report = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_bytes().decode("utf-8-sig"))))
    results = {line[1]: line[6] for line in report[1:]}
    assert results["木渎镇邻里调解服务中心"] == "Created"
    assert results["火星区法律服务中心"] == "Skipped"

    page.goto(live_server.url + reverse("incubator_organisations:index"))
    listing = page.inner_text("main")
    for name in ("木渎镇邻里调解服务中心", "吴中区长桥街道法律援助志愿者协会", "香溪社区调解志愿队"):
        assert name in listing
    assert "火星区法律服务中心" not in listing
    assert Organisation.objects.get(name_zh="香溪社区调解志愿队").field_type == "professional"
    screenshot(page, "bulk-import-4-organisations")
    page.context.close()
