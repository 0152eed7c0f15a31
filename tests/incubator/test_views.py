import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from core.audit import record_event
from incubator.models import Membership, Organisation, OrganisationDocument, ServiceItem
from incubator.services.organisations import organisation_return
from tests.factories.accounts import UserFactory
from tests.factories.incubator import (
    PDF_BYTES,
    DocumentFactory,
    IncubateeFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceLogEntryFactory,
    SubsidyFactory,
    make_uscc,
)
from tests.utils.auth import login
from tests.utils.queries import assert_flat_query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(client):
    membership = MembershipFactory(organisation=OrganisationFactory(verified=True), role=Membership.Role.OWNER)
    login(client, membership.user)
    return membership


def registration_post(**overrides):
    data = {
        "name_zh": "吴中区惠民法律服务中心",
        "name_en": "Huimin Legal Service Centre",
        "legal_form": "private_non_enterprise",
        "uscc": make_uscc("private_non_enterprise", 4242),
        "field_type": "grassroots",
        "mission": "为社区居民提供免费法律咨询",
        "staff_full_time": "3",
        "staff_volunteers": "12",
        "staff_lawyers": "2",
    }
    data.update(overrides)
    return data


class TestRegistrationForm:
    def test_member_registers_an_organisation_and_becomes_its_owner(self, client):
        user = UserFactory(ngo_member=True)
        login(client, user)
        response = client.post("/en/ngo/register/", registration_post(services=[ServiceItem.objects.first().pk]))
        organisation = Organisation.objects.get(name_zh="吴中区惠民法律服务中心")
        assert response["Location"] == f"/en/ngo/{organisation.pk}/"
        assert organisation.memberships.get().user == user
        assert organisation.services.count() == 1

    def test_duplicate_uscc_is_explained_and_everything_typed_is_kept(self, client):
        OrganisationFactory(name_en="First Centre", uscc=make_uscc("private_non_enterprise", 4242))
        login(client, UserFactory(ngo_member=True))
        response = client.post("/en/ngo/register/", registration_post())
        assert response.status_code == 200
        content = response.content.decode()
        assert "already registered on the platform by “First Centre”" in content
        assert "为社区居民提供免费法律咨询" in content
        assert 'value="Huimin Legal Service Centre"' in content

    def test_a_bad_logo_is_refused_and_the_rest_of_the_form_is_kept(self, client):
        login(client, UserFactory(ngo_member=True))
        logo = SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png")
        response = client.post("/en/ngo/register/", {**registration_post(), "logo": logo})
        assert response.status_code == 200
        assert "not a valid picture" in response.content.decode()
        assert 'value="Huimin Legal Service Centre"' in response.content.decode()
        assert not Organisation.objects.exists()

    def test_saved_bank_account_number_is_never_sent_back_and_empty_keeps_it(self, client):
        membership = MembershipFactory(organisation=OrganisationFactory(bank_account_number="6222000011112222"))
        login(client, membership.user)
        page = client.get(f"/en/ngo/{membership.organisation.pk}/edit/").content.decode()
        assert "6222000011112222" not in page
        assert "•••• 2222" in page
        organisation = membership.organisation
        response = client.post(
            f"/en/ngo/{organisation.pk}/edit/",
            registration_post(uscc=organisation.uscc, name_zh=organisation.name_zh, bank_account_number=""),
        )
        assert response.status_code == 302
        organisation.refresh_from_db()
        assert organisation.bank_account_number == "6222000011112222"

    def test_plain_member_cannot_open_the_edit_form(self, client):
        membership = MembershipFactory(role=Membership.Role.MEMBER)
        login(client, membership.user)
        assert client.get(f"/en/ngo/{membership.organisation.pk}/edit/").status_code == 403


