"""PDF documents made on the server: a print template rendered to HTML, then laid out
by WeasyPrint (HTML + CSS → PDF, through Pango), which embeds the subset of the fonts
it used. Chinese is set in Noto Sans/Serif CJK (Debian's fonts-noto-cjk, installed by
scripts/install-system-deps.sh), so the file reads the same on any machine.

A single document takes well under a few seconds, so it is made in the request; there
is nothing to queue. The document fetches nothing: every resource it could name (an
image, a stylesheet) is refused, so a value typed by a user can never make the server
fetch a URL.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from weasyprint import HTML
from weasyprint.urls import URLFetchingError


def _no_fetching(url, *args, **kwargs):
    raise URLFetchingError(f"PDF documents fetch nothing ({url})")


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The template (which extends core/print/base.html) as PDF bytes."""
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """A private download: an attachment that no shared cache may keep."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
