"""Settings shared by every environment.

Everything that differs between machines comes from environment variables (see
`.env.example`); each has an embedded default so that a fresh checkout runs on SQLite
with eager Celery tasks, console email and payments in manual mode. Safe by default:
DEBUG is off unless a settings module turns it on.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-secret-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -------------------------------------------------------------------

INSTALLED_APPS = [
    # Project apps first so their templates override third-party ones.
    "accounts",
    "core",
    "core.bulk_import",  # its own label (bulk_import) and migrations
    "home",
    "cms",
    "incubator",
    "grants.calls",
    "grants.review",
    "grants.awards",
    "grants.payments",
    "purchasing.contracts",
    "purchasing.delivery",
    "webhooks",
    "api",
    "demo",  # the demo data (load_demo); at the top of the stack
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # The REST API (api/, issue 18) and its OpenAPI schema; Swagger UI served from here.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.weixin",
    "allauth.socialaccount.providers.dingtalk",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers cached public pages, with the headers the middleware below gave the page
    # when it was rendered; only the two above run on a hit (cms/middleware.py).
    "cms.middleware.PublicPageCacheMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.middleware.CachedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site_context",
                "cms.context_processors.navigation",
            ],
        },
    },
]

# Django's own widget templates through Jinja2, the rest as Django's default renderer
# (core/form_renderer.py: issue 15).
FORM_RENDERER = "core.form_renderer.FastWidgetRenderer"

# --- Data ---------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections open between requests (a new one per request costs several ms, on
# SQLite as well as PostgreSQL); health checks drop one the server has closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHE_URL wins; else REDIS_URL; else local memory (one process, fine for development).
_cache_url = env("CACHE_URL", default="") or env("REDIS_URL", default="")
if _cache_url.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
elif _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions: in the database, read through the cache when the cache is shared (Redis), so a
# signed-in request costs no session query. Not on a per-process cache: a sign-out in one
# worker would leave the session alive in the others' copies.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].startswith("django_redis")
    else "django.contrib.sessions.backends.db"
)
# Life of cached public pages and shared fragments (0 turns them off); see docs/operations.md.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=600)

# --- Accounts -----------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend, each user's permissions kept under the data version (its docstring).
    "accounts.permissions_backend.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Legal Aid Hub] "
# One limiter for every way in: allauth's. Wagtail's admin login sends people to
# allauth's form (config/urls.py), and the MFA code form and password re-authentication
# count in "login_failed" too (the MFA form per user). The counters live in the cache,
# so production must use a shared cache such as Redis. Each limit counts per account
# ("key": the email typed) and per client ("ip"); the per-client allowance is larger than
# the per-account one, so a client that locked one account out can still sign in to
# another, and a client that sprays made-up emails is stopped without stopping the others.
# A successful login takes its own attempt back.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/15m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/15m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
}
# The client's address: REMOTE_ADDR unless the operator says how many proxies of theirs
# append to X-Forwarded-For (TRUSTED_PROXY_COUNT) or which header their proxy sets to the
# client's address (TRUSTED_CLIENT_IP_HEADER, which wins when both are set). Off by
# default: a header a client can write must not choose its own rate-limit bucket.
# See docs/operations.md, "Logins and proxies".
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Legal Aid Hub"
# Accept the code of the neighbouring 30-second step too (RFC 6238 section 5.2): a
# phone clock a few seconds off, or a code typed as the step turns, is not a failed
# login. allauth still refuses a code that was already used.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# Sign-in with WeChat (Open Platform website QR login) and DingTalk through allauth's
# providers (accounts/social/). Each is on only when its app id and secret are set; off, it
# is on no page and its URLs answer 404. No email address from a provider is trusted and
# none links accounts: a new person signs up with a verified email; an existing one links
# from the account page once their email is verified (accounts.adapters, docs/operations.md).
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10


def _social_app(client_id: str, secret: str) -> list[dict]:
    return [{"client_id": client_id, "secret": secret}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS = {
    "weixin": {
        "provider_class": "accounts.social.weixin.provider.WeixinProvider",
        "APPS": _social_app(env("WECHAT_APP_ID", default=""), env("WECHAT_APP_SECRET", default="")),
        "SCOPE": ["snsapi_login"],
        "VERIFIED_EMAIL": False,
    },
    "dingtalk": {
        "provider_class": "accounts.social.dingtalk.provider.DingTalkProvider",
        "APPS": _social_app(env("DINGTALK_CLIENT_ID", default=""), env("DINGTALK_CLIENT_SECRET", default="")),
        "SCOPE": ["openid"],
        "AUTH_PARAMS": {"prompt": "consent"},
        "VERIFIED_EMAIL": False,
    },
}

# Paths (after the language prefix) that only a user with MFA may reach when their
# role requires it; see accounts.middleware.
MFA_PROTECTED_PREFIXES = ["/admin/", "/review/", "/staff/"]

# --- Internationalisation -----------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# locale_wagtail/ completes Wagtail's own zh_Hans catalogues (not touched by makemessages, which writes to
# the first entry); Django merges LOCALE_PATHS in reverse, so locale/ wins over it and both over the apps.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Off: a new page is not mirrored as an alias (English text at a Chinese address); editors
# translate it with the "Translate" action, and until then the language switch leads to
# the nearest translated section.
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False

# --- Static and media ---------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Public media: only Wagtail's images and renditions (and CMS documents, which Wagtail
# serves through its own view). Everything people upload is private (core/private_files.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Private uploads live outside MEDIA_ROOT, so publishing the media folder never publishes them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "core.private_files.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# How a permission-checked view hands over a private file: "django" streams it,
# "x-accel-redirect" lets nginx send it from an internal location (the prefix below),
# "signed-url" redirects to a short-lived signed URL (S3-compatible storage).
PRIVATE_FILES_SERVE = env("PRIVATE_FILES_SERVE", default="django")
PRIVATE_FILES_INTERNAL_PREFIX = env("PRIVATE_FILES_INTERNAL_PREFIX", default="/_private/")
PRIVATE_FILES_URL_SECONDS = env.int("PRIVATE_FILES_URL_SECONDS", default=60)
# Wagtail streams CMS documents through its view, which checks collection privacy.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Media on S3-compatible storage when a bucket is named: public images at the bucket's
# root as before, private uploads under private/ with signed URLs that expire in a minute
# (docs/operations.md).
if env("MEDIA_S3_BUCKET", default=""):
    _s3 = {
        "bucket_name": env("MEDIA_S3_BUCKET"),
        "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default=None),
        "access_key": env("MEDIA_S3_ACCESS_KEY", default=None),
        "secret_key": env("MEDIA_S3_SECRET_KEY", default=None),
        "region_name": env("MEDIA_S3_REGION", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3}
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private", "querystring_expire": PRIVATE_FILES_URL_SECONDS},
    }
    PRIVATE_FILES_SERVE = "signed-url"
if PRIVATE_FILES_SERVE not in ("django", "x-accel-redirect", "signed-url"):
    raise ImproperlyConfigured("PRIVATE_FILES_SERVE must be django, x-accel-redirect or signed-url.")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Email --------------------------------------------------------------------------

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Legal Aid Hub <noreply@legalaid.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------------

_broker = env("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process so the product works with nothing else.
CELERY_TASK_ALWAYS_EAGER = not _broker
CELERY_BROKER_URL = _broker or "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_EAGER_PROPAGATES = True
# Every task is idempotent, so none is acknowledged before it finished (acks_late), and
# one whose worker died under it (SIGKILL, out of memory) goes back to the queue
# (reject_on_worker_lost). The tasks that must not be lost (payments, webhooks, emails)
# also say so themselves. A worker reserves one message per process, not four: a
# reserved message waits in a busy worker and its visibility clock runs meanwhile.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands a message that was not acknowledged within the visibility timeout to
# another worker. That is how the task of a worker killed outright (SIGKILL, a container
# stopped without grace) runs again, so the timeout is short: redelivery within a minute.
# It is also what would run a task twice if the task were still running, or still
# waiting for its retry countdown, when the timeout ends. So no task is long and no task
# waits long inside Celery: time limits (seconds, enforced by the prefork pool) and retry
# countdowns stay under the timeout, and longer waits (payments and webhook events back
# off up to an hour) are kept in the database, where a periodic sweep queues what is due
# (grants/payments/retries.py). tests/core/test_celery_settings.py checks the relations;
# raise the timeout only to make redelivery slower, and lower it only with the limits.
TASK_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=45)
CELERY_TASK_SOFT_TIME_LIMIT = 25
CELERY_TASK_TIME_LIMIT = 30
# The longest countdown before a retry inside Celery (retry_backoff_max of the tasks
# that retry, and the delay of a retry that names none).
TASK_RETRY_MAX_COUNTDOWN = 10
CELERY_TASK_ANNOTATIONS = {"*": {"default_retry_delay": TASK_RETRY_MAX_COUNTDOWN}}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    # Look for abandoned messages every 5 s (kombu's default is every 100 s), so one is
    # back on the queue at most visibility timeout + 5 s after it was delivered.
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
    # The lock around that look expires after 15 s (not 5 min) if its holder was killed.
    "unacked_mutex_expire": 15,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}

# --- SMS ------------------------------------------------------------------------------

# A second channel beside email for the messages that have an SMS version (core/sms/):
# "console" writes them to the log (the default), "tencent" sends them through Tencent
# Cloud SMS (SendSms, API 3.0, TC3-HMAC-SHA256), which sends only the templates approved
# in its console; see docs/operations.md "SMS".
SMS_BACKEND = env("SMS_BACKEND", default="console")
SMS_TENCENT_SECRET_ID = env("SMS_TENCENT_SECRET_ID", default="")
SMS_TENCENT_SECRET_KEY = env("SMS_TENCENT_SECRET_KEY", default="")
SMS_TENCENT_SDK_APP_ID = env("SMS_TENCENT_SDK_APP_ID", default="")
SMS_TENCENT_SIGN_NAME = env("SMS_TENCENT_SIGN_NAME", default="")
SMS_TENCENT_REGION = env("SMS_TENCENT_REGION", default="ap-guangzhou")
# Points the backend at another host (the tests' local fake).
SMS_TENCENT_ENDPOINT = env("SMS_TENCENT_ENDPOINT", default="https://sms.tencentcloudapi.com")
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=10.0)
# The cloud's template id of each message in each language, as "<message>.<language>=<id>"
# pairs separated by commas, e.g. "payments_paid.zh-hans=1234567,payments_paid.en=1234568".
SMS_TEMPLATE_IDS = env.dict("SMS_TEMPLATE_IDS", default={})

# --- Payments -----------------------------------------------------------------------

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Points the SDK at another API host (the tests' local fake Stripe).
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
PAYMENTS_MODE = "stripe" if STRIPE_SECRET_KEY else "manual"

# --- Wagtail ------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Legal Aid Hub"
# The address people reach the site at: every link in an email starts with it. `make run`
# sets it from HOST and PORT; dev.py derives it from runserver's address when unset.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Passwords are changed through allauth's form only (limited per user), not in Wagtail's
# account page, whose old-password check has no limit.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatar requests to gravatar.com: Wagtail shows its default avatar (issue 14).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Security (production tightens further) -----------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content Security Policy --------------------------------------------------------

# django-csp's middleware sends the header on every response (core.middleware picks
# the policy). Public and portal pages run no inline script at all: every script is a
# file under static/ (the static test in tests/core/test_content_security_policy.py
# keeps it so), and no nonce is offered, because public pages are cached whole and a
# nonce baked into a cached page would be shared by every reader. Inline styles stay
# allowed (style attributes for bars and layout). See docs/security.md.
_csp_images = [SELF, "data:"]
if env("MEDIA_S3_BUCKET", default="") and env("MEDIA_S3_ENDPOINT_URL", default=""):
    # Images come from the bucket's host, path-style or as a subdomain of it.
    _endpoint = urlsplit(env("MEDIA_S3_ENDPOINT_URL"))
    _csp_images += [
        f"{_endpoint.scheme}://{_endpoint.netloc}",
        f"{_endpoint.scheme}://{env('MEDIA_S3_BUCKET')}.{_endpoint.netloc}",
    ]
elif env("MEDIA_S3_BUCKET", default=""):
    _csp_images.append(f"https://{env('MEDIA_S3_BUCKET')}.s3.amazonaws.com")
    if env("MEDIA_S3_REGION", default=""):
        _csp_images.append(f"https://{env('MEDIA_S3_BUCKET')}.s3.{env('MEDIA_S3_REGION')}.amazonaws.com")
# A form whose answer redirects elsewhere needs that origin in form-action (Chromium
# applies it to the redirect): donations go to Stripe Checkout, payout set-up to Connect.
_csp_form_targets = [SELF, "https://checkout.stripe.com", "https://connect.stripe.com"]
# WeChat's and DingTalk's sign-in pages, when they are on (allauth's confirmation form
# redirects there).
if env("WECHAT_APP_ID", default=""):
    _csp_form_targets.append("https://open.weixin.qq.com")
if env("DINGTALK_CLIENT_ID", default=""):
    _csp_form_targets.append("https://login.dingtalk.com")
if env("STRIPE_API_BASE", default=""):
    _stripe_fake = urlsplit(env("STRIPE_API_BASE"))
    _csp_form_targets.append(f"{_stripe_fake.scheme}://{_stripe_fake.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": _csp_images,
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": _csp_form_targets,
        # As X_FRAME_OPTIONS = "DENY": nothing frames a public page (Wagtail's preview
        # is an admin page and gets the admin's policy).
        "frame-ancestors": [NONE],
    },
}
# Wagtail's admin writes inline scripts and handlers of its own, so it gets a relaxed
# policy: inline scripts, blob: thumbnails of images being uploaded, and framing by
# itself (the live preview panel). Its pages are never cached.
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ("/admin/",)
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "img-src": [*_csp_images, "blob:"],
        "frame-ancestors": [SELF],
    },
}
# No avatars from Gravatar: the admin would send a hash of each user's email address
# to a third party (and need it in img-src).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies and emails never reach the logs; warnings only.
        "django.request": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every page edit and background index task at INFO.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

# Wagtail's own login form would skip allauth's MFA step: send it to allauth instead.
WAGTAILADMIN_LOGIN_URL = "account_login"
# Pages restricted to signed-in readers send them to the site's own login, not Wagtail's.
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False

# --- REST API (api/, issue 18) ----------------------------------------------------------
# The API's views set their own authentication (bearer tokens), permissions (scopes),
# renderer, throttles and error handler (api.views.ApiMixin): DRF's global defaults stay
# as they are for the Wagtail admin's own endpoints.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_RATE_PER_TOKEN", default="1200/hour"),
        "anonymous": env("API_RATE_ANONYMOUS", default="300/hour"),
    },
    # Behind the reverse proxy the client's address is the last one it added.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=None),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Legal-aid NGO platform API",
    "DESCRIPTION": (
        "Read-only REST API. Public endpoints answer anyone; the others need a personal access token "
        "(`Authorization: Bearer <token>`) with the right scope, made on the account's API tokens page. "
        "Lists take `page`, `page_size` (at most 100), filters and `ordering`; errors are "
        '`{"code", "message", "errors"}` in the language of `Accept-Language` (zh-hans or en).'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": {
        "CallStatusEnum": "grants.calls.models.Call.Status",
        "ApplicationStatusEnum": "grants.calls.models.Application.Status",
        "AwardStatusEnum": "grants.awards.models.Award.Status",
        "ReportStatusEnum": "grants.awards.models.MilestoneReport.Status",
        "PaymentStatusEnum": "grants.payments.models.Payment.Status",
        "OrganisationStatusEnum": "incubator.models.Organisation.Status",
    },
}

# Outbound webhooks (webhooks/): plain http and private/loopback addresses are refused
# unless this is on (development and tests only; docs/webhooks.md).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)
