"""Every uploaded file is private (DESIGN.md, "Files and privacy").

The test walks every file field of every installed model. Each must be either a public
CMS image (Wagtail's images and renditions, public by design), a CMS document (served by
Wagtail's view, which checks the collection's privacy), or a private file: stored in the
private storage, outside the public media path, under a name nobody can guess, and
reachable only through the views listed here, which give an anonymous reader and a member
of another organisation nothing while the owner gets the bytes. A new file field fails
this test until it is added here with the views that serve it.
"""

import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

from core.bulk_import import services as bulk_import_services
from core.bulk_import.registry import get_importer
from core.private_files import PrivateInMemoryStorage, private_storage
from grants.awards.evaluation.models import VisitEvidence
from grants.awards.models import ReportEvidence
from grants.calls.models import ApplicationAttachment
from incubator.models import Membership
from purchasing.contracts.models import OfferPhoto
from purchasing.delivery import services as delivery_services
from purchasing.delivery.models import DeliveryPhoto
from tests.authz.cases import evaluation as evaluation_cases
from tests.authz.world import build_world
from tests.data.bulk_import import samples
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.files import pdf_bytes
from tests.factories.incubator import DocumentFactory, MembershipFactory, OrganisationFactory, image_bytes
from tests.factories.review import AssignmentFactory, InReviewApplicationFactory, ReviewCallFactory
from tests.purchasing.contracts.factories import BuyerFactory, ContractFactory, OfferFactory
from tests.utils.auth import login

# Public by design: what editors publish, and the back office's avatars (Wagtail names
# them avatar_<uuid4>_..., so nobody can list them).
PUBLIC_CMS_IMAGES = {"wagtailimages.Image.file", "wagtailimages.Rendition.file", "wagtailusers.UserProfile.avatar"}
# Served only by Wagtail's views: documents (collection privacy) and the multiple
# uploader's files waiting for their title (no URL serves wagtail_uploads/ at all).
CMS_DOCUMENTS = {"wagtaildocs.Document.file", "wagtailcore.UploadedFile.file"}
UNGUESSABLE = re.compile(r"^[a-z-]+(/thumbs)?/[0-9a-f]{32}\.[a-z0-9]{1,8}$")
OUTSIDERS = ("anonymous", "other_ngo_member")


def every_file_field():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield f"{model._meta.label}.{field.name}", field


def _url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


# --- One builder per private file field: (the stored file, its bytes, [(url, owner role)]) ---


def application_attachment(world):
    call = ReviewCallFactory(funder=FunderFactory(officers=[world.users["programme_officer"]]))
    application = InReviewApplicationFactory(call=call, organisation=world.ngo_org)
    content = pdf_bytes()
    attachment = ApplicationAttachment.objects.create(
        application=application, title="Budget", file=ContentFile(content, name="Our budget 2026.pdf")
    )
    AssignmentFactory(application=application, reviewer=world.users["reviewer"], declared=True)
    return (
        attachment.file,
        content,
        [
            (_url("grants:attachment_download", pk=application.pk, attachment_pk=attachment.pk), "ngo_member"),
            (_url("review:attachment_download", pk=application.pk, number=1), "reviewer"),
        ],
    )


def _evidence(world, kind):
    funder = FunderFactory(officers=[world.users["programme_officer"]])
    award = AwardFactory(
        application__call=FinalCallFactory(funder=funder), application__organisation=world.ngo_org, active=True
    )
    report = ReportFactory(milestone=milestone(award), submitted=True, complete=True)
    content = image_bytes()
    evidence = ReportEvidence.objects.create(
        report=report, kind="photo", original_name="Children at the session.jpg", content_type="image/jpeg"
    )
    evidence.file.save("Children at the session.jpg", ContentFile(content), save=False)
    evidence.thumbnail.save("Children at the session.jpg", ContentFile(content), save=False)
    evidence.save()
    query = "?size=thumb" if kind == "thumbnail" else ""
    portal = _url("awards:evidence_file", pk=award.pk, milestone_pk=report.milestone_id, evidence_pk=evidence.pk)
    back_office = _url("awards_admin_evidence", pk=evidence.pk)
    return (
        getattr(evidence, kind),
        content,
        [(portal + query, "ngo_member"), (back_office + query, "programme_officer")],
    )


