"""A grant competition from the call to screening, through the screens as each role
(the steps are in competition_steps.py; the review half continues from their result)."""

from django.core import mail

from grants.awards.models import Award
from grants.calls.models import Application, Call
from grants.payments.models import Payment
from tests.browser.competition_award_steps import run_awards_to_paid
from tests.browser.competition_review_steps import run_review_to_final
from tests.browser.competition_steps import link, run_call_to_screened
from tests.browser.helpers import browser_login, new_page, screenshot
from tests.cms.site import ensure_base_pages


def test_competition_from_call_to_screening(browser, live_server, tmp_path):
    result = run_call_to_screened(browser, live_server, tmp_path)
    call, (first, second) = result["call"], result["applications"]

    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert len(list(call.questions)) == 7
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == Application.Status.ELIGIBLE
        assert application.reference.startswith("GC-")
    assert first.revisions.count() == 2 and second.revisions.count() == 1
    assert first.cofunding_source.startswith("Xinhe Street office matching fund")
    # Every question's answer is kept under the question's id, the file as an attachment.
    by_kind = {question.block_type: question.id for question in call.questions}
    assert set(first.answers) == set(by_kind.values())
    assert first.answers[by_kind["multiple_choice"]] == ["Mandarin"]
    assert first.attachments.get(question_id=by_kind["file"]).pk == first.answers[by_kind["file"]]

    # The NGOs were told at each step, by the application's reference.
    subjects = [message.subject for message in mail.outbox]
    assert f"More information needed for {first.reference}" in subjects
    assert f"Application {first.reference} passed screening" in subjects
    assert f"Application {second.reference} passed screening" in subjects
    # The call was closed before its deadline: both NGOs hear so.
    closed_early = [message for message in mail.outbox if "has closed early" in message.subject]
    assert sorted(address for message in closed_early for address in message.to) == sorted(
        member.email for member in result["members"]
    )

    # What an NGO sees: its application passed screening, and the call is closed.
    page = new_page(browser)
    browser_login(page, live_server, result["members"][0])
    page.goto(f"{live_server.url}/en/grants/applications/")
    row = page.locator("tr", has=link(page, first.title))
    assert "Eligible" in row.inner_text() and first.reference in row.inner_text()
    assert second.title not in page.inner_text("main")  # another organisation's application
    screenshot(page, "competition-ngo-sees-eligible")
    page.goto(f"{live_server.url}/en/grants/applications/{first.pk}/")
    assert "Eligible" in page.inner_text("main")
    assert page.locator("main .actions >> text=Edit").count() == 0
    page.goto(f"{live_server.url}/en/grants/calls/{call.slug}/")
    assert "Closed" in page.inner_text("main")
    assert page.locator("main a:text-is('Apply')").count() == 0
    screenshot(page, "competition-call-page-closed")
    page.context.close()


def test_a_whole_competition_from_the_call_to_the_open_data(browser, live_server, tmp_path):
    """The whole competition, every stage through its screens and as its own role, each
    stage driven by the one before (no factory state between them): the officer's call,
    two NGOs' applications and screening; the panel, a new reviewer's sign-up, the
    optimiser's assignment, reviews, ranking, proposal, announcement, an objection and the
    final results; then awards, agreements, reports, tranches paid through a bank batch,
    the evaluation's final tranche, the showcase and the open data."""
    ensure_base_pages()
    screened = run_call_to_screened(browser, live_server, tmp_path, slug="2027-whole-competition")
    call = screened["call"]

    reviewed = run_review_to_final(
        browser, live_server, call=call, officer=screened["officer"], applications=screened["applications"]
    )
    call.refresh_from_db()
    assert call.status == Call.Status.FINAL
    funded = reviewed["funded"]
    assert funded
    # The final results made one award per funded application, and nothing else.
    awards = Award.objects.filter(application__call=call)
    assert sorted(awards.values_list("application_id", flat=True)) == sorted(a.pk for a in funded)
    for application in funded:
        application.refresh_from_db()
        assert application.status == Application.Status.AWARDED

    outcome = run_awards_to_paid(
        browser,
        live_server,
        call=call,
        officer=screened["officer"],
        organisations=[application.organisation for application in funded],
        tmp_path=tmp_path,
    )
    reporter = outcome["awards"][0]
    reporter.refresh_from_db()
    assert reporter.status == Award.Status.COMPLETED
    paid = Payment.objects.filter(tranche__award=reporter, status=Payment.Status.PAID)
    assert sum(payment.amount for payment in paid) == reporter.amount
    assert outcome["showcase"].live
