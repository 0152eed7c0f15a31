"""RSS and Atom feeds of the news and of the open calls, in the reader's language (the
URL's prefix): news articles of that language's tree; calls with links, funder and
deadline in that language. Every link is absolute, on SITE_URL. A feed keeps the request
it serves, so the views build one per request."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.alternates import absolute_url
from cms.calls import call_sections
from cms.models import NewsIndexPage

FEED_SIZE = 30


class NewsFeed:
    """Mixed into a syndication Feed: the latest live public articles in the active language."""

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return NewsIndexPage.objects.live().public().filter(locale=Locale.get_active()).order_by("path").first()

    def title(self, index):
        return _("News · Legal Aid Hub")

    def description(self, index):
        return (index.intro if index else "") or _("News from the Legal Aid Hub.")

    subtitle = description

    def link(self, index):
        return absolute_url(index.get_url(self.request) if index else reverse("cms:page", kwargs={"path": ""}))

    def feed_url(self, index):
        return absolute_url(self.request.path)

    def items(self, index):
        if index is None:
            return []
        return list(index.articles()[:FEED_SIZE])

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return absolute_url(article.get_url(self.request))

    def item_pubdate(self, article):
        return timezone.make_aware(dt.datetime.combine(article.date, dt.time.min))

    def item_updateddate(self, article):
        return article.last_published_at or self.item_pubdate(article)


class CallsFeed:
    """Mixed into a syndication Feed: the open calls, soonest deadline first."""

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return None

    def title(self):
        return _("Open calls · Legal Aid Hub")

    def description(self):
        return _("Calls for proposals open for applications now.")

    subtitle = description

    def link(self):
        return absolute_url(reverse("cms:calls"))

    def feed_url(self):
        return absolute_url(self.request.path)

    def items(self):
        return call_sections().open[:FEED_SIZE]

    def item_title(self, call):
        return call.title

    def item_description(self, call):
        deadline = formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")
        parts = [call.summary, _("Funder: %(funder)s") % {"funder": call.funder.name}]
        parts.append(_("Deadline: %(deadline)s (Beijing time)") % {"deadline": deadline})
        return " · ".join(part for part in parts if part)

    def item_link(self, call):
        return absolute_url(reverse("grants:call_detail", kwargs={"key": call.slug or call.pk}))

    def item_pubdate(self, call):
        return call.opens_at

    def item_updateddate(self, call):
        return call.updated_at


class NewsRssFeed(NewsFeed, Feed):
    pass


class NewsAtomFeed(NewsFeed, Feed):
    feed_type = Atom1Feed


class CallsRssFeed(CallsFeed, Feed):
    pass


class CallsAtomFeed(CallsFeed, Feed):
    feed_type = Atom1Feed