class TestDocumentsPage:
    def test_certificate_upload_then_download_by_members_only(self, client):
        membership = MembershipFactory()
        login(client, membership.user)
        url = f"/en/ngo/{membership.organisation.pk}/documents/"
        pdf = SimpleUploadedFile("cert.pdf", PDF_BYTES, content_type="application/pdf")
        response = client.post(url, {"kind": "registration_certificate", "title": "登记证书", "file": pdf})
        assert response.status_code == 302
        document = OrganisationDocument.objects.get()
        download = client.get(f"{url}{document.pk}/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF-")
        login(client, UserFactory(ngo_member=True))
        assert client.get(f"{url}{document.pk}/").status_code == 404

    def test_bad_file_is_refused_with_a_message_and_the_title_is_kept(self, client):
        membership = MembershipFactory()
        login(client, membership.user)
        fake = SimpleUploadedFile("cert.pdf", b"GIF89a not a pdf", content_type="application/pdf")
        response = client.post(
            f"/en/ngo/{membership.organisation.pk}/documents/", {"kind": "charter", "title": "章程2024", "file": fake}
        )
        assert response.status_code == 200
        assert "does not look like a pdf file" in response.content.decode()
        assert 'value="章程2024"' in response.content.decode()
        assert not OrganisationDocument.objects.exists()


class TestStatusAndHistory:
    def test_returned_reason_and_history_are_shown_to_the_member(self, client, owned):
        organisation = owned.organisation
        Organisation.objects.filter(pk=organisation.pk).update(status="submitted")
        organisation.refresh_from_db()
        organisation_return(organisation=organisation, by=UserFactory(officer=True), reason="请补充章程")
        content = client.get(f"/en/ngo/{organisation.pk}/").content.decode()
        assert "请补充章程" in content
        assert "Returned for changes" in content
        assert "Programme office" in content


class TestListsStayFlat:
    """Each list page runs the same number of queries for one row as for many."""

    def test_my_organisations(self, client, owned):
        def add(n):
            for _ in range(n):
                MembershipFactory(user=owned.user, organisation=OrganisationFactory(district=None))

        assert_flat_query_count(client, "/en/ngo/", add)

    def test_members(self, client, owned):
        def add(n):
            for _ in range(n):
                MembershipFactory(organisation=owned.organisation, role=Membership.Role.MEMBER)
                InvitationFactory(organisation=owned.organisation)

        assert_flat_query_count(client, f"/en/ngo/{owned.organisation.pk}/members/", add)

    def test_documents(self, client, owned):
        def add(n):
            for _ in range(n):
                DocumentFactory(organisation=owned.organisation, uploaded_by=owned.user)

        assert_flat_query_count(client, f"/en/ngo/{owned.organisation.pk}/documents/", add)

    def test_incubation(self, client, owned):
        def add(n):
            for _ in range(n):
                incubatee = IncubateeFactory(organisation=owned.organisation, incubating=True)
                ServiceLogEntryFactory(incubatee=incubatee)

        assert_flat_query_count(client, f"/en/ngo/{owned.organisation.pk}/incubation/", add)

    def test_subsidies(self, client, owned):
        def add(n):
            for _ in range(n):
                SubsidyFactory(organisation=owned.organisation)

        assert_flat_query_count(client, f"/en/ngo/{owned.organisation.pk}/subsidies/", add)

    def test_history_on_the_overview(self, client, owned):
        def add(n):
            for _ in range(n):
                record_event(target=owned.organisation, verb="organisation.updated", actor=UserFactory())

        assert_flat_query_count(client, f"/en/ngo/{owned.organisation.pk}/", add)


def test_dashboard_shows_a_card_for_each_organisation(client, owned):
    content = client.get("/en/dashboard/").content.decode()
    assert f"/en/ngo/{owned.organisation.pk}/" in content
    assert "My organisations" in content


def test_portal_speaks_chinese(client, owned):
    content = client.get(f"/zh-hans/ngo/{owned.organisation.pk}/").content.decode()
    assert "历史记录" in content


def test_subsidy_form_marks_the_year_required_and_the_optional_fields_not(client, owned):
    soup = BeautifulSoup(client.get(f"/en/ngo/{owned.organisation.pk}/subsidies/").content, "html.parser")
    year = soup.find("input", id="id_year")
    assert year.has_attr("required")
    mark = soup.find(id="id_year_required")
    assert mark.get_text() == "(required)"
    assert mark.parent.name == "label" and mark.parent["for"] == "id_year"
    for optional in ("posts", "months", "note"):
        assert soup.find(id=f"id_{optional}_required") is None
