"""The officers' score descriptors page (issue 14) on a 375 px phone: nothing wider than the
screen, no serious axe violation, every input's label shown above it, and a level typed on the phone is saved."""

from grants.review.models import ScoreDescriptor
from tests.browser.axe import assert_no_serious_violations
from tests.browser.helpers import browser_login, screenshot
from tests.browser.test_phone_layout import OVERFLOWING, PHONE_WIDTH
from tests.factories.accounts import UserFactory
from tests.factories.review import officer_call


def test_an_officer_enters_a_level_on_a_phone(phone_page, live_server):
    officer = UserFactory(officer=True)
    call = officer_call(officer)
    first = call.criteria[0]
    page = browser_login(phone_page, live_server, officer)
    page.goto(f"{live_server.url}/admin/review/calls/{call.pk}/descriptors/")
    page.wait_for_load_state()
    assert page.evaluate(OVERFLOWING, PHONE_WIDTH) == []
    assert_no_serious_violations(page, "score descriptors at 375 px")
    label = page.locator(f"label[for=id_levels-{first.code}-0-min_score]")
    assert label.is_visible() and label.inner_text() == "From score, level 1"
    page.fill(f"#id_levels-{first.code}-0-min_score", "0")
    page.fill(f"#id_levels-{first.code}-0-text_zh", "未涉及")
    page.fill(f"#id_levels-{first.code}-0-text_en", "Not addressed")
    screenshot(page, "score-descriptors-phone")
    page.locator(f"form:has(input[name=criterion][value={first.code}]) button[type=submit]").click()
    page.wait_for_load_state()
    assert "Score levels saved" in page.content()
    assert list(ScoreDescriptor.objects.filter(call=call).values_list("min_score", "text_en")) == [(0, "Not addressed")]
