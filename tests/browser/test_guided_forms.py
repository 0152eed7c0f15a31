"""Forms that guide (issue 14): an NGO fills the application step by step and watches the
budget total move against the call's caps; a bad step puts the focus on the error summary;
a reviewer sees the weighted total follow the scores."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from grants.calls.models import Application
from grants.review.models import Review
from tests.browser.helpers import assert_no_csp_violations, browser_login, screenshot, watch_content_security_policy
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, officer_call


def test_an_ngo_fills_the_application_step_by_step_with_a_live_budget_total(page, live_server):
    organisation = OrganisationFactory(verified=True)
    member = UserFactory(ngo_member=True, email="owner@steps-ngo.org")
    MembershipFactory(organisation=organisation, user=member)
    draft = ApplicationFactory(call=CallFactory(), organisation=organisation, created_by=member)
    watch_content_security_policy(page)
    browser_login(page, live_server, member)

    page.goto(f"{live_server.url}/en/grants/applications/{draft.pk}/edit/")
    expect(page.locator("#steps-heading")).to_have_text("Step 1 of 5")
    expect(page.locator(".form-steps [aria-current=step]")).to_contain_text("Organisation and project")
    page.fill("input[name=title]", "Night clinics for delivery riders")
    page.click("text=Save and continue")
    page.wait_for_load_state()
    assert "step=plan" in page.url
    expect(page.locator("#steps-heading")).to_have_text("Step 2 of 5")
    page.fill("textarea[name=activities]", "Evening legal clinics")
    page.fill("input[name=milestones-0-title]", "First clinic held")
    page.fill("input[name=milestones-0-due_date]", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.click("text=Save and continue")
    page.wait_for_load_state()
    assert "step=budget" in page.url

    # The live total follows the lines as they are typed, against the ¥100,000 maximum.
    total = page.locator("[data-sum=requested]")
    expect(total).to_have_text("¥0.00")
    page.select_option("select[name=budget-0-kind]", "personnel")
    page.fill("input[name=budget-0-description]", "Lawyers")
    page.fill("input[name=budget-0-amount]", "90000")
    expect(total).to_have_text("¥90,000.00")
    expect(page.locator("[data-flag=over_maximum]")).to_be_hidden()
    page.select_option("select[name=budget-1-kind]", "administration")
    page.fill("input[name=budget-1-description]", "Office")
    page.fill("input[name=budget-1-amount]", "15000")
    expect(total).to_have_text("¥105,000.00")
    expect(page.locator("[data-sum=administration]")).to_have_text("¥15,000.00")
    expect(page.locator("[data-flag=over_maximum]")).to_be_visible()
    expect(page.locator("[data-flag=over_administration_cap]")).to_be_visible()
    # A row added with the button counts too.
    page.click("[data-formset=budget] [data-add-row]")
    page.fill("input[name=budget-2-amount]", "1000.50")
    expect(total).to_have_text("¥106,000.50")
    screenshot(page, "guided-application-budget-total")

    # A bad amount: the step is not saved, the summary takes the focus and links to the field.
    page.fill("input[name=budget-2-amount]", "-3")
    page.click("text=Save and continue")
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#steps-heading")).to_have_text("Step 3 of 5")
    expect(page.locator("input[name=budget-0-amount]")).to_have_value("90000")
    # The server's total on the failed page: what was typed, the bad amount left out.
    expect(total).to_have_text("¥105,000.00")
    screenshot(page, "guided-application-error-summary")
    summary.locator("a").first.click()
    expect(page.locator("input[name=budget-2-amount]")).to_be_focused()
    page.fill("input[name=budget-2-amount]", "")
    page.fill("input[name=budget-0-amount]", "70000")
    expect(total).to_have_text("¥85,000.00")
    page.click("button[name=goto][value=review]")
    page.wait_for_load_state()
    assert "/submit/" in page.url

    application = Application.objects.get(pk=draft.pk)
    assert application.title == "Night clinics for delivery riders"
    assert application.activities == "Evening legal clinics"
    assert application.milestones.count() == 1
    assert application.requested_amount == 85000
    assert_no_csp_violations(page)


def test_a_reviewer_sees_the_weighted_total_follow_the_scores(page, live_server):
    reviewer = UserFactory(reviewer=True, email="expert@guided.edu.cn")
    call = officer_call()
    application = InReviewApplicationFactory(call=call)
    AssignmentFactory(application=application, reviewer=reviewer, declared=True)
    watch_content_security_policy(page)
    browser_login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/en/review/applications/{application.pk}/score/")
    total = page.locator("#weighted-total")
    expect(total).to_have_text("0.0")
    criteria = call.criteria
    first, second = criteria[0], criteria[1]
    # The application and the form side by side on a wide screen.
    box_application = page.locator("#review-application").bounding_box()
    box_form = page.locator("#review-form").bounding_box()
    assert box_form["x"] > box_application["x"] + box_application["width"] - 1
    expect(page.locator(f"#levels-{first.code}")).to_contain_text("Excellent")

    page.fill(f"input[name=score_{first.code}]", str(first.max_score))
    expect(total).to_have_text(f"{first.weight:.1f}")
    page.fill(f"input[name=score_{second.code}]", str(second.max_score))
    expect(total).to_have_text(f"{first.weight + second.weight:.1f}")
    screenshot(page, "guided-review-weighted-total")
    page.click("button[name=draft]")
    page.wait_for_load_state()
    # After the save, the server's own total.
    expect(total).to_have_text(f"{first.weight + second.weight:.1f}")
    assert Review.objects.get(assignment__application=application).scores == {
        first.code: first.max_score,
        second.code: second.max_score,
    }
    assert_no_csp_violations(page)
