"""Links that services put into notifications.

A path on the public site or the portal is kept without its language prefix: each
recipient gets it in their own language (core.emails.localise_path), and a reader who
opens a bare path is redirected to theirs. The back office has no language prefix, so
its links are plain `reverse()`.
"""

from django.urls import reverse
from django.utils import translation


def site_path(viewname: str, **kwargs) -> str:
    """`/ngo/3/` rather than `/en/ngo/3/`."""
    with translation.override("en"):
        path = reverse(viewname, kwargs=kwargs or None)
    return path.removeprefix("/en")
