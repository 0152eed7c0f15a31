"""sitemap.xml: every live public page in every language, and the directory profiles."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap
from wagtail.models import Page

from incubator.selectors import public_organisations


class PagesSitemap(WagtailSitemap):
    """Wagtail's sitemap covers one language tree; this one covers each translation of the root."""

    def items(self):
        root = self.get_wagtail_site().root_page
        roots = list(root.get_translations(inclusive=True).values_list("path", flat=True))
        pages = Page.objects.none()
        for path in roots:
            pages = pages | Page.objects.filter(path__startswith=path)
        return pages.live().public().order_by("path").defer_streamfields().specific()


class DirectorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            (language, pk)
            for pk in public_organisations().order_by("pk").values_list("pk", flat=True)
            for language in ("en", "zh-hans")
        ]

    def location(self, item):
        language, pk = item
        with translation.override(language):
            return reverse("cms:organisation", kwargs={"pk": pk})


class DataPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return [(language, name) for name in ("cms:directory", "cms:open_data") for language in ("en", "zh-hans")]

    def location(self, item):
        language, name = item
        with translation.override(language):
            return reverse(name)


SITEMAPS = {"pages": PagesSitemap, "directory": DirectorySitemap, "data": DataPagesSitemap}
