"""Whole-page caching of public pages for anonymous readers.

A page is cached per language and full path (query string included) in the default
cache (local memory in development, Redis in production via CACHE_URL). Every key
carries a generation number; `purge()` bumps it, so one cheap write invalidates every
cached page at once across all processes sharing the cache. Purges happen when pages
are published, unpublished, moved or deleted, and when the data behind public pages
changes (see `cms.signals`).

Only anonymous GET/HEAD requests without a session or flash message are cached or
answered from the cache, and only 200 responses that set no cookie (a page that set
the CSRF cookie or a session would leak one reader's state to the next).
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

GENERATION_KEY = "cms:public-cache:generation"
KEY_PREFIX = "cms:public-page"
DEFAULT_TIMEOUT = 10 * 60


def timeout() -> int:
    """Seconds a public page or fragment stays cached (0 turns caching off)."""
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


def _digest(parts) -> str:
    """Parts may come from the request (host, path): hashed, any cache backend takes them."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:40]


def fragment_key(parts) -> str:
    """The cache key of a shared piece of a public page (see `{% public_fragment %}`)."""
    return f"cms:fragment:{generation()}:{_digest(parts)}"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, None)
    return value


def purge() -> None:
    """Invalidate every cached public page."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def is_cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    host = request.get_host()
    return f"{KEY_PREFIX}:{generation()}:{translation.get_language()}:{host}:{path}"


def _is_cacheable_response(request, response) -> bool:
    cache_control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        # The page rendered a CSRF token: it belongs to this reader only.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def serve_cached(request, render):
    """Answer from the cache when possible, else call `render()` and store the result."""
    if not is_cacheable_request(request):
        return render()
    key = _key(request)
    cached = cache.get(key)
    if cached is not None:
        content, headers = cached
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["X-Public-Cache"] = "hit"
        return response
    response = render()
    if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
        response.render()
    if timeout() > 0 and _is_cacheable_response(request, response):
        headers = [(name, value) for name, value in response.items() if name.lower() not in {"vary", "set-cookie"}]
        cache.set(key, (response.content, headers), timeout())
        response["X-Public-Cache"] = "miss"
    return response


def cache_public(view):
    """Decorator for Django views that show the same page to every anonymous reader."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return serve_cached(request, lambda: view(request, *args, **kwargs))

    return wrapped


def memoize(name: str, *parts, compute, request=None):
    """`compute()`, cached until the next purge: for the pieces of public pages (lists
    of featured pages, language links) that readers without the page cache (signed in,
    or carrying a session) would otherwise recompute on every request."""
    if request is not None and getattr(request, "is_preview", False):
        return compute()  # an editor previewing a draft must see the draft
    key = f"cms:memo:{generation()}:{name}:{_digest(parts)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout() or DEFAULT_TIMEOUT)
    return value
