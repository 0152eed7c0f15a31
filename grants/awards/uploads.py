"""Evidence uploads: photos are verified and re-encoded with Pillow; documents are checked by type.

A photo is refused when it is too large in bytes or pixels (decompression bombs are
refused before the pixels are decoded), when Pillow cannot verify it, or when it is
not JPEG, PNG or WebP. What is stored is a new image made from the bare pixels, so
EXIF, GPS coordinates and anything appended after the image data are gone.
"""

import io
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from grants.uploads import MAX_ATTACHMENT_BYTES, validate_attachment

MAX_PHOTO_BYTES = 8 * 1024 * 1024
# 30 megapixels is more than any phone camera; larger images are refused undecoded.
MAX_PHOTO_PIXELS = 30_000_000
THUMBNAIL_SIZE = (480, 480)
PHOTO_FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}


@dataclass
class CleanUpload:
    content: ContentFile
    content_type: str
    original_name: str
    size: int
    width: int | None = None
    height: int | None = None


def is_photo_name(name: str) -> bool:
    return PurePath(name or "").suffix.lower() in PHOTO_EXTENSIONS


def _original_name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "upload").name[:255]


def _open(data: bytes) -> Image.Image:
    """Open lazily: only the header is read, so the pixel check below runs before any decoding.

    Pillow's own guard (Image.MAX_IMAGE_PIXELS) still raises DecompressionBombError
    for absurd sizes; our lower limit is checked explicitly rather than by changing
    that process-wide setting.
    """
    return Image.open(io.BytesIO(data))


def clean_photo(upload) -> CleanUpload:
    """The photo, verified and re-encoded without metadata; ValidationError with a clear message otherwise."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_PHOTO_BYTES)},
            code="photo_too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is too large. The limit is %(limit)s.") % {"limit": filesizeformat(MAX_PHOTO_BYTES)},
            code="photo_too_large",
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="photo_empty")
    not_a_photo = ValidationError(
        _("This file is not a valid photo. Upload a JPEG, PNG or WebP picture."), code="invalid_photo"
    )
    too_many_pixels = ValidationError(
        _("The photo has too many pixels (the limit is %(megapixels)s megapixels). Resize it and try again.")
        % {"megapixels": MAX_PHOTO_PIXELS // 1_000_000},
        code="photo_too_many_pixels",
    )
    try:
        with _open(data) as probe:
            image_format = probe.format
            width, height = probe.size
            if width * height > MAX_PHOTO_PIXELS:
                raise too_many_pixels
            probe.verify()
        if image_format not in PHOTO_FORMATS:
            raise not_a_photo
        with _open(data) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            buffer = io.BytesIO()
            options = {"quality": 85, "optimize": True} if image_format in ("JPEG", "WEBP") else {"optimize": True}
            clean.save(buffer, format=image_format, **options)
            width, height = clean.size
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (OSError, ValueError, SyntaxError):
        raise not_a_photo from None
    content_type, suffix = PHOTO_FORMATS[image_format]
    encoded = buffer.getvalue()
    return CleanUpload(
        content=ContentFile(encoded, name=f"photo{suffix}"),
        content_type=content_type,
        original_name=_original_name(upload),
        size=len(encoded),
        width=width,
        height=height,
    )


DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


def clean_document(upload) -> CleanUpload:
    """A supporting document: type by extension and content, size limited (see grants.uploads)."""
    name = _original_name(upload)
    extension = PurePath(name).suffix.lower()
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an accepted document type. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(ext.lstrip(".") for ext in DOCUMENT_TYPES))},
            code="document_type",
        )
    validate_attachment(upload)
    upload.seek(0)
    data = upload.read(MAX_ATTACHMENT_BYTES + 1)
    return CleanUpload(
        content=ContentFile(data, name=f"document{extension}"),
        content_type=DOCUMENT_TYPES[extension],
        original_name=name,
        size=len(data),
    )


def make_thumbnail(data: bytes) -> ContentFile:
    """A small JPEG of a photo that was already cleaned."""
    with _open(data) as image:
        image.load()
        image = image.convert("RGB")
        image.thumbnail(THUMBNAIL_SIZE)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80, optimize=True)
    return ContentFile(buffer.getvalue(), name="thumb.jpg")
