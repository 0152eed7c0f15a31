"""The review half of a grant competition, driven through the screens as each role.

`run_review_to_final` takes a closed call with eligible applications and its programme
officer, and walks it to final: the officer forms the panel and invites reviewers (one of
them new, who signs up from the invitation and sets up TOTP), starts the review, runs the
optimiser; each reviewer declares and scores; the officer ranks, computes and accepts the
award proposal and publishes it; a visitor objects and is answered; the objection period
passes (the one step done through the ORM); the officer makes the results final.

Each role works in its own browser context (its own cookies). The step functions hold no
asserts about what comes after them, except where the screen itself must show it.
"""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from grants.calls.models import Application
from grants.review.models import Announcement, AwardProposal, PanelMember, ProposalLine, ScoreSummary
from tests.browser.helpers import browser_login, close, current_totp_code, fresh_totp_code, new_page, screenshot, submit
from tests.factories.accounts import TEST_PASSWORD, UserFactory

NEW_REVIEWER_PASSWORD = "panel-expert-password-2026"
SCORES = {"need": "8", "feasibility": "7", "team": "7", "budget": "6", "sustainability": "7"}
# A second reviewer scores a little lower, so the two reviewers' scales differ.
LOWER_SCORES = {"need": "6", "feasibility": "6", "team": "5", "budget": "6", "sustainability": "5"}


def assert_heading_names_call(page, call):
    """Every review-stage page shows a heading and the call's name."""
    heading = page.locator("h1").first.inner_text()
    assert call.title in heading, f"the heading on {page.url} does not name the call: {heading!r}"


def open_stage(page, call, label: str):
    """Click one of the review pages' stage links (Panel and progress, Assignments, ...)."""
    submit(page, f"nav[aria-label='Review stages'] >> text={label}")
    assert_heading_names_call(page, call)


# --- 1. The panel ---------------------------------------------------------------------------


def officer_opens_call_panel(page, live_server, call):
    page.goto(f"{live_server.url}/admin/review/")
    page.wait_for_load_state()
    screenshot(page, "competition-review-index")
    with page.expect_navigation():
        page.get_by_role("link", name=call.title, exact=True).click()
    assert f"/admin/review/calls/{call.pk}/" in page.url
    assert_heading_names_call(page, call)


def officer_invites(page, call, emails):
    for email in emails:
        page.fill("input[name=email]", email)
        submit(page, "button:text('Send the invitation')")
        assert f"Invitation sent to {email}." in page.content(), page.content()
    screenshot(page, "competition-review-panel-invited")


def invitation_link(live_server, email: str) -> str:
    """The link in the last invitation sent to `email`, on the live server."""
    for message in reversed(mail.outbox):
        if email in message.to:
            match = re.search(r"https?://[^/\s]+((?:/[a-z-]+)?/review/invitations/[^/\s]+/)", message.body)
            if match:
                return f"{live_server.url}{match.group(1)}"
    raise AssertionError(f"no invitation email to {email}")


# --- 2. Reviewers accept ----------------------------------------------------------------------


