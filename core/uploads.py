"""The one sanitiser of uploaded files. Apps state their policy (which types, what
limits) in their own ``uploads.py`` and call these checks; none writes its own.

- Pictures are verified with Pillow and re-encoded from their bare pixels (no EXIF, no
  GPS, nothing appended); too many pixels is refused before decoding.
- Documents must match their extension by content; a PDF is parsed, not judged by its
  first bytes: an HTML page or an executable renamed to .pdf, or given a ``%PDF-`` first
  line, is refused because pypdf cannot read a document with pages out of it. Encrypted
  PDFs are refused too: the officers who have to read the file could not open it.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError

# pypdf logs every repair it makes on a damaged file; these are expected on hostile uploads.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def check_pdf(data: bytes) -> None:
    """Raise ValidationError unless ``data`` is a readable, unencrypted PDF with at least one page."""
    not_readable = ValidationError(
        _("This file is not a readable PDF. Save or export it as PDF again and retry."), code="invalid_pdf"
    )
    if b"%PDF-" not in data[:1024]:
        raise not_readable
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "This PDF is protected by a password or encrypted, so it could not be read. "
                    "Save a copy without protection and upload that."
                ),
                code="encrypted_pdf",
            )
        if len(reader.pages) < 1:
            raise not_readable
        # Reading the first page's content makes a file with a valid skeleton but broken pages fail here.
        reader.pages[0].get_contents()
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError):
        raise not_readable from None


# --- The one sanitiser of uploaded files; each app states only its policy (types, limits) ---


@dataclass
class CleanFile:
    """An upload that passed its checks: what to store, and what to record about it."""

    content: ContentFile
    content_type: str
    original_name: str
    size: int
    width: int | None = None
    height: int | None = None


IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
# extension → the bytes such a file starts with (None: plain text, checked for NUL bytes).
# A PDF is also parsed whole (check_pdf): its first bytes prove nothing.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
    ".txt": None,
    ".csv": None,
}
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def original_name(upload, limit: int = 200) -> str:
    """The file's own name without any folder, as people will see it again."""
    return PurePath(getattr(upload, "name", "") or "upload").name[:limit]


def suffix_of(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").suffix.lower()


def read_upload(upload, *, max_bytes: int) -> bytes:
    """The bytes, refused when empty or over ``max_bytes`` (never more is read)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). The limit is %(limit)s.")
            % {"name": original_name(upload), "size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large. The limit is %(limit)s.")
            % {"name": original_name(upload), "limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": original_name(upload)}, code="file_empty")
    return data


def refuse_other_types(upload, accepted) -> str:
    """The upload's extension, or a ValidationError naming the accepted ones."""
    suffix = suffix_of(upload)
    if suffix not in accepted:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted: %(types)s.")
            % {"name": original_name(upload), "types": ", ".join(sorted(ext.lstrip(".") for ext in accepted))},
            code="file_type",
        )
    return suffix


def check_content_matches_type(upload, *, accepted, max_bytes: int) -> bytes:
    """Refuse a file of another type, too large, empty, or whose content does not match its
    extension (by its first bytes, and a PDF by parsing it). Returns the bytes."""
    suffix = refuse_other_types(upload, accepted)
    data = read_upload(upload, max_bytes=max_bytes)
    signatures = SIGNATURES[suffix]
    head = data[:2048]
    matches = b"\x00" not in head if signatures is None else any(head.startswith(sig) for sig in signatures)
    if not matches:
        raise ValidationError(
            _("“%(name)s” does not look like a %(type)s file.")
            % {"name": original_name(upload), "type": suffix.lstrip(".")},
            code="file_content",
        )
    if suffix == ".pdf":
        try:
            check_pdf(data)
        except ValidationError as error:
            raise ValidationError(
                _("“%(name)s”: %(problem)s") % {"name": original_name(upload), "problem": error.messages[0]},
                code=error.code,
            ) from None
    return data


def clean_image(upload, *, max_bytes: int, max_pixels: int, quality: int = 88) -> CleanFile:
    """Verify an image with Pillow and re-encode it from its bare pixels, which drops EXIF
    (GPS, camera serials) and anything smuggled after the image data. Too many pixels
    (a decompression bomb) is refused before the pixels are decoded."""
    data = read_upload(upload, max_bytes=max_bytes)
    not_an_image = ValidationError(
        _("“%(name)s” is not a valid picture. Upload a JPEG, PNG or WebP picture.") % {"name": original_name(upload)},
        code="invalid_image",
    )

    def too_many_pixels():
        return ValidationError(
            _("The picture has too many pixels (the limit is %(megapixels)s megapixels). Resize it and try again.")
            % {"megapixels": max_pixels // 1_000_000},
            code="image_too_many_pixels",
        )

    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            image_format = probe.format
            width, height = probe.size
            if width * height > max_pixels:
                raise too_many_pixels()
            probe.verify()
        if image_format not in IMAGE_FORMATS:
            raise not_an_image
        # verify() leaves the image unusable; decode it again from the start.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            # A new image from the bare pixels carries no metadata at all.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            buffer = io.BytesIO()
            lossy = image_format in ("JPEG", "WEBP")
            clean.save(
                buffer, format=image_format, **({"quality": quality, "optimize": True} if lossy else {"optimize": True})
            )
            width, height = clean.size
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (OSError, ValueError, SyntaxError):
        raise not_an_image from None
    content_type, suffix = IMAGE_FORMATS[image_format]
    encoded = buffer.getvalue()
    return CleanFile(
        content=ContentFile(encoded, name=f"upload{suffix}"),
        content_type=content_type,
        original_name=original_name(upload),
        size=len(encoded),
        width=width,
        height=height,
    )


def clean_typed_file(upload, *, accepted, max_bytes: int) -> CleanFile:
    """A document checked by :func:`check_content_matches_type`, ready to store."""
    data = check_content_matches_type(upload, accepted=accepted, max_bytes=max_bytes)
    suffix = suffix_of(upload)
    return CleanFile(
        content=ContentFile(data, name=f"upload{suffix}"),
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        original_name=original_name(upload),
        size=len(data),
    )


def make_thumbnail(data: bytes, size=(480, 480)) -> ContentFile:
    """A small JPEG of a picture that was already cleaned."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image = image.convert("RGB")
        image.thumbnail(size)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80, optimize=True)
    return ContentFile(buffer.getvalue(), name="thumb.jpg")
