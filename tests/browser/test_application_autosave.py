"""The applicant's own background save never makes their next click a "changed elsewhere" conflict."""

from grants.calls.models import Application
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory


def test_saving_while_an_autosave_is_answering_waits_for_it_instead_of_reporting_a_conflict(page, live_server):
    organisation = OrganisationFactory(verified=True)
    member = UserFactory(ngo_member=True, email="owner@autosave-ngo.org")
    MembershipFactory(organisation=organisation, user=member)
    draft = ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=member)

    # Hold the autosave's answer: the server has saved (the version moved on), the page
    # has not heard yet. That is the moment an applicant may press "Save draft".
    held = []

    def hold(route):
        held.append((route, route.fetch()))

    page.route("**/autosave/", hold)
    browser_login(page, live_server, member)
    page.goto(f"{live_server.url}/en/grants/applications/{draft.pk}/edit/")
    page.fill("input[name=title]", "Night clinics for delivery riders")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(200)
    assert held, "the autosave never started"
    assert Application.objects.get(pk=draft.pk).title == "Night clinics for delivery riders"

    page.click("button[name=action][value=save]", no_wait_after=True)
    page.wait_for_timeout(500)
    route, response = held.pop()
    with page.expect_navigation():
        route.fulfill(response=response)
    page.wait_for_load_state()
    screenshot(page, "grants-save-after-autosave")
    assert page.locator("#conflict").count() == 0, "the applicant's own autosave was reported as a conflict"
    assert "Draft saved at" in page.content()
    draft.refresh_from_db()
    assert draft.title == "Night clinics for delivery riders"
