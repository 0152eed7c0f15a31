"""Smoke test of every staff page: no back-office URL answers 500 to any staff role.

For each staff role (programme officer, finance officer, editor, administrator) every
URL under /admin/ is opened (tests/smoke/cases.py maps every pattern to a path), and
every add/edit form that opens is posted back unchanged. `test_forms_save_new_data`
then fills the main forms with valid new data and checks that they save. Each request
runs in a savepoint that is rolled back, so every page sees the same world.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.users.models import UserProfile

from tests.factories.accounts import UserFactory
from tests.smoke.cases import SKIPPED, admin_routes, cases, is_form_page, is_project_view, route_of
from tests.smoke.forms import form_data, post_forms
from tests.smoke.new_data import NEW_DATA
from tests.smoke.world import ROLES, build_staff_world
from tests.utils.auth import login

ROOT = Path(__file__).resolve().parents[2]


def staff_client(user) -> Client:
    return login(Client(), user)


def set_admin_language(user, language: str) -> None:
    """Wagtail shows its admin in the language of the user's profile ("" = the site's default)."""

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])


def request(client, method: str, path: str, data=None, *, keep=False):
    """(response, error). Rolled back unless `keep`; an exception in the view is returned.

    A rolled-back request also takes back what it did to the session (a new key after a
    save, the cookie Wagtail's logout view deletes even on a refused GET), so the client
    keeps the cookie of the session that still exists."""
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    session_key = cookie.value if cookie else None
    try:
        with transaction.atomic():
            response = client.post(path, data or {}) if method == "post" else client.get(path)
            if not keep:
                transaction.set_rollback(True)
        return response, None
    except Exception as error:  # noqa: BLE001  (the view's error is what the test reports)
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if f.filename.startswith(str(ROOT)) and "/.venv/" not in f.filename]
        where = " ← ".join(f"{Path(f.filename).relative_to(ROOT)}:{f.lineno}" for f in reversed(ours[-3:]))
        return None, f"{type(error).__name__}: {error} ({where})"
    finally:
        if session_key and not keep:
            client.cookies[settings.SESSION_COOKIE_NAME] = session_key


def signed_out(response) -> bool:
    """A redirect to a login or second-factor page (the session may have ended)."""
    location = response.get("Location", "") if response.status_code in (301, 302, 303, 307, 308) else ""
    return any(part in location for part in ("/login/", "/accounts/2fa/"))


def problem(label, response, error) -> str | None:
    if error is not None:
        return f"{label}: {error}"
    if response.status_code >= 500:
        return f"{label}: status {response.status_code}"
    return None


@pytest.mark.django_db
def test_every_back_office_url_has_a_smoke_case():
    world = build_staff_world()
    routes = {route.route for route in admin_routes()}
    covered = {route_of(case.path) for case in cases(world)}
    missing = sorted(routes - covered - set(SKIPPED))
    assert not missing, f"back-office URLs without a case in tests/smoke/cases.py: {missing}"
    stale = sorted(set(SKIPPED) - routes)
    assert not stale, f"SKIPPED names URLs that no longer exist: {stale}"
    assert len(routes) > 300


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "language"), [*((role, "") for role in ROLES), ("administrator", "zh-hans")], ids=lambda value: value
)
def test_no_staff_page_answers_500(role, language):
    """`language` is the user's admin language: a translation can break a page the English one does not."""
    world = build_staff_world()
    set_admin_language(world.users[role], language)
    client = staff_client(world.users[role])
    if language:
        assert f'lang="{language}"' in client.get("/admin/").content.decode()
    failures, opened, pages, submitted = [], 0, 0, 0
    for case in cases(world):
        response, error = request(client, "get", case.path)
        found = problem(f"GET {case.path}", response, error)
        if found:
            failures.append(found)
            continue
        opened += 1
        if signed_out(response) and client.get("/admin/").status_code != 200:
            # Wagtail sends a user without a permission to the login page: fine while the session lives.
            failures.append(f"GET {case.path}: the session was lost; the pages after it would go untested")
            client = staff_client(world.users[role])
        pages += response.status_code == 200
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if is_form_page(case.path):
            data = form_data(html, case.path)
            forms = [] if data is None else [(case.path, data)]
        elif is_project_view(case.path):
            # The project's own pages: every form on them (actions included), as a click would send it.
            forms = [(action, data) for action, data in post_forms(html, case.path) if is_project_view(action)]
        else:
            continue
        for action, data in forms:
            response, error = request(client, "post", action, data)
            submitted += 1
            found = problem(f"POST {action} (unchanged, from {case.path})", response, error)
            if found:
                failures.append(found)
    assert not failures, f"{role}:\n" + "\n".join(failures)
    assert opened > 300
    if role == "administrator":  # the administrator opens (nearly) every page and form
        assert pages > 300
        assert submitted > 60


@pytest.mark.django_db
def test_forms_save_new_data():
    """The main add and edit forms, filled with valid new data, save (one world for all)."""
    world = build_staff_world()
    failures, saved = [], 0
    for new in NEW_DATA:
        for role in new.roles:
            found = _submit_new_data(world, new, role)
            if found:
                failures.append(f"{new.label} as {role}: {found}")
            else:
                saved += 1
    assert not failures, "\n".join(failures)
    assert saved == sum(len(new.roles) for new in NEW_DATA)


def _submit_new_data(world, new, role) -> str | None:
    set_admin_language(world.users[role], new.language)
    client = staff_client(world.users[role])
    path = new.path(world)
    response, error = request(client, "get", path)
    if error or response.status_code != 200:
        return f"GET {path}: {error or response.status_code}"
    html = response.content.decode()
    if new.language and f'lang="{new.language}"' not in html:
        return f"GET {path}: the page is not in {new.language}"
    data = form_data(html, path)
    if data is None:
        return f"GET {path}: no form"
    suffix = f"{role[:3]}{timezone.now():%H%M%S%f}"
    for name, value in new.data(world, suffix).items():
        data[name] = [str(item) for item in (value if isinstance(value, list) else [value])]
    response, error = request(client, "post", path, data, keep=True)
    if error or response.status_code >= 500:
        return f"POST {path}: {error or response.status_code}"
    if response.status_code == 200:
        return f"POST {path}: the form was refused: {_form_errors(response.content.decode())}"
    if response.status_code not in (301, 302):
        return f"POST {path}: status {response.status_code}"
    if not new.saved(world, suffix):
        return f"POST {path}: answered {response.status_code} but nothing was saved"
    return None


def _form_errors(html: str) -> str:
    """The messages a refused form shows, StreamField errors included (they travel as JSON)."""

    soup = BeautifulSoup(html, "html.parser")
    texts = [" ".join(node.get_text(" ", strip=True).split()) for node in soup.select(".error-message, .help-critical")]
    streams = [
        f"{node.get('id')}: {node['data-w-block-arguments-value'][-300:]}"
        for node in soup.select("[data-w-block-arguments-value]")
        if not node["data-w-block-arguments-value"].endswith(",null]")
    ]
    return "; ".join(text for text in texts + streams if text) or "no message found"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "namespace", ["incubator_incubatees", "incubator_subsidies", "grants_applications", "incubator_areas"]
)
def test_objects_born_in_a_workflow_have_no_add_form(namespace):
    """Their "Add" form could only save half an object (it answered 500): it is gone."""

    model = {
        "incubator_incubatees": "incubator.Incubatee",
        "incubator_subsidies": "incubator.Subsidy",
        "grants_applications": "grants.Application",
        "incubator_areas": "incubator.Area",
    }[namespace]
    before = apps.get_model(model).objects.count()
    client = staff_client(UserFactory(is_staff=True, is_superuser=True, mfa=True))
    add = reverse(f"{namespace}:add")
    for response in (client.get(add), client.post(add, {})):
        # Wagtail refuses a missing permission by sending the user back to the admin's home.
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert apps.get_model(model).objects.count() == before
    index = client.get(reverse(f"{namespace}:index"))
    assert index.status_code == 200
    assert add not in index.content.decode()
