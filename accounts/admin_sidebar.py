"""The Wagtail admin's sidebar, kept per user until the data changes.

Wagtail builds the sidebar's props (every menu item asked whether it shows, the whole
menu packed by telepath) on every admin page: a third of an officer's admin page. What
it shows depends only on who the user is and what they may do, all of it records
(roles, groups, permissions, funders, memberships), so it is kept per user and language
under the data version (`accounts.data_version`): any saved or deleted record renders it
afresh. Which item is active is worked out in the browser, not here.

`install()` replaces the `{% sidebar_props %}` tag of Wagtail's library before any admin
template is compiled (AccountsConfig.ready); the tag itself is Wagtail's."""

from wagtail.admin.templatetags import wagtailadmin_tags

from accounts import data_version

_wagtail_sidebar_props = wagtailadmin_tags.sidebar_props


def sidebar_props(context):
    request = context["request"]
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _wagtail_sidebar_props(context)
    return data_version.per_user("admin-sidebar", user, compute=lambda: _wagtail_sidebar_props(context))


def install() -> None:
    wagtailadmin_tags.register.simple_tag(sidebar_props, takes_context=True, name="sidebar_props")
