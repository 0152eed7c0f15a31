import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Load the URLconf (every view module) and each language's catalogue now rather than on the
# first request: under gunicorn --preload the master does it once and every worker forks
# with it loaded (a fresh worker's first request: 1-3 s before, 0.3-0.6 s after, bench/README.md).
# Nothing here opens a database or cache connection or starts a thread.
for _language, _name in settings.LANGUAGES:
    with translation.override(_language):
        get_resolver().reverse_dict  # noqa: B018 - populating it imports the views and compiles the patterns
