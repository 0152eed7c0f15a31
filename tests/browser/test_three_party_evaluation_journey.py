"""Three-party evaluation, end to end in the browser, through the real forms:

the officer contracts an evaluation organisation and invites an evaluator; the evaluator
(TOTP) joins, declares no conflict and proposes visit times; the NGO confirms one on a phone;
the evaluator records notes and evidence and gives the third party's marks; five residents
answer the survey on phones without an account; the officer gives the funder's marks and
publishes; the NGO sees its result and the final tranche becomes payable.
"""

import datetime

from django.utils import timezone

from grants.awards import selectors
from grants.awards.evaluation import services as evaluation
from grants.awards.evaluation.models import EvaluationCase, EvaluatorInvitation, SiteVisit
from grants.awards.models import Award, AwardMilestone
from grants.awards.tranches import Trigger
from incubator.models import Membership
from tests.browser.helpers import browser_login, close, new_page, screenshot, submit
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.files import pdf_bytes
from tests.factories.incubator import MembershipFactory, OrganisationFactory


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_three_party_evaluation_from_contract_to_payable_final_tranche(
    page, phone_page, browser, live_server, settings, tmp_path
):
    settings.FEEDBACK_MIN_FILL_SECONDS = 1
    officer = UserFactory(officer=True, email="officer@bureau.example.cn")
    funder = FunderFactory(officers=[officer], name_en="Wuzhong Justice Bureau")
    organisation = OrganisationFactory(verified=True, name_en="Neighbourhood Mediation Centre")
    owner = MembershipFactory(organisation=organisation, role=Membership.Role.OWNER).user
    call = FinalCallFactory(funder=funder, title="Community mediation 2026")
    award = AwardFactory(
        application__call=call,
        application__organisation=organisation,
        application__title="Village mediation project",
        active=True,
    )
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    evaluator = UserFactory(email="lin@assess.example.cn", mfa=True)
    final = award.tranches.get(trigger=Trigger.ON_FINAL_ACCEPTED_AND_EVALUATED)
    assert not final.is_payable()

    # 1. The officer adds an evaluation organisation, invites an evaluator and contracts it for the call.
    browser_login(page, live_server, officer)
    page.goto(f"{live_server.url}/admin/awards/evaluation-organisations/")
    page.fill("input[name=name_zh]", "苏州社会评估中心")
    page.fill("input[name=name_en]", "Suzhou Social Assessment Centre")
    submit(page, "form:has(input[name=name_zh]) button[type=submit]")
    assert "Suzhou Social Assessment Centre is added" in page.content()
    page.fill("input[type=email][name=email]", evaluator.email)
    submit(page, "button:has-text('Invite')")
    assert f"The invitation is sent to {evaluator.email}" in page.content()
    page.select_option("select[name=call]", str(call.pk))
    submit(page, "button:has-text('Contract')")
    assert "evaluates the grants of Community mediation 2026" in page.content()
    screenshot(page, "evaluation-01-officer-contracts")
    case = EvaluationCase.objects.get(award=award)
    assert case.third_party is not None

    # 2. The evaluator (TOTP) accepts the invitation, declares no conflict and proposes times.
    invitation = EvaluatorInvitation.objects.get(email=evaluator.email)
    token = evaluation.invitation_token(invitation=invitation)
    evaluator_page = new_page(browser)
    browser_login(evaluator_page, live_server, evaluator)
    evaluator_page.goto(f"{live_server.url}/en/grants/awards/evaluator/invitations/{token}/")
    submit(evaluator_page, "main form button[type=submit]")
    assert "You evaluate for" in evaluator_page.content()
    evaluator_page.click("text=Village mediation project")
    evaluator_page.check("input[name=has_conflict][value=no]")
    submit(evaluator_page, "button:has-text('Declare')")
    assert "You can now plan the site visit" in evaluator_page.content()
    soon = timezone.now() + datetime.timedelta(minutes=20)
    evaluator_page.fill("input[name=place]", "Village committee office")
    evaluator_page.fill("input[name=slot_1]", local_input(soon))
    evaluator_page.fill("input[name=slot_2]", local_input(soon + datetime.timedelta(days=1)))
    submit(evaluator_page, "button:has-text('Propose these times')")
    assert "The times are proposed" in evaluator_page.content()
    screenshot(evaluator_page, "evaluation-02-evaluator-proposes")

    # 3. The NGO confirms the first time on a phone.
    browser_login(phone_page, live_server, owner)
    phone_page.goto(f"{live_server.url}/en/grants/awards/evaluation/{case.pk}/")
    phone_page.locator("input[name=slot]").first.check()
    screenshot(phone_page, "evaluation-03-ngo-confirms-phone")
    submit(phone_page, "button:has-text('Confirm this time')")
    assert "The visit is confirmed" in phone_page.content()
    visit = SiteVisit.objects.get(case=case)
    assert visit.status == SiteVisit.Status.CONFIRMED
    # The visit's time comes (20 minutes ahead is tomorrow after 23:40 local time, when a visit
    # cannot be recorded yet).
    SiteVisit.objects.filter(pk=visit.pk).update(starts_at=timezone.now())

    # 4. The evaluator records the visit, attaches evidence and gives the third party's marks.
    evaluator_page.reload()
    evaluator_page.fill(f"#notes-{visit.pk}", "Case files complete; residents met on site confirmed the sessions.")
    submit(evaluator_page, "button:has-text('Save the visit notes')")
    assert "The visit notes are saved" in evaluator_page.content()
    evidence = tmp_path / "attendance.pdf"
    evidence.write_bytes(pdf_bytes())
    evaluator_page.set_input_files(f"#file-{visit.pk}", str(evidence))
    submit(evaluator_page, "button:has-text('Upload evidence')")
    assert "The evidence is attached" in evaluator_page.content()
    evaluator_page.fill("input[name=quantity]", "80")
    evaluator_page.fill("input[name=quality]", "70")
    evaluator_page.fill("input[name=use_of_funds]", "90")
    submit(evaluator_page, "button:has-text('Submit the marks')")
    assert "Your marks are submitted" in evaluator_page.content()
    screenshot(evaluator_page, "evaluation-04-evaluator-marked")
    close(evaluator_page)

    # 5. Five residents answer on phones, without an account.
    survey = f"{live_server.url}/en/grants/awards/feedback/{case.feedback_token}/"
    for n, answer in enumerate(("Very good", "Good", "Very good", "Good", "OK")):
        resident = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
        resident_page = resident.new_page()
        resident_page.goto(survey)
        for group in resident_page.locator("fieldset").all():
            group.get_by_label(answer, exact=True).check()
        if n == 0:
            resident_page.fill("textarea[name=comment]", "The mediator explained everything patiently.")
            screenshot(resident_page, "evaluation-05-resident-phone")
        resident_page.wait_for_timeout(1100)
        submit(resident_page, "main form button[type=submit]")
        assert "Your answers were received" in resident_page.content()
        resident.close()
    assert case.responses.count() == 5

    # 6. The officer gives the funder's marks, then publishes.
    page.goto(f"{live_server.url}/admin/awards/{award.pk}/evaluate/")
    page.fill("input[name=quantity]", "90")
    page.fill("input[name=quality]", "80")
    page.fill("input[name=use_of_funds]", "70")
    submit(page, "button:has-text('Record the evaluation')")
    # The third party's marks are in and five residents answered: published at once.
    assert f"Evaluation of {award.reference} recorded" in page.content()
    assert "The final tranche can now be paid" in page.content()
    case.refresh_from_db()
    assert case.is_published
    # purchaser 82 (90·40+80·40+70·20), third party 78 (80·40+70·40+90·20),
    # residents 5,4,5,4,3 → 100,75,100,75,50 → 80 on every question;
    # (82·50 + 80·20 + 78·30)/100 = (4100 + 1600 + 2340)/100 = 80.40
    assert str(case.score) == "80.40" and case.grade == "good"
    page.goto(f"{live_server.url}/admin/awards/evaluations/{case.pk}/")
    screenshot(page, "evaluation-06-officer-published")

    # 7. The NGO sees its result; the final tranche is payable in the ledger's list.
    phone_page.goto(f"{live_server.url}/en/grants/awards/evaluation/{case.pk}/")
    content = phone_page.content()
    assert "80.40" in content and "Good" in content
    assert "5 answered" in content
    screenshot(phone_page, "evaluation-07-ngo-result-phone")
    award.refresh_from_db()
    assert award.status == Award.Status.COMPLETED
    assert final.is_payable()
    assert final in selectors.tranches_payable()
