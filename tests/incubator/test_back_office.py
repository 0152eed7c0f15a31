import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from core.audit import events_for
from incubator.models import Incubatee, Organisation, Subsidy
from tests.factories.accounts import UserFactory
from tests.factories.incubator import (
    CheckpointFactory,
    CohortFactory,
    DocumentFactory,
    IncubateeFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceLogEntryFactory,
    SubsidyFactory,
)
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    login(client, officer)
    return client


def test_officer_verifies_from_the_review_page(officer_client, django_capture_on_commit_callbacks):
    membership = MembershipFactory(organisation=OrganisationFactory(submitted=True))
    organisation = membership.organisation
    url = f"/admin/incubator/organisations/{organisation.pk}/review/"
    assert officer_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url, {"action": "verify", "verify-note": ""})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.VERIFIED
    assert mail.outbox[-1].to == [membership.user.email]


def test_officer_returns_with_reasons_from_the_review_page(officer_client):
    organisation = OrganisationFactory(submitted=True)
    url = f"/admin/incubator/organisations/{organisation.pk}/review/"
    officer_client.post(url, {"action": "return", "return-reason": "缺少法定代表人身份证明"})
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.RETURNED
    assert organisation.returned_reason == "缺少法定代表人身份证明"


def test_staff_document_download(officer_client):
    document = DocumentFactory(organisation=OrganisationFactory(submitted=True))
    response = officer_client.get(f"/admin/incubator/organisations/{document.organisation_id}/documents/{document.pk}/")
    assert response.status_code == 200


def test_officer_admits_and_marks_resident(officer_client):
    incubatee = IncubateeFactory(cohort=CohortFactory(starts_on=timezone.localdate() - datetime.timedelta(days=3)))
    url = f"/admin/incubator/incubatees/{incubatee.pk}/decide/"
    officer_client.post(url, {"action": "admit"})
    officer_client.post(url, {"action": "resident"})
    incubatee.refresh_from_db()
    assert incubatee.status == Incubatee.Status.INCUBATING


def test_exit_without_a_note_is_refused_on_the_page(officer_client):
    incubatee = IncubateeFactory(incubating=True)
    response = officer_client.post(f"/admin/incubator/incubatees/{incubatee.pk}/decide/", {"action": "exit"})
    assert response.status_code == 200
    assert "Record why the organisation leaves" in response.content.decode()


def test_officer_approves_a_subsidy_and_it_is_approved_and_unpaid(officer_client):
    subsidy = SubsidyFactory()
    IncubateeFactory(organisation=subsidy.organisation, incubating=True)
    officer_client.post(f"/admin/incubator/subsidies/{subsidy.pk}/decide/", {"action": "approve", "amount": "8000"})
    subsidy.refresh_from_db()
    assert subsidy.status == Subsidy.Status.APPROVED
    assert subsidy.amount_approved == 8000
    assert subsidy.paid_at is None


