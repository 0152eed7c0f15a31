"""One check for every uploaded PDF: it is parsed, not judged by its first bytes.

An HTML page or an executable renamed to .pdf, or given a ``%PDF-`` first line, is
refused because pypdf cannot read a document with pages out of it. Encrypted PDFs are
refused too: the officers who have to read the file could not open it.
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
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
