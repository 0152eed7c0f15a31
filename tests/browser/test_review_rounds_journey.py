"""The review half of a grant competition, through the screens: panel and invitations (a
new reviewer signs up from the email and sets up TOTP), assignment by the optimiser,
reviews, ranking, award proposal, announcement, an objection and its answer, final.
Checked after: every funded application is awarded with exactly one award, and its
NGO's members see it in their portal."""

from grants.awards.models import Award
from grants.calls.models import Application, Call
from grants.calls.services.applications import application_mark_eligible
from grants.calls.services.calls import call_close
from grants.review.models import Objection, ProposalLine
from tests.browser.competition_review_steps import run_review_to_final
from tests.browser.helpers import browser_login, new_page, screenshot
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory, applicant_of


def closed_call_with_two_eligible_applications():
    officer = UserFactory(officer=True, email="officer@justice.gov.cn")
    funder = FunderFactory(officers=[officer])
    call = CallFactory(funder=funder, title="2026 Community mediation grants", slug="2026-community-mediation")
    applications = [ApplicationFactory(call=call, submitted=True) for _ in range(2)]
    call_close(call=call, by=officer)
    for application in applications:
        application_mark_eligible(application=application, by=officer)
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert applications[0].organisation_id != applications[1].organisation_id
    return call, officer, [Application.objects.get(pk=a.pk) for a in applications]


def test_officer_runs_the_review_round_to_final_results_through_the_screens(browser, live_server):
    call, officer, applications = closed_call_with_two_eligible_applications()
    assert all(a.status == Application.Status.ELIGIBLE for a in applications)

    outcome = run_review_to_final(browser, live_server, call=call, officer=officer, applications=applications)

    assert len(outcome["reviewers"]) == 3
    objection = Objection.objects.get(call=call)
    assert objection.email == outcome["objector_email"] and objection.status == Objection.Status.RESOLVED
    funded = list(ProposalLine.objects.filter(proposal__call=call, funded=True).select_related("application"))
    assert funded, "the proposal funds nothing"
    for line in funded:
        application = Application.objects.get(pk=line.application_id)
        assert application.status == Application.Status.AWARDED, (application.reference, application.status)
        awards = Award.objects.filter(application=application)
        assert awards.count() == 1, f"{application.reference} has {awards.count()} awards"

        member = applicant_of(application)
        page = new_page(browser)
        browser_login(page, live_server, member)
        page.goto(f"{live_server.url}/en/grants/awards/")
        page.wait_for_load_state()
        assert application.display_title in page.content(), f"{member.email} does not see the award"
        screenshot(page, f"competition-review-ngo-award-{application.pk}")
        page.context.close()
