"""The first half of a grant competition, driven through the screens as each role.

`run_call_to_screened` walks a competition from nothing to a closed call whose
applications are screened: a programme officer builds the call in the back office
(rubric and one question of every kind the question builder offers), saves it, edits
it and opens it from the call's page; two NGOs draft through the portal form (autosave
checked against the database) and submit; the officer screens them, sending one through
the more-information loop; the officer closes the call from its page. The result feeds
`tests/browser/competition_review_steps.run_review_to_final`.

Each role works in its own browser context (its own cookies). The officer keeps one
signed-in page for the whole half: signing in twice within one 30-second TOTP step
would reuse a code, which allauth refuses.
"""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from grants.calls.models import Application, Call
from incubator.models import Membership, ServiceItem
from tests.browser.helpers import browser_login, close, new_page, screenshot, submit
from tests.browser.incubator_steps import pick_area
from tests.factories.accounts import UserFactory
from tests.factories.files import pdf_bytes
from tests.factories.grants import FunderFactory, wuzhong_town
from tests.factories.incubator import MembershipFactory, OrganisationFactory

# Every kind of question the builder offers (grants.calls.blocks.QuestionsBlock), by its label
# in the block chooser, with the question the officer writes and what an NGO answers.
QUESTIONS = [
    ("Short text", "Name of the partner law firm", "Xinhe Law Office"),
    (
        "Long text",
        "How will residents hear about the clinics?",
        "Notices in every building and the street's WeChat group.",
    ),
    ("Number", "Volunteer lawyers taking part", "6"),
    ("Single choice", "Main form of service", "Walk-in clinic"),
    ("Multiple choice", "Languages offered", "Mandarin"),
    ("Date", "First clinic day", None),  # answered with a date a month ahead
    ("File", "Letter of support from the street office", None),  # answered with a PDF
]
CHOICES = {
    "Single choice": ["Walk-in clinic", "Home visits", "Telephone line"],
    "Multiple choice": ["Mandarin", "Wu (Suzhou dialect)", "English"],
}
# The default rubric's criteria keep their codes (the review half scores them by code);
# the officer reweighs them and writes guidance for the reviewers.
RUBRIC_WEIGHTS = {"need": 30, "feasibility": 25, "team": 20, "budget": 15, "sustainability": 10}
PDF = pdf_bytes()  # a real PDF: attachments are parsed


def link(page, text: str):
    """The link whose whole text is `text` (titles may hold quotes a CSS selector would trip on)."""
    return page.get_by_role("link", name=text, exact=True)


