import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from cms import services
from cms.models import ShowcasePage
from core.audit import events_for
from grants.awards.models import ReportEvidence
from grants.awards.services import create_awards_for_call
from tests.factories.accounts import UserFactory
from tests.factories.awards import AwardedApplicationFactory, AwardFactory, FinalCallFactory, ReportFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (30, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def add_photo(report, caption="Mediation session in Xukou"):
    return ReportEvidence.objects.create(
        report=report,
        kind=ReportEvidence.Kind.PHOTO,
        file=SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"),
        caption=caption,
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=100,
    )


def test_award_gets_a_draft_showcase_in_both_languages(site_tree):
    award = AwardFactory(active=True)
    officer = UserFactory(officer=True)
    showcase = services.showcase_create_for_award(award=award, by=officer)
    assert not showcase.live and not showcase.consent_given
    assert showcase.award == award
    assert showcase.organisation == award.application.organisation
    assert showcase.get_parent().specific == site_tree.en["showcase_index"]
    (translation,) = showcase.get_translations()
    assert translation.locale.language_code == "zh-hans"
    assert events_for(showcase).filter(verb="showcase.created").exists()
    assert services.showcase_create_for_award(award=award, by=officer) == showcase  # once per award


def test_showcase_for_award_needs_a_showcases_page(db):
    with pytest.raises(ValidationError, match="Create a project showcases page first"):
        services.showcase_create_for_award(award=AwardFactory())


def test_photos_come_only_from_accepted_reports_and_only_once(site_tree):
    award = AwardFactory(active=True)
    showcase = services.showcase_create_for_award(award=award)
    accepted = ReportFactory(milestone=award.milestones.get(kind="midterm"), accepted=True)
    add_photo(accepted)
    add_photo(ReportFactory(milestone=award.milestones.get(kind="final"), submitted=True), caption="Not yet accepted")
    assert services.showcase_import_report_photos(showcase=showcase) == 1
    assert services.showcase_import_report_photos(showcase=showcase) == 0
    draft = ShowcasePage.objects.get(pk=showcase.pk).get_latest_revision_as_object()
    (photo,) = draft.photos.all()
    assert photo.alt_text == "Mediation session in Xukou"


def test_photos_need_a_linked_award(site_tree):
    with pytest.raises(ValidationError, match="Link the showcase to its award first"):
        services.showcase_import_report_photos(showcase=site_tree.en["showcase"])


def test_editor_creates_a_showcase_from_the_back_office(client, site_tree):
    award = AwardFactory(active=True)
    login(client, UserFactory(editor=True))
    assert award.reference in client.get("/admin/showcases/from-awards/").content.decode()
    response = client.post(f"/admin/showcases/from-awards/{award.pk}/")
    showcase = ShowcasePage.objects.get(award=award, locale__language_code="en")
    assert response["Location"] == f"/admin/pages/{showcase.pk}/edit/"


def test_finance_officer_cannot_create_showcases(client, site_tree):
    award = AwardFactory(active=True)
    login(client, UserFactory(finance=True))
    client.post(f"/admin/showcases/from-awards/{award.pk}/")
    assert not ShowcasePage.objects.filter(award=award).exists()


def test_making_the_awards_of_a_final_call_generates_their_draft_showcases(
    site_tree, django_capture_on_commit_callbacks
):
    officer = UserFactory(officer=True)
    call = FinalCallFactory(funder__officers=[officer])
    AwardedApplicationFactory(call=call)
    with django_capture_on_commit_callbacks(execute=True):
        (award,) = create_awards_for_call(call=call, by=officer)
    showcase = ShowcasePage.objects.get(award=award, locale__language_code="en")
    assert not showcase.live
    assert ShowcasePage.objects.filter(translation_key=showcase.translation_key).count() == 2


def test_editor_brings_report_photos_in_and_is_told_how_many_by_name(client, site_tree):
    award = AwardFactory(active=True)
    showcase = services.showcase_create_for_award(award=award)
    add_photo(ReportFactory(milestone=award.milestones.get(kind="midterm"), accepted=True))
    login(client, UserFactory(editor=True))
    response = client.post(f"/admin/showcases/{showcase.pk}/report-photos/", follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert f"1 photo added to a draft of “{showcase.title}”; publish it to show it." in messages
    assert ShowcasePage.objects.get(pk=showcase.pk).get_latest_revision_as_object().photos.count() == 1


def test_showcases_from_awards_page_has_a_heading_and_names_each_organisation(client, site_tree):
    award = AwardFactory(active=True, application__organisation__name_en="Xinhe Mediation Centre")
    services.showcase_create_for_award(award=award)
    login(client, UserFactory(editor=True))
    html = client.get("/admin/showcases/from-awards/").content.decode()
    assert re.search(r"<h1[^>]*>\s*(<svg.*?</svg>\s*)?Project showcases from awards", html, re.S)
    assert "Xinhe Mediation Centre" in html and award.reference in html
