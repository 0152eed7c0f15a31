"""The area picker as an NGO member meets it: on a 375 px phone, in Chinese, they type 木渎
in the town field, see only the towns of the district they chose, pick one with the
keyboard and save the organisation's details (issue 13)."""

from playwright.sync_api import expect

from incubator.models import Area, Membership
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.incubator import AreaFactory, MembershipFactory, OrganisationFactory


def wuzhong_and_mudu():
    """The seeded district and town when a data migration left them, else made here."""
    district = Area.objects.filter(level=Area.Level.DISTRICT, name_zh="吴中区").first() or AreaFactory(
        name_zh="吴中区", name_en="Wuzhong District", code="320506000000"
    )
    mudu = district.children.filter(name_zh="木渎镇").first() or AreaFactory(
        name_zh="木渎镇", name_en="Mudu Town", level=Area.Level.TOWN, parent=district, code="320506103000"
    )
    return district, mudu


def test_member_picks_a_town_by_typing_on_a_phone_in_chinese(phone_page, live_server, transactional_db):
    page = phone_page
    district, mudu = wuzhong_and_mudu()
    # A town of the same name in another district: typing 木渎 must not offer it.
    other = AreaFactory(name_zh="测试县", name_en="Ceshi County", code="999901000000")
    AreaFactory(name_zh="木渎镇", name_en="Mudu Town", level=Area.Level.TOWN, parent=other, code="999901101000")
    member = UserFactory(ngo_member=True, preferred_language="zh-hans")
    organisation = OrganisationFactory(name_zh="木渎法律服务中心")
    MembershipFactory(organisation=organisation, user=member, role=Membership.Role.OWNER)

    browser_login(page, live_server, member, language="zh-hans")
    page.goto(f"{live_server.url}/zh-hans/ngo/{organisation.pk}/edit/")
    assert page.locator("select#id_town").is_hidden()

    page.fill("#id_district_search", "吴中")
    page.click(f"#id_district_listbox [role=option][data-value='{district.pk}']")
    assert page.input_value("select#id_district") == str(district.pk)

    town = page.locator("#id_town_search")
    assert town.get_attribute("role") == "combobox"
    town.fill("木渎")
    options = page.locator("#id_town_listbox [role=option]")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("木渎镇 · 吴中区")
    assert town.get_attribute("aria-expanded") == "true"
    town.press("ArrowDown")
    assert town.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    town.press("Enter")
    assert town.get_attribute("aria-expanded") == "false"
    assert town.input_value() == "木渎镇 · 吴中区"
    assert page.input_value("select#id_town") == str(mudu.pk)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the form is {width} px wide on a 375 px screen"
    screenshot(page, "phone-zh-area-picker")

    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/zh-hans/ngo/{organisation.pk}/")
    organisation.refresh_from_db()
    assert (organisation.district, organisation.town) == (district, mudu)