def _local(moment) -> str:
    """A moment as the back office's date-time field takes it (Asia/Shanghai)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _messages(page) -> str:
    return page.inner_text(".messages") if page.locator(".messages").count() else ""


# --- 1. The officer builds the call ------------------------------------------------------------


def officer_creates_call(page, live_server, *, title: str, slug: str) -> Call:
    """Fill every tab of the call form, add one question of each kind and reweigh the rubric."""
    page.goto(f"{live_server.url}/admin/grants/calls/")
    submit(page, "text=Add call")
    assert "/admin/grants/calls/new/" in page.url
    # An officer of one funder finds it already chosen.
    assert page.locator("select[name=funder] option:checked").inner_text() != "---------"
    page.fill("input[name=title_en]", title)
    page.fill("input[name=slug]", slug)
    page.fill("input[name=summary_en]", "Small grants for free legal clinics in the district's streets.")
    page.locator("#panel-child-call-description_en-section [contenteditable=true]").click()
    page.keyboard.type("Grants of up to ¥100,000 for community legal clinics run with local law firms.")
    # Kept as a draft until the officer opens it by hand from the call's page.
    page.uncheck("input[name=auto_open]")
    now = timezone.now()
    page.fill("input[name=opens_at]", _local(now - timedelta(hours=1)))
    page.fill("input[name=closes_at]", _local(now + timedelta(days=30)))
    page.click("label[for=id_title_en]")  # a click beside the date picker closes it
    screenshot(page, "competition-call-form-call")

    page.click("#tab-label-money_and_scope")
    page.fill("input[name=total_budget]", "500000")
    page.fill("input[name=max_per_project]", "100000")
    page.fill("input[name=min_cofunding_percent]", "10")
    page.fill("input[name=admin_cost_cap_percent]", "10")
    screenshot(page, "competition-call-form-money")

    page.click("#tab-label-questions")
    for index, (kind, label, _answer) in enumerate(QUESTIONS):
        # The last "+" of the stream appends after the last question.
        page.locator("#tab-questions button.c-sf-add-button").last.click()
        page.get_by_role("option", name=kind, exact=True).click()
        page.wait_for_selector(f"input[name=questions-{index}-value-label_en]")
        page.fill(f"input[name=questions-{index}-value-label_en]", label)
        for position, choice in enumerate(CHOICES.get(kind, [])):
            if position:
                page.locator(
                    f"input[name=questions-{index}-value-choices-count] ~ [data-streamfield-list-container]"
                    " > button[data-streamfield-list-add]"
                ).last.click()
            page.fill(f"input[name=questions-{index}-value-choices-{position}-value]", choice)
    page.fill("input[name=questions-4-value-max_choices]", "2")
    screenshot(page, "competition-call-form-questions")

    page.click("#tab-label-review")
    for index, code in enumerate(RUBRIC_WEIGHTS):
        assert page.input_value(f"input[name=rubric-{index}-value-code]") == code
        page.fill(f"input[name=rubric-{index}-value-weight]", str(RUBRIC_WEIGHTS[code]))
    page.fill("textarea[name=rubric-0-value-guidance]", "Is the need shown with figures from the street?")
    screenshot(page, "competition-call-form-review")

    submit(page, "button[type=submit]:has-text('Create')")
    assert f"Call '{title}' created." in _messages(page), page.content()
    call = Call.objects.get(slug=slug)
    assert call.status == Call.Status.DRAFT
    assert [question.block_type for question in call.questions] == [
        "short_text",
        "long_text",
        "number",
        "single_choice",
        "multiple_choice",
        "date",
        "file",
    ]
    assert {criterion.code: criterion.weight for criterion in call.criteria} == RUBRIC_WEIGHTS
    screenshot(page, "competition-call-created")
    return call


def officer_edits_call(page, live_server, call: Call) -> Call:
    """Open the call from the list, change the summary and a question's help text, save."""
    page.goto(f"{live_server.url}/admin/grants/calls/")
    submit(page, link(page, call.title))
    assert f"/admin/grants/calls/edit/{call.pk}/" in page.url
    question_ids = [question.id for question in call.questions]
    page.fill("input[name=summary_en]", "Small grants for free legal clinics in the district's streets and villages.")
    page.click("#tab-label-questions")
    page.fill("textarea[name=questions-1-value-help_text_en]", "Say who tells them and how often.")
    screenshot(page, "competition-call-edit")
    submit(page, "button[type=submit]:has-text('Save')")
    assert f"Call '{call.title}' updated." in _messages(page), page.content()
    call.refresh_from_db()
    assert call.summary.endswith("streets and villages.")
    assert call.questions[1].value["help_text_en"] == "Say who tells them and how often."
    # The answers are stored under the questions' ids: editing the call keeps them.
    assert [question.id for question in call.questions] == question_ids
    return call


def officer_opens_call(page, live_server, call: Call) -> Call:
    """From the edit form, the call's page button; there, open the call."""
    page.goto(f"{live_server.url}/admin/grants/calls/edit/{call.pk}/")
    submit(page, "header >> text=Call page")
    assert f"/admin/grants/calls/{call.pk}/manage/" in page.url
    screenshot(page, "competition-call-page-draft")
    submit(page, "button:text('Move to “Open”')")
    assert "The call is now “Open”." in _messages(page), _messages(page)
    call.refresh_from_db()
    assert call.status == Call.Status.OPEN
    screenshot(page, "competition-call-page-open")
    return call


# --- 2. NGOs draft and submit ----------------------------------------------------------------------


def ngo_member(*, organisation_name: str, email: str):
    """A verified organisation and its owner (an NGO member without TOTP)."""
    organisation = OrganisationFactory(verified=True, name_en=organisation_name)
    member = UserFactory(ngo_member=True, email=email)
    MembershipFactory(organisation=organisation, user=member, role=Membership.Role.OWNER)
    return organisation, member


def _answer_questions(page, call: Call, tmp_dir, label: str):
    for kind, question, answer in QUESTIONS:
        field = page.get_by_label(question)
        if kind == "Single choice":
            field.select_option(answer)
        elif kind == "Multiple choice":
            page.get_by_label(answer).check()
        elif kind == "Date":
            field.fill((timezone.localdate() + timedelta(days=40)).isoformat())
        elif kind == "File":
            letter = tmp_dir / f"support-letter-{label}.pdf"
            letter.write_bytes(PDF)
            field.set_input_files(str(letter))
        else:
            field.fill(answer)


