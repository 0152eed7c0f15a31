import importlib
import pkgutil

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from tests.authz import cases as cases_package
from tests.authz.matrix import ALLOW, FORBIDDEN, LOGIN, MFA, NOT_ALLOWED, NOT_FOUND, ROLES
from tests.authz.world import build_world
from tests.factories.accounts import UserFactory
from tests.utils.auth import login

PROJECT_PACKAGES = {"accounts", "core", "home", "cms", "incubator", "grants", "purchasing", "config", "webhooks", "api"}


def all_case_modules():
    for info in pkgutil.iter_modules(cases_package.__path__):
        yield importlib.import_module(f"{cases_package.__name__}.{info.name}")


def collect_cases(world):
    collected = []
    for module in all_case_modules():
        collected.extend(module.cases(world))
    return collected


def project_url_names() -> set[str]:
    """Every named URL whose view is the project's own code (not Django's, allauth's or Wagtail's)."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
                continue
            view = getattr(pattern.callback, "view_class", pattern.callback)
            if view.__module__.split(".")[0] not in PROJECT_PACKAGES:
                continue
            names.add(namespace + (pattern.name or f"<unnamed {pattern.pattern}>"))

    walk(get_resolver().url_patterns, "")
    return names


def case_path(case) -> str:
    if case.path:
        return case.path
    with translation.override("en"):
        return reverse(case.name, kwargs=case.kwargs or None) + case.query


def observed_outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if "/accounts/login/" in location or location.startswith("/admin/login/"):
            return LOGIN
        if "/accounts/2fa/" in location:
            return MFA
        return ALLOW
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 405:
        return NOT_ALLOWED
    if status < 400:
        return ALLOW
    return f"status {status}"


def request_as(case, user, *, mfa=True):
    client = Client()
    if user is not None:
        login(client, user, mfa=mfa)
    path = case_path(case)
    if case.method == "post":
        return client.post(path, data=case.data or {})
    return client.get(path, data=case.data or None)


@pytest.mark.django_db
def test_every_project_url_has_an_authorization_case():
    world = build_world()
    covered = {case.name for case in collect_cases(world)}
    missing = sorted(project_url_names() - covered)
    assert not missing, f"URLs without an authorization case in tests/authz/cases/: {missing}"


@pytest.mark.django_db
def test_each_role_gets_the_expected_outcome_on_every_url():
    world = build_world()
    failures = []
    for case in collect_cases(world):
        for role in ROLES:
            expected = case.outcome_for(role)
            response = request_as(case, world.users[role])
            actual = observed_outcome(response)
            if actual != expected:
                failures.append(f"{case.label} as {role}: expected {expected}, got {actual} ({response.status_code})")
    assert not failures, "\n".join(failures)


def _is_mfa_protected(path: str) -> bool:
    bare = path.split("/", 2)[-1] if path.startswith(("/en/", "/zh-hans/")) else path.lstrip("/")
    return any(f"/{bare}".startswith(prefix) for prefix in settings.MFA_PROTECTED_PREFIXES)


@pytest.mark.django_db
def test_staff_and_reviewers_without_mfa_reach_no_staff_or_review_page():
    world = build_world()
    officer_without_totp = UserFactory(officer=True, mfa=False)
    reviewer_without_totp = UserFactory(reviewer=True, mfa=False)
    checked = 0
    for case in collect_cases(world):
        path = case_path(case)
        if not _is_mfa_protected(path):
            continue
        for role, user in (("programme_officer", officer_without_totp), ("reviewer", reviewer_without_totp)):
            if case.outcome_for(role) != ALLOW:
                continue
            assert observed_outcome(request_as(case, user)) == MFA, f"{case.label}: {role} without TOTP got in"
            # Has TOTP, but this session never answered the challenge (e.g. Wagtail's own login form).
            assert observed_outcome(request_as(case, world.users[role], mfa=False)) == MFA, (
                f"{case.label}: {role} without a passed MFA challenge got in"
            )
            checked += 1
    assert checked > 0