def test_service_log_add_view_records_through_the_service(officer_client, officer):
    incubatee = IncubateeFactory(incubating=True)
    response = officer_client.post(
        "/admin/incubator_service_log/new/",
        {
            "incubatee": incubatee.pk,
            "kind": "training",
            "provided_on": "2026-01-05",
            "provider": "李律师",
            "hours": "2",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/admin/incubator_service_log/", response["Location"]
    assert incubatee.service_log.get().recorded_by == officer


def test_resident_cannot_be_admitted_before_the_cohort_starts_and_the_page_says_why(officer_client):
    incubatee = IncubateeFactory(admitted=True)  # the cohort starts in a month
    response = officer_client.post(f"/admin/incubator/incubatees/{incubatee.pk}/decide/", {"action": "resident"})
    assert response.status_code == 200
    assert "Residence cannot start before the cohort starts on" in response.content.decode()
    incubatee.refresh_from_db()
    assert incubatee.status == Incubatee.Status.ADMITTED


def test_log_a_service_preselects_the_incubatee_and_lists_only_resident_incubatees(officer_client, officer):
    resident = IncubateeFactory(incubating=True)
    admitted = IncubateeFactory(admitted=True)
    others = [
        IncubateeFactory(status=status)
        for status in (Incubatee.Status.APPLIED, Incubatee.Status.HATCHED, Incubatee.Status.EXITED)
    ]
    decide = BeautifulSoup(
        officer_client.get(f"/admin/incubator/incubatees/{resident.pk}/decide/").content, "html.parser"
    )
    link = decide.find("a", string="Log a service")["href"]
    assert link == f"/admin/incubator_service_log/new/?incubatee={resident.pk}"

    form = BeautifulSoup(officer_client.get(link).content, "html.parser")
    options = {option["value"]: option for option in form.select("select[name=incubatee] option") if option["value"]}
    assert set(options) == {str(resident.pk)}
    assert options[str(resident.pk)].has_attr("selected")
    assert not any(str(other.pk) in options for other in [admitted, *others])

    response = officer_client.post(
        link,
        {"incubatee": resident.pk, "kind": "training", "provided_on": "2026-01-05", "provider": "李律师", "hours": "2"},
    )
    assert response.status_code == 302
    assert resident.service_log.get().recorded_by == officer


def test_log_a_service_is_not_offered_for_an_incubatee_that_cannot_receive_one(officer_client):
    hatched = IncubateeFactory(status=Incubatee.Status.HATCHED)
    content = officer_client.get(f"/admin/incubator/incubatees/{hatched.pk}/decide/").content.decode()
    assert "Log a service" not in content
    assert "Hold a checkpoint" in content


def test_finance_officer_is_turned_away_from_incubator_pages(client):
    login(client, UserFactory(finance=True))
    response = client.get("/admin/incubator/queue/")
    assert response.status_code == 403
    assert "Only programme officers can use this page." in response.content.decode()


def test_dashboard_shows_funnel_field_types_and_targets(officer_client):
    cohort = CohortFactory(name_zh="2026春季班")
    IncubateeFactory(cohort=cohort)
    IncubateeFactory(cohort=cohort, incubating=True)
    content = officer_client.get("/admin/incubator/dashboard/").content.decode()
    assert "2026春季班" in content
    assert "One justice-field NGO per 10,000 residents" in content
    assert "35% of villages and communities served" in content


class TestBackOfficeListsStayFlat:
    def test_queue(self, officer_client):
        def add(n):
            for _ in range(n):
                DocumentFactory(organisation=OrganisationFactory(submitted=True))

        assert_flat_query_count(officer_client, "/admin/incubator/queue/", add)

    def test_dashboard(self, officer_client):
        def add(n):
            for _ in range(n):
                IncubateeFactory(cohort=CohortFactory())
                SubsidyFactory(approved=True)

        assert_flat_query_count(officer_client, "/admin/incubator/dashboard/", add)

    @pytest.mark.parametrize(
        ("url", "factory"),
        [
            ("/admin/incubator_organisations/", lambda: OrganisationFactory()),
            ("/admin/incubator_cohorts/", lambda: CohortFactory()),
            ("/admin/incubator_incubatees/", lambda: IncubateeFactory()),
            ("/admin/incubator_service_log/", lambda: ServiceLogEntryFactory()),
            ("/admin/incubator_checkpoints/", lambda: CheckpointFactory()),
            ("/admin/incubator_subsidies/", lambda: SubsidyFactory()),
        ],
    )
    def test_viewset_lists(self, officer_client, url, factory):
        def add(n):
            for _ in range(n):
                factory()

        assert_flat_query_count(officer_client, url, add)


def test_officer_edit_in_the_back_office_is_audited_and_cannot_change_status(officer_client):
    organisation = OrganisationFactory(submitted=True)
    url = f"/admin/incubator_organisations/edit/{organisation.pk}/"
    page = officer_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    response = officer_client.post(
        url,
        {
            "name_zh": organisation.name_zh,
            "name_en": organisation.name_en,
            "legal_form": organisation.legal_form,
            "uscc": organisation.uscc,
            "field_type": organisation.field_type,
            "grade": "3A",
            "staff_full_time": "0",
            "staff_volunteers": "0",
            "staff_lawyers": "0",
            "status": "verified",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation.refresh_from_db()
    assert organisation.grade == "3A"
    assert organisation.status == Organisation.Status.SUBMITTED
    event = events_for(organisation).last()
    assert event.verb == "organisation.updated"
    assert "grade" in event.message


def test_inspect_view_does_not_show_the_full_bank_account(officer_client):
    organisation = OrganisationFactory(bank_account_number="6222000011119999")
    content = officer_client.get(f"/admin/incubator_organisations/inspect/{organisation.pk}/").content.decode()
    assert "6222000011119999" not in content