def ngo_drafts_and_submits(page, live_server, *, call: Call, project: dict, tmp_dir, label: str) -> Application:
    """Find the call on the public list, start, type (autosave stores the draft), finish, submit.

    `project`: title, summary, personnel (amount of the personnel line), cofunding."""
    item = ServiceItem.objects.get(code="neighbourhood-mediation")
    page.goto(f"{live_server.url}/en/calls/")
    submit(page, link(page, call.title))
    screenshot(page, f"competition-{label}-call-page")
    submit(page, "main a:text-is('Apply')")
    submit(page, "text=Start the application")
    assert "/edit/" in page.url
    application = Application.objects.get(pk=int(page.url.rstrip("/").split("/")[-2]))
    assert application.status == Application.Status.DRAFT

    # Autosave: the typed title reaches the database without pressing a button.
    with page.expect_response(lambda response: "/autosave/" in response.url and response.status == 200):
        page.fill("input[name=title]", project["title"])
        page.fill("textarea[name=summary]", project["summary"])
    # expect() rather than wait_for_function(): the page's policy forbids eval (script-src 'self').
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Saved at"))
    application.refresh_from_db()
    assert application.title == project["title"] and application.summary == project["summary"]
    screenshot(page, f"competition-{label}-autosaved")

    page.select_option("select[name=category]", str(item.category_id))
    page.select_option("select[name=service_item]", str(item.pk))
    # The places served, searched as the member types (Chinese or pinyin).
    places = [wuzhong_town("长桥街道"), wuzhong_town("木渎镇")]
    pick_area(page, "target_areas", "Changqiao", places[0])
    pick_area(page, "target_areas", "木渎", places[1])
    page.fill("input[name=target_area_detail]", "Xinhe Street, 6 communities")
    page.fill("textarea[name=beneficiaries]", "Residents of older housing estates")
    page.fill("input[name=beneficiaries_count]", "2500")
    # The form is in steps; moving on saves the step.
    submit(page, "text=Save and continue")
    assert "step=plan" in page.url
    page.fill("textarea[name=activities]", "A weekly walk-in legal clinic; talks on tenancy and family law.")
    page.fill("textarea[name=timeline]", "Months 1-2 set-up; months 3-12 weekly clinics.")
    page.fill("input[name=milestones-0-title]", "Clinics running in every community")
    page.fill("input[name=milestones-0-due_date]", (timezone.localdate() + timedelta(days=90)).isoformat())
    page.fill("input[name=kpis-0-indicator]", "Residents advised")
    page.fill("input[name=kpis-0-unit]", "people")
    page.fill("input[name=kpis-0-target]", "400")
    submit(page, "text=Save and continue")
    assert "step=budget" in page.url
    page.select_option("select[name=budget-0-kind]", "personnel")
    page.fill("input[name=budget-0-description]", "Volunteer lawyers' expenses")
    page.fill("input[name=budget-0-amount]", project["personnel"])
    page.select_option("select[name=budget-1-kind]", "administration")
    page.fill("input[name=budget-1-description]", "Clinic room and printing")
    page.fill("input[name=budget-1-amount]", "4000")
    page.fill("input[name=cofunding_amount]", project["cofunding"])
    screenshot(page, f"competition-{label}-draft")
    submit(page, "text=Save and continue")
    if len(call.questions):
        assert "step=questions" in page.url
        _answer_questions(page, call, tmp_dir, label)
        submit(page, "text=Save and continue")
    assert "step=attachments" in page.url

    # Autosave stops when the form is submitted, so the page's version stays current.
    submit(page, "text=Save and review before submitting")
    assert "/submit/" in page.url
    assert page.locator("#submit-problems").count() == 0, page.inner_text("#submit-problems")
    screenshot(page, f"competition-{label}-review-before-submit")
    submit(page, "text=Submit the application")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert set(application.target_areas.all()) == set(places)
    assert page.locator(".reference").inner_text() == application.reference
    assert "Application submitted." in page.content()
    screenshot(page, f"competition-{label}-submitted")
    return application


# --- 3. Screening ------------------------------------------------------------------------------------


def officer_opens_application(page, live_server, call: Call, application: Application):
    """The call's page → its applications → the application."""
    page.goto(f"{live_server.url}/admin/grants/calls/{call.pk}/manage/")
    submit(page, "text=List the applications")
    submit(page, link(page, application.title))
    assert f"/admin/grants/applications/{application.pk}/review/" in page.url
    assert application.reference in page.inner_text("main")


def officer_requests_more_information(page, live_server, call: Call, application: Application, *, request: str):
    officer_opens_application(page, live_server, call, application)
    page.check("input[name=decision][value=more_info]")
    page.fill("textarea[name=reasons]", request)
    page.check("input[name=sections][value=budget]")
    page.fill("input[name=due_days]", "5")
    screenshot(page, "competition-screening-more-info-form")
    submit(page, "button:text('Record the decision')")
    assert "Screening recorded; the applicant has been told." in _messages(page)
    application.refresh_from_db()
    assert application.status == Application.Status.MORE_INFO
    screenshot(page, "competition-screening-more-info-sent")


