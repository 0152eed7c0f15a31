"""`core.middleware.request_language` is Django's LocaleMiddleware rule as a function: the
public page cache keys pages by it before the middleware runs (cms.middleware), so the two
must agree on every kind of request."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from core.middleware import SiteLocaleMiddleware, request_language

CASES = [
    ("/en/directory/", {}),
    ("/zh-hans/directory/", {"HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/sitemap.xml", {"HTTP_ACCEPT_LANGUAGE": "zh-Hans,zh;q=0.9"}),
    ("/sitemap.xml", {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}),
    ("/sitemap.xml", {"HTTP_ACCEPT_LANGUAGE": "fr"}),
    ("/sitemap.xml", {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=zh-hans", "HTTP_ACCEPT_LANGUAGE": "en"}),
    ("/api/v1/calls/", {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}),
    ("/de/directory/", {}),
]


def _activated_by(middleware_class, request):
    with translation.override(None):
        middleware_class(lambda request: HttpResponse()).process_request(request)
        return translation.get_language()


@pytest.mark.parametrize(("path", "headers"), CASES)
def test_request_language_is_what_the_locale_middleware_activates(rf, path, headers):
    expected = _activated_by(LocaleMiddleware, rf.get(path, **headers))
    assert request_language(rf.get(path, **headers)) == expected
    assert _activated_by(SiteLocaleMiddleware, rf.get(path, **headers)) == expected
