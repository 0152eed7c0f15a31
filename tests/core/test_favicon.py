"""Issue 14: the site has an icon (SVG, with a PNG and an ICO for older browsers), every
page links it, and /favicon.ico, which browsers ask for anyway, leads to it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == f"{settings.STATIC_URL}favicon.ico"


def test_the_icons_exist_and_are_what_they_claim(client):
    with Image.open(finders.find("favicon.ico")) as ico:
        assert ico.format == "ICO"
        assert (32, 32) in ico.info["sizes"]
    with Image.open(finders.find("favicon-32.png")) as png:
        assert (png.format, png.size) == ("PNG", (32, 32))
    with Image.open(finders.find("apple-touch-icon.png")) as touch:
        assert (touch.format, touch.size) == ("PNG", (180, 180))
    assert "<svg" in Path(finders.find("favicon.svg")).read_text(encoding="utf-8")


def test_pages_link_the_icons(client):
    page = client.get("/en/accounts/login/").content.decode()
    for href in ("favicon.svg", "favicon-32.png", "apple-touch-icon.png"):
        assert f"{settings.STATIC_URL}{href}" in page
