"""iCalendar (.ics, RFC 5545) files: one per event page, one per call's deadline and one
with every open call's deadline, written with the `icalendar` library.

Times are in Asia/Shanghai with its VTIMEZONE (DTSTAMP in UTC); a UID never changes for
the same event or deadline (an event's is shared by its translations, which are the same
event), so a calendar that imported it updates rather than duplicates; text is escaped
by the library."""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from cms.alternates import absolute_url

PRODUCT_ID = "-//Legal Aid Hub//Public site//EN"
DEADLINE_REMINDER = -dt.timedelta(days=1)  # a day before a call closes
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _uid(kind: str, key) -> str:
    return f"{kind}-{key}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _finish(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _local(moment):
    return timezone.localtime(moment, _zone())


def _stamp(moment):
    return (moment or timezone.now()).astimezone(dt.UTC)


def event_ics(*, event) -> bytes:
    """The event page as a one-event calendar, in the page's language."""
    calendar = _calendar(event.title)
    item = Event()
    item.add("uid", _uid("event", event.translation_key))
    item.add("dtstamp", _stamp(event.last_published_at))
    if event.last_published_at:
        item.add("last-modified", _stamp(event.last_published_at))
    item.add("dtstart", _local(event.starts_at))
    if event.ends_at:
        item.add("dtend", _local(event.ends_at))
    item.add("summary", event.title)
    item.add("description", event.summary)
    item.add("location", ", ".join(part for part in (event.place, event.address) if part))
    url = absolute_url(event.get_url())
    item.add("url", url)
    calendar.add_component(item)
    return _finish(calendar)


def _deadline(call, *, url: str) -> Event:
    item = Event()
    item.add("uid", _uid("call-deadline", call.pk))
    item.add("dtstamp", _stamp(call.updated_at))
    item.add("last-modified", _stamp(call.updated_at))
    item.add("dtstart", _local(call.closes_at))
    item.add("summary", _("Deadline: %(call)s") % {"call": call.title})
    item.add("description", "\n".join(part for part in (call.summary, call.funder.name, url) if part))
    item.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Applications close tomorrow: %(call)s") % {"call": call.title})
    alarm.add("trigger", DEADLINE_REMINDER)
    item.add_component(alarm)
    return item


def call_deadline_ics(*, call, url: str) -> bytes:
    """One call's closing time; `url` is the call's page."""
    calendar = _calendar(_("Deadline: %(call)s") % {"call": call.title})
    calendar.add_component(_deadline(call, url=absolute_url(url)))
    return _finish(calendar)


def call_deadlines_ics(*, calls_and_urls) -> bytes:
    """The closing times of the given calls ([(call, its page's URL)])."""
    calendar = _calendar(_("Call deadlines · Legal Aid Hub"))
    for call, url in calls_and_urls:
        calendar.add_component(_deadline(call, url=absolute_url(url)))
    return _finish(calendar)
