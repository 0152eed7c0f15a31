"""Every HTML page carries a Content-Security-Policy: no inline script on public and
portal pages (they are cached whole, so no nonce either), a relaxed one in Wagtail's
admin, and the header on pages answered from the page cache too."""

import re
from pathlib import Path

import pytest
from csp.constants import NONCE
from csp.decorators import csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from core.middleware import ContentSecurityPolicyMiddleware
from tests.cms.site import build_site
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import MembershipFactory, OrganisationFactory
from tests.utils.auth import login

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name.lower()] = sources
    return directives


def script_sources(directives) -> list[str]:
    return directives.get("script-src", directives.get("default-src", []))


def inline_scripts(html: str) -> list[str]:
    """Markup a strict script-src would block: <script> without src (other than JSON
    data), on*= handler attributes and javascript: URLs."""
    found = []
    for match in SCRIPT_TAG.finditer(html):
        attributes = match.group(1)
        if re.search(r"\ssrc\s*=", attributes, re.IGNORECASE):
            continue
        if re.search(r"""type\s*=\s*["']?application/(?:ld\+)?json""", attributes, re.IGNORECASE):
            continue
        found.append(match.group(0))
    found += [match.group(0) for match in EVENT_HANDLER.finditer(html)]
    found += [match.group(0) for match in JAVASCRIPT_URL.finditer(html)]
    return found


def assert_strict(response):
    directives = policy(response)
    path = response.request["PATH_INFO"]
    assert response.status_code == 200, path
    assert script_sources(directives) == ["'self'"], path
    assert "'unsafe-inline'" not in script_sources(directives), path
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert inline_scripts(response.content.decode()) == [], path


@pytest.fixture
def organisation():
    return OrganisationFactory(verified=True)


@pytest.fixture
def member(organisation):
    user = UserFactory(ngo_member=True)
    MembershipFactory(organisation=organisation, user=user)
    return user


@pytest.fixture
def draft(organisation, member):
    officer = UserFactory(officer=True)
    call = CallFactory(funder=FunderFactory(officers=[officer]))
    return ApplicationFactory(call=call, organisation=organisation, created_by=member)


def test_public_pages_forbid_inline_scripts(client, organisation):
    site = build_site()
    CallFactory(funder=FunderFactory())
    for url in [
        "/en/",
        site.en["article"].url,
        site.en["showcase"].url,
        reverse("cms:calls"),
        reverse("cms:directory"),
        reverse("cms:organisation", kwargs={"pk": organisation.pk}),
        reverse("account_login"),
        reverse("account_signup"),
    ]:
        assert_strict(client.get(url))


def test_portal_pages_forbid_inline_scripts(client, member, organisation, draft):
    login(client, member)
    for url in [
        reverse("accounts:dashboard"),
        reverse("incubator:home"),
        reverse("incubator:organisation_detail", kwargs={"pk": organisation.pk}),
        reverse("grants:application_edit", kwargs={"pk": draft.pk}),
    ]:
        assert_strict(client.get(url))


def test_reviewer_pages_forbid_inline_scripts():
    client = login(Client(), UserFactory(reviewer=True))
    for url in [reverse("review:assignment_list"), reverse("review:profile")]:
        assert_strict(client.get(url))


def test_a_page_served_from_the_page_cache_carries_the_policy_too(client, organisation):
    first = client.get(reverse("cms:directory"))
    second = client.get(reverse("cms:directory"))
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert policy(second) == policy(first)
    assert_strict(second)


def test_no_nonce_reaches_the_header_of_a_public_page(client):
    """A nonce in the header of a cached page would be the same for every reader."""
    header = client.get("/en/")["Content-Security-Policy"]
    assert "nonce-" not in header


