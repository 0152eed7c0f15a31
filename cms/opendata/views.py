"""The open-data page and the 360Giving files.

The files are streamed (StreamingHttpResponse over `selectors.iter_grants`: three
queries for all the awards, read through a cursor a chunk at a time, each grant serialised
on its own), so 50,000 awards cost the same handful of queries as 5 and the memory of one
chunk (bench/open_data.py measures both). They are not kept in the public page cache: a
cached copy would be the whole file (tens of MiB at province scale) in memory and in
Redis, read and written in one piece. Instead each file carries an ETag built from
`open_data_version()` (two aggregate queries), so a client or proxy that has the current
file gets a 304 without the file being built again, and a HEAD answers the headers
without reading a grant. (No Last-Modified: part of what the version covers, a funder's
or an area's name, carries no change time, so a date could claim a stale file current.) A file built by a Celery task would also avoid rebuilding it,
but adds storage, a schedule and a window where the file is stale; at this size streaming
from the database is fast enough to need neither.

The JSON is one file for every language: the same bytes under /en/ and /zh-hans/. Its
title and description are given in Chinese and English (360Giving has one `title`), the
data keep the language they were written in (names in Chinese, the organisations' English
names as `alternateName`), and every link is language-neutral (links.py).
"""

import hashlib

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, require_GET, require_safe

from cms.caching import cache_public
from cms.opendata import selectors, threesixty
from cms.opendata.links import absolute, neutral_path

LATEST_GRANTS_SHOWN = 20
PUBLISHER_NAME = "Legal Aid Hub · 法律服务社会组织孵化平台"
LANGUAGES = ("zh-hans", "en")  # Chinese first: the language of the data
PACKAGE_TITLE = _("Awarded grants")
PACKAGE_DESCRIPTION = _(
    "Every grant awarded through the hub, published in the 360Giving Data Standard as JSON and CSV."
)


@require_GET
@cache_public
def open_data(request):
    return render(
        request,
        "cms/open_data.html",
        {
            "totals": selectors.open_data_totals(),
            "rows": selectors.latest_grant_rows(limit=LATEST_GRANTS_SHOWN, request=request),
        },
    )


def _in_both_languages(text) -> str:
    translations = []
    for language in LANGUAGES:
        with translation.override(language):
            translations.append(str(text))
    return " / ".join(dict.fromkeys(translations))  # once if a translation is missing


def _facts(request) -> dict:
    """The data's version facts, read once per request: for the ETag and the package's
    `modified` alike."""
    if not hasattr(request, "_open_data_facts"):
        request._open_data_facts = selectors.open_data_facts()
    return request._open_data_facts


def _metadata(request) -> dict:
    return threesixty.package_metadata(
        title=f"{_in_both_languages(PACKAGE_TITLE)} · Legal Aid Hub",
        description=_in_both_languages(PACKAGE_DESCRIPTION),
        publisher_name=PUBLISHER_NAME,
        website=absolute(request, "/"),
        access_url=absolute(request, neutral_path("cms:open_data")),
        download_url=absolute(request, neutral_path("cms:open_data_json")),
        issued=timezone.localdate(timezone=threesixty.PUBLIC_TIME_ZONE),
        modified=_facts(request)["awards_changed"],
    )


def _etag(request, *args, **kwargs) -> str:
    # The host is in the files' links, the day in the JSON's `issued`; the path tells the
    # JSON's tag from the CSV's (the same data, two representations).
    parts = (
        request.path_info.rsplit(".", 1)[-1],
        selectors.open_data_version(_facts(request)),
        request.get_host(),
        timezone.localdate(timezone=threesixty.PUBLIC_TIME_ZONE),
    )
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _file_response(request, chunks, *, content_type: str, filename: str, disposition: str) -> StreamingHttpResponse:
    # A HEAD (a harvester checking for a new file) gets the headers; no grant is read.
    response = StreamingHttpResponse(() if request.method == "HEAD" else chunks, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    # Any cache may keep the file, but must ask (a cheap 304) before reusing it.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _json_chunks(request):
    # A generator: nothing is read from the database until the first chunk is asked for.
    yield from threesixty.iter_json_grants(selectors.iter_grants(request=request), metadata=_metadata(request))


def _csv_chunks(request):
    yield from threesixty.iter_csv_grants(
        selectors.iter_grants(request=request), locations=selectors.beneficiary_location_columns()
    )


@require_safe
@condition(etag_func=_etag)
def open_data_json(request):
    return _file_response(
        request,
        _json_chunks(request),
        content_type="application/json; charset=utf-8",
        filename="360giving-grants.json",
        disposition="inline",
    )


@require_safe
@condition(etag_func=_etag)
def open_data_csv(request):
    return _file_response(
        request,
        _csv_chunks(request),
        content_type="text/csv; charset=utf-8",
        filename="360giving-grants.csv",
        disposition="attachment",
    )
