"""Sign-in with WeChat and DingTalk (issue 18) through allauth's own providers.

allauth's provider code does the OAuth dance; these packages only subclass its adapters
so that each endpoint can be pointed elsewhere through settings (the tests' local fake),
give the providers their everyday names, and refuse the provider's URLs while it is off.
A provider is on when its app id and secret are set (config/settings/base.py,
docs/operations.md "WeChat and DingTalk sign-in"); otherwise it is on no page and its
URLs answer 404.
"""

from functools import wraps

from allauth.socialaccount import app_settings
from allauth.socialaccount.adapter import get_adapter
from django.http import Http404


def endpoint(provider_id: str, name: str, default: str) -> str:
    """The URL of one of the provider's endpoints: its setting, else the real one."""
    return app_settings.PROVIDERS.get(provider_id, {}).get(name) or default


def is_enabled(request, provider_id: str) -> bool:
    return bool(get_adapter(request).list_apps(request, provider=provider_id))


def enabled_only(provider_id: str, view):
    """`view`, answering 404 while the provider has no app configured."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_enabled(request, provider_id):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