def test_wagtail_admin_gets_its_own_relaxed_policy():
    client = login(Client(), UserFactory(is_superuser=True, is_staff=True, mfa=True))
    home = build_site().en["home"]
    for url in ["/admin/", "/admin/pages/", f"/admin/pages/{home.pk}/edit/", "/admin/grants/calls/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = policy(response)
        assert directives["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert "'unsafe-eval'" not in directives["script-src"]
        assert directives["frame-ancestors"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"]


def test_form_action_lets_the_donation_form_hand_over_to_stripe_checkout(client):
    directives = policy(client.get("/en/"))
    assert "'self'" in directives["form-action"]
    assert "https://checkout.stripe.com" in directives["form-action"]


def project_templates():
    roots = [Path(settings.BASE_DIR) / "templates"]
    for app in ("accounts", "core", "home", "cms", "incubator", "grants"):
        roots += (Path(settings.BASE_DIR) / app).rglob("templates")
    for root in roots:
        for path in root.rglob("*.html"):
            relative = path.relative_to(root)
            # Pages of Wagtail's admin (the project's admin views and overrides) run
            # under the admin's relaxed policy.
            if any("admin" in part for part in relative.parts[:-1]):
                continue
            yield path


def test_no_template_outside_the_admin_has_inline_script():
    templates = list(project_templates())
    assert len(templates) > 50
    offenders = {str(path): found for path in templates if (found := inline_scripts(path.read_text()))}
    assert offenders == {}


def test_the_checker_finds_what_a_strict_policy_blocks():
    assert inline_scripts('<script>alert(1)</script><button onclick="go()">')
    assert inline_scripts('<a href="javascript:void(0)">')
    assert not inline_scripts('<script src="/static/a.js" defer></script>')
    assert not inline_scripts('<script id="data" type="application/json">{"a": 1}</script>')


# --- The policies kept per process (core.middleware.ContentSecurityPolicyMiddleware) ------


def _answer(middleware, request, response=None):
    middleware.process_request(request)
    return middleware.process_response(request, response or HttpResponse("ok"))


def _django_csp_header(request, response=None):
    """What django-csp's own middleware, given our policy parts, would send."""

    class DjangoCsp(ContentSecurityPolicyMiddleware):
        process_response = CSPMiddleware.process_response

    return _answer(DjangoCsp(lambda r: None), request, response or HttpResponse("ok"))["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/en/", "/zh-hans/directory/", "/admin/", "/admin/grants/calls/", "/portal/"])
def test_the_kept_policy_is_the_one_django_csp_builds(rf, path):
    middleware = ContentSecurityPolicyMiddleware(lambda r: None)
    first, again = _answer(middleware, rf.get(path)), _answer(middleware, rf.get(path))
    assert first["Content-Security-Policy"] == again["Content-Security-Policy"] == _django_csp_header(rf.get(path))


def test_a_nonce_a_decorator_or_a_preview_still_changes_the_header(rf, settings):
    # A policy that offers nonces (the site's does not: its pages are cached whole).
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": [*directives["script-src"], NONCE]}}
    middleware = ContentSecurityPolicyMiddleware(lambda r: None)
    plain = _answer(middleware, rf.get("/en/"))["Content-Security-Policy"]

    request = rf.get("/en/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    with_nonce = middleware.process_response(request, HttpResponse("ok"))["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in with_nonce and "nonce-" not in plain

    updated = csp_update({"img-src": ["https://tiles.example.org"]})(lambda request: HttpResponse("ok"))
    request = rf.get("/en/")
    header = _answer(middleware, request, updated(request))["Content-Security-Policy"]
    assert "https://tiles.example.org" in header

    preview = rf.get("/en/")
    preview.is_preview = True
    assert "frame-ancestors 'self'" in _answer(middleware, preview)["Content-Security-Policy"]
    # ... and none of these changed the policy kept for everyone else.
    assert _answer(middleware, rf.get("/en/"))["Content-Security-Policy"] == plain


def test_a_changed_setting_is_seen_and_a_late_nonce_is_refused(rf, settings):
    middleware = ContentSecurityPolicyMiddleware(lambda r: None)
    assert "report.example.org" not in _answer(middleware, rf.get("/en/"))["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "report-uri": "https://report.example.org/"}
    }
    request = rf.get("/en/")
    assert "report-uri https://report.example.org/" in _answer(middleware, request)["Content-Security-Policy"]
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
