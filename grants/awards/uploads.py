"""What a report may carry as evidence (the policy; the checks are core.uploads').

Photos are verified and re-encoded without metadata, so EXIF, GPS coordinates and
anything appended after the image data are gone; documents must match their type.
"""

from pathlib import PurePath

from core.uploads import IMAGE_EXTENSIONS, CleanFile, clean_image, clean_typed_file
from grants.calls.uploads import MAX_ATTACHMENT_BYTES

MAX_PHOTO_BYTES = 8 * 1024 * 1024
# 30 megapixels is more than any phone camera; larger images are refused undecoded.
MAX_PHOTO_PIXELS = 30_000_000
DOCUMENT_EXTENSIONS = (".pdf", ".docx", ".xlsx", ".odt", ".txt", ".csv")


def is_photo_name(name: str) -> bool:
    return PurePath(name or "").suffix.lower() in IMAGE_EXTENSIONS


def clean_photo(upload) -> CleanFile:
    return clean_image(upload, max_bytes=MAX_PHOTO_BYTES, max_pixels=MAX_PHOTO_PIXELS, quality=85)


def clean_document(upload) -> CleanFile:
    return clean_typed_file(upload, accepted=DOCUMENT_EXTENSIONS, max_bytes=MAX_ATTACHMENT_BYTES)