def organisation_document(world):
    content = pdf_bytes()
    document = DocumentFactory(organisation=world.ngo_org, file=ContentFile(content, name="Certificate of Mingli.pdf"))
    return (
        document.file,
        content,
        [
            (_url("incubator:document_download", pk=world.ngo_org.pk, document_pk=document.pk), "ngo_member"),
            (_url("incubator_admin_document", pk=world.ngo_org.pk, document_pk=document.pk), "programme_officer"),
        ],
    )


def organisation_logo(world):
    """A draft organisation's logo: private until the organisation is verified."""

    draft = OrganisationFactory(name_en="Not yet verified")
    MembershipFactory(organisation=draft, user=world.users["ngo_member"], role=Membership.Role.OWNER)
    content = image_bytes("PNG")
    draft.logo.save("Our logo.png", ContentFile(content), save=True)
    return draft.logo, content, [(_url("incubator:organisation_logo", pk=draft.pk), "ngo_member")]


def visit_evidence(world):
    """A site visit's evidence: the case's cleared evaluators and the funder's officers."""
    evaluation_cases.cases(world)  # builds the case, its visit and one piece of evidence
    evidence = VisitEvidence.objects.latest("pk")
    content = evidence.file.open("rb").read()
    return evidence.file, content, [(_url("awards:visit_evidence", pk=evidence.pk), "programme_officer")]


def offer_photo(world):
    """A draft offer's photo: its organisation's members (and programme officers) only."""
    offer = OfferFactory(organisation=world.ngo_org)
    content = image_bytes()
    photo = OfferPhoto.objects.create(offer=offer, image=ContentFile(content, "Our team.jpg"), width=40, height=30)
    return photo.image, content, [(_url("purchasing:offer_photo", pk=photo.pk), "ngo_member")]


def delivery_photo(world):
    """A delivery's photo: the contract's two parties and the officers."""
    contract = ContractFactory(signed=True, buyer=BuyerFactory(), organisation=world.ngo_org)
    period = delivery_services.periods_open(contract=contract)[0]
    delivery = delivery_services.delivery_log(
        period=period,
        by=world.users["ngo_member"],
        delivered_on=period.instalment.period_start,
        place="村委会",
        hours=2,
    )
    content = image_bytes()
    photo = DeliveryPhoto.objects.create(delivery=delivery, original_name="p.jpg", content_type="image/jpeg", size=10)
    photo.file.save("At the village.jpg", ContentFile(content), save=True)
    return photo.file, content, [(_url("purchasing_delivery:photo", pk=photo.pk), "ngo_member")]


def import_batch(world):
    """An uploaded import file is kept privately while its batch waits; no URL serves it."""
    batch = bulk_import_services.batch_create(
        importer=get_importer("organisations"),
        by=world.users["programme_officer"],
        upload=SimpleUploadedFile("名录.csv", samples.csv_bytes()),
        options={"field_type": "grassroots"},
    )
    return batch.file, samples.csv_bytes(), []


PRIVATE_FILES = {
    "grants.ApplicationAttachment.file": application_attachment,
    "awards.VisitEvidence.file": visit_evidence,
    "purchasing.OfferPhoto.image": offer_photo,
    "purchasing_delivery.DeliveryPhoto.file": delivery_photo,
    "bulk_import.ImportBatch.file": import_batch,
    "awards.ReportEvidence.file": lambda world: _evidence(world, "file"),
    "awards.ReportEvidence.thumbnail": lambda world: _evidence(world, "thumbnail"),
    "incubator.OrganisationDocument.file": organisation_document,
    "incubator.Organisation.logo": organisation_logo,
}


def test_every_file_field_is_either_a_public_cms_image_or_a_private_file_with_its_views():
    labels = {label for label, _field in every_file_field()}
    unknown = labels - PUBLIC_CMS_IMAGES - CMS_DOCUMENTS - set(PRIVATE_FILES)
    assert not unknown, f"File fields nobody decided about (add them to PRIVATE_FILES): {sorted(unknown)}"
    assert set(PRIVATE_FILES) <= labels


