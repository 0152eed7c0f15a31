"""The default Wagtail site follows SITE_URL on every deploy (migrate) and on demand."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Site

from cms.services import default_site_follow_site_url

pytestmark = pytest.mark.django_db


def default_site():
    return Site.objects.get(is_default_site=True)


def test_https_site_url_moves_the_default_site_to_its_host_on_port_443():
    assert default_site_follow_site_url(site_url="https://hub.example.org") is True
    site = default_site()
    assert (site.hostname, site.port) == ("hub.example.org", 443)
    assert site.root_url == "https://hub.example.org"


def test_an_explicit_port_is_kept():
    default_site_follow_site_url(site_url="http://127.0.0.1:9123/")
    assert (default_site().hostname, default_site().port) == ("127.0.0.1", 9123)


def test_following_twice_changes_nothing_the_second_time():
    assert default_site_follow_site_url(site_url="https://hub.example.org") is True
    assert default_site_follow_site_url(site_url="https://hub.example.org") is False


def test_a_site_url_without_a_host_leaves_the_site_alone():
    before = default_site()
    assert default_site_follow_site_url(site_url="") is False
    assert (default_site().hostname, default_site().port) == (before.hostname, before.port)


def test_migrate_points_the_default_site_at_site_url(settings):
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    settings.SITE_URL = "https://legalaid.example.org"
    call_command("migrate", verbosity=0, interactive=False)
    assert (default_site().hostname, default_site().port) == ("legalaid.example.org", 443)


def test_sync_site_command_points_the_default_site_at_site_url(settings):
    settings.SITE_URL = "https://legalaid.example.org"
    out = io.StringIO()
    call_command("sync_site", stdout=out)
    assert (default_site().hostname, default_site().port) == ("legalaid.example.org", 443)
    assert "now at https://legalaid.example.org" in out.getvalue()
    call_command("sync_site", stdout=out)
    assert "already at" in out.getvalue()
