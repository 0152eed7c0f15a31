"""sitemap.xml: every public URL, on the site's real address (SITE_URL), with `hreflang`
alternates between the languages.

Wagtail pages are listed once per translation, each with its translations as
alternates; the pages built from data (calls, results, the directory, open data) are
listed per language by Django's i18n sitemaps (`i18n`, `alternates`, `x_default`).
Every <loc> and alternate is absolute and on one scheme and host.
"""

from collections import defaultdict

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from cms.alternates import absolute_url, hreflang, page_alternates, site_address
from grants.calls.selectors import public_calls
from grants.review.selectors import announced_calls
from incubator.selectors import public_organisations


class PagesSitemap(WagtailSitemap):
    """Wagtail's sitemap covers one language tree; this one covers each translation of the
    root, and links every page to its translations."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = list(root.get_translations(inclusive=True).values_list("path", flat=True))
        pages = Page.objects.none()
        for path in roots:
            pages = pages | Page.objects.filter(path__startswith=path)
        return pages.live().public().order_by("path").defer_streamfields().select_related("locale")

    def _path(self, page) -> str | None:
        parts = page.get_url_parts(self.request)
        return parts[2] if parts else None

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        # Every translation of the pages listed here, in one query.
        translations = defaultdict(dict)
        for translated in (
            Page.objects.filter(translation_key__in={p.translation_key for p in pages})
            .live()
            .public()
            .select_related("locale")
        ):
            path = self._path(translated)
            if path:
                translations[translated.translation_key][translated.locale.language_code] = path
        urls, last_mods = [], set()
        for item in pages:
            path = self._path(item)
            if not path:
                continue
            lastmod = self.lastmod(item)
            last_mods.add(lastmod)
            alternates = page_alternates(translations[item.translation_key])
            urls.append(
                {
                    "item": item,
                    "location": absolute_url(path),
                    "lastmod": lastmod,
                    "changefreq": None,
                    "priority": "",
                    "alternates": [{"location": row["url"], "lang_code": row["hreflang"]} for row in alternates],
                }
            )
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


class SiteUrlSitemap(Sitemap):
    """A Django sitemap of views under the language prefix: one URL per language, each
    with its alternates and x-default, on SITE_URL (not the host the request came in on)."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return site_address()[0]

    def get_domain(self, site=None):
        return site_address()[1]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            for alternate in url["alternates"]:
                if alternate["lang_code"] != "x-default":
                    alternate["lang_code"] = hreflang(alternate["lang_code"])
        return urls


class DataPagesSitemap(SiteUrlSitemap):
    changefreq = "daily"
    names = ("cms:calls", "announcements:list", "cms:directory", "cms:open_data")

    def items(self):
        return list(self.names)

    def location(self, item):
        return reverse(item)


class CallsSitemap(SiteUrlSitemap):
    """Every public call's page (open, upcoming and past; never drafts)."""

    changefreq = "daily"

    def items(self):
        return list(public_calls().order_by("pk"))

    def location(self, item):
        return reverse("grants:call_detail", kwargs={"key": item.slug or item.pk})

    def lastmod(self, item):
        return item.updated_at


class AnnouncementsSitemap(SiteUrlSitemap):
    """The published results of each call."""

    changefreq = "weekly"

    def items(self):
        return list(announced_calls().order_by("pk"))

    def location(self, item):
        return reverse("announcements:detail", kwargs={"key": item.call.slug or item.call_id})


class DirectorySitemap(SiteUrlSitemap):
    """The profiles of verified organisations (the only public ones)."""

    changefreq = "weekly"

    def items(self):
        return list(
            public_organisations().select_related(None).prefetch_related(None).order_by("pk").only("pk", "updated_at")
        )

    def location(self, item):
        return reverse("cms:organisation", kwargs={"pk": item.pk})

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "data": DataPagesSitemap,
    "calls": CallsSitemap,
    "announcements": AnnouncementsSitemap,
    "directory": DirectorySitemap,
}