@pytest.mark.parametrize("label", sorted(PRIVATE_FILES))
def test_each_private_file_field_uses_the_private_storage(label):
    field = dict(every_file_field())[label]
    assert field._storage_callable is private_storage
    assert isinstance(field.storage, PrivateInMemoryStorage)
    with pytest.raises(ValueError):
        field.storage.url("anything.pdf")  # no public address to link to by mistake


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(PRIVATE_FILES))
def test_outsiders_get_nothing_and_the_owner_gets_the_file(label):
    world = build_world()
    stored, content, urls = PRIVATE_FILES[label](world)
    assert UNGUESSABLE.match(stored.name), f"{label}: guessable stored name {stored.name!r}"
    for url, owner in urls:
        for role in OUTSIDERS:
            client = Client()
            if world.users[role] is not None:
                login(client, world.users[role])
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code in (302, 403, 404), f"{label} {url} as {role}: {response.status_code}"
            assert content not in body
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
        owner_client = login(Client(), world.users[owner])
        response = owner_client.get(url)
        assert response.status_code == 200, f"{label} {url} as {owner}: {response.status_code}"
        assert b"".join(response.streaming_content) == content
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["Cache-Control"].startswith("private")


@pytest.mark.django_db
def test_a_published_offers_photo_is_public_and_cacheable():
    offer = OfferFactory(published=True)
    photo = OfferPhoto.objects.create(offer=offer, image=ContentFile(image_bytes(), "p.jpg"), width=40, height=30)
    response = Client().get(_url("purchasing:offer_photo", pk=photo.pk))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    offer.status = offer.Status.SUSPENDED
    offer.save(update_fields=["status"])
    assert Client().get(_url("purchasing:offer_photo", pk=photo.pk)).status_code == 404


@pytest.mark.django_db
def test_a_verified_organisations_logo_is_public_and_cacheable():
    organisation = OrganisationFactory(verified=True)
    organisation.logo.save("logo.png", ContentFile(image_bytes("PNG")), save=True)
    response = Client().get(_url("incubator:organisation_logo", pk=organisation.pk))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["Content-Disposition"].startswith("inline")


def test_private_files_live_outside_the_public_media_folder():
    media = Path(settings.MEDIA_ROOT).resolve()
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert media not in private.parents and private != media and private not in media.parents


def test_the_development_server_publishes_only_wagtails_images_from_media():
    """`make run` (DEBUG) serves media itself: CMS images only, never another folder."""
    with override_settings(DEBUG=True):
        spec = importlib.util.spec_from_file_location("debug_urls", Path(settings.BASE_DIR) / "config" / "urls.py")
        debug_urls = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(debug_urls)
    assert resolve("/media/original_images/photo.jpg", urlconf=debug_urls).func.__name__ == "serve"
    assert resolve("/media/images/photo.fill-640x480.jpg", urlconf=debug_urls).func.__name__ == "serve"
    assert resolve("/media/avatar_images/avatar_x.png", urlconf=debug_urls).func.__name__ == "serve"
    for private_path in (
        "/media/documents/plan.pdf",
        "/media/wagtail_uploads/plan.pdf",
        "/media/reports/1/photo.jpg",
        "/media/org-logos/a.png",
    ):
        try:
            match = resolve(private_path, urlconf=debug_urls)
        except Resolver404:
            continue
        assert match.func.__name__ != "serve", private_path


@pytest.mark.django_db
def test_cms_documents_go_through_wagtails_view_which_checks_the_collection():
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    root = Collection.get_first_root_node()
    members_only = root.add_child(name="Members only")
    CollectionViewRestriction.objects.create(collection=members_only, restriction_type=CollectionViewRestriction.LOGIN)
    document = get_document_model().objects.create(
        title="Internal memo", collection=members_only, file=ContentFile(b"internal memo", name="memo.txt")
    )
    assert document.url.startswith("/documents/")
    response = Client().get(document.url)
    assert response.status_code == 302 and "login" in response["Location"]
