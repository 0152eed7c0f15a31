"""Links in open data: absolute and without a language prefix.

The JSON and CSV are one file for every reader (the same bytes under /en/ and
/zh-hans/), so the links they carry name no language: `/grants/calls/<slug>/` is answered
by Django's LocaleMiddleware with a redirect to the reader's language (prefix_default_language).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def neutral_path(viewname: str, **kwargs) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(viewname, kwargs=kwargs or None)
    prefix = f"/{settings.LANGUAGE_CODE}/"
    return "/" + path.removeprefix(prefix) if path.startswith(prefix) else path


def absolute(request, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"
