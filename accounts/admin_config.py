"""Wagtail's admin config (`{% wagtail_config %}`), its fixed part kept in the cache.

Every Wagtail admin page embeds a JSON config for its scripts. Most of it is the same
for every request in a language: the admin API's and views' URLs, whether i18n is on,
the content locales (a query) and some hundred translated strings for the scripts. Only
three entries depend on the request: the CSRF token, the page's content locale and the
reader's keyboard-shortcuts setting. Wagtail's own tag computes the whole config the
first time in a language and data version (`accounts.data_version`: adding or changing
a locale bumps it) and the fixed part is kept (`data_version.kept`); later requests take it
and fill in the three entries as Wagtail does (tests/accounts/test_admin_config.py checks
that the result equals Wagtail's).

`install()` replaces the `{% wagtail_config %}` tag of Wagtail's library
(AccountsConfig.ready)."""

from django.middleware.csrf import get_token
from wagtail.admin.templatetags import wagtailadmin_tags

from accounts import data_version

_wagtail_config = wagtailadmin_tags.wagtail_config
PER_REQUEST = frozenset({"CSRF_TOKEN", "ACTIVE_CONTENT_LOCALE", "KEYBOARD_SHORTCUTS_ENABLED"})
KEPT_SECONDS = 600


def wagtail_config(context):
    request = context["request"]
    made = {}

    def compute():
        made["config"] = _wagtail_config(context)
        return {name: value for name, value in made["config"].items() if name not in PER_REQUEST}

    fixed = data_version.kept("wagtail-config", compute=compute, seconds=KEPT_SECONDS)
    if "config" in made:
        return made["config"]
    config = {"CSRF_TOKEN": get_token(request), **fixed}
    if locale := context.get("locale"):
        config["ACTIVE_CONTENT_LOCALE"] = locale.language_code
    user = getattr(request, "user", None)
    config["KEYBOARD_SHORTCUTS_ENABLED"] = (
        user.wagtail_userprofile.keyboard_shortcuts if hasattr(user, "wagtail_userprofile") else True
    )
    return config


def install() -> None:
    wagtailadmin_tags.register.simple_tag(wagtail_config, takes_context=True, name="wagtail_config")
