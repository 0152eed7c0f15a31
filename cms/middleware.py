"""Find the Wagtail site of a request once per purge instead of once per request."""

from django.http.request import split_domain_port
from wagtail.models import Site

from cms.caching import memoize


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
