import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from incubator import uploads
from tests.factories.incubator import PDF_BYTES, image_bytes


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 17.0, 0.0)}  # GPS IFD
    return exif.tobytes()


def test_a_real_pdf_is_accepted():
    clean = uploads.clean_document(upload("report.pdf", PDF_BYTES))
    assert clean.content_type == "application/pdf"
    assert clean.original_name == "report.pdf"


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused():
    with pytest.raises(ValidationError, match="does not look like a pdf"):
        uploads.clean_document(upload("report.pdf", b"MZ\x90\x00 this is an executable"))
    with pytest.raises(ValidationError, match="not a readable PDF"):
        uploads.clean_document(upload("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"))


def test_jpeg_is_re_encoded_without_exif_or_gps():
    original = image_bytes("JPEG", exif=exif_with_gps())
    assert b"SecretCam" in original
    clean = uploads.clean_document(upload("photo.jpg", original))
    data = clean.content.read()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    assert clean.content_type == "image/jpeg"


def test_png_stays_png():
    clean = uploads.clean_document(upload("scan.png", image_bytes("PNG")))
    assert clean.content_type == "image/png"


def test_bytes_appended_after_the_image_are_dropped():
    smuggled = image_bytes("PNG") + b"<script>alert(1)</script>"
    clean = uploads.clean_document(upload("scan.png", smuggled))
    assert b"<script>" not in clean.content.read()


def test_a_broken_image_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="not a valid picture"):
        uploads.clean_document(upload("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"))


def test_a_gif_renamed_to_jpg_is_refused():
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(buffer, format="GIF")
    with pytest.raises(ValidationError, match="not a valid picture"):
        uploads.clean_document(upload("photo.jpg", buffer.getvalue()))


def test_decompression_bomb_is_refused_before_decoding():
    # A tiny PNG that claims 10,000 × 10,000 pixels.
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="too many pixels"):
        uploads.clean_document(upload("bomb.png", buffer.getvalue()))


def test_unknown_file_type_is_refused():
    with pytest.raises(ValidationError, match="not an accepted file type"):
        uploads.clean_document(upload("macro.docm", b"PK\x03\x04"))


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(ValidationError, match="too large"):
        uploads.clean_pdf(upload("big.pdf", PDF_BYTES + b"0" * 200), max_bytes=uploads.MAX_DOCUMENT_BYTES)


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        uploads.clean_document(upload("empty.pdf", b""))


def test_logo_must_be_an_image():
    with pytest.raises(ValidationError, match="logo"):
        uploads.clean_logo(upload("logo.pdf", PDF_BYTES))
