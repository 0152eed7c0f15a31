"""Discoverability (issue 13): the sitemap on the real host with hreflang alternates, the
same alternates in each page's head, RSS/Atom feeds and iCalendar files."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from cms.models import ArticlePage
from cms.services import default_site_follow_site_url
from tests.factories.grants import CallFactory, FunderFactory
from tests.factories.incubator import OrganisationFactory

pytestmark = pytest.mark.django_db

HOST = "https://hub.example.org"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "atom": "http://www.w3.org/2005/Atom",
}


@pytest.fixture
def real_host(settings, no_page_cache):
    settings.SITE_URL = HOST
    default_site_follow_site_url(site_url=HOST)
    cache.clear()  # memoized page routes and links from other tests' hosts
    return HOST


def sitemap(client) -> dict[str, dict]:
    """{loc: {"lastmod": str | None, "alternates": {hreflang: href}}} of /sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in entries, f"{loc} listed twice"
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link[@rel='alternate']", NS)
        }
        entries[loc] = {"lastmod": url.findtext("sm:lastmod", namespaces=NS), "alternates": alternates}
    return entries


def head_alternates(html: str) -> dict[str, str]:
    head = html.split("</head>", 1)[0]
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))


def test_sitemap_lists_every_url_on_the_site_url_host(client, site_tree, real_host):
    open_call, closed_call, draft_call = CallFactory(), CallFactory(closed=True), CallFactory(draft=True)
    organisation, hidden = OrganisationFactory(verified=True), OrganisationFactory()
    entries = sitemap(client)
    everything = list(entries) + [href for entry in entries.values() for href in entry["alternates"].values()]
    assert all(url.startswith(f"{HOST}/") for url in everything), [u for u in everything if not u.startswith(HOST)]
    for language in ("en", "zh-hans"):
        for path in (
            "news/cohort-opens/",
            "events/briefing/",
            "calls/",
            "announcements/",
            "directory/",
            "open-data/",
            f"grants/calls/{open_call.slug}/",
            f"grants/calls/{closed_call.slug}/",
            f"directory/{organisation.pk}/",
        ):
            assert f"{HOST}/{language}/{path}" in entries, path
    assert not [loc for loc in entries if draft_call.slug in loc or f"/directory/{hidden.pk}/" in loc]
    # lastmod in W3C Datetime (a date) where known.
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["lastmod"]) for e in entries.values() if e["lastmod"])
    assert entries[f"{HOST}/en/news/cohort-opens/"]["lastmod"] == timezone.localdate().isoformat()


def test_sitemap_follows_an_https_site_url_on_another_port(client, site_tree, settings, no_page_cache):
    settings.SITE_URL = "https://hub.example.org:8443"
    default_site_follow_site_url(site_url=settings.SITE_URL)
    cache.clear()
    entries = sitemap(client)
    assert "https://hub.example.org:8443/en/news/cohort-opens/" in entries
    assert all(loc.startswith("https://hub.example.org:8443/") for loc in entries)


def test_sitemap_alternates_are_absolute_reciprocal_and_name_a_default(client, site_tree, real_host):
    CallFactory()
    entries = sitemap(client)
    for loc, entry in entries.items():
        alternates = entry["alternates"]
        assert set(alternates) == {"en", "zh-Hans", "x-default"}, loc
        assert loc in alternates.values(), f"{loc} does not name itself"
        for code in ("en", "zh-Hans"):
            other = alternates[code]
            assert entries[other]["alternates"] == alternates, f"{loc} ↔ {other} not reciprocal"
    page = entries[f"{HOST}/zh-hans/news/cohort-opens/"]["alternates"]
    assert page == {
        "en": f"{HOST}/en/news/cohort-opens/",
        "zh-Hans": f"{HOST}/zh-hans/news/cohort-opens/",
        "x-default": f"{HOST}/en/news/cohort-opens/",
    }
    assert entries[f"{HOST}/en/calls/"]["alternates"]["x-default"] == f"{HOST}/calls/"


