import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from grants.calls.models import Application, ApplicationAttachment, Call
from grants.review import tasks
from grants.review.models import (
    Announcement,
    Assignment,
    Objection,
    PanelMember,
    Review,
    ReviewerInvitation,
    ScoreSummary,
)
from grants.review.selectors import progress_totals
from grants.review.services.panels import invitation_token
from tests.factories.accounts import UserFactory
from tests.factories.incubator import PDF_BYTES, MembershipFactory, OrganisationFactory
from tests.factories.review import (
    AssignmentFactory,
    InReviewApplicationFactory,
    InvitationFactory,
    ObjectionFactory,
    PanelFactory,
    PanelMemberFactory,
    ProposalLineFactory,
    ReviewFactory,
    announced_call,
    comments,
    officer_call,
    panel_of,
    scores,
)
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return UserFactory(reviewer=True, email="expert@university.edu.cn")


@pytest.fixture
def reviewer_client(reviewer):
    return login(Client(), reviewer)


@pytest.fixture
def officer_client(officer):
    return login(Client(), officer)


def identifiable_organisation():
    organisation = OrganisationFactory(
        verified=True,
        name_zh="新河调解中心",
        name_en="Xinhe Mediation Centre",
        legal_representative="赵大海",
        contact_email="office@xinhe-mediation.org",
    )
    MembershipFactory(
        organisation=organisation, user=UserFactory(first_name="Qian", last_name="Duoduo", email="qd@gmail.com")
    )
    return organisation


# --- Reviewer pages ----------------------------------------------------------------------------


def test_reviewer_list_has_a_flat_query_count(call, reviewer, reviewer_client):
    def add(n):
        for _ in range(n):
            ReviewFactory(
                assignment=AssignmentFactory(
                    application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True
                )
            )

    assert_flat_query_count(reviewer_client, reverse("review:assignment_list"), add)


def titled(application, title):
    Application.objects.filter(pk=application.pk).update(title=title)
    return application


def test_reviewer_list_shows_every_state_reading_only_the_columns_it_shows(call, reviewer, reviewer_client):
    """Declared or not, draft or submitted, with the panel's deadline: read from the listed
    columns only (not the calls' rubrics, the applications' texts, the reviews' scores)."""
    panel = PanelFactory(call=call)
    panel.review_deadline = timezone.now() + timedelta(days=3)
    panel.save()
    undeclared = AssignmentFactory(
        application=titled(InReviewApplicationFactory(call=call), "Undeclared project"), reviewer=reviewer
    )
    ReviewFactory(
        assignment=AssignmentFactory(
            application=titled(InReviewApplicationFactory(call=call), "Draft project"), reviewer=reviewer, declared=True
        )
    )
    ReviewFactory(
        assignment=AssignmentFactory(
            application=titled(InReviewApplicationFactory(call=call), "Submitted project"),
            reviewer=reviewer,
            declared=True,
        ),
        status=Review.Status.SUBMITTED,
    )
    with CaptureQueriesContext(connection) as queries:
        page = reviewer_client.get(reverse("review:assignment_list")).content.decode()
    listing = next(query["sql"] for query in queries.captured_queries if 'FROM "review_assignment"' in query["sql"])
    for column in ('"grants_call"."rubric"', '"grants_application"."summary"', '"review_review"."scores"'):
        assert column not in listing
    assert page.count("Conflict declaration needed") == 1 and "Open to declare" in page
    assert "Draft" in page and "Submitted" in page
    assert "Draft project" in page and "Submitted project" in page
    assert "Undeclared project" not in page  # shown only after the declaration
    assert undeclared.application.organisation.name in page
    assert timezone.localtime(panel.review_deadline).strftime("%Y-%m-%d %H:%M") in page


def test_the_declaration_page_shows_only_title_and_organisation(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer)
    page = reviewer_client.get(
        reverse("review:application_detail", kwargs={"pk": assignment.application_id})
    ).content.decode()
    assert assignment.application.title in page
    assert assignment.application.organisation.name_en in page
    assert assignment.application.summary not in page
    assert "Conflict of interest" in page


