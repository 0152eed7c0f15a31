"""The open-data page and the 360Giving files.

The files are streamed (StreamingHttpResponse over `selectors.iter_grant_rows`, one query
per chunk of awards), so 10,000 awards cost a few queries and the memory of one chunk.
They are not kept in the public page cache: a cached copy would be the whole file in
memory and in Redis. Instead each file carries an ETag built from `open_data_version()`
(two aggregate queries), so a client or proxy that has the current file gets a 304 without
the file being built again. A file built by a Celery task would also avoid rebuilding it,
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
from django.views.decorators.http import condition, require_GET

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


def _metadata(request) -> dict:
    return threesixty.package_metadata(
        title=f"{_in_both_languages(PACKAGE_TITLE)} · Legal Aid Hub",
        description=_in_both_languages(PACKAGE_DESCRIPTION),
        publisher_name=PUBLISHER_NAME,
        website=absolute(request, "/"),
        access_url=absolute(request, neutral_path("cms:open_data")),
        download_url=absolute(request, neutral_path("cms:open_data_json")),
        issued=timezone.localdate(timezone=threesixty.PUBLIC_TIME_ZONE),
        modified=selectors.open_data_modified(),
    )


def _etag(request, *args, **kwargs) -> str:
    # The host is in the files' links, the day in the JSON's `issued`.
    parts = (
        selectors.open_data_version(),
        request.get_host(),
        timezone.localdate(timezone=threesixty.PUBLIC_TIME_ZONE),
    )
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _file_response(chunks, *, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    # Any cache may keep the file, but must ask (a cheap 304) before reusing it.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


@require_GET
@condition(etag_func=_etag)
def open_data_json(request):
    chunks = threesixty.iter_json(selectors.iter_grant_rows(request=request), metadata=_metadata(request))
    return _file_response(chunks, content_type="application/json; charset=utf-8")


@require_GET
@condition(etag_func=_etag)
def open_data_csv(request):
    chunks = threesixty.iter_csv(
        selectors.iter_grant_rows(request=request), locations=selectors.beneficiary_location_columns()
    )
    response = _file_response(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="360giving-grants.csv"'
    return response