def test_each_page_head_has_the_sitemaps_alternates(client, site_tree, real_host):
    entries = sitemap(client)
    for path in ("/en/news/cohort-opens/", "/zh-hans/events/briefing/", "/en/", "/zh-hans/calls/", "/en/directory/"):
        html = client.get(path).content.decode()
        assert head_alternates(html) == entries[f"{HOST}{path}"]["alternates"], path


def test_page_without_translation_has_no_alternate_in_another_language(client, site_tree, real_host):
    lonely = ArticlePage(title="Only in English", slug="only-english", summary="x", date=timezone.localdate())
    site_tree.en["news_index"].add_child(instance=lonely)
    lonely.save_revision().publish()
    url = f"{HOST}/en/news/only-english/"
    assert head_alternates(client.get(lonely.url).content.decode()) == {"en": url, "x-default": url}
    assert sitemap(client)[url]["alternates"] == {"en": url, "x-default": url}


def rss_items(content: bytes):
    channel = ET.fromstring(content).find("channel")
    return channel, channel.findall("item")


def test_news_feeds_carry_the_articles_of_their_language(client, site_tree, real_host):
    channel, items = rss_items(client.get("/en/feeds/news.rss").content)
    assert channel.findtext("language") == "en"
    assert [item.findtext("title") for item in items] == ["Cohort opens"]
    assert items[0].findtext("link") == f"{HOST}/en/news/cohort-opens/"
    channel, items = rss_items(client.get("/zh-hans/feeds/news.rss").content)
    assert channel.findtext("language") == "zh-hans"
    assert [item.findtext("title") for item in items] == ["孵化班开班"]
    assert items[0].findtext("link") == f"{HOST}/zh-hans/news/cohort-opens/"
    assert items[0].findtext("description") == "十二家组织入驻。"

    atom = ET.fromstring(client.get("/zh-hans/feeds/news.atom").content)
    entries = atom.findall("atom:entry", NS)
    assert [entry.findtext("atom:title", namespaces=NS) for entry in entries] == ["孵化班开班"]
    assert entries[0].find("atom:link", NS).get("href") == f"{HOST}/zh-hans/news/cohort-opens/"
    assert entries[0].findtext("atom:updated", namespaces=NS)


def test_calls_feeds_list_open_calls_in_the_readers_language(client, real_host):
    funder = FunderFactory(name_zh="市司法局", name_en="City Justice Bureau")
    open_call = CallFactory(funder=funder, title="Mediation grants 2027")
    CallFactory(funder=funder, closed=True, title="Closed call")
    CallFactory(funder=funder, draft=True, title="Draft call")
    _channel, items = rss_items(client.get("/en/feeds/calls.rss").content)
    assert [item.findtext("title") for item in items] == ["Mediation grants 2027"]
    assert items[0].findtext("link") == f"{HOST}/en/grants/calls/{open_call.slug}/"
    assert "City Justice Bureau" in items[0].findtext("description")
    _channel, items = rss_items(client.get("/zh-hans/feeds/calls.rss").content)
    assert items[0].findtext("link") == f"{HOST}/zh-hans/grants/calls/{open_call.slug}/"
    assert "市司法局" in items[0].findtext("description")
    atom = ET.fromstring(client.get("/en/feeds/calls.atom").content)
    assert [e.findtext("atom:title", namespaces=NS) for e in atom.findall("atom:entry", NS)] == [
        "Mediation grants 2027"
    ]


def test_feeds_are_linked_from_every_head_and_from_the_news_and_calls_pages(client, site_tree, real_host):
    html = client.get("/zh-hans/").content.decode()
    head = html.split("</head>", 1)[0]
    for kind, path in (
        ("application/rss+xml", "/zh-hans/feeds/news.rss"),
        ("application/atom+xml", "/zh-hans/feeds/news.atom"),
        ("application/rss+xml", "/zh-hans/feeds/calls.rss"),
        ("application/atom+xml", "/zh-hans/feeds/calls.atom"),
    ):
        assert re.search(rf'<link rel="alternate" type="{re.escape(kind)}" title="[^"]+" href="{HOST}{path}">', head)
    assert 'href="/en/feeds/news.rss"' in client.get("/en/news/").content.decode()
    calls_page = client.get("/en/calls/").content.decode()
    assert 'href="/en/feeds/calls.rss"' in calls_page
    assert 'href="/en/calendar/calls.ics"' in calls_page


