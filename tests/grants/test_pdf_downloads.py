"""PDFs made on the server (issue 14): the submitted application, for the applicant's
members and the funder's staff, and the grant agreement. Chinese text is set in an
embedded CJK font; the files are private attachments."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from grants.calls.models import Application
from grants.calls.services.applications import application_submit
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardFactory
from tests.factories.grants import ApplicationFactory, applicant_of
from tests.utils.auth import login
from tests.utils.questions import short_text_question

pytestmark = pytest.mark.django_db

TITLE = "社区邻里纠纷调解志愿者培训项目"
QUESTION = "你们如何联系社区里的老年居民？"
ANSWER = "通过居委会和老年活动中心上门走访。"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            for descendant in font.get("/DescendantFonts", []):
                fonts.add(str(descendant.get_object()["/BaseFont"]))
    return fonts


def assert_private_pdf(response, filename: str) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    content = response.content
    assert content.startswith(b"%PDF")
    return content


@pytest.fixture
def chinese_application(call, organisation, member):
    call.questions = [short_text_question(QUESTION, label_en="How do you reach older residents?")]
    call.save()
    call.refresh_from_db()
    question = next(iter(call.questions))
    application = ApplicationFactory(call=call, organisation=organisation, created_by=member, complete=True)
    Application.objects.filter(pk=application.pk).update(title=TITLE, answers={question.id: ANSWER})
    application.refresh_from_db()
    with translation.override("zh-hans"):  # submitted by a Chinese-reading member
        application_submit(application=application, by=member)
    application.refresh_from_db()
    # Edited after submission: the PDF still shows what was submitted.
    Application.objects.filter(pk=application.pk).update(title="后来改过的标题")
    return application


def test_the_applicant_downloads_the_submitted_application_in_chinese(client, member, chinese_application):
    login(client, member)
    url = reverse("grants:application_pdf", kwargs={"pk": chinese_application.pk})
    response = client.get(url.replace("/en/", "/zh-hans/", 1), HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = assert_private_pdf(response, f"{chinese_application.reference}-r1.pdf")
    text = pdf_text(content)
    assert TITLE in text and "后来改过的标题" not in text
    assert QUESTION in text and ANSWER in text
    assert any("CJK" in font for font in pdf_fonts(content)), pdf_fonts(content)


def test_the_funders_officer_downloads_it_from_the_back_office(officer, chinese_application):
    client = login(Client(), officer)
    response = client.get(reverse("grants_admin_application_pdf", kwargs={"pk": chinese_application.pk}))
    content = assert_private_pdf(response, f"{chinese_application.reference}-r1.pdf")
    assert TITLE in pdf_text(content)


def test_another_organisations_member_and_anonymous_get_nothing(client, chinese_application):
    url = reverse("grants:application_pdf", kwargs={"pk": chinese_application.pk})
    assert client.get(url).status_code == 302  # to the login page
    login(client, UserFactory(ngo_member=True))
    assert client.get(url).status_code == 404


def test_a_draft_never_submitted_has_no_pdf(client, member, draft):
    login(client, member)
    assert client.get(reverse("grants:application_pdf", kwargs={"pk": draft.pk})).status_code == 404


def test_the_application_pages_link_to_their_pdf(client, officer, member, chinese_application):
    pk = chinese_application.pk
    login(client, member)
    page = client.get(reverse("grants:application_detail", kwargs={"pk": pk})).content.decode()
    assert reverse("grants:application_pdf", kwargs={"pk": pk}) in page
    page = login(Client(), officer).get(reverse("grants_admin_application", kwargs={"pk": pk})).content.decode()
    assert reverse("grants_admin_application_pdf", kwargs={"pk": pk}) in page


def test_the_grant_agreement_as_pdf_for_the_grantee_and_the_funder(officer, chinese_application):
    chinese_application.call.funder.officers.add(officer)
    award = AwardFactory(application=chinese_application, active=True)
    member = applicant_of(chinese_application)
    url = reverse("awards:agreement_pdf", kwargs={"pk": award.pk})
    response = login(Client(), member).get(url.replace("/en/", "/zh-hans/", 1), HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = assert_private_pdf(response, f"agreement-{award.reference}.pdf")
    text = pdf_text(content)
    assert "资助协议" in text or "Grant agreement" in text
    assert award.reference in text
    assert any("CJK" in font for font in pdf_fonts(content))
    admin = login(Client(), officer).get(reverse("awards_admin_agreement_pdf", kwargs={"pk": award.pk}))
    assert_private_pdf(admin, f"agreement-{award.reference}.pdf")
    assert login(Client(), UserFactory(ngo_member=True)).get(url).status_code == 404
