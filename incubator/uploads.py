"""What organisations may upload: documents (a PDF or a picture) and a logo.

Only the policy lives here (types and limits); the checks are core.uploads'.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import IMAGE_EXTENSIONS, CleanFile, clean_image, clean_typed_file, refuse_other_types, suffix_of

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_LOGO_BYTES = 2 * 1024 * 1024
# A 40-megapixel scan is plenty; anything larger is refused before it is decoded.
MAX_IMAGE_PIXELS = 40_000_000
DOCUMENT_EXTENSIONS = IMAGE_EXTENSIONS | {".pdf"}


def clean_pdf(upload, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> CleanFile:
    return clean_typed_file(upload, accepted={".pdf"}, max_bytes=max_bytes)


def clean_document(upload) -> CleanFile:
    """A PDF or a picture, checked by content, not by name."""
    if refuse_other_types(upload, DOCUMENT_EXTENSIONS) == ".pdf":
        return clean_pdf(upload)
    return clean_image(upload, max_bytes=MAX_DOCUMENT_BYTES, max_pixels=MAX_IMAGE_PIXELS)


def clean_logo(upload) -> CleanFile:
    if suffix_of(upload) not in IMAGE_EXTENSIONS:
        raise ValidationError(_("A logo must be a JPEG, PNG or WebP picture."), code="file_type")
    return clean_image(upload, max_bytes=MAX_LOGO_BYTES, max_pixels=MAX_IMAGE_PIXELS)
