"""Checks every uploaded file before it is stored.

Images are opened with Pillow, verified, refused when absurdly large (decompression
bombs), and re-encoded from their pixels, which drops EXIF (GPS, camera serials) and
anything smuggled after the image data. PDFs are parsed (core.uploads.check_pdf).
"""

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core.uploads import check_pdf

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_LOGO_BYTES = 2 * 1024 * 1024
# A 40-megapixel scan is plenty; anything larger is refused before it is decoded.
MAX_IMAGE_PIXELS = 40_000_000

IMAGE_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
DOCUMENT_EXTENSIONS = IMAGE_EXTENSIONS | {".pdf"}


@dataclass
class CleanFile:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def _read(upload, max_bytes: int) -> bytes:
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is too large. The limit is %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="file_empty")
    return data


def clean_image(upload, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> CleanFile:
    """Verify and re-encode an image; raise ValidationError with a clear message otherwise."""
    data = _read(upload, max_bytes)
    not_an_image = ValidationError(
        _("This file is not a valid image. Upload a JPEG, PNG or WebP picture."), code="invalid_image"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large (%(width)s × %(height)s pixels). Scan it at a lower resolution.")
                    % {"width": width, "height": height},
                    code="image_too_many_pixels",
                )
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
            options = {"quality": 88, "optimize": True} if image_format in ("JPEG", "WEBP") else {"optimize": True}
            clean.save(buffer, format=image_format, **options)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image is too large to process. Scan it at a lower resolution."), code="image_too_many_pixels"
        ) from None
    except (OSError, ValueError, SyntaxError):
        raise not_an_image from None
    content_type, suffix = IMAGE_FORMATS[image_format]
    encoded = buffer.getvalue()
    return CleanFile(
        content=ContentFile(encoded, name=f"upload{suffix}"),
        content_type=content_type,
        original_name=_original_name(upload),
        size=len(encoded),
    )


def clean_pdf(upload, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> CleanFile:
    data = _read(upload, max_bytes)
    check_pdf(data)
    return CleanFile(
        content=ContentFile(data, name="upload.pdf"),
        content_type="application/pdf",
        original_name=_original_name(upload),
        size=len(data),
    )


def clean_document(upload) -> CleanFile:
    """A PDF or an image, checked by content, not by name."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted. Upload a PDF, JPEG, PNG or WebP file.")
            % {"suffix": suffix or _("(none)")},
            code="file_type",
        )
    if suffix == ".pdf":
        return clean_pdf(upload)
    return clean_image(upload)


def clean_logo(upload) -> CleanFile:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in IMAGE_EXTENSIONS:
        raise ValidationError(_("A logo must be a JPEG, PNG or WebP picture."), code="file_type")
    return clean_image(upload, max_bytes=MAX_LOGO_BYTES)


def _original_name(upload) -> str:
    return PurePath(upload.name or "").name[:200]
