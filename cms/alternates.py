"""Absolute URLs on the site's real address (SITE_URL) and the `hreflang` alternates of a
page in each language, shared by the sitemap and each page's head so both say the same:
one link per language the page exists in, and `x-default` (a Wagtail page's version in
the default language; for a Django view, its path without the language prefix, which
LocaleMiddleware sends to the reader's language, as django.contrib.sitemaps does)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import to_locale


def site_address() -> tuple[str, str]:
    """(scheme, host and path prefix) of SITE_URL, e.g. ("https", "hub.example.org")."""
    address = urlsplit(settings.SITE_URL)
    return address.scheme or "https", address.netloc + address.path.rstrip("/")


def absolute_url(url: str) -> str:
    """A path on SITE_URL; a URL that already has a host is returned as it is."""
    if url.startswith("/") and not url.startswith("//"):
        scheme, host = site_address()
        return f"{scheme}://{host}{url}"
    return url


def hreflang(language_code: str) -> str:
    """The BCP 47 tag for a Django language code: zh-hans → zh-Hans."""
    return to_locale(language_code).replace("_", "-")


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def unprefixed(path: str) -> str:
    """/en/directory/ → /directory/ (LocaleMiddleware redirects it to the reader's language)."""
    parts = path.split("/", 2)
    if len(parts) > 2 and parts[1] in language_codes():
        return "/" + parts[2]
    return path


def page_alternates(urls: dict[str, str]) -> list[dict]:
    """[{hreflang, url}] for a Wagtail page from {language code: its translation's URL}."""
    rows = [{"hreflang": hreflang(code), "url": absolute_url(urls[code])} for code in language_codes() if code in urls]
    if settings.LANGUAGE_CODE in urls:
        rows.append({"hreflang": "x-default", "url": absolute_url(urls[settings.LANGUAGE_CODE])})
    return rows


def path_alternates(urls: dict[str, str]) -> list[dict]:
    """[{hreflang, url}] for a Django view from {language code: its prefixed path}."""
    rows = [{"hreflang": hreflang(code), "url": absolute_url(urls[code])} for code in language_codes() if code in urls]
    if settings.LANGUAGE_CODE in urls:
        rows.append({"hreflang": "x-default", "url": absolute_url(unprefixed(urls[settings.LANGUAGE_CODE]))})
    return rows
