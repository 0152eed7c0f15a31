"""What an application may carry as attachments: checked by extension, size and content."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.uploads import check_pdf

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# extension → the bytes such a file starts with (None: plain text, checked for NUL bytes).
# A PDF is also parsed whole (core.uploads.check_pdf): its first bytes prove nothing.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".txt": None,
    ".csv": None,
}
ALLOWED_EXTENSIONS = tuple(SIGNATURES)


def validate_attachment(file) -> None:
    """Refuse files of another type, too large, or whose content does not match their name."""
    name = getattr(file, "name", "") or ""
    extension = Path(name).suffix.lower()
    if extension not in SIGNATURES:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted: %(types)s.")
            % {"name": Path(name).name, "types": ", ".join(ext.lstrip(".") for ext in ALLOWED_EXTENSIONS)},
            code="attachment_type",
        )
    size = getattr(file, "size", 0) or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": Path(name).name, "size": filesizeformat(size), "limit": filesizeformat(MAX_ATTACHMENT_BYTES)},
            code="attachment_size",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": Path(name).name}, code="attachment_empty")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(2048)
    file.seek(position)
    signatures = SIGNATURES[extension]
    ok = b"\x00" not in head if signatures is None else any(head.startswith(signature) for signature in signatures)
    if not ok:
        raise ValidationError(
            _("“%(name)s” does not look like a %(type)s file.")
            % {"name": Path(name).name, "type": extension.lstrip(".")},
            code="attachment_content",
        )
    if extension == ".pdf":
        file.seek(0)
        data = file.read(MAX_ATTACHMENT_BYTES + 1)
        file.seek(position)
        try:
            check_pdf(data)
        except ValidationError as error:
            raise ValidationError(
                _("“%(name)s”: %(problem)s") % {"name": Path(name).name, "problem": error.messages[0]},
                code=error.code,
            ) from None
