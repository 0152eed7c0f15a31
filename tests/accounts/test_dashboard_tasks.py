"""Where work waits (issue 14): each role's task list, its counts, who may see each task,
the query count, and where staff land after signing in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.dashboard import tasks_for
from grants.awards.models import AwardMilestone
from grants.calls.models import Application, Call
from grants.review.models import Panel
from incubator.models import Membership
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.awards import AwardFactory, ReportFactory, milestone
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import IncubateeFactory, MembershipFactory, OrganisationFactory, SubsidyFactory
from tests.factories.payments import PaymentFactory, approved_subsidy, tranche_payment
from tests.factories.review import (
    AssignmentFactory,
    InReviewApplicationFactory,
    ObjectionFactory,
    PanelFactory,
    ReviewFactory,
    officer_call,
)
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def labelled(tasks, start: str) -> list:
    return [task for task in tasks if task.label.startswith(start)]


def one(tasks, start: str):
    found = labelled(tasks, start)
    assert len(found) == 1, [task.label for task in tasks]
    return found[0]


def staff_tasks(user):
    return tasks_for(user, back_office=True)


def portal_tasks(user):
    return tasks_for(user, back_office=False)


def funder_with(*people):
    funder = FunderFactory()
    funder.officers.add(*people)
    for person in people:
        person.__dict__.pop("_grant_funder_ids", None)
    return funder


# --- Programme officers --------------------------------------------------------------------


def test_officer_sees_organisations_incubation_and_subsidies_to_decide():
    officer = UserFactory(officer=True)
    OrganisationFactory.create_batch(2, submitted=True)
    OrganisationFactory(verified=True)
    IncubateeFactory()
    IncubateeFactory(admitted=True)
    SubsidyFactory.create_batch(3)
    SubsidyFactory(approved=True)

    tasks = staff_tasks(officer)

    verify = one(tasks, "Organisations to verify")
    assert verify.count == 2 and verify.url == reverse("incubator_admin_queue")
    assert one(tasks, "Incubation applications to decide").count == 1
    subsidies = one(tasks, "Subsidy requests to decide")
    assert subsidies.count == 3 and subsidies.url.endswith("?status=requested")
    for other in (UserFactory(finance=True), UserFactory(ngo_member=True), UserFactory(reviewer=True)):
        assert not labelled(staff_tasks(other), "Organisations to verify")
        assert not labelled(staff_tasks(other), "Subsidy requests")


def test_officer_sees_applications_to_screen_of_their_funders_only():
    officer = UserFactory(officer=True)
    call = CallFactory(funder=funder_with(officer))
    ApplicationFactory.create_batch(2, call=call, status=Application.Status.SUBMITTED)
    ApplicationFactory(call=call)  # a draft is the applicant's business
    ApplicationFactory(status=Application.Status.SUBMITTED)  # another funder's call

    task = one(staff_tasks(officer), "Applications to screen")

    assert task.count == 2
    assert task.url == reverse("grants_applications:index") + "?status=submitted"
    other_officer = UserFactory(officer=True)
    funder_with(other_officer)
    assert not labelled(staff_tasks(other_officer), "Applications to screen")  # nothing of theirs waits
    assert not labelled(staff_tasks(UserFactory(finance=True)), "Applications to screen")


def test_officer_sees_panels_short_of_reviewers_overdue_reviews_and_objections():
    officer = UserFactory(officer=True)
    call = officer_call(officer, reviewers_per_application=2)
    Panel.objects.create(call=call, review_deadline=timezone.now() - timedelta(days=1))
    short = InReviewApplicationFactory(call=call)
    AssignmentFactory(application=short)  # 1 of 2 reviewers
    full = InReviewApplicationFactory(call=call)
    AssignmentFactory(application=full)
    done = AssignmentFactory(application=full, declared=True)
    ReviewFactory(assignment=done, submitted=True)
    announced = officer_call(officer, status=Call.Status.ANNOUNCED)
    ObjectionFactory.create_batch(2, call=announced)
    ObjectionFactory(call=announced, resolved=True)

    tasks = staff_tasks(officer)

    short_task = one(tasks, "Applications short of reviewers")
    assert short_task.count == 1
    assert short_task.url == reverse("review_admin_assignments", kwargs={"pk": call.pk})
    overdue = one(tasks, "Overdue reviews")
    assert overdue.count == 2 and overdue.overdue
    assert overdue.due == timezone.localdate(call.panel.review_deadline)
    assert tasks[0] == overdue  # overdue work comes first
    objections = one(tasks, "Objections to answer")
    assert objections.count == 2
    assert objections.url == reverse("review_admin_objections", kwargs={"pk": announced.pk})
    stranger = UserFactory(officer=True)
    assert not labelled(staff_tasks(stranger), "Objections")
    assert not labelled(staff_tasks(stranger), "Overdue reviews")


def test_reviews_before_the_deadline_are_not_overdue():
    officer = UserFactory(officer=True)
    call = officer_call(officer, reviewers_per_application=1)
    Panel.objects.create(call=call, review_deadline=timezone.now() + timedelta(days=3))
    AssignmentFactory(application=InReviewApplicationFactory(call=call))

    assert not labelled(staff_tasks(officer), "Overdue reviews")


def test_officer_sees_reports_to_check_of_their_funders():
    officer = UserFactory(officer=True)
    report = ReportFactory(submitted=True)
    report.milestone.award.application.call.funder.officers.add(officer)
    ReportFactory(submitted=True)  # another funder's
    ReportFactory()  # a draft

    task = one(staff_tasks(officer), "Reports to check")

    assert task.count == 1 and task.url.startswith(reverse("awards_admin_reports"))
    assert not labelled(staff_tasks(UserFactory(finance=True)), "Reports to check")


def test_officer_sees_payments_to_request():
    officer = UserFactory(officer=True)
    approved_subsidy()
    approved_subsidy()
    PaymentFactory(subsidy=approved_subsidy())  # already in the ledger

    task = one(staff_tasks(officer), "Payments to request")

    assert task.count == 2 and task.url == reverse("payments_admin_payable")
    assert not labelled(staff_tasks(UserFactory(finance=True)), "Payments to request")


# --- Finance officers ------------------------------------------------------------------------


def test_finance_sees_approvals_with_count_and_total_and_failed_payments():
    finance = UserFactory(finance=True)
    PaymentFactory(requested=True, subsidy=approved_subsidy(amount=Decimal("10000.00")))
    PaymentFactory(requested=True, subsidy=approved_subsidy(amount=Decimal("2500.50")))
    PaymentFactory(requested=True, requested_by=finance)  # four-eyes: not theirs to approve
    tranche_payment(requested=True)  # a funder finance does not work for
    PaymentFactory(failed=True)

    tasks = staff_tasks(finance)

    approvals = one(tasks, "Payments waiting for your approval")
    assert approvals.count == 2
    assert approvals.total == Decimal("12500.50") and approvals.currency == "CNY"
    assert approvals.url == reverse("payments_admin_queue") + "?status=requested"
    failed = one(tasks, "Failed payments")
    assert failed.count == 1 and failed.url.endswith("?status=failed")
    officer_tasks = staff_tasks(UserFactory(officer=True))
    assert not labelled(officer_tasks, "Payments waiting") and not labelled(officer_tasks, "Failed payments")


# --- NGO members ------------------------------------------------------------------------------


def member_of(organisation, role=Membership.Role.OWNER):
    user = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def test_member_sees_drafts_of_open_calls_with_the_deadline_and_information_requested():
    organisation = OrganisationFactory(verified=True)
    member = member_of(organisation)
    draft = ApplicationFactory(organisation=organisation, title="Mediation in Xinhe")
    ApplicationFactory(organisation=organisation, call=CallFactory(closed=True))  # too late
    asked = ApplicationFactory(organisation=organisation, status=Application.Status.MORE_INFO, title="Elder care")
    ApplicationFactory(status=Application.Status.MORE_INFO)  # another organisation's

    tasks = portal_tasks(member)

    finish = one(tasks, "Finish and submit “Mediation in Xinhe”")
    assert finish.due == timezone.localdate(draft.call.closes_at)
    assert finish.url == reverse("grants:application_edit", kwargs={"pk": draft.pk})
    info = one(tasks, "Information requested on “Elder care”")
    assert info.url == reverse("grants:application_detail", kwargs={"pk": asked.pk})
    assert len(tasks) == 2
    assert not portal_tasks(UserFactory(ngo_member=True))


def test_manager_sees_the_agreement_to_accept_and_reports_due_and_overdue():
    offered = AwardFactory()
    organisation = offered.application.organisation
    owner = member_of(organisation)
    plain_member = member_of(organisation, role=Membership.Role.MEMBER)
    active = AwardFactory(active=True, application__organisation=organisation)
    today = timezone.localdate()
    midterm = milestone(active)
    midterm.due_date = today - timedelta(days=2)
    midterm.save()
    AwardMilestone.objects.filter(award=active, kind=AwardMilestone.Kind.FINAL).update(
        due_date=today + timedelta(days=10)
    )

    tasks = portal_tasks(owner)

    agreement = one(tasks, "Accept the grant agreement")
    assert agreement.url == reverse("awards:agreement", kwargs={"pk": offered.pk})
    overdue = one(tasks, "Report “Mid-term report”")
    assert overdue.overdue and overdue.due == midterm.due_date
    assert overdue.url == reverse("awards:report_edit", kwargs={"pk": active.pk, "milestone_pk": midterm.pk})
    final = one(tasks, "Report “Final report”")
    assert not final.overdue and final.due == today + timedelta(days=10)
    assert tasks[0] == overdue
    # Accepting the agreement is for owners and admins; reports are for every member.
    member_tasks = portal_tasks(plain_member)
    assert not labelled(member_tasks, "Accept the grant agreement")
    assert labelled(member_tasks, "Report “Mid-term report”")


def test_reports_due_later_or_already_submitted_wait_for_nobody():
    active = AwardFactory(active=True)
    owner = member_of(active.application.organisation)
    ReportFactory(milestone=milestone(active), submitted=True)
    AwardMilestone.objects.filter(award=active).update(due_date=timezone.localdate() - timedelta(days=1))
    AwardMilestone.objects.filter(award=active, kind=AwardMilestone.Kind.FINAL).update(
        due_date=timezone.localdate() + timedelta(days=90)
    )

    assert not labelled(portal_tasks(owner), "Report")


# --- Reviewers ---------------------------------------------------------------------------------


def test_reviewer_sees_done_of_assigned_per_call_with_the_due_date():
    reviewer = UserFactory(reviewer=True)
    call = officer_call()
    PanelFactory(call=call, review_deadline=timezone.now() + timedelta(days=5))
    for _ in range(2):
        AssignmentFactory(reviewer=reviewer, application=InReviewApplicationFactory(call=call))
    for _ in range(2):
        ReviewFactory(
            assignment=AssignmentFactory(
                reviewer=reviewer, application=InReviewApplicationFactory(call=call), declared=True
            ),
            submitted=True,
        )
    AssignmentFactory(application=InReviewApplicationFactory(call=call))  # someone else's

    (task,) = portal_tasks(reviewer)

    assert (task.done, task.count) == (2, 4)
    assert task.due == timezone.localdate(call.panel.review_deadline) and not task.overdue
    assert task.url == reverse("review:assignment_list")
    assert not portal_tasks(UserFactory(ngo_member=True))
    assert not staff_tasks(reviewer)


# --- Query counts ------------------------------------------------------------------------------


def queries_of(user, back_office: bool) -> int:
    fresh = type(user).objects.get(pk=user.pk)  # nothing cached on the user object
    with CaptureQueriesContext(connection) as ctx:
        assert tasks_for(fresh, back_office=back_office)
    return len(ctx.captured_queries)


def test_staff_task_queries_do_not_grow_with_the_work(django_assert_max_num_queries):
    officer = UserFactory(officer=True)
    finance = UserFactory(finance=True)
    funder = funder_with(officer, finance)

    def add_work(n):
        for _ in range(n):
            call = CallFactory(funder=funder, status=Call.Status.IN_REVIEW, reviewers_per_application=2)
            Panel.objects.create(call=call, review_deadline=timezone.now() - timedelta(days=1))
            AssignmentFactory(application=InReviewApplicationFactory(call=call))
            ObjectionFactory(call=call)
            ApplicationFactory(call=CallFactory(funder=funder), status=Application.Status.SUBMITTED)
            OrganisationFactory(submitted=True)
            SubsidyFactory()
            approved_subsidy()
            PaymentFactory(requested=True)
            PaymentFactory(failed=True)

    add_work(1)
    few = {user: queries_of(user, True) for user in (officer, finance)}
    add_work(4)
    for user in (officer, finance):
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_max_num_queries(few[user]):
            tasks = staff_tasks(fresh)
        assert len(tasks) >= 2
    # Officers: one more query since service purchasing (suspended offers waiting on them).
    assert few[officer] <= 17 and few[finance] <= 8


def test_reviewer_and_member_task_queries_do_not_grow(django_assert_max_num_queries):
    reviewer = UserFactory(reviewer=True)
    organisation = OrganisationFactory(verified=True)
    owner = member_of(organisation)

    def add_work(n):
        for _ in range(n):
            call = officer_call()
            PanelFactory(call=call, review_deadline=timezone.now() + timedelta(days=2))
            AssignmentFactory(reviewer=reviewer, application=InReviewApplicationFactory(call=call))
            ApplicationFactory(organisation=organisation)
            ApplicationFactory(organisation=organisation, status=Application.Status.MORE_INFO)
            AwardFactory(application__organisation=organisation)
            active = AwardFactory(active=True, application__organisation=organisation)
            AwardMilestone.objects.filter(award=active).update(due_date=timezone.localdate() - timedelta(days=1))

    add_work(1)
    few = {user: queries_of(user, False) for user in (reviewer, owner)}
    add_work(4)
    for user in (reviewer, owner):
        fresh = type(user).objects.get(pk=user.pk)
        with django_assert_max_num_queries(few[user]):
            assert len(portal_tasks(fresh)) >= 5


# --- Pages ------------------------------------------------------------------------------------


def test_admin_home_is_the_officers_task_list(client):
    officer = UserFactory(officer=True)
    OrganisationFactory(submitted=True)
    login(client, officer)

    response = client.get("/admin/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "What waits for you" in content
    assert "Organisations to verify" in content
    assert f'href="{reverse("incubator_admin_queue")}"' in content


def test_admin_home_shows_finance_their_approvals_with_the_total(client):
    finance = UserFactory(finance=True)
    PaymentFactory(requested=True, subsidy=approved_subsidy(amount=Decimal("10000.00")))
    login(client, finance)

    content = client.get("/admin/").content.decode()

    assert "Payments waiting for your approval" in content
    assert "10,000.00" in content


def test_admin_home_of_an_editor_has_no_task_list(client):
    login(client, UserFactory(editor=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "What waits for you" not in response.content.decode()


def test_dashboard_lists_an_ngo_members_deadlines_before_the_cards(client):
    organisation = OrganisationFactory(verified=True)
    member = member_of(organisation)
    draft = ApplicationFactory(organisation=organisation, title="Mediation in Xinhe")
    login(client, member, mfa=False)

    content = client.get("/en/dashboard/").content.decode()

    assert "Finish and submit “Mediation in Xinhe”" in content
    assert f'<time datetime="{timezone.localdate(draft.call.closes_at):%Y-%m-%d}">' in content
    assert content.index("What waits for you") < content.index('class="cards"')


def test_dashboard_and_assignment_list_show_a_reviewers_progress(client):
    reviewer = UserFactory(reviewer=True)
    call = officer_call()
    PanelFactory(call=call, review_deadline=timezone.now() + timedelta(days=5))
    AssignmentFactory(reviewer=reviewer, application=InReviewApplicationFactory(call=call))
    ReviewFactory(
        assignment=AssignmentFactory(
            reviewer=reviewer, application=InReviewApplicationFactory(call=call), declared=True
        ),
        submitted=True,
    )
    login(client, reviewer)

    for url in ("/en/dashboard/", reverse("review:assignment_list")):
        content = client.get(url).content.decode()
        assert f"Reviews for {call.title}" in content
        assert "1 of 2 done" in content
        assert '<progress max="2" value="1"' in content


def test_dashboard_with_nothing_waiting_says_so(client):
    login(client, UserFactory(ngo_member=True), mfa=False)

    assert "Nothing waits for you at the moment." in client.get("/en/dashboard/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/dashboard/")

    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Landing after sign-in --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("traits", "landing"),
    [({"officer": True, "mfa": False}, "/admin/"), ({"ngo_member": True}, "/en/dashboard/")],
)
def test_staff_land_on_the_admin_home_and_others_on_the_dashboard(client, traits, landing):
    user = UserFactory(**traits)

    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response.url == landing


def test_a_next_page_still_wins_over_the_staff_landing(client):
    user = UserFactory(officer=True, mfa=False)

    response = client.post("/en/accounts/login/?next=/en/ngo/", {"login": user.email, "password": TEST_PASSWORD})

    assert response.url == "/en/ngo/"
