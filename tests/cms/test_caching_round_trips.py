"""What the public page cache costs (issue 15): a hit is one cache round trip and no
query, answered before routing; a render reads the purge generation once. Counted on
the test's local-memory cache (always) and on Redis, as in production (when it answers)."""

import re
import threading

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.handlers.base import BaseHandler
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site

from cms import caching, signals
from cms.middleware import PublicPageCacheMiddleware
from tests.factories.accounts import UserFactory
from tests.factories.incubator import OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/2"
BACKEND_CALLS = ("get", "get_many", "set", "set_many", "add", "incr", "decr", "delete", "delete_many", "touch")


class CallLog:
    """Every outermost call on the cache backend: one round trip each on Redis (calls a
    backend makes on itself, e.g. local memory's get_many calling get, are not counted)."""

    def __init__(self):
        self.calls = []
        self._depth = threading.local()

    def wrap(self, name, method):
        def counted(*args, **kwargs):
            depth = getattr(self._depth, "value", 0)
            if depth == 0:
                self.calls.append((name, args[0] if args else None))
            self._depth.value = depth + 1
            try:
                return method(*args, **kwargs)
            finally:
                self._depth.value = depth

        return counted

    def clear(self):
        self.calls.clear()

    def touching_generation(self):
        return [call for call in self.calls if _names_generation(call[1])]


def _names_generation(keys):
    if isinstance(keys, str):
        return keys == caching.GENERATION_KEY
    return keys is not None and caching.GENERATION_KEY in list(keys)


@pytest.fixture
def cache_calls(monkeypatch):
    backend = caches["default"]
    log = CallLog()
    for name in BACKEND_CALLS:
        monkeypatch.setattr(backend, name, log.wrap(name, getattr(backend, name)))
    return log


@pytest.fixture
def no_routing(monkeypatch):
    """Fails the test if the request is routed (URL resolution) or the Wagtail site looked up."""

    def refuse(*args, **kwargs):
        raise AssertionError("a cache hit must be answered before routing")

    def arm():
        monkeypatch.setattr(BaseHandler, "resolve_request", refuse)
        monkeypatch.setattr(Site, "find_for_request", refuse)
        monkeypatch.setattr(Site, "_find_for_request", refuse)
        monkeypatch.setattr(Page, "route_for_request", refuse)

    return arm


def directory_url(language="en"):
    with translation.override(language):
        return reverse("cms:directory")


# --- Where the middleware sits ----------------------------------------------------------


