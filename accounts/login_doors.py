"""Every way in goes through allauth's login form and its rate limits.

Wagtail mounts a login form of its own at /admin/login/ (and Wagtail's page serving one
at /_util/login/): plain Django login views, without allauth's limits or its MFA step.
The URL map sends both here, and these views only redirect: a POST of credentials to
them authenticates nobody. The limits themselves are allauth's (ACCOUNT_RATE_LIMITS in
config/settings/base.py), keyed per account and per client address.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt


def _safe_next(request, default: str) -> str:
    candidate = request.GET.get("next") or request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _to_site_login(request, *, default_next: str):
    next_url = _safe_next(request, default_next)
    if request.method == "GET" and request.user.is_authenticated:
        # As Wagtail's own view did: someone already signed in goes on to the page.
        return redirect(next_url)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


# Exempt from CSRF so that a stale form posting here is redirected, not refused: the
# view reads no credentials and changes nothing.
@never_cache
@csrf_exempt
def admin_login(request):
    """/admin/login/: to the site's login form, then back to the admin (or `next`)."""
    return _to_site_login(request, default_next=reverse("wagtailadmin_home"))


@never_cache
@csrf_exempt
def frontend_login(request):
    """Wagtail's /_util/login/: to the site's login form, then back to `next` (or home)."""
    return _to_site_login(request, default_next="/")
