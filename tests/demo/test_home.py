"""Under `make run PORT=…` the demo's Wagtail site answers at the served address, so
Wagtail's own emails (moderation) and the sitemap link there too."""

import pytest
from django.core import mail
from wagtail.admin.mail import send_notification
from wagtail.models import Site

from demo import accounts as accounts_demo
from demo import home as home_demo
from demo.loader import DemoContext
from home.models import HomePage

pytestmark = pytest.mark.django_db


def load_home(ctx=None):
    ctx = ctx or DemoContext()
    accounts_demo.load(ctx)
    home_demo.load(ctx)
    return ctx


def test_the_demo_site_answers_at_the_served_address(settings, client):
    settings.SITE_URL = "http://127.0.0.1:9123"
    load_home()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 9123)
    home = HomePage.objects.get(locale__language_code="en")
    assert home.full_url == "http://127.0.0.1:9123/en/"
    assert client.get("/en/").status_code == 200  # other host names still reach the default site
    assert "http://127.0.0.1:9123/en/" in client.get("/sitemap.xml").content.decode()


def test_wagtails_approval_email_links_to_the_served_address(settings):
    settings.SITE_URL = settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:9123"
    ctx = load_home()
    home = HomePage.objects.get(locale__language_code="en")
    revision = home.save_revision(user=ctx.users["editor"])
    send_notification([ctx.users["editor"]], "approved", {"revision": revision})
    links = [line for message in mail.outbox for line in message.body.splitlines() if "http" in line]
    assert links and all("http://127.0.0.1:9123/" in line for line in links), links
