import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grants.awards import services
from grants.awards.models import ReportEvidence
from grants.awards.tasks import make_evidence_thumbnail
from grants.awards.uploads import MAX_PHOTO_BYTES, clean_document, clean_photo
from incubator.models import Membership
from tests.factories.awards import ReportFactory
from tests.factories.incubator import PDF_BYTES, MembershipFactory


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (120, 80), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 17.0, 0.0), 3: "E", 4: (120.0, 37.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_photo_is_re_encoded_without_exif_or_gps():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825)
    clean = clean_photo(upload("village.jpg", original))
    stored = Image.open(io.BytesIO(clean.content.read()))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert b"PhoneMaker" not in clean.content.file.getvalue()
    assert (clean.width, clean.height) == (120, 80)


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # 400 megapixels, a few kB
    with pytest.raises(ValidationError, match="too many pixels"):
        clean_photo(upload("bomb.png", buffer.getvalue(), "image/png"))


def test_a_photo_over_the_size_limit_is_refused():
    big = upload("huge.jpg", b"\xff\xd8\xff" + b"0" * (MAX_PHOTO_BYTES + 1))
    with pytest.raises(ValidationError, match="too large"):
        clean_photo(big)


def test_a_file_named_jpg_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="not a valid picture"):
        clean_photo(upload("fake.jpg", b"GIF89a not really"))


def test_a_gif_is_refused_as_a_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        clean_photo(upload("anim.jpg", buffer.getvalue()))


def test_a_document_must_match_its_type():
    assert clean_document(upload("sheet.pdf", PDF_BYTES, "application/pdf")).content_type == "application/pdf"
    with pytest.raises(ValidationError, match="does not look like"):
        clean_document(upload("sheet.pdf", b"MZ executable", "application/pdf"))
    with pytest.raises(ValidationError, match="not an accepted file type"):
        clean_document(upload("tool.exe", b"MZ", "application/octet-stream"))


@pytest.mark.django_db
def test_an_added_photo_gets_a_thumbnail_once(django_capture_on_commit_callbacks):
    report = ReportFactory()
    member = MembershipFactory(
        organisation=report.milestone.award.application.organisation, role=Membership.Role.MEMBER
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.evidence_add(
            report=report, by=member, upload=upload("a.jpg", jpeg_with_gps()), caption="Session"
        )
    evidence.refresh_from_db()
    assert evidence.kind == ReportEvidence.Kind.PHOTO
    assert evidence.thumbnail.name
    first = evidence.thumbnail.name
    assert make_evidence_thumbnail(evidence.pk) is False  # already there: nothing redone
    evidence.refresh_from_db()
    assert evidence.thumbnail.name == first
    with evidence.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) <= 480


@pytest.mark.django_db
def test_evidence_cannot_be_added_to_a_submitted_report():
    report = ReportFactory(submitted=True)
    member = MembershipFactory(organisation=report.milestone.award.application.organisation).user
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.evidence_add(report=report, by=member, upload=upload("a.jpg", jpeg_with_gps()))
