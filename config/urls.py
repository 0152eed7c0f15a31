"""URL map. User-facing pages live under a language prefix (/en/, /zh-hans/); the
Wagtail admin, webhooks, static/media and machine endpoints do not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import login_doors
from accounts import views as accounts_views
from cms import views as cms_views
from core import views as core_views

urlpatterns = [
    # Wagtail's own login forms have no rate limit and no MFA step: both send people to
    # allauth's (accounts/login_doors.py). They must come before Wagtail's URLs.
    path("admin/login/", login_doors.admin_login, name="admin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico whatever the page links to (issue 14).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico")), name="favicon"),
    path("sitemap.xml", cms_views.sitemap, name="sitemap"),
    path("webhooks/", include("grants.payments.webhook_urls")),
    # The REST API reads the language from Accept-Language, not from a prefix (issue 18).
    path("api/", include("api.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += staticfiles_urlpatterns()
    # Only Wagtail's images are public media; CMS documents go through Wagtail's view and
    # uploads through the permission-checked views (core/private_files.py).
    urlpatterns += [
        re_path(
            r"^media/(?P<path>(?:original_images|images|avatar_images)/.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]

urlpatterns += i18n_patterns(
    # allauth's TOTP set-up and recovery codes, returning to the page that asked for them.
    path("accounts/2fa/totp/activate/", accounts_views.activate_totp, name="mfa_activate_totp"),
    path("accounts/2fa/recovery-codes/", accounts_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path("accounts/", include("allauth.urls")),
    path("dashboard/", include("accounts.urls")),
    # Personal access tokens for the REST API (issue 18).
    path("dashboard/api-tokens/", include("api.token_urls")),
    path("ngo/", include("incubator.urls")),
    path("grants/awards/", include("grants.awards.urls")),
    path("grants/", include("grants.calls.urls")),
    path("review/", include("grants.review.urls")),
    path("announcements/", include("grants.review.public_urls")),
    path("payments/", include("grants.payments.urls")),
    path("purchasing/delivery/", include("purchasing.delivery.urls")),
    path("purchasing/", include("purchasing.contracts.urls")),
    path("", include("cms.urls")),
    path("_util/login/", login_doors.frontend_login, name="frontend_login"),
    # Wagtail serves every other path; it must stay last.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
