"""Private files: what NGOs, reviewers and officers upload.

They live in the ``private`` storage (``STORAGES["private"]``), outside the public media
path, under names nobody can guess, and leave it only through a view that has checked
permission first and then calls :func:`serve_private_file`. How the bytes travel is an
operator's choice (``PRIVATE_FILES_SERVE``, docs/operations.md):

- ``django``: the view streams the file (development, small installations);
- ``x-accel-redirect``: the view answers with an ``X-Accel-Redirect`` header and nginx
  sends the file from an ``internal`` location the outside world cannot reach;
- ``signed-url``: on S3-compatible storage the view redirects to a URL signed for
  ``PRIVATE_FILES_URL_SECONDS`` (the bucket itself refuses unsigned reads).

Only public CMS images (Wagtail's images and renditions) stay in the public media folder.
"""

import mimetypes
import re
import uuid
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

SERVE_MODES = ("django", "x-accel-redirect", "signed-url")
# A downloaded file must not run as a page of this site, whatever is inside it.
FILE_RESPONSE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def private_storage():
    """The storage of every uploaded file (a callable, so migrations record no backend)."""
    return storages["private"]


class _NoPublicURL:
    """A private file has no address of its own: links go to the permission-checking views."""

    def url(self, name):
        raise ValueError(f"{name} is a private file: link to the view that serves it, not to the storage.")


class PrivateFileSystemStorage(_NoPublicURL, FileSystemStorage):
    pass


class PrivateInMemoryStorage(_NoPublicURL, InMemoryStorage):
    pass


def safe_suffix(filename: str) -> str:
    """The lower-cased extension of ``filename`` when it is a plain one (``.pdf``), else ''."""
    suffix = PurePath(filename or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def unguessable_name(folder: str, filename: str) -> str:
    """``folder/<128 random bits>.ext``: the stored name never contains what the uploader typed."""
    return f"{folder}/{uuid.uuid4().hex}{safe_suffix(filename)}"


def download_name(title: str, stored_name: str) -> str:
    """The file name a reader gets: the title people gave the file, with the stored extension."""
    suffix = safe_suffix(stored_name)
    title = (title or "").strip().replace("/", "-").replace("\\", "-") or "file"
    return title if not suffix or title.lower().endswith(suffix) else f"{title}{suffix}"


def serve_private_file(
    fieldfile,
    *,
    filename: str,
    content_type: str = "",
    as_attachment: bool = True,
    cache_control: str = "private, no-store",
) -> HttpResponse:
    """Hand over a private file to a reader the calling view has already authorised."""
    if not fieldfile:
        raise Http404
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    disposition = content_disposition_header(as_attachment, filename)
    mode = settings.PRIVATE_FILES_SERVE
    if mode == "signed-url":
        url = fieldfile.storage.url(
            fieldfile.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=settings.PRIVATE_FILES_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    elif mode == "x-accel-redirect":
        if not fieldfile.storage.exists(fieldfile.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_INTERNAL_PREFIX + quote(fieldfile.name)
        response["Content-Disposition"] = disposition
    else:
        try:
            handle = fieldfile.storage.open(fieldfile.name, "rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    response["Content-Security-Policy"] = FILE_RESPONSE_POLICY
    response["Referrer-Policy"] = "no-referrer"
    return response
