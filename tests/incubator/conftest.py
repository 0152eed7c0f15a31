import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from incubator.models import Area, Membership, OrganisationDocument, ServiceItem
from incubator.services.documents import document_upload
from incubator.uploads import clean_pdf
from tests.factories.accounts import UserFactory
from tests.factories.incubator import PDF_BYTES, MembershipFactory, OrganisationFactory


@pytest.fixture
def owner():
    return UserFactory(ngo_member=True)


@pytest.fixture
def officer():
    return UserFactory(officer=True)


@pytest.fixture
def wuzhong():
    """The district shipped by the data migration, with one town and one village."""
    district = Area.objects.get(code="320506000000")
    town = district.children.order_by("code").first()
    village = town.children.order_by("code").first()
    return district, town, village


def pdf_upload(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def certificate_for(organisation, by=None):
    if by is None:
        membership = organisation.memberships.filter(role=Membership.Role.OWNER).select_related("user").first()
        by = membership.user
    return document_upload(
        organisation=organisation,
        kind=OrganisationDocument.Kind.REGISTRATION_CERTIFICATE,
        file=clean_pdf(pdf_upload()),
        by=by,
    )


@pytest.fixture
def complete_draft(owner):
    """A draft with everything submission needs."""
    organisation = OrganisationFactory(complete=True)
    MembershipFactory(organisation=organisation, user=owner, role=Membership.Role.OWNER)
    organisation.services.add(ServiceItem.objects.first())
    certificate_for(organisation, owner)
    return organisation


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; a previous request may have left Chinese active."""

    with translation.override("en"):
        yield