def parse_ics(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_event_calendar_file_has_the_event_in_beijing_time_with_a_stable_uid(client, site_tree, real_host):
    event = site_tree.en["event"]
    event.title = "Briefing, Q&A; part 1"
    event.save_revision().publish()
    response = client.get(f"/en/calendar/events/{event.pk}.ics")
    calendar = parse_ics(response)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    (item,) = calendar.walk("VEVENT")
    start = item.decoded("DTSTART")
    assert start == event.starts_at.replace(microsecond=0)  # iCalendar counts in seconds
    assert start.tzinfo.key == "Asia/Shanghai"
    assert item.decoded("DTEND") == event.ends_at.replace(microsecond=0)
    assert item.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
    assert str(item["SUMMARY"]) == "Briefing, Q&A; part 1"
    assert b"SUMMARY:Briefing\\, Q&A\\; part 1" in response.content  # RFC 5545 text escaping
    assert str(item["URL"]) == f"{HOST}/en/events/briefing/"
    assert "Room 301" in str(item["LOCATION"])
    # The same event in Chinese, and the same file fetched again: one UID.
    zh = parse_ics(client.get(f"/zh-hans/calendar/events/{site_tree.zh['event'].pk}.ics"))
    again = parse_ics(client.get(f"/en/calendar/events/{event.pk}.ics"))
    uids = {str(cal.walk("VEVENT")[0]["UID"]) for cal in (calendar, zh, again)}
    assert len(uids) == 1 and uids.pop().endswith("@hub.example.org")
    assert str(zh.walk("VEVENT")[0]["SUMMARY"]) == "申报说明会"
    assert client.get(f"/zh-hans/calendar/events/{event.pk}.ics").status_code == 404  # English page, Chinese URL
    assert f'href="/en/calendar/events/{event.pk}.ics"' in client.get(event.url).content.decode()


def test_call_deadline_calendars(client, real_host):
    open_call = CallFactory(
        title="Mediation grants", closes_at=dt.datetime(2027, 3, 31, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    other_open = CallFactory()
    closed = CallFactory(closed=True)
    CallFactory(draft=True)
    calendar = parse_ics(client.get("/en/calendar/calls.ics"))
    events = {str(item["URL"]): item for item in calendar.walk("VEVENT")}
    assert set(events) == {f"{HOST}/en/grants/calls/{call.slug}/" for call in (open_call, other_open)}
    deadline = events[f"{HOST}/en/grants/calls/{open_call.slug}/"]
    assert deadline.decoded("DTSTART") == open_call.closes_at
    assert deadline["DTSTART"].to_ical() == b"20270331T170000"
    assert deadline["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert "Mediation grants" in str(deadline["SUMMARY"])
    assert deadline.walk("VALARM")
    single = parse_ics(client.get(f"/zh-hans/calendar/calls/{open_call.slug}.ics"))
    (item,) = single.walk("VEVENT")
    assert str(item["UID"]) == str(deadline["UID"])
    assert str(item["URL"]) == f"{HOST}/zh-hans/grants/calls/{open_call.slug}/"
    assert parse_ics(client.get(f"/en/calendar/calls/{closed.slug}.ics")).walk("VEVENT")
    assert (
        f'href="/en/calendar/calls/{open_call.slug}.ics"'
        in client.get(f"/en/grants/calls/{open_call.slug}/").content.decode()
    )


def test_sitemap_queries_do_not_grow_with_calls_and_organisations(client, site_tree, real_host):
    def queries() -> int:
        client.get("/sitemap.xml")  # Wagtail's site root paths and the like, cached once
        with CaptureQueriesContext(connection) as captured:
            client.get("/sitemap.xml")
        return len(captured)

    CallFactory(), OrganisationFactory(verified=True)
    few = queries()
    for _ in range(5):
        CallFactory(), CallFactory(closed=True), OrganisationFactory(verified=True)
    assert queries() == few
