"""The embedded default: SQLite, eager Celery, console email, DEBUG on."""

import sys

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)


def runserver_url(argv: list[str]) -> str | None:
    """The address `manage.py runserver [addr:]port` serves, or None for another command."""
    if len(argv) < 2 or argv[1] != "runserver":
        return None
    addrport = next((arg for arg in argv[2:] if not arg.startswith("-")), "")
    host, _colon, port = addrport.rpartition(":") if ":" in addrport else ("", "", addrport)
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::", "0"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port or '8000'}"


# Links in emails point at the address being served unless SITE_URL says otherwise.
if not env("SITE_URL", default=""):
    SITE_URL = runserver_url(sys.argv) or SITE_URL  # noqa: F405
    WAGTAILADMIN_BASE_URL = SITE_URL

# The server and the periodic-task runner (`make run` starts both) write to one SQLite
# file: wait for the other's write instead of failing with "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