def existing_reviewer_accepts(page, live_server, reviewer, call):
    """A reviewer with an account opens the link signed out and signs in from it."""
    page.goto(invitation_link(live_server, reviewer.email))
    assert call.title in page.content()
    submit(page, "main a:text('Sign in')")
    page.fill("input[name=login]", reviewer.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    submit(page, "main form button[type=submit]")
    if "/accounts/2fa/authenticate" in page.url:
        page.fill("input[name=code]", fresh_totp_code())
        submit(page, "main form button[type=submit]")
    _accept_if_asked(page, call)
    assert PanelMember.objects.filter(panel__call=call, reviewer=reviewer).exists()


def _accept_if_asked(page, call):
    if "/review/invitations/" in page.url and page.locator("button:text('Accept and join the panel')").count():
        screenshot(page, f"competition-review-invitation-accept-{call.pk}")
        submit(page, "button:text('Accept and join the panel')")


def new_reviewer_signs_up_and_accepts(page, live_server, email: str, call):
    """Sign-up from the invitation: the invited address is filled in and needs no
    verification; TOTP is set up before joining; the reviewer lands back on the
    invitation and accepts it. Returns the new user."""
    link = invitation_link(live_server, email)
    page.goto(link)
    assert call.title in page.content()
    screenshot(page, "competition-review-invitation-signed-out")
    submit(page, "main a:text('Create an account')")
    assert "/accounts/signup/" in page.url
    assert page.input_value("input[name=email]") == email, "the sign-up form does not pre-fill the invited address"
    page.fill("input[name=password1]", NEW_REVIEWER_PASSWORD)
    page.fill("input[name=password2]", NEW_REVIEWER_PASSWORD)
    screenshot(page, "competition-review-signup")
    submit(page, "main form button[type=submit]")
    assert "/accounts/confirm-email" not in page.url, "sign-up asks to verify the address the invitation proved"

    # A reviewer must have a second factor: TOTP is set up before the invitation is accepted.
    assert "/accounts/2fa/totp/activate" in page.url, page.url
    assert "you will come back to the invitation" in page.content()
    screenshot(page, "competition-review-totp-setup")
    secret = page.input_value("#authenticator_secret")
    fresh_totp_code(secret)
    page.fill("input[name=code]", current_totp_code(secret))
    submit(page, "main form button[type=submit]")
    if "/accounts/2fa/recovery-codes" in page.url:
        screenshot(page, "competition-review-recovery-codes")
        submit(page, "main a:text('Continue')")

    invitation_path = link[link.index("/review/invitations/") :]
    assert invitation_path in page.url, f"not back on the invitation but on {page.url}"
    screenshot(page, "competition-review-invitation-signed-in")
    submit(page, "button:text('Accept and join the panel')")
    assert "/review/" in page.url
    member = PanelMember.objects.select_related("reviewer").get(panel__call=call, reviewer__email=email)
    return member.reviewer


# --- 3. Start and assign --------------------------------------------------------------------


def officer_starts_review_and_assigns(page, call):
    open_stage(page, call, "Panel and progress")
    submit(page, "button:text('Start the review')")
    assert "The review has started." in page.content()
    screenshot(page, "competition-review-started")
    open_stage(page, call, "Assignments")
    submit(page, "button:text('Assign reviewers with the optimiser')")
    screenshot(page, "competition-review-assignments")
    assert "/assignments/" in page.url
    assert "new assignments" in page.content()
    assert_heading_names_call(page, call)


# --- 4. Reviews -----------------------------------------------------------------------------


def reviewer_reviews_all(page, live_server, call, scores: dict, label: str) -> int:
    """Declare no conflict, score with the rubric and submit every assignment of the call."""
    done = 0
    while True:
        page.goto(f"{live_server.url}/en/review/")
        page.wait_for_load_state()
        links = page.locator("a:text('Open to declare')")
        if not links.count():
            break
        submit(page, "a:text('Open to declare') >> nth=0")
        assert call.title in page.content()
        page.check("input[name=conflict][value=no]")
        screenshot(page, f"competition-review-declaration-{label}")
        submit(page, "main form button[type=submit]")
        assert "/score/" in page.url and call.title in page.content()
        for code, value in scores.items():
            # Each later application gets a point less on need, so the ranking has an order.
            value = str(int(value) - done) if code == "need" else value
            page.fill(f"input[name=score_{code}]", value)
            page.fill(f"textarea[name=comment_{code}]", f"{code.title()}: clear and credible.")
        page.select_option("select[name=recommendation]", "fund")
        page.fill("textarea[name=comment]", "A sound project.")
        screenshot(page, f"competition-review-score-{label}")
        submit(page, "button[name=submit]")
        assert page.inner_text("#review-status") == "Submitted"
        done += 1
    page.goto(f"{live_server.url}/en/review/")
    screenshot(page, f"competition-review-all-submitted-{label}")
    return done


# --- 5. Ranking, proposal, announcement -----------------------------------------------------


def officer_ranks_proposes_decides_publishes(page, call) -> dict:
    open_stage(page, call, "Reviews")
    screenshot(page, "competition-review-reviews")
    open_stage(page, call, "Ranking")
    if page.locator("text=No scores yet").count():
        submit(page, "button:text('Recalculate from the submitted reviews')")
    screenshot(page, "competition-review-ranking")
    open_stage(page, call, "Award proposal")
    submit(page, "button:text('Compute the proposal')")
    assert "Award proposal computed." in page.content(), page.content()
    screenshot(page, "competition-review-proposal")
    submit(page, "button:text('Accept and decide the awards')")
    assert "Awards decided" in page.content()
    submit(page, "button:text('Publish the results')")
    assert "Results published" in page.content()
    assert_heading_names_call(page, call)
    screenshot(page, "competition-review-published")
    return {"basis": AwardProposal.objects.get(call=call).basis}


def visitor_checks_announcement_and_objects(browser, live_server, call) -> str:
    """An anonymous visitor opens the public page, checks the score it says it shows, and
    objects. Returns the objector's email address."""

    page = new_page(browser)
    try:
        page.goto(f"{live_server.url}/en/announcements/")
        with page.expect_navigation():
            page.locator("main").get_by_role("link", name=call.title, exact=True).click()
        assert call.title in page.inner_text("h1")
        screenshot(page, "competition-review-announcement")
        proposal = AwardProposal.objects.get(call=call)
        label = {"normalised": "reviewer-normalised score", "raw": "raw score"}[proposal.basis]
        explanation = page.inner_text("#score-basis")
        assert label in explanation.lower(), explanation
        summaries = {s.application_id: s for s in ScoreSummary.objects.filter(call=call)}
        shown = page.locator("#awards tbody tr")
        lines = list(proposal.lines.filter(funded=True).order_by("rank", "id"))
        assert shown.count() == len(lines)
        for index, line in enumerate(lines):
            expected = summaries[line.application_id].score(proposal.basis)
            cell = shown.nth(index).locator("td").nth(4).inner_text()
            assert cell == f"{expected:.1f}", (cell, expected)

        email = "resident@example.net"
        page.fill("input[name=name]", "Wang Lei")
        page.fill("input[name=email]", email)
        page.fill("textarea[name=text]", "Please explain how the second project avoids duplicating the street office.")
        screenshot(page, "competition-review-objection-form")
        submit(page, "#objection-heading ~ form button[type=submit]")
        assert "Your objection has been received." in page.content()
        screenshot(page, "competition-review-objection-sent")
        return email
    finally:
        close(page)


def officer_answers_objections(page, call):
    page.reload()
    open_stage(page, call, "Announcement and objections")
    while page.locator("textarea[name=answer]").count():
        page.locator("textarea[name=answer]").first.fill(
            "The two projects serve different communities; the street office runs no mediation there."
        )
        submit(page, "button:text('Send the answer and resolve') >> nth=0")
        assert "Answer sent; the objection is resolved." in page.content()
    screenshot(page, "competition-review-objection-answered")


# --- 7. Final -------------------------------------------------------------------------------


def objection_period_passes(call):
    """The one step not done through a screen: the period's end moves into the past."""
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(minutes=1))


