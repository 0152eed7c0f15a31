"""Real files for tests: a minimal PDF that pypdf (and so the upload checks) can read."""

import functools
import io

from pypdf import PdfWriter


@functools.cache
def pdf_bytes(pages: int = 1) -> bytes:
    """A real, tiny PDF of blank A4 pages, made once per process."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
