"""A reviewer's journey: sign in with TOTP, declare no conflict, score, submit, and find
the review locked afterwards."""

from grants.review.models import Review
from tests.browser.helpers import browser_login, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, officer_call

SCORES = {"need": "8", "feasibility": "7", "team": "6", "budget": "7", "sustainability": "5"}


def test_reviewer_declares_no_conflict_scores_submits_and_cannot_edit_afterwards(page, live_server):
    reviewer = UserFactory(reviewer=True, email="expert@university.edu.cn")
    application = InReviewApplicationFactory(call=officer_call())
    AssignmentFactory(application=application, reviewer=reviewer)

    browser_login(page, live_server, reviewer)
    page.goto(f"{live_server.url}/en/review/")
    screenshot(page, "review-assignments")
    page.click("text=Open to declare")
    page.wait_for_load_state()
    assert application.summary not in page.content()
    screenshot(page, "review-declaration")
    page.check("input[name=conflict][value=no]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/score/" in page.url

    for code, value in SCORES.items():
        page.fill(f"input[name=score_{code}]", value)
        page.fill(f"textarea[name=comment_{code}]", f"Comment on {code}.")
    page.click("button[name=draft]")
    page.wait_for_load_state()
    assert "Draft saved." in page.content()
    assert page.input_value("input[name=score_need]") == "8"
    page.select_option("select[name=recommendation]", "fund")
    page.fill("textarea[name=comment]", "A well-planned project.")
    screenshot(page, "review-score-form")
    page.click("button[name=submit]")
    page.wait_for_load_state()
    assert "/review/reviews/" in page.url
    assert page.inner_text("#review-status") == "Submitted"
    screenshot(page, "review-submitted")

    # The score form is gone for good: opening it again shows the locked review.
    page.goto(f"{live_server.url}/en/review/applications/{application.pk}/score/")
    page.wait_for_load_state()
    assert "/review/reviews/" in page.url
    assert page.locator("input[name=score_need]").count() == 0
    assert "submitted and locked" in page.content()
    review = Review.objects.get(assignment__application=application, assignment__reviewer=reviewer)
    assert review.status == Review.Status.SUBMITTED and review.scores["need"] == 8


def test_the_score_form_fits_a_phone_screen(phone_page, live_server):
    reviewer = UserFactory(reviewer=True, email="phone.expert@university.edu.cn")
    application = InReviewApplicationFactory(call=officer_call())
    AssignmentFactory(application=application, reviewer=reviewer, declared=True)
    browser_login(phone_page, live_server, reviewer)
    phone_page.goto(f"{live_server.url}/zh-hans/review/applications/{application.pk}/score/")
    phone_page.wait_for_load_state()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen"
    assert "提交评审意见" in phone_page.content()
    screenshot(phone_page, "review-score-form-zh-hans-phone")