def ngo_answers_and_resubmits(page, live_server, application: Application, *, request: str, cofunding_source: str):
    """The NGO finds the request on its applications list, changes only the reopened part, resubmits."""
    page.goto(f"{live_server.url}/en/grants/applications/")
    row = page.locator("tr", has=link(page, application.title))
    assert "More information requested" in row.inner_text()
    submit(page, link(page, application.title))
    assert request in page.inner_text("main")
    assert "Budget and co-funding" in page.inner_text("main")
    screenshot(page, "competition-ngo-more-info-requested")
    submit(page, "main .actions >> text=Edit")
    # Only the budget part is reopened: the project's title cannot change.
    assert page.locator("input[name=title]").is_disabled()
    submit(page, "button[name=goto][value=budget]")
    page.fill("input[name=cofunding_source]", cofunding_source)
    submit(page, "button[name=goto][value=review]")
    submit(page, "text=Submit the application")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.revisions.count() == 2
    assert "(revision 2)" in page.inner_text("main")
    screenshot(page, "competition-ngo-resubmitted")


def officer_marks_eligible(
    page, live_server, call: Call, application: Application, *, request: str = "", expect_change: str = ""
):
    officer_opens_application(page, live_server, call, application)
    if request:
        # A resubmission: the request it answers and the changes are shown beside the screening form.
        assert request in page.inner_text("#screening-history")
        assert "Changes from revision 1 to 2" in page.inner_text("main")
        assert expect_change in page.inner_text("main")
    page.check("input[name=decision][value=eligible]")
    screenshot(page, f"competition-screening-eligible-{application.pk}")
    submit(page, "button:text('Record the decision')")
    assert "Screening recorded; the applicant has been told." in _messages(page)
    application.refresh_from_db()
    assert application.status == Application.Status.ELIGIBLE


def officer_closes_call(page, live_server, call: Call) -> Call:
    """Closed early by hand from the call's page (the deadline stays a month away)."""
    page.goto(f"{live_server.url}/admin/grants/calls/{call.pk}/manage/")
    assert "Eligible: 2" in page.inner_text("main")
    submit(page, "button:text('Move to “Closed”')")
    assert "The call is now “Closed”." in _messages(page), _messages(page)
    call.refresh_from_db()
    assert call.status == Call.Status.CLOSED
    assert page.locator("text=Edit the call").count() == 0
    screenshot(page, "competition-call-closed")
    return call


# --- The whole half ------------------------------------------------------------------------------------


def run_call_to_screened(browser, live_server, tmp_dir, *, slug: str = "2027-community-legal-clinics") -> dict:
    """Nothing → a closed call with two eligible applications, through the screens.

    Returns {"call", "officer", "funder", "organisations", "members", "applications"}:
    `applications[0]` went through the more-information loop; both are eligible.
    """
    officer = UserFactory(officer=True, email="officer@wuzhong-justice.example.cn")
    funder = FunderFactory(officers=[officer], name_en="Wuzhong District Justice Bureau")
    first = ngo_member(organisation_name="Xinhe Legal Aid Centre", email="owner@xinhe-legal.org")
    second = ngo_member(organisation_name="Lakeside Community Law Service", email="director@lakeside-law.org")
    title = "2027 Community legal clinics"

    officer_page = new_page(browser)
    browser_login(officer_page, live_server, officer)
    call = officer_creates_call(officer_page, live_server, title=title, slug=slug)
    officer_edits_call(officer_page, live_server, call)
    officer_opens_call(officer_page, live_server, call)

    projects = [
        {
            "title": "Legal clinics in Xinhe Street",
            "summary": "Weekly free legal clinics.",
            "personnel": "60000",
            "cofunding": "8000",
            "label": "ngo-xinhe",
        },
        {
            "title": "Lakeside tenants' law corner",
            "summary": "Tenancy advice for migrant workers.",
            "personnel": "45000",
            "cofunding": "6000",
            "label": "ngo-lakeside",
        },
    ]
    applications, pages = [], []
    for (_organisation, member), project in zip([first, second], projects, strict=True):
        page = new_page(browser)
        browser_login(page, live_server, member)
        applications.append(
            ngo_drafts_and_submits(
                page, live_server, call=call, project=project, tmp_dir=tmp_dir, label=project["label"]
            )
        )
        pages.append(page)

    request = "Please say where the co-funding comes from and whether it is confirmed."
    source = "Xinhe Street office matching fund, confirmed in writing"
    officer_requests_more_information(officer_page, live_server, call, applications[0], request=request)
    ngo_answers_and_resubmits(pages[0], live_server, applications[0], request=request, cofunding_source=source)
    officer_marks_eligible(officer_page, live_server, call, applications[0], request=request, expect_change=source)
    officer_marks_eligible(officer_page, live_server, call, applications[1])
    officer_closes_call(officer_page, live_server, call)

    close(officer_page)
    for page in pages:
        close(page)
    return {
        "call": call,
        "officer": officer,
        "funder": funder,
        "organisations": [first[0], second[0]],
        "members": [first[1], second[1]],
        "applications": applications,
    }
