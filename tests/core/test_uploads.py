"""PDFs are checked by parsing them (core.uploads.check_pdf), wherever they are uploaded."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.uploads import check_pdf
from grants.calls.models import ApplicationAttachment
from incubator.models import OrganisationDocument
from tests.factories.files import encrypted_pdf_bytes, pdf_bytes
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.grants.test_views import form_data
from tests.utils.auth import login

HTML_DRESSED_AS_PDF = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def test_a_real_pdf_passes():
    check_pdf(pdf_bytes())
    check_pdf(pdf_bytes(pages=3))


def test_an_html_page_that_starts_with_the_pdf_signature_is_refused():
    with pytest.raises(ValidationError, match="not a readable PDF") as refused:
        check_pdf(HTML_DRESSED_AS_PDF)
    assert refused.value.code == "invalid_pdf"


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9])
def test_a_truncated_pdf_is_refused(keep):
    data = pdf_bytes()
    with pytest.raises(ValidationError, match="not a readable PDF"):
        check_pdf(data[: int(len(data) * keep)])


def test_an_encrypted_pdf_is_refused_because_officers_could_not_open_it():
    with pytest.raises(ValidationError, match="protected by a password") as refused:
        check_pdf(encrypted_pdf_bytes())
    assert refused.value.code == "encrypted_pdf"


@pytest.mark.django_db
def test_the_application_attachment_form_shows_the_message_and_stores_nothing(client):
    organisation = OrganisationFactory(verified=True)
    member = MembershipFactory(organisation=organisation).user
    draft = ApplicationFactory(call=CallFactory(funder=FunderFactory()), organisation=organisation, created_by=member)
    login(client, member)
    edit = reverse("grants:application_edit", kwargs={"pk": draft.pk})

    fake = SimpleUploadedFile("plan.pdf", HTML_DRESSED_AS_PDF, content_type="application/pdf")
    response = client.post(edit, form_data(draft, attachment_title="Plan", attachment_file=fake))
    assert response.status_code == 400
    content = response.content.decode()
    assert "“plan.pdf”: This file is not a readable PDF" in content
    assert "Volunteer mediators in six communities." in content  # what was typed is kept
    assert not ApplicationAttachment.objects.exists()

    locked = SimpleUploadedFile("plan.pdf", encrypted_pdf_bytes(), content_type="application/pdf")
    response = client.post(edit, form_data(draft, attachment_title="Plan", attachment_file=locked))
    assert response.status_code == 400
    assert "protected by a password" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()

    real = SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(edit, form_data(draft, attachment_title="Plan", attachment_file=real))
    assert response.status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.application == draft
    with attachment.file.open("rb") as stored:
        assert stored.read() == pdf_bytes()


@pytest.mark.django_db
def test_the_organisation_document_form_shows_the_message_and_stores_nothing(client):
    membership = MembershipFactory()
    login(client, membership.user)
    url = f"/en/ngo/{membership.organisation.pk}/documents/"

    for data, message in [
        (HTML_DRESSED_AS_PDF, "This file is not a readable PDF"),
        (pdf_bytes()[:200], "This file is not a readable PDF"),
        (encrypted_pdf_bytes(), "protected by a password"),
    ]:
        upload = SimpleUploadedFile("charter.pdf", data, content_type="application/pdf")
        response = client.post(url, {"kind": "charter", "title": "章程2024", "file": upload})
        assert response.status_code == 200
        content = response.content.decode()
        assert message in content
        assert 'value="章程2024"' in content
        assert not OrganisationDocument.objects.exists()

    upload = SimpleUploadedFile("charter.pdf", pdf_bytes(), content_type="application/pdf")
    assert client.post(url, {"kind": "charter", "title": "章程2024", "file": upload}).status_code == 302
    assert OrganisationDocument.objects.get().title == "章程2024"
