"""Every page type of every role checked with axe-core (issue 14): no serious or
critical violation, in both languages (/en/ and /zh-hans/; the back office through
the user's preferred language) and at both widths (1280 and 375 px).

The pages come from the authorization matrix (tests/authz/cases/): each GET case is one
page type, opened once, by the first role it lets in (anonymous visitors, then an NGO
member, a reviewer, the programme officer, the finance officer), with the objects the
cases created. The CMS page tree (tests/cms/site.py) adds the public page types and the
Wagtail dashboard the back office's home. One browser; one context per role, signed in
once through the real login and TOTP forms.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection
from wagtail.users.models import UserProfile

from tests.authz.matrix import ALLOW
from tests.authz.test_matrix import case_path, collect_cases
from tests.authz.world import build_world
from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import browser_login, serve_media
from tests.cms.site import build_site

# Each group of pages and the role that opens them.
GROUPS = {
    "public": "anonymous",
    "ngo": "ngo_member",
    "reviewer": "reviewer",
    "officer": "programme_officer",
    "finance": "finance_officer",
}
ORDER = tuple(GROUPS.values())
# Wagtail's listings answer their filters with an HTML fragment from a "results" URL, and the
# defence projection polls a "live" one (htmx): part of a page, not one (no <html lang>, no
# <title>); axe checks them inside the page that shows them.
FRAGMENTS = ("index_results", "history_results", "_live")
# Known violations inside Wagtail's own rich-text editor (Draftail), which the project's
# templates cannot change: the editor's content box has no accessible name of its own
# (its label is the field's <label>, not tied to it) and scrolls without a tab stop.
# Matched by rule and by a marker in the target; left out only on back-office pages.
WAGTAIL_WIDGET_VIOLATIONS = {
    "aria-input-field-name": 'aria-describedby="placeholder-',
    "scrollable-region-focusable": "DraftEditor-root",
}
WIDTHS = ((1280, 900), (375, 812))
LANGUAGES = ("en", "zh-hans")


def first_role(case) -> str | None:
    return next((role for role in ORDER if case.outcome_for(role) == ALLOW), None)


def pages_of(group: str, world, tree) -> list[tuple[str, str]]:
    """(label, English path) of each page type the group's roles open first."""
    pages, seen = [], set()
    for case in collect_cases(world):
        if case.method != "get" or case.name in seen or case.name.endswith(FRAGMENTS):
            continue
        seen.add(case.name)
        if first_role(case) == GROUPS[group]:
            pages.append((case.name, case_path(case)))
    if group == "public":
        pages += [(f"cms:{name}", page.url) for name, page in tree.en.items()]
    if group == "officer":
        pages.insert(0, ("wagtailadmin_home", "/admin/"))
    return pages


def without_wagtail_widgets(violations: list[dict], path: str) -> list[dict]:
    """The violations, less the nodes of WAGTAIL_WIDGET_VIOLATIONS on back-office pages."""
    if not path.startswith("/admin/"):
        return violations
    kept = []
    for violation in violations:
        marker = WAGTAIL_WIDGET_VIOLATIONS.get(violation["id"])
        nodes = [n for n in violation["nodes"] if not marker or marker not in str(n["target"])]
        if nodes:
            kept.append({**violation, "nodes": nodes})
    return kept


def in_language(path: str, language: str) -> str:
    if path.startswith("/en/"):
        return f"/{language}/{path[4:]}"
    return path


def use_language(user, language):
    """The back office (paths without a language prefix) speaks the user's language."""
    if user is not None:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])


def check_pages(page, live_server, pages, *, user=None):
    """Each page is loaded once per language and checked at each width: the viewport is
    resized in place (media queries apply on resize), which halves the page loads."""
    failures, checked = [], []
    for language in LANGUAGES:
        use_language(user, language)
        for label, english_path in pages:
            path = in_language(english_path, language)
            # Files, feeds and icons are not pages, and an object of one language may
            # have no page in the other (the matrix checks statuses): ask first.
            head = page.context.request.get(f"{live_server.url}{path}")
            if head.status >= 400 or "text/html" not in (head.headers.get("content-type") or ""):
                continue
            page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, f"{path} answered {response.status}"
            checked.append(path)
            for width, height in WIDTHS:
                page.set_viewport_size({"width": width, "height": height})
                violations = without_wagtail_widgets(axe_violations(page), path)
                if violations:
                    failures.append(f"{label} {path} at {width}px ({language}):\n{describe(violations)}")
    return checked, failures


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.tree = build_site(organisation=world.ngo_org)
    return world


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_page_type_passes_axe(page, live_server, world, group):
    if connection.vendor != "sqlite":
        # The markup does not depend on the database; CI's SQLite pass runs this (20 min).
        pytest.skip("accessibility is checked in the SQLite run")
    serve_media(page, live_server)
    user = world.users[GROUPS[group]]
    if user is not None:
        browser_login(page, live_server, user)
    pages = pages_of(group, world, world.tree)
    assert pages
    checked, failures = check_pages(page, live_server, pages, user=user)
    if os.environ.get("A11Y_REPORT"):
        print(f"\n{group}: {len(checked)} page views of {len(pages)} page types; {len(failures)} with violations")
        print("\n".join(sorted(set(checked))))
        print("\n".join(failures))
    assert checked
    assert not failures, "\n\n".join(failures)