def test_the_cache_middleware_comes_right_after_static_files_and_before_the_rest():
    """On a hit only SecurityMiddleware and WhiteNoise run; the rest gave the page its
    headers when it was rendered, and the cache keeps them."""
    stack = settings.MIDDLEWARE
    position = stack.index("cms.middleware.PublicPageCacheMiddleware")
    assert stack[:position] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]
    for after in (
        "core.middleware.ContentSecurityPolicyMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "core.middleware.SiteLocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "cms.middleware.CachedSiteMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert stack.index(after) > position


# --- Local memory (always runs) --------------------------------------------------------


def test_a_hit_is_one_cache_round_trip_no_query_and_no_routing(
    client, site_tree, cache_calls, no_routing, django_assert_num_queries
):
    urls = [site_tree.en["article"].url, site_tree.zh["article"].url, directory_url(), "/sitemap.xml"]
    for url in urls:
        assert client.get(url)["X-Public-Cache"] == "miss"
    no_routing()
    for url in urls:
        cache_calls.clear()
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response["X-Public-Cache"] == "hit"
        assert len(cache_calls.calls) == 1, cache_calls.calls
        name, keys = cache_calls.calls[0]
        assert name == "get_many"
        assert len(keys) == 2
        assert caching.GENERATION_KEY in keys


def test_a_hit_answers_the_headers_of_the_miss(client, site_tree):
    url = site_tree.en["article"].url
    miss = client.get(url)
    hit = client.get(url)
    assert (miss["X-Public-Cache"], hit["X-Public-Cache"]) == ("miss", "hit")
    assert hit.content == miss.content
    assert {name: value for name, value in hit.items() if name != "X-Public-Cache"} == {
        name: value for name, value in miss.items() if name != "X-Public-Cache"
    }
    for header in (
        "Content-Type",
        "Content-Language",
        "Content-Length",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ):
        assert hit[header], header
    assert hit["Content-Language"] == "en"
    assert hit["Content-Length"] == str(len(hit.content))
    assert "Cookie" in hit["Vary"]
    assert "nonce" not in hit["Content-Security-Policy"]
    assert not hit.cookies


def test_a_hit_is_answered_in_the_language_the_locale_middleware_picks(client, settings):
    """The sitemap has no language prefix: its language comes from the cookie or
    Accept-Language, and the cache keys it the same way the middleware picks it."""
    english = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert (english["X-Public-Cache"], chinese["X-Public-Cache"]) == ("miss", "miss")
    assert client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    hit = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert (hit["X-Public-Cache"], hit["Content-Language"]) == ("hit", "zh-hans")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    by_cookie = client.get("/sitemap.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert (by_cookie["X-Public-Cache"], by_cookie["Content-Language"]) == ("hit", "zh-hans")


def test_a_host_outside_allowed_hosts_is_refused_not_answered_from_the_cache(client):
    url = directory_url()
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    refused = client.get(url, HTTP_HOST="attacker.example")
    assert refused.status_code == 400
    assert "X-Public-Cache" not in refused
    # Refused further in, by CommonMiddleware, so the answer still gets every header.
    assert "Content-Security-Policy" in refused


def test_a_refused_user_agent_is_not_answered_from_the_cache(client, settings):
    url = directory_url()
    client.get(url)
    settings.DISALLOWED_USER_AGENTS = [re.compile(r"BadBot")]
    refused = client.get(url, HTTP_USER_AGENT="BadBot/1.0")
    assert refused.status_code == 403
    assert client.get(url, HTTP_USER_AGENT="Mozilla/5.0")["X-Public-Cache"] == "hit"


def test_a_render_reads_the_generation_once(client, site_tree, cache_calls):
    caching.generation()  # as on a running site: the generation exists
    for url in (site_tree.en["article"].url, directory_url()):
        cache_calls.clear()
        assert client.get(url)["X-Public-Cache"] == "miss"
        assert len(cache_calls.touching_generation()) == 1, cache_calls.touching_generation()
        assert cache_calls.calls[0][0] == "get_many"
        # The render's memos and fragments were made under that generation.
        current = caching.generation()
        made = [
            key for name, key in cache_calls.calls if name == "set" and key.startswith(("cms:memo", "cms:fragment"))
        ]
        assert made
        assert all(f":{current}:" in key for key in made)


def test_a_signed_in_reader_reads_the_generation_once_too(client, site_tree, cache_calls):
    caching.generation()
    login(client, UserFactory(ngo_member=True))
    cache_calls.clear()
    response = client.get(site_tree.en["article"].url)
    assert "X-Public-Cache" not in response
    assert len(cache_calls.touching_generation()) == 1


def test_a_purge_is_one_write_and_makes_the_next_request_a_miss(client, site_tree, cache_calls):
    url = site_tree.en["article"].url
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    cache_calls.clear()
    caching.purge()
    assert [name for name, _key in cache_calls.calls] == ["incr"]
    response = client.get(url)
    assert response["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"


def test_an_entry_of_an_older_generation_is_a_miss(client):
    url = directory_url()
    client.get(url)
    caching.purge()
    # The old page is still stored under its key, but it belongs to the old generation.
    stale = [key for key in caches["default"]._cache if caching.KEY_PREFIX in key]
    assert stale
    response = client.get(url)
    assert response["X-Public-Cache"] == "miss"


def test_a_page_for_a_signed_in_reader_is_never_served_from_or_stored_in_the_cache(client, site_tree):
    url = site_tree.en["article"].url
    anonymous = client.get(url)
    assert anonymous["X-Public-Cache"] == "miss"
    login(client, UserFactory(ngo_member=True))
    signed_in = client.get(url)
    assert "X-Public-Cache" not in signed_in
    assert "Sign out" in signed_in.content.decode()
    caching.purge()
    assert "X-Public-Cache" not in client.get(url)  # nothing stored for the signed-in reader
    client.logout()
    again = client.get(url)
    assert again["X-Public-Cache"] == "miss"
    assert "Sign out" not in again.content.decode()


def test_query_strings_languages_and_hosts_are_cached_apart(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    OrganisationFactory(verified=True)
    url = directory_url()
    assert client.get(url)["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"
    assert client.get(url, {"page": "2"})["X-Public-Cache"] == "miss"
    assert client.get(url, {"page": "2"})["X-Public-Cache"] == "hit"
    chinese = client.get(directory_url("zh-hans"))
    assert chinese["X-Public-Cache"] == "miss"
    assert chinese["Content-Language"] == "zh-hans"
    assert client.get(url, HTTP_HOST="other.example")["X-Public-Cache"] == "miss"
    english = client.get(url)
    assert english["X-Public-Cache"] == "hit"
    assert english["Content-Language"] == "en"


def test_a_session_cookie_or_a_flash_message_bypasses_the_cache(client, cache_calls):
    url = directory_url()
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    cache_calls.clear()
    response = client.get(url)
    assert "X-Public-Cache" not in response
    assert not any(name == "get_many" for name, _key in cache_calls.calls)
    del client.cookies[settings.SESSION_COOKIE_NAME]
    client.cookies["messages"] = "something"
    assert "X-Public-Cache" not in client.get(url)


# --- The middleware's own rules (no page tree needed) ----------------------------------


def _anonymous(rf, path="/en/probe/"):
    return rf.get(path)


def _middleware(render):
    def view(request):
        return caching.serve_cached(request, lambda: render(request))

    return PublicPageCacheMiddleware(view)


def test_a_purge_during_the_render_leaves_a_stale_entry(rf):
    renders = []

    def render(request):
        renders.append(1)
        if len(renders) == 1:
            caching.purge()  # the data changed while the page was being rendered
        return HttpResponse(f"render {len(renders)}")

    middleware = _middleware(render)
    assert middleware(_anonymous(rf))["X-Public-Cache"] == "miss"
    second = middleware(_anonymous(rf))
    assert second.content == b"render 2"
    assert second["X-Public-Cache"] == "miss"
    assert middleware(_anonymous(rf)).content == b"render 2"


def test_a_page_that_rendered_a_csrf_token_or_set_a_cookie_is_not_stored(rf):
    def with_token(request):
        get_token(request)
        return HttpResponse("form")

    def with_cookie(request):
        response = HttpResponse("cookie")
        response.set_cookie("seen", "1")
        return response

    for render in (with_token, with_cookie):
        middleware = _middleware(render)
        assert "X-Public-Cache" not in middleware(_anonymous(rf))
        assert "X-Public-Cache" not in middleware(_anonymous(rf))


def test_views_not_behind_serve_cached_are_not_stored(rf):
    middleware = PublicPageCacheMiddleware(lambda request: HttpResponse("dashboard"))
    assert "X-Public-Cache" not in middleware(_anonymous(rf))
    assert "X-Public-Cache" not in middleware(_anonymous(rf))


def test_the_generation_is_kept_for_the_request_and_forgotten_after(rf, cache_calls):
    caching.generation()
    reads = []

    def render(request):
        for _ in range(5):
            reads.append(caching.generation())
        caching.memoize("probe", compute=lambda: "x")
        caching.fragment_key(["probe"])
        return HttpResponse("page")

    middleware = _middleware(render)
    cache_calls.clear()
    middleware(_anonymous(rf))
    assert len(cache_calls.touching_generation()) == 1
    caching.purge()
    middleware(_anonymous(rf, "/en/other/"))
    assert reads[-1] == reads[0] + 1  # the next request sees the purge
    cache_calls.clear()
    caching.generation()  # outside a request: read from the cache
    assert len(cache_calls.touching_generation()) == 1


def test_a_purge_within_a_request_is_seen_by_the_rest_of_it(rf):
    seen = []

    def render(request):
        seen.append(caching.generation())
        caching.purge()
        seen.append(caching.generation())
        return HttpResponse("page")

    _middleware(render)(_anonymous(rf))
    assert seen[1] == seen[0] + 1


def test_a_switched_off_cache_neither_looks_up_nor_stores(rf, settings, cache_calls):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    middleware = _middleware(lambda request: HttpResponse("page"))
    cache_calls.clear()
    assert "X-Public-Cache" not in middleware(_anonymous(rf))
    assert not any(name in ("get_many", "set") for name, _key in cache_calls.calls)


# --- Redis, as in production (skipped when it does not answer) -------------------------


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def redis_commands(monkeypatch):
    """The default cache on Redis (django-redis, as config/settings/base.py sets it up for
    a redis:// CACHE_URL), with every command sent to it recorded."""
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    config = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    with override_settings(CACHES=config):
        caches["default"].clear()
        commands = []
        execute = redis.Redis.execute_command

        def recorded(self, *args, **options):
            commands.append(args)
            return execute(self, *args, **options)

        monkeypatch.setattr(redis.Redis, "execute_command", recorded)
        yield commands
        monkeypatch.undo()
        caches["default"].clear()


def _generation_commands(commands):
    return [command for command in commands if any(str(part).endswith(caching.GENERATION_KEY) for part in command)]


def test_on_redis_a_hit_is_one_mget_and_a_render_reads_the_generation_once(
    client, site_tree, redis_commands, no_routing, django_assert_num_queries
):
    caching.generation()
    for url in (site_tree.en["article"].url, directory_url()):
        redis_commands.clear()
        assert client.get(url)["X-Public-Cache"] == "miss"
        assert len(_generation_commands(redis_commands)) == 1, redis_commands
        assert redis_commands[0][0] == "MGET"
    no_routing()
    for url in (site_tree.en["article"].url, directory_url()):
        redis_commands.clear()
        with django_assert_num_queries(0):
            assert client.get(url)["X-Public-Cache"] == "hit"
        assert [command[0] for command in redis_commands] == ["MGET"], redis_commands


def test_on_redis_a_purge_is_one_command_and_the_next_request_a_miss(client, redis_commands):
    url = directory_url()
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    redis_commands.clear()
    caching.purge()
    assert len(redis_commands) == 1
    assert client.get(url)["X-Public-Cache"] == "miss"
    assert client.get(url)["X-Public-Cache"] == "hit"


def test_migrate_purges_the_public_cache(client):
    """A deploy migrates; pages the previous release rendered (its headers, its static
    file names) are not answered by the new one."""
    url = directory_url()
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    call_command("migrate", verbosity=0)
    assert client.get(url)["X-Public-Cache"] == "miss"


def test_a_cache_that_does_not_answer_does_not_stop_migrate(monkeypatch, caplog):
    def unreachable():
        raise ConnectionError("cache down")

    monkeypatch.setattr(caching, "purge", unreachable)
    signals.purge_public_pages_after_migrate(sender=None)
    assert "could not be purged" in caplog.text