def test_declaring_no_conflict_leads_to_the_score_form(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer)
    response = reviewer_client.post(
        reverse("review:declare", kwargs={"pk": assignment.application_id}), {"conflict": "no"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("review:review_edit", kwargs={"pk": assignment.application_id}))
    page = reviewer_client.get(response["Location"]).content.decode()
    assert assignment.application.summary in page


def test_declaring_a_conflict_removes_the_application_from_the_list(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer)
    url = reverse("review:declare", kwargs={"pk": assignment.application_id})
    response = reviewer_client.post(url, {"conflict": "yes", "detail": "I used to work there."})
    assert response.status_code == 302
    assert (
        reviewer_client.get(reverse("review:application_detail", kwargs={"pk": assignment.application_id})).status_code
        == 404
    )


def test_a_conflict_without_detail_keeps_the_form(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer)
    response = reviewer_client.post(
        reverse("review:declare", kwargs={"pk": assignment.application_id}), {"conflict": "yes"}
    )
    assert response.status_code == 400
    assert "what the conflict is" in response.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_content_stays_hidden_until_the_declaration(call, reviewer, reviewer_client):
    application = InReviewApplicationFactory(call=call)
    ApplicationAttachment.objects.create(
        application=application, title="Plan", file=ContentFile(PDF_BYTES, name="plan.pdf")
    )
    AssignmentFactory(application=application, reviewer=reviewer)
    url = reverse("review:attachment_download", kwargs={"pk": application.pk, "number": 1})
    assert reviewer_client.get(url).status_code == 403
    assert reviewer_client.get(reverse("review:review_edit", kwargs={"pk": application.pk})).status_code == 302


def _form(value=7, **extra):
    data = {}
    for code, score in scores(value).items():
        data[f"score_{code}"] = score
    for code, text in comments().items():
        data[f"comment_{code}"] = text
    data.update({"comment": "Overall fine.", "recommendation": "fund"})
    data.update(extra)
    return data


def test_reviewer_saves_a_draft_then_submits_and_can_no_longer_edit(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True)
    url = reverse("review:review_edit", kwargs={"pk": assignment.application_id})
    assert reviewer_client.post(url, {"score_need": "6", "draft": "1"}).status_code == 302
    assert Review.objects.get(assignment=assignment).scores == {"need": 6}
    response = reviewer_client.post(url, {**_form(8), "submit": "1"})
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.SUBMITTED
    assert response["Location"].endswith(reverse("review:review_detail", kwargs={"pk": review.pk}))
    # Afterwards the form is gone and a post changes nothing.
    assert reviewer_client.get(url).status_code == 302
    reviewer_client.post(url, {**_form(2), "submit": "1"})
    assert Review.objects.get(pk=review.pk).scores == scores(8)
    page = reviewer_client.get(reverse("review:review_detail", kwargs={"pk": review.pk})).content.decode()
    assert "submitted and locked" in page


def test_an_out_of_range_score_is_explained_and_what_was_typed_stays(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True)
    url = reverse("review:review_edit", kwargs={"pk": assignment.application_id})
    response = reviewer_client.post(url, {**_form(), "score_need": "14", "submit": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 10" in page
    assert "Sound plan with clear targets." in page
    assert not Review.objects.filter(assignment=assignment, status=Review.Status.SUBMITTED).exists()


def test_an_incomplete_submission_is_kept_as_a_draft(call, reviewer, reviewer_client):
    assignment = AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True)
    url = reverse("review:review_edit", kwargs={"pk": assignment.application_id})
    response = reviewer_client.post(url, {**_form(), "recommendation": "", "submit": "1"})
    assert response.status_code == 400
    assert "Give your overall recommendation." in response.content.decode()
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.DRAFT and review.scores == scores(7)


def test_a_reviewer_never_sees_other_reviewers_scores(call, reviewer, reviewer_client):
    application = InReviewApplicationFactory(call=call)
    ReviewFactory(
        submitted=True,
        assignment=AssignmentFactory(application=application, declared=True),
        criterion_comments=dict.fromkeys(scores(), "COLLEAGUE-SECRET"),
    )
    AssignmentFactory(application=application, reviewer=reviewer, declared=True)
    for name in ("review:application_detail", "review:review_edit"):
        page = reviewer_client.get(reverse(name, kwargs={"pk": application.pk})).content.decode()
        assert "COLLEAGUE-SECRET" not in page


# --- Blind review ------------------------------------------------------------------------------


@pytest.fixture
def blind_assignment(officer, reviewer):
    call = officer_call(officer, blind_review=True)
    organisation = identifiable_organisation()
    application = InReviewApplicationFactory(call=call, organisation=organisation)
    application.title = "新河调解中心 neighbourhood mediation"
    application.summary = (
        "Xinhe Mediation Centre, led by 赵大海, will train volunteers. Contact office@xinhe-mediation.org."
    )
    application.save()
    ApplicationAttachment.objects.create(
        application=application,
        title="Xinhe Mediation Centre budget",
        file=ContentFile(PDF_BYTES, name="xinhe-mediation-centre-budget.pdf"),
        size=len(PDF_BYTES),
    )
    return AssignmentFactory(application=application, reviewer=reviewer)


IDENTIFIERS = ("新河调解中心", "Xinhe Mediation Centre", "赵大海", "xinhe-mediation", "Qian", "USCC")


def assert_blind(text: str, organisation):
    for value in (*IDENTIFIERS, organisation.uscc):
        assert value not in text, f"{value!r} leaked"


def test_blind_review_hides_the_applicant_in_the_declaration_pages_attachments_and_export(
    blind_assignment, reviewer_client
):
    application = blind_assignment.application
    organisation = application.organisation
    detail = reverse("review:application_detail", kwargs={"pk": application.pk})
    assert_blind(reviewer_client.get(detail).content.decode(), organisation)
    assert_blind(reviewer_client.get(reverse("review:assignment_list")).content.decode(), organisation)
    reviewer_client.post(reverse("review:declare", kwargs={"pk": application.pk}), {"conflict": "no"})
    for url in (detail, reverse("review:review_edit", kwargs={"pk": application.pk})):
        page = reviewer_client.get(url).content.decode()
        assert_blind(page, organisation)
        assert "will train volunteers" in page
        assert "Attachment 1" in page
    response = reviewer_client.get(reverse("review:attachment_download", kwargs={"pk": application.pk, "number": 1}))
    assert response.status_code == 200
    assert 'filename="attachment-1.pdf"' in response["Content-Disposition"]
    export = reviewer_client.get(reverse("review:export")).content.decode("utf-8-sig")
    assert_blind(export, organisation)
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[1][2] == "[applicant] neighbourhood mediation"


def test_without_blind_review_the_attachment_keeps_its_name(call, reviewer, reviewer_client):
    application = InReviewApplicationFactory(call=call)
    ApplicationAttachment.objects.create(
        application=application, title="Plan", file=ContentFile(PDF_BYTES, name="plan.pdf")
    )
    AssignmentFactory(application=application, reviewer=reviewer, declared=True)
    response = reviewer_client.get(reverse("review:attachment_download", kwargs={"pk": application.pk, "number": 1}))
    assert 'filename="Plan.pdf"' in response["Content-Disposition"]


# --- Profile and invitations -------------------------------------------------------------------


def test_reviewer_records_expertise_and_relationships(reviewer, reviewer_client, mediation):
    url = reverse("review:profile")
    assert (
        reviewer_client.post(
            url, {"expertise": [mediation.pk], "affiliation": "Soochow University", "max_load": "8"}
        ).status_code
        == 302
    )
    assert list(reviewer.reviewer_profile.expertise.all()) == [mediation]
    organisation = OrganisationFactory(verified=True)
    response = reviewer_client.post(
        url, {"add_relationship": "1", "organisation": organisation.pk, "nature": "Adviser"}
    )
    assert response.status_code == 302
    assert reviewer.declared_relationships.get().organisation == organisation


def test_an_invitation_email_carries_a_single_use_link_that_makes_a_reviewer(
    call, officer, officer_client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("review_admin_invite", kwargs={"pk": call.pk}), {"email": "New.Expert@Law.edu.cn"}
        )
    assert response.status_code == 302
    link = re.search(r"(/review/invitations/[^/\s]+/)", mail.outbox[0].body).group(1)
    invitee = UserFactory(email="new.expert@law.edu.cn", mfa=True)
    client = login(Client(), invitee)
    assert client.post(f"/en{link}").status_code == 302
    assert PanelMember.objects.filter(panel__call=call, reviewer=invitee).exists()
    assert roles.is_reviewer(invitee.__class__.objects.get(pk=invitee.pk))
    again = client.get(f"/en{link}")
    assert again.status_code == 302  # already joined: straight to the assignments
    other = login(Client(), UserFactory(email="someone@law.edu.cn"))
    assert "already been used" in other.get(f"/en{link}").content.decode()


def test_an_invitation_only_works_for_the_invited_address(call):
    invitation = InvitationFactory(panel=PanelFactory(call=call), email="expert@law.edu.cn")
    client = login(Client(), UserFactory(email="intruder@law.edu.cn"))
    response = client.post(
        reverse("review:invitation_accept", kwargs={"token": invitation_token(invitation=invitation)})
    )
    assert "was sent to expert@law.edu.cn" in response.content.decode()
    assert not ReviewerInvitation.objects.get(pk=invitation.pk).accepted_at


def test_an_expired_invitation_is_refused(call):
    invitation = InvitationFactory(panel=PanelFactory(call=call), expires_at=timezone.now() - timedelta(minutes=1))
    page = Client().get(reverse("review:invitation_accept", kwargs={"token": invitation_token(invitation=invitation)}))
    assert "expired" in page.content.decode()


# A visitor joining on signing in, or signing up and setting up TOTP first:
# tests/review/test_invitation_signup.py.


# --- Applicant's results page ------------------------------------------------------------------


def test_applicants_see_their_scores_and_anonymous_comments_once_announced(officer):
    call, lines = announced_call(officer=officer)
    application = lines[0].application
    reviewer = UserFactory(reviewer=True, first_name="Hidden", last_name="Expert")
    ReviewFactory(
        submitted=True, assignment=AssignmentFactory(application=application, reviewer=reviewer, declared=True)
    )
    member = MembershipFactory(organisation=application.organisation).user
    client = login(Client(), member)
    page = client.get(reverse("review:feedback", kwargs={"pk": application.pk})).content.decode()
    assert "7.0 / 10" in page and "Sound plan with clear targets." in page
    assert "Hidden" not in page and reviewer.email not in page
    Call.objects.filter(pk=call.pk).update(status=Call.Status.DECIDED)
    assert client.get(reverse("review:feedback", kwargs={"pk": application.pk})).status_code == 404


def test_the_results_page_has_a_flat_query_count(officer):
    _call, lines = announced_call(officer=officer)
    application = lines[0].application
    client = login(Client(), MembershipFactory(organisation=application.organisation).user)

    def add(n):
        for _ in range(n):
            ReviewFactory(submitted=True, assignment=AssignmentFactory(application=application, declared=True))

    assert_flat_query_count(client, reverse("review:feedback", kwargs={"pk": application.pk}), add)


# --- Public announcement and objections --------------------------------------------------------


def test_the_public_page_lists_awards_without_reviewers_or_comments(officer):
    call, lines = announced_call(officer=officer)
    reviewer = UserFactory(reviewer=True, first_name="Secret", last_name="Reviewer")
    ReviewFactory(
        submitted=True,
        assignment=AssignmentFactory(application=lines[0].application, reviewer=reviewer, declared=True),
        comment="PRIVATE-COMMENT",
    )
    page = Client().get(reverse("announcements:detail", kwargs={"key": call.slug})).content.decode()
    for line in lines:
        assert line.application.organisation.name_en in page and line.application.title in page
    assert "¥80,000" in page or "80,000" in page
    assert "Secret" not in page and "PRIVATE-COMMENT" not in page and reviewer.email not in page


def test_the_public_pages_have_flat_query_counts(officer):
    call, _lines = announced_call(officer=officer, awards=1)
    proposal = call.award_proposal

    def add_lines(n):
        for _ in range(n):
            ProposalLineFactory(
                proposal=proposal,
                application=InReviewApplicationFactory(call=call, status=Application.Status.RECOMMENDED),
            )

    assert_flat_query_count(Client(), reverse("announcements:detail", kwargs={"key": call.slug}), add_lines)

    def add_calls(n):
        for _ in range(n):
            announced_call(officer=officer, awards=1)

    assert_flat_query_count(Client(), reverse("announcements:list"), add_calls)


def objection_data(**extra):
    return {
        "name": "Zhang San",
        "email": "zhang@163.com",
        "phone": "",
        "text": "Project 2 duplicates a service.",
        **extra,
    }


def test_anyone_can_lodge_an_objection(officer):
    call, lines = announced_call(officer=officer)
    url = reverse("announcements:detail", kwargs={"key": call.slug})
    response = Client().post(url, objection_data(application=lines[0].application_id))
    assert response.status_code == 302
    objection = Objection.objects.get(call=call)
    assert objection.application == lines[0].application and objection.client_hash


def test_the_honeypot_stores_nothing(officer):
    call, _lines = announced_call(officer=officer)
    response = Client().post(
        reverse("announcements:detail", kwargs={"key": call.slug}), objection_data(website="http://spam")
    )
    assert response.status_code == 302
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(officer):
    call, _lines = announced_call(officer=officer)
    url = reverse("announcements:detail", kwargs={"key": call.slug})
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [client.post(url, objection_data()).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Objection.objects.count() == 5
    assert Client(REMOTE_ADDR="198.51.100.8").post(url, objection_data()).status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_objection_limit(officer):
    call, _lines = announced_call(officer=officer)
    url = reverse("announcements:detail", kwargs={"key": call.slug})
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [client.post(url, objection_data(), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]


def test_behind_a_configured_proxy_the_objection_limit_counts_the_forwarded_client(officer, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    call, _lines = announced_call(officer=officer)
    url = reverse("announcements:detail", kwargs={"key": call.slug})
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        assert proxy.post(url, objection_data(), HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302
    assert proxy.post(url, objection_data(), HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert proxy.post(url, objection_data(), HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 302


def test_an_invalid_objection_keeps_what_was_typed(officer):
    call, _lines = announced_call(officer=officer)
    response = Client().post(reverse("announcements:detail", kwargs={"key": call.slug}), objection_data(email="nope"))
    assert response.status_code == 400
    assert "Project 2 duplicates a service." in response.content.decode()


def test_objections_need_csrf(officer):
    call, _lines = announced_call(officer=officer)
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("announcements:detail", kwargs={"key": call.slug}), objection_data()).status_code == 403


def test_no_objection_form_after_the_period(officer):
    call, _lines = announced_call(officer=officer)
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(minutes=1))
    url = reverse("announcements:detail", kwargs={"key": call.slug})
    assert "Lodge an objection" not in Client().get(url).content.decode()
    Client().post(url, objection_data())
    assert not Objection.objects.exists()


# --- Officers' pages ---------------------------------------------------------------------------


def test_officer_lists_have_flat_query_counts(call, officer, officer_client):
    panel = PanelFactory(call=call)

    def add_members(n):
        for _ in range(n):
            member = PanelMemberFactory(panel=panel)
            ReviewFactory(
                assignment=AssignmentFactory(
                    application=InReviewApplicationFactory(call=call), reviewer=member.reviewer, declared=True
                )
            )

    assert_flat_query_count(officer_client, reverse("review_admin_call", kwargs={"pk": call.pk}), add_members)

    def add_assigned_applications(n):
        for _ in range(n):
            application = InReviewApplicationFactory(call=call)
            ReviewFactory(submitted=True, assignment=AssignmentFactory(application=application, declared=True))
            AssignmentFactory(application=application)

    for name in ("review_admin_assignments", "review_admin_reviews"):
        assert_flat_query_count(officer_client, reverse(name, kwargs={"pk": call.pk}), add_assigned_applications)

    def add_scores(n):
        for _ in range(n):
            application = InReviewApplicationFactory(call=call)
            ScoreSummary.objects.create(
                application=application,
                call=call,
                review_count=2,
                raw_score=70,
                normalised_score=71,
                spread=5,
                disagreement=False,
                raw_rank=1,
                normalised_rank=1,
                computed_at=timezone.now(),
            )

    assert_flat_query_count(officer_client, reverse("review_admin_ranking", kwargs={"pk": call.pk}), add_scores)

    def add_calls(n):
        for _ in range(n):
            officer_call(officer)

    assert_flat_query_count(officer_client, reverse("review_admin_index"), add_calls)


def test_proposal_and_objection_pages_have_flat_query_counts(officer, officer_client):
    call, _lines = announced_call(officer=officer, awards=1)

    def add_lines(n):
        for _ in range(n):
            ProposalLineFactory(
                proposal=call.award_proposal,
                application=InReviewApplicationFactory(call=call, status=Application.Status.RECOMMENDED),
                override_reason="Changed",
                overridden_by=officer,
            )

    assert_flat_query_count(officer_client, reverse("review_admin_proposal", kwargs={"pk": call.pk}), add_lines)

    def add_objections(n):
        for i in range(n):
            ObjectionFactory(call=call, resolved=bool(i % 2), resolved_by=officer if i % 2 else None)

    assert_flat_query_count(officer_client, reverse("review_admin_objections", kwargs={"pk": call.pk}), add_objections)


def test_officer_sets_the_review_deadline(call, officer_client):
    PanelFactory(call=call)
    deadline = timezone.localtime(timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    response = officer_client.post(
        reverse("review_admin_settings", kwargs={"pk": call.pk}),
        {
            "review_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "disagreement_threshold": "15",
            "ranking_basis": "raw",
        },
    )
    assert response.status_code == 302, [str(m) for m in response.context["messages"]] + [
        response.context["settings_form"].errors
    ]
    call.panel.refresh_from_db()
    assert call.panel.review_deadline == deadline
    assert call.panel.disagreement_threshold == Decimal("15")


def test_officer_assigns_reviewers_and_sees_the_failure_reason(call, officer_client, reviewers):
    InReviewApplicationFactory(call=call)
    panel_of(call, reviewers[:2])
    response = officer_client.post(reverse("review_admin_assign", kwargs={"pk": call.pk}), follow=True)
    assert "No valid assignment exists" in response.content.decode()
    PanelMemberFactory(panel=call.panel, reviewer=reviewers[2])
    officer_client.post(reverse("review_admin_assign", kwargs={"pk": call.pk}))
    assert Assignment.objects.filter(call=call).count() == 3


def test_officer_reopens_a_review_from_its_page(call, officer_client):
    review = ReviewFactory(
        submitted=True, assignment=AssignmentFactory(application=InReviewApplicationFactory(call=call), declared=True)
    )
    url = reverse("review_admin_review_reopen", kwargs={"pk": call.pk, "review_pk": review.pk})
    officer_client.post(url, {"reason": "Missing comment on budget."})
    assert Review.objects.get(pk=review.pk).status == Review.Status.DRAFT


def test_an_officer_of_another_funder_cannot_act_on_the_call(call):
    review = ReviewFactory(
        submitted=True, assignment=AssignmentFactory(application=InReviewApplicationFactory(call=call), declared=True)
    )
    stranger = login(Client(), UserFactory(officer=True))
    stranger.post(
        reverse("review_admin_review_reopen", kwargs={"pk": call.pk, "review_pk": review.pk}), {"reason": "x"}
    )
    assert Review.objects.get(pk=review.pk).status == Review.Status.SUBMITTED


def test_the_dashboard_links_applicants_to_their_review_results(officer):
    _call, lines = announced_call(officer=officer)
    application = lines[0].application
    client = login(Client(), MembershipFactory(organisation=application.organisation).user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("review:feedback", kwargs={"pk": application.pk}) in page


def test_progress_counts_overdue_reviews_after_the_deadline(call, officer_client):
    panel = PanelFactory(call=call, review_deadline=timezone.now() + timedelta(days=1))
    application = InReviewApplicationFactory(call=call)
    ReviewFactory(submitted=True, assignment=AssignmentFactory(application=application, declared=True))
    AssignmentFactory(application=application)
    call.refresh_from_db()
    totals = progress_totals(call)
    assert (totals["due"], totals["done"], totals["outstanding"], totals["overdue"]) == (2, 1, 1, 0)
    panel.review_deadline = timezone.now() - timedelta(hours=1)
    panel.save()
    call.refresh_from_db()
    assert progress_totals(call)["overdue"] == 1
    page = officer_client.get(reverse("review_admin_call", kwargs={"pk": call.pk})).content.decode()
    assert "overdue: 1" in page


def test_the_beat_tasks_run_the_services(officer):
    call, _lines = announced_call(officer=officer)
    Announcement.objects.filter(call=call).update(objections_close_at=timezone.now() - timedelta(hours=1))
    ObjectionFactory(call=call)
    assert tasks.finalise_due_calls.delay().get() == []
    assert tasks.remind_before_deadlines.delay().get() == 0
    assert tasks.aggregate_call_scores.delay(call.pk).get() == 0


def test_the_progress_summary_counts_a_submitted_review_at_once_and_is_not_recounted(call, reviewer, reviewer_client):
    assignments = [
        AssignmentFactory(application=InReviewApplicationFactory(call=call), reviewer=reviewer, declared=True)
        for _ in range(3)
    ]
    url = reverse("review:assignment_list")
    assert "0 of 3 done" in reviewer_client.get(url).content.decode()

    with CaptureQueriesContext(connection) as ctx:
        reviewer_client.get(url)
    counting = [query for query in ctx.captured_queries if 'COUNT("review_assignment"."id")' in query["sql"]]
    assert counting == []  # kept under the data version

    ReviewFactory(assignment=assignments[0], submitted=True)
    assert "1 of 3 done" in reviewer_client.get(url).content.decode()
