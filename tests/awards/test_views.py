import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from grants.awards import selectors
from grants.awards.models import AwardMilestone, FunderRating, MilestoneReport
from incubator.models import Membership
from tests.awards.test_uploads import jpeg_with_gps
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    login(client, membership.user)
    return membership


@pytest.fixture
def officer(client):
    user = UserFactory(officer=True)
    login(client, user)
    return user


def test_my_grants_lists_only_my_organisations_awards_with_flat_queries(client, member):
    AwardFactory()  # someone else's

    def add(n):
        for _ in range(n):
            AwardFactory(application__organisation=member.organisation)

    assert_flat_query_count(client, reverse("awards:award_list"), add)
    response = client.get(reverse("awards:award_list"))
    assert len(response.context["awards"]) == 6


def test_another_organisations_award_is_not_found(client, member):
    award = AwardFactory()
    assert client.get(reverse("awards:award_detail", kwargs={"pk": award.pk})).status_code == 404


def test_the_award_page_shows_milestones_tranches_and_an_overdue_flag(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    AwardMilestone.objects.filter(award=award, kind="midterm").update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    response = client.get(reverse("awards:award_detail", kwargs={"pk": award.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Overdue" in body
    assert "¥32,000.00" in body
    assert "Mid-term report accepted" in body


def test_the_owner_accepts_the_agreement_in_the_portal(client, member):
    award = AwardFactory(application__organisation=member.organisation)
    url = reverse("awards:agreement", kwargs={"pk": award.pk})
    assert "Accept the agreement" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.accepted_by == member.user


def test_a_plain_member_is_told_an_owner_must_accept(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.MEMBER)
    login(client, membership.user)
    award = AwardFactory(application__organisation=membership.organisation)
    url = reverse("awards:agreement", kwargs={"pk": award.pk})
    assert "must accept this agreement" in client.get(url).content.decode()
    client.post(url)
    award.refresh_from_db()
    assert award.accepted_at is None


def _report_post(award, **overrides):
    data = {"narrative": "Forty sessions in six villages.", "version": ""}
    for kpi in award.kpis.all():
        data[f"kpi_{kpi.pk}"] = "60"
    for line in award.budget_lines.all():
        data[f"line_{line.pk}"] = "10000"
    data.update(overrides)
    return data


def test_the_ngo_writes_uploads_a_photo_and_submits_a_report(client, member, django_capture_on_commit_callbacks):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    m = milestone(award)
    url = reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": m.pk})
    assert client.post(url, _report_post(award)).status_code == 302
    photo = SimpleUploadedFile("village.jpg", jpeg_with_gps(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("awards:evidence_upload", kwargs={"pk": award.pk, "milestone_pk": m.pk}),
            {"file": photo, "caption": "Mediation day"},
        )
    assert response.status_code == 302
    page = client.get(url)
    assert "Mediation day" in page.content.decode()
    assert 'aria-valuenow="50"' in page.content.decode()  # 60 of 120 disputes mediated
    response = client.post(reverse("awards:report_submit", kwargs={"pk": award.pk, "milestone_pk": m.pk}))
    assert response.status_code == 302
    report = MilestoneReport.objects.get(milestone=m)
    assert report.status == MilestoneReport.Status.SUBMITTED
    evidence = report.evidence.get()
    thumb = client.get(
        reverse("awards:evidence_file", kwargs={"pk": award.pk, "milestone_pk": m.pk, "evidence_pk": evidence.pk})
        + "?size=thumb"
    )
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"


def test_a_bad_photo_is_explained_and_the_report_text_is_kept(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    m = milestone(award)
    client.post(reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": m.pk}), _report_post(award))
    response = client.post(
        reverse("awards:evidence_upload", kwargs={"pk": award.pk, "milestone_pk": m.pk}),
        {"file": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "not a valid picture" in body
    assert "Forty sessions in six villages." in body


def test_a_stale_save_keeps_what_the_user_typed(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    report = ReportFactory(milestone=milestone(award))
    url = reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": report.milestone.pk})
    response = client.post(
        url, _report_post(award, narrative="My careful words", version=str(report.version - 1 or 99))
    )
    body = response.content.decode()
    assert "Someone saved this report" in body
    assert "My careful words" in body


def test_submitting_an_incomplete_report_explains_what_is_missing(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    m = milestone(award)
    client.post(
        reverse("awards:report_edit", kwargs={"pk": award.pk, "milestone_pk": m.pk}), {"narrative": "", "version": ""}
    )
    response = client.post(reverse("awards:report_submit", kwargs={"pk": award.pk, "milestone_pk": m.pk}), follow=True)
    assert "Describe what was done" in response.content.decode()


def test_the_owner_rates_the_funder_once(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    url = reverse("awards:rate_funder", kwargs={"pk": award.pk})
    data = {"guidance": "5", "service": "4", "intervention": "3", "payment_timeliness": "2"}
    assert client.post(url, data).status_code == 302
    assert FunderRating.objects.get(award=award).payment_timeliness == 2
    client.post(url, data)
    assert FunderRating.objects.filter(award=award).count() == 1


# --- Back office --------------------------------------------------------------------------------


def test_officers_see_only_their_funders_awards_with_flat_queries(client, officer):
    funder = FunderFactory(officers=[officer])
    AwardFactory()  # another funder's

    def add(n):
        for _ in range(n):
            AwardFactory(application__call=FinalCallFactory(funder=funder))

    assert_flat_query_count(client, reverse("awards_admin_list"), add)
    assert len(client.get(reverse("awards_admin_list")).context["page"].object_list) == 6


def test_another_funders_award_is_refused_in_the_back_office(client, officer):
    award = AwardFactory()
    assert client.get(reverse("awards_admin_detail", kwargs={"pk": award.pk})).status_code == 403


def test_the_reports_queue_lists_submitted_reports_first_with_flat_queries(client, officer):
    funder = FunderFactory(officers=[officer])
    ReportFactory(
        milestone=milestone(AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))), accepted=True
    )

    def add(n):
        for _ in range(n):
            award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
            ReportFactory(milestone=milestone(award), submitted=True)

    assert_flat_query_count(client, reverse("awards_admin_reports"), add)
    reports = list(client.get(reverse("awards_admin_reports")).context["page"].object_list)
    assert [r.status for r in reports][:6] == ["submitted"] * 6
    assert reports[-1].status == "accepted"


def test_the_officer_accepts_a_report_from_the_queue(client, officer):
    funder = FunderFactory(officers=[officer])
    award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
    report = ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    page = client.get(reverse("awards_admin_report", kwargs={"pk": report.pk}))
    assert "Accept the report" in page.content.decode()
    response = client.post(reverse("awards_admin_report_accept", kwargs={"pk": report.pk}), {"comment": "Good work"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.ACCEPTED


def test_returning_a_report_without_a_comment_is_refused_with_a_message(client, officer):
    funder = FunderFactory(officers=[officer])
    award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
    report = ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    response = client.post(reverse("awards_admin_report_return", kwargs={"pk": report.pk}), {"comment": ""})
    assert response.status_code == 400
    assert "Say what the organisation should change" in response.content.decode()
    report.refresh_from_db()
    assert report.status == MilestoneReport.Status.SUBMITTED


def test_the_officer_evaluates_a_grant_after_its_final_report(client, officer):
    funder = FunderFactory(officers=[officer])
    award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
    ReportFactory(milestone=milestone(award, AwardMilestone.Kind.FINAL), accepted=True)
    url = reverse("awards_admin_evaluate", kwargs={"pk": award.pk})
    response = client.post(url, {"quantity": "95", "quality": "90", "use_of_funds": "85", "comment": ""})
    assert response.status_code == 302
    award.refresh_from_db()
    # The funder-only evaluation became the three-party case; with no third party contracted and
    # no residents' answers, the purchaser's marks alone publish it.
    assert award.evaluation_case.is_published
    assert award.evaluation_case.grade == "excellent"


def test_funder_ratings_page_hides_funders_with_fewer_than_three_ratings(client, officer):
    funder = FunderFactory(officers=[officer])
    for _ in range(2):
        award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
        FunderRating.objects.create(
            award=award, funder=funder, guidance=5, service=5, intervention=5, payment_timeliness=1
        )
    body = client.get(reverse("awards_admin_ratings")).content.decode()
    assert "Fewer than 3 ratings" in body
    award = AwardFactory(active=True, application__call=FinalCallFactory(funder=funder))
    FunderRating.objects.create(award=award, funder=funder, guidance=2, service=5, intervention=5, payment_timeliness=1)
    response = client.get(reverse("awards_admin_ratings"))
    row = response.context["rows"][0]
    assert row["shown"] and row["guidance"] == 4


def test_funder_ratings_page_has_flat_queries(client, officer):
    def add(n):
        for _ in range(n):
            FunderFactory(officers=[officer])

    assert_flat_query_count(client, reverse("awards_admin_ratings"), add)


def test_the_portal_speaks_chinese(client, member):
    award = AwardFactory(application__organisation=member.organisation, active=True)
    body = client.get(f"/zh-hans/grants/awards/{award.pk}/").content.decode()
    assert "里程碑与报告" in body
    assert "中期报告通过后" in body


@pytest.mark.parametrize("rated", [False, True])
def test_the_award_page_reads_its_own_relations_in_one_narrow_query(client, member, rated, django_assert_num_queries):
    """The acceptance, the evaluation case and scheme and the funder's rating come with the
    award (selectors._with_relations): using them costs no query, present or absent."""
    award = AwardFactory(application__organisation=member.organisation, active=True, accepted_by=member.user)
    if rated:
        FunderRating.objects.create(
            award=award,
            funder=award.application.call.funder,
            guidance=4,
            service=4,
            intervention=4,
            payment_timeliness=4,
            rated_by=member.user,
        )
    loaded = selectors.award_for_member(member.user, award.pk)
    with django_assert_num_queries(0):
        assert loaded.accepted_by == member.user
        assert loaded.evaluation_scheme == award.evaluation_scheme
        assert hasattr(loaded, "funder_rating") is rated
        assert not hasattr(loaded, "evaluation_case")
        assert loaded.application.call.funder.name
    page = client.get(reverse("awards:award_detail", kwargs={"pk": award.pk})).content.decode()
    assert f"by {award.accepted_by_name}" in page
