"""An NGO member drafts an application, is stopped by a budget rule, fixes it, submits
and receives the receipt."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from grants.calls.models import Application
from incubator.models import ServiceItem
from tests.browser.helpers import browser_login, screenshot
from tests.browser.incubator_steps import pick_area
from tests.factories.accounts import UserFactory
from tests.factories.grants import CallFactory, wuzhong_town
from tests.factories.incubator import MembershipFactory, OrganisationFactory


def test_ngo_member_drafts_is_stopped_by_the_budget_rule_fixes_it_and_submits(page, live_server):
    call = CallFactory(title="2026 Neighbourhood mediation grants", slug="2026-mediation")
    organisation = OrganisationFactory(verified=True, name_en="Xinhe Mediation Centre")
    member = UserFactory(ngo_member=True, email="owner@xinhe.org")
    MembershipFactory(organisation=organisation, user=member)
    item = ServiceItem.objects.get(code="neighbourhood-mediation")

    browser_login(page, live_server, member)
    page.goto(f"{live_server.url}/en/calls/")
    page.click(f"text={call.title}")
    assert page.locator("[data-countdown]").count() == 1
    screenshot(page, "grants-call-detail")
    page.click("text=Apply")
    screenshot(page, "grants-application-start")
    page.click("text=Start the application")
    page.wait_for_load_state()
    assert "/edit/" in page.url

    page.fill("input[name=title]", "Mediation corners in Xinhe Street")
    page.fill("textarea[name=summary]", "Trained volunteers settle neighbour disputes early.")
    page.select_option("select[name=category]", str(item.category_id))
    page.select_option("select[name=service_item]", str(item.pk))
    # The places served: searched as the member types, each one added to the list.
    changqiao, mudu = wuzhong_town("长桥街道"), wuzhong_town("木渎镇")
    pick_area(page, "target_areas", "Changqiao", changqiao)
    pick_area(page, "target_areas", "木渎", mudu)
    assert page.locator(".area-picker-chosen li").count() == 2
    page.fill("input[name=target_area_detail]", "Xinhe Street, 6 communities")
    page.fill("textarea[name=beneficiaries]", "Residents of older estates")
    # The form is in steps; moving on saves the step.
    page.click("text=Save and continue")
    page.wait_for_load_state()
    assert "step=plan" in page.url
    page.fill("textarea[name=activities]", "Weekly mediation sessions")
    page.fill("textarea[name=timeline]", "Months 1-12")
    page.fill("input[name=milestones-0-title]", "Volunteers trained")
    page.fill("input[name=milestones-0-due_date]", (timezone.localdate() + timedelta(days=60)).isoformat())
    page.fill("input[name=kpis-0-indicator]", "Disputes mediated")
    page.fill("input[name=kpis-0-unit]", "cases")
    page.fill("input[name=kpis-0-target]", "120")
    page.click("text=Save and continue")
    page.wait_for_load_state()
    assert "step=budget" in page.url
    page.select_option("select[name=budget-0-kind]", "personnel")
    page.fill("input[name=budget-0-description]", "Mediators")
    page.fill("input[name=budget-0-amount]", "150000")
    page.select_option("select[name=budget-1-kind]", "administration")
    page.fill("input[name=budget-1-description]", "Office")
    page.fill("input[name=budget-1-amount]", "5000")
    page.fill("input[name=cofunding_amount]", "20000")
    screenshot(page, "grants-application-draft")
    page.click("button[name=goto][value=review]")
    page.wait_for_load_state()

    problems = page.locator("#submit-problems")
    assert "above this call's maximum of ¥100,000.00 per project" in problems.inner_text()
    assert page.locator("main form button:has-text('Submit the application')").count() == 0
    screenshot(page, "grants-application-budget-rule")

    # The problem links to the step that fixes it.
    page.click("#submit-problems a:has-text('above this call')")
    page.wait_for_load_state()
    assert "step=budget" in page.url
    page.fill("input[name=budget-0-amount]", "60000")
    page.click("button[name=goto][value=review]")
    page.wait_for_load_state()
    assert page.locator("#submit-problems").count() == 0
    page.click("text=Submit the application")
    page.wait_for_load_state()

    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert set(application.target_areas.all()) == {changqiao, mudu}
    assert "Mudu Town" in page.locator("main").inner_text()
    assert page.locator(".reference").inner_text() == application.reference
    screenshot(page, "grants-application-receipt")
    receipts = [message for message in mail.outbox if application.reference in message.subject]
    assert len(receipts) == 1
    assert receipts[0].to == [member.email]


def test_call_page_and_application_form_fit_a_phone_screen(phone_page, live_server):
    call = CallFactory(slug="phone-call")
    phone_page.goto(f"{live_server.url}/zh-hans/grants/calls/{call.slug}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    screenshot(phone_page, "grants-call-detail-phone")