def officer_makes_final(page, call):
    page.reload()
    assert_heading_names_call(page, call)
    screenshot(page, "competition-review-ready-for-final")
    submit(page, "button:text('Make the results final')")
    assert "The results are final" in page.content(), page.content()
    assert "The results are final since" in page.inner_text("#results-final")
    screenshot(page, "competition-review-final")
    call.refresh_from_db()
    assert call.status == call.Status.FINAL, call.status


# --- The whole half ---------------------------------------------------------------------------


def run_review_to_final(
    browser, live_server, *, call, officer, applications, existing_reviewers=None, officer_page=None
) -> dict:
    """Closed call with eligible `applications` → final results, through the screens.

    `existing_reviewers`: reviewers with accounts (MFA) to invite besides one new
    reviewer; two are created if None (at a university, off the NGOs' email domains).
    `officer_page`: the officer's signed-in page to go on with (left open); without it
    the officer signs in on a new page, closed at the end.
    Returns {"reviewers", "new_reviewer", "objector_email", "basis", "funded"}:
    "funded" lists the applications the final results fund.
    """

    assert {a.call_id for a in applications} == {call.pk}
    assert all(
        status == Application.Status.ELIGIBLE
        for status in Application.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True)
    ), "the review half starts from eligible applications"
    if existing_reviewers is None:
        existing_reviewers = [
            UserFactory(reviewer=True, email=f"professor.{call.pk}.{n}@law.university.edu.cn") for n in range(2)
        ]
    new_email = f"new.expert.{call.pk}@institute.org.cn"

    own_officer_page = officer_page is None
    if own_officer_page:
        officer_page = new_page(browser)
        browser_login(officer_page, live_server, officer)
    officer_opens_call_panel(officer_page, live_server, call)
    officer_invites(officer_page, call, [*(r.email for r in existing_reviewers), new_email])

    # Each reviewer keeps their signed-in page: a second sign-in within the same 30-second
    # step would reuse a TOTP code, which allauth refuses.
    pages = {}
    for reviewer in existing_reviewers:
        pages[reviewer.pk] = new_page(browser)
        existing_reviewer_accepts(pages[reviewer.pk], live_server, reviewer, call)
    new_reviewer_page = new_page(browser)
    new_reviewer = new_reviewer_signs_up_and_accepts(new_reviewer_page, live_server, new_email, call)
    pages[new_reviewer.pk] = new_reviewer_page
    reviewers = [*existing_reviewers, new_reviewer]

    officer_page.reload()
    screenshot(officer_page, "competition-review-panel-formed")
    officer_starts_review_and_assigns(officer_page, call)

    for index, reviewer in enumerate(reviewers):
        page = pages.pop(reviewer.pk)
        reviewer_reviews_all(page, live_server, call, LOWER_SCORES if index % 2 else SCORES, f"r{index + 1}")
        close(page)

    outcome = officer_ranks_proposes_decides_publishes(officer_page, call)
    objector = visitor_checks_announcement_and_objects(browser, live_server, call)
    officer_answers_objections(officer_page, call)
    objection_period_passes(call)
    officer_makes_final(officer_page, call)
    if own_officer_page:
        close(officer_page)
    funded = [
        line.application
        for line in ProposalLine.objects.filter(proposal__call=call, funded=True).select_related("application")
    ]
    return {
        "reviewers": reviewers,
        "new_reviewer": new_reviewer,
        "objector_email": objector,
        "funded": funded,
        **outcome,
    }
