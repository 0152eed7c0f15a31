"""The public page cache in front of routing, and the Wagtail site of a request found
once per purge instead of once per request."""

from django.http.request import split_domain_port
from wagtail.models import Site

from cms import caching
from cms.caching import memoize


class PublicPageCacheMiddleware:
    """Answers anonymous readers from the public page cache before anything else runs
    (`cms.caching`): one cache round trip for a hit, no routing, no site lookup, no
    session, no query. It sits right after WhiteNoise (static files never touch the
    cache) and SecurityMiddleware, whose headers every answer gets afresh. A page is
    stored on its way out with the headers every middleware further in gave it (the
    Content-Security-Policy, Content-Language, Vary, Content-Length, X-Frame-Options),
    so a hit answers what the miss answered without running them. The key needs the
    language and the host before the locale and common middleware run: the cache asks
    the same functions they do (`core.middleware.request_language`, `get_host()`).

    Every request gets a scope in which the purge generation is read at most once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = caching.begin_request()
        try:
            cached = caching.lookup(request)
            if cached is not None:
                return cached
            return caching.store_marked(request, self.get_response(request))
        finally:
            caching.end_request(token)


class CachedSiteMiddleware:
    """Wagtail looks the site up with a query on every request (`Site.find_for_request`
    keeps it only on the request). Sites change rarely and saving one purges the public
    cache (`cms.signals`), so the answer is memoized per host and port until then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # get_host() refuses hosts outside ALLOWED_HOSTS, so no key is made for them.
        hostname = split_domain_port(request.get_host())[0]
        port = request.get_port()
        site = memoize("site-for-host", hostname, port, compute=lambda: Site._find_for_request(request))
        if site is not None:
            request._wagtail_site = site
        return self.get_response(request)
