"""An officer narrows the staff application list by call through Wagtail's filter menu,
on a desktop and on a phone: the options (kept under the data version, issue 15) are the
officer's own calls, and choosing one swaps the results in place."""

from wagtail.users.models import UserProfile

from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory


def _two_calls():
    officer = UserFactory(officer=True)
    funder = FunderFactory(officers=[officer])
    mediation = CallFactory(funder=funder, title="Neighbourhood mediation 2027")
    villages = CallFactory(funder=funder, title="Village legal advisers 2027")
    elsewhere = CallFactory(title="Another funder's call")
    chosen = ApplicationFactory(call=mediation, submitted=True)
    other = ApplicationFactory(call=villages, submitted=True)
    return officer, mediation, elsewhere, chosen, other


def _filter_by_call(page, live_server, call, elsewhere, chosen, other, name: str):
    page.goto(f"{live_server.url}/admin/grants/applications/")
    results = page.locator("#listing-results")
    assert chosen.reference in results.inner_text() and other.reference in results.inner_text()
    page.locator("#filters-drilldown [data-w-dropdown-target=toggle]").first.click()
    page.locator("button[aria-controls=drilldown-id_call]").click()
    options = page.locator("#id_call option").evaluate_all("options => options.map(o => o.value)")
    assert str(call.pk) in options and str(elsewhere.pk) not in options
    page.select_option("#id_call", str(call.pk))
    page.wait_for_function(
        "reference => !document.querySelector('#listing-results').innerText.includes(reference)", arg=other.reference
    )
    assert chosen.reference in results.inner_text()
    assert f"call={call.pk}" in page.url  # the filter is in the address, to share or reload
    screenshot(page, name)


def test_an_officer_filters_the_application_list_by_call(page, live_server):
    officer, call, elsewhere, chosen, other = _two_calls()
    browser_login(page, live_server, officer)
    _filter_by_call(page, live_server, call, elsewhere, chosen, other, "admin-applications-filtered-by-call")


def test_an_officer_filters_the_application_list_on_a_phone_in_chinese(phone_page, live_server):
    officer, call, elsewhere, chosen, other = _two_calls()
    profile = UserProfile.get_for_user(officer)  # the Wagtail admin's own language setting
    profile.preferred_language = "zh-hans"
    profile.save(update_fields=["preferred_language"])
    browser_login(phone_page, live_server, officer, language="zh-hans")
    _filter_by_call(
        phone_page, live_server, call, elsewhere, chosen, other, "phone-admin-applications-filtered-by-call-zh"
    )
    assert phone_page.locator("html").get_attribute("lang") == "zh-hans"
