"""Whole-page caching of public pages for anonymous readers.

A page is cached per language, host and full path (query string included) in the
default cache (local memory in development, Redis in production via CACHE_URL). A
purge generation number guards every entry; `purge()` bumps it, so one cheap write
invalidates every cached page, fragment and memo at once across all processes sharing
the cache. Purges happen when pages are published, unpublished, moved or deleted, and
when the data behind public pages changes (see `cms.signals`).

Only anonymous GET/HEAD requests without a session or flash message are cached or
answered from the cache, and only 200 responses that set no cookie (a page that set
the CSRF cookie or a session would leak one reader's state to the next). Pages carry
no CSP nonce (config/settings/base.py), so a cached page is the same for everyone.

How a request meets the cache (`cms.middleware.PublicPageCacheMiddleware`, placed
right after SecurityMiddleware and WhiteNoise):

- A hit costs one cache round trip: the key comes from the request alone (language,
  host, full path), and one `get_many` (a single MGET on Redis) reads the current
  generation together with the page. The page's value carries the generation it was
  rendered under; an older one is a miss. Nothing routes, finds the Wagtail site,
  loads a session, queries the database or runs the middleware further in: the page
  was stored with the headers they gave it.
- A miss goes on down the stack. Views wrapped in `serve_cached` (or `cache_public`)
  mark their response; the middleware stores it on the way out, with every header the
  middleware further in added, under the generation read before the render, so a purge
  during the render leaves a stale entry rather than a wrong one.
- Within a request the generation is read at most once (`generation()` keeps it for
  the rest of the request; the MGET already brought it), however many memos and
  fragments the render asks for. `purge()` updates it for the rest of the request.

Called without the middleware (a view called directly, another stack), `serve_cached`
looks up and stores by itself.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

from core.local_copies import LocalCopies
from core.middleware import request_language

GENERATION_KEY = "cms:public-cache:generation"
KEY_PREFIX = "cms:public-page:v3"  # v3: entries keep the inner middleware's headers
DEFAULT_TIMEOUT = 10 * 60
# Headers not kept with a cached page (a cacheable page sets no cookie anyway).
_UNSTORED_HEADERS = frozenset({"set-cookie", "x-public-cache"})
# Marks a response that `serve_cached` rendered for the cache (the middleware stores it).
_CACHEABLE_MARK = "_cms_public_cache_store"


class _RequestScope:
    """What the cache knows for the duration of one request."""

    __slots__ = ("generation", "key", "lookup_generation")

    def __init__(self):
        self.generation: int | None = None  # the current generation, once read
        self.key: str | None = None  # the page key, when the request is cacheable
        self.lookup_generation: int | None = None  # the generation a miss renders under


_scope: contextvars.ContextVar[_RequestScope | None] = contextvars.ContextVar("cms_public_cache_scope", default=None)


def timeout() -> int:
    """Seconds a public page or fragment stays cached (0 turns caching off)."""
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT)


def _digest(parts) -> str:
    """Parts may come from the request (host, path): hashed, any cache backend takes them."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:40]


def fragment_key(parts) -> str:
    """The cache key of a shared piece of a public page (see `{% public_fragment %}`)."""
    return f"cms:fragment:{generation()}:{_digest(parts)}"


# --- The purge generation -------------------------------------------------------------


def _read_generation() -> int:
    return _generation_or_create(cache.get(GENERATION_KEY))


def _generation_or_create(value) -> int:
    """The generation the cache answered, or the first one when it has none yet.

    A new generation starts at the clock in nanoseconds, not at 1: after the cache is
    flushed or Redis restarts, the numbers never repeat, so a process's local copies of
    memos and fragments (keyed by generation) cannot come back to life."""
    if value is None:
        first = time.time_ns()
        # Another process may create it at the same moment: then theirs counts.
        value = first if cache.add(GENERATION_KEY, first, None) else (cache.get(GENERATION_KEY) or first)
    return int(value)


def generation() -> int:
    """The current purge generation: read from the cache once per request, then kept."""
    scope = _scope.get()
    if scope is None:
        return _read_generation()
    if scope.generation is None:
        scope.generation = _read_generation()
    return scope.generation


def purge() -> None:
    """Invalidate every cached public page, fragment and memo."""
    try:
        value = cache.incr(GENERATION_KEY)
    except ValueError:
        value = 2
        cache.set(GENERATION_KEY, value, None)
    scope = _scope.get()
    if scope is not None:
        scope.generation = value  # the rest of this request sees the purge


def begin_request() -> contextvars.Token:
    """Open the request's scope (the middleware does; `end_request` closes it)."""
    return _scope.set(_RequestScope())


def end_request(token: contextvars.Token) -> None:
    _scope.reset(token)


# --- Pages ----------------------------------------------------------------------------


