"""A visitor finds grant calls through the site search and the results announcements
through the main menu, in both languages, on the demo site an editor starts from."""

import pytest

from demo import accounts as accounts_demo
from demo import cms as cms_demo
from demo import home as home_demo
from demo.loader import DemoContext
from tests.factories.grants import CallFactory, FunderFactory

pytestmark = pytest.mark.django_db


def test_search_finds_public_calls_by_title_summary_and_funder(client):
    funder = FunderFactory(name_en="Wuzhong Justice Bureau", name_zh="吴中区司法局")
    open_call = CallFactory(funder=funder, title="2026 Legal aid for migrant workers", summary="Help at work sites.")
    CallFactory(title="2026 Migrant family mediation", draft=True)  # drafts are not public
    past = CallFactory(title="2025 Migrant outreach", closed=True)

    response = client.get("/en/search/", {"q": "migrant"})
    assert response.context["calls"] == [open_call, past]  # open calls first
    html = response.content.decode()
    assert f'href="/en/grants/calls/{open_call.slug}/"' in html
    assert "2026 Migrant family mediation" not in html

    assert client.get("/en/search/", {"q": "work sites"}).context["calls"] == [open_call]
    assert client.get("/zh-hans/search/", {"q": "吴中区"}).context["calls"] == [open_call]
    assert client.get("/en/search/", {"q": "migrant wuzhong"}).context["calls"] == [open_call]


def test_the_demo_menus_lead_to_the_results_announcements_in_both_languages(client):
    ctx = DemoContext()
    for module in (accounts_demo, home_demo, cms_demo):
        module.load(ctx)
    english = client.get("/en/").content.decode()
    assert '<a href="/en/announcements/">Results announcements</a>' in english
    chinese = client.get("/zh-hans/").content.decode()
    assert '<a href="/zh-hans/announcements/">结果公示</a>' in chinese
    assert client.get("/zh-hans/announcements/").status_code == 200
