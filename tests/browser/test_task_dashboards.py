"""Where work waits (issue 14): a programme officer signs in (with the second factor),
lands on the admin home's task list, opens a task and is on the page where they act;
an NGO member's deadlines fit a 375 px phone."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone

from tests.browser.helpers import browser_login, screenshot, submit
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, milestone
from tests.factories.grants import ApplicationFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory


def test_officer_lands_on_the_task_list_and_opens_the_place_to_act(page, live_server):
    officer = UserFactory(officer=True, email="officer@bureau.gov.cn")
    organisation = OrganisationFactory(submitted=True, name_zh="新禾调解中心", name_en="Xinhe Mediation Centre")
    OrganisationFactory(submitted=True)

    browser_login(page, live_server, officer)

    assert urlsplit(page.url).path == "/admin/"
    task = page.get_by_role("link", name="Organisations to verify")
    row = page.locator("tr", has=task)
    assert row.locator("td").nth(1).inner_text().strip() == "2"
    screenshot(page, "admin-home-officer-tasks")
    submit(page, task)
    assert urlsplit(page.url).path == reverse("incubator_admin_queue")
    content = page.content()
    assert organisation.name_zh in content or organisation.name_en in content


def test_ngo_members_deadlines_on_a_phone(phone_page, live_server):
    organisation = OrganisationFactory(verified=True)
    owner = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=owner, role="owner")
    draft = ApplicationFactory(organisation=organisation, title="Neighbourhood mediation in Xinhe Street")
    award = AwardFactory(active=True, application__organisation=organisation)
    overdue = milestone(award)
    overdue.due_date = timezone.localdate() - timedelta(days=3)
    overdue.save(update_fields=["due_date"])

    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/dashboard/")

    tasks = phone_page.locator(".task-list > li")
    assert tasks.count() == 2
    assert "Overdue" in tasks.first.inner_text()  # overdue first, said in words
    assert "Finish and submit" in tasks.nth(1).inner_text()
    wider = phone_page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wider, "the dashboard scrolls sideways at 375 px"
    screenshot(phone_page, "phone-dashboard-deadlines")
    submit(phone_page, tasks.nth(1).get_by_role("link"))
    assert urlsplit(phone_page.url).path.endswith(f"/grants/applications/{draft.pk}/edit/")