def is_cacheable_request(request) -> bool:
    """Anonymous GET/HEAD without a session or flash message. Before authentication has
    run (the middleware), no session cookie means anonymous: users sign in by session."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def page_key(request) -> str:
    """The key of the request's page: language, host and full path, nothing else.
    The generation lives in the value, so the key is known before the first read.
    The language is the one the locale middleware will pick (the middleware asks before
    it runs); `get_host()` refuses a host outside ALLOWED_HOSTS (DisallowedHost)."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{request_language(request)}:{request.get_host()}:{path}"


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


def _hit(entry) -> HttpResponse:
    _generation, content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["X-Public-Cache"] = "hit"
    return response


def lookup(request) -> HttpResponse | None:
    """The cached page for `request`, or None. One cache round trip: the generation and
    the page in one `get_many`. On a miss, the request's scope remembers the key and the
    generation for `store_marked` (and for every memo and fragment of the render)."""
    if timeout() <= 0 or not is_cacheable_request(request) or _refused_user_agent(request):
        return None
    try:
        hit, key, current = _lookup(request)
    except DisallowedHost:
        return None  # CommonMiddleware, further in, answers 400
    scope = _scope.get()
    if scope is not None:
        scope.generation = scope.lookup_generation = current
        scope.key = key
    return hit


def _refused_user_agent(request) -> bool:
    """CommonMiddleware refuses settings.DISALLOWED_USER_AGENTS; a hit is answered
    before it runs, so it must not answer them either."""
    agents = settings.DISALLOWED_USER_AGENTS
    user_agent = request.META.get("HTTP_USER_AGENT")
    return bool(agents) and user_agent is not None and any(pattern.search(user_agent) for pattern in agents)


def _lookup(request) -> tuple[HttpResponse | None, str, int]:
    key = page_key(request)
    found = cache.get_many([GENERATION_KEY, key])
    current = _generation_or_create(found.get(GENERATION_KEY))
    entry = found.get(key)
    # An entry rendered under an older generation was purged since: a miss.
    if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == current:
        return _hit(entry), key, current
    return None, key, current


def store(request, response, *, key: str, rendered_under: int) -> HttpResponse:
    """Keep `response` for the next anonymous reader if it may be shared."""
    if timeout() > 0 and is_cacheable_request(request) and _is_cacheable_response(request, response):
        # What a signed-in reader gets differs: say so to shared caches, on hits too.
        patch_vary_headers(response, ("Cookie",))
        headers = [(name, value) for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS]
        cache.set(key, (rendered_under, response.content, headers), timeout())
        response["X-Public-Cache"] = "miss"
    return response


def store_marked(request, response) -> HttpResponse:
    """The middleware's way out: store a response `serve_cached` marked for the cache."""
    scope = _scope.get()
    if getattr(response, _CACHEABLE_MARK, False) and scope is not None and scope.key is not None:
        delattr(response, _CACHEABLE_MARK)
        return store(request, response, key=scope.key, rendered_under=scope.lookup_generation)
    return response


def serve_cached(request, render):
    """Answer from the cache when possible, else call `render()` and store the result.

    Behind `PublicPageCacheMiddleware` the lookup has already happened (a hit never
    reaches the view): render, and mark the response for the middleware to store.

    Whoever reads, the view shows the same page: base.html shares its head and body
    (`{% public_fragment … only_if=request.shows_public_page %}`), so a reader the page
    cache cannot answer (signed in, or carrying a session) renders only the header."""
    request.shows_public_page = True
    if not is_cacheable_request(request):
        return render()
    scope = _scope.get()
    if scope is not None and scope.key is not None:
        response = _rendered(render())
        setattr(response, _CACHEABLE_MARK, True)
        return response
    if timeout() <= 0:
        return render()
    # No middleware in front: look up and store here.
    hit, key, rendered_under = _lookup(request)
    if hit is not None:
        return hit
    return store(request, _rendered(render()), key=key, rendered_under=rendered_under)


def _rendered(response):
    if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
        response.render()
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
    return shared_piece(key, compute, timeout() or DEFAULT_TIMEOUT)


def lazy_memoize(name: str, *parts, keys, compute, request=None) -> dict:
    """`memoize`'s dict (`compute()` returns one with `keys`), as a dict of lazy values:
    the memo is read only when a template first uses one. A page's context is made
    before its template runs; when the body comes from its shared fragment (base.html),
    the lists behind it are never read, unpickled or computed."""
    whole = SimpleLazyObject(lambda: memoize(name, *parts, compute=compute, request=request))
    return {key: SimpleLazyObject(functools.partial(_item, whole, key)) for key in keys}


def _item(mapping, key):
    return mapping[key]


# --- Shared pieces: a local copy in front of the shared cache ----------------------------


local_copies = LocalCopies()


def shared_piece(key: str, compute, seconds: int):
    """The piece under `key` (a key that carries the purge generation): from this
    process's copy, else from the shared cache, else `compute()` stored in both."""
    value = local_copies.get(key)
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    # The local copy lives no longer than the shared entry could have.
    local_copies.set(key, value, seconds)
    return value
