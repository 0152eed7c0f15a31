"""Template tags for the public site: language links, sharing images, page metadata."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found, get_renditions_or_not_found
from wagtail.models import Locale, Page

from accounts import roles
from cms import caching
from cms.alternates import absolute_url, page_alternates, path_alternates
from cms.caching import memoize
from home.models import SiteSettings

register = template.Library()


def _swap_language_prefix(full_path: str, language: str) -> str:
    """/en/directory/?q=x → /zh-hans/directory/?q=x (paths without a prefix get one)."""
    codes = [code for code, _ in settings.LANGUAGES]
    parts = full_path.split("/", 2)
    if len(parts) > 1 and parts[1] in codes:
        rest = parts[2] if len(parts) > 2 else ""
        return f"/{language}/{rest}"
    return f"/{language}{full_path}"


def _page_translation_urls(page: Page, request) -> dict[str, str]:
    urls = {}
    for translated in page.get_translations(inclusive=True).live().select_related("locale"):
        url = translated.get_url(request)
        if url:
            urls[translated.locale.language_code] = url
    return urls


def _nearest_translated_ancestor_url(page: Page, language: str, request) -> str:
    """Where to send a reader when `page` has no translation: its closest translated
    ancestor (usually the section index, else the home page)."""
    try:
        locale = Locale.objects.get(language_code=language)
    except Locale.DoesNotExist:
        return f"/{language}/"
    ancestors = page.get_ancestors().filter(depth__gt=1).order_by("-depth")
    keys = list(ancestors.values_list("translation_key", flat=True))
    translations = {p.translation_key: p for p in Page.objects.filter(translation_key__in=keys, locale=locale).live()}
    for key in keys:
        if key in translations:
            return translations[key].get_url(request) or f"/{language}/"
    return f"/{language}/"


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per site language to this same page in that language.

    Wagtail pages link to their translation (or, without one, to the nearest translated
    section); Django views keep their path with the other language prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    if isinstance(page, Page) and page.pk:
        return memoize(
            "language-links",
            page.pk,
            current,
            request.get_host() if request else "",
            compute=lambda: _links(page, request, current),
        )
    return _links(page, request, current)


def _links(page, request, current):
    page_urls = _page_translation_urls(page, request) if isinstance(page, Page) and page.pk else None
    links = []
    for code, _name in settings.LANGUAGES:
        if page_urls is not None:
            url = page_urls.get(code) or _nearest_translated_ancestor_url(page, code, request)
            exists = code in page_urls
        else:
            url = _swap_language_prefix(request.get_full_path() if request else "/", code)
            exists = True
        info = get_language_info(code)
        links.append(
            {"code": code, "name": info["name_local"], "url": url, "current": code == current, "exists": exists}
        )
    return links


@register.simple_tag(takes_context=True)
def hreflang_links(context, language_links):
    """[{hreflang, url}] for <link rel="alternate"> in the head, from `language_links`:
    absolute, on SITE_URL, the same alternates as the sitemap's."""
    urls = {link["code"]: link["url"] for link in language_links if link["exists"]}
    page = context.get("page")
    if isinstance(page, Page) and page.pk:
        return page_alternates(urls)
    return path_alternates(urls)


@register.simple_tag
def feed_links():
    """The site's feeds in the current language, for <link rel="alternate"> in the head."""
    feeds = (
        ("application/rss+xml", _("News (RSS)"), "cms:news_rss"),
        ("application/atom+xml", _("News (Atom)"), "cms:news_atom"),
        ("application/rss+xml", _("Open calls (RSS)"), "cms:calls_rss"),
        ("application/atom+xml", _("Open calls (Atom)"), "cms:calls_atom"),
    )
    return [{"type": kind, "title": title, "url": absolute_url(reverse(name))} for kind, title, name in feeds]


@register.simple_tag(takes_context=True)
def staff_userbar(context, position="bottom-right"):
    """Wagtail's userbar, asked only for people who may have the admin. Wagtail decides
    with has_perm("wagtailadmin.access_admin"), which costs every signed-in reader two
    permission queries; only the staff roles carry that permission (accounts migration
    0002), so NGO members and reviewers are answered from their roles, which their pages
    read anyway, and get no userbar, as before."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not (user.is_superuser or user.is_staff or roles.has_role(user, *roles.STAFF_ROLES)):
        return ""
    return wagtailuserbar(context, position)


@register.simple_tag(takes_context=True)
def share_image(context):
    """The image shown when the page is shared: its own, else the site's default."""
    page = context.get("page")
    for attribute in ("listing_image", "hero_image"):
        image = getattr(page, attribute, None) if page is not None else None
        if image is not None:
            return image
    request = context.get("request")
    return memoize("default-share-image", compute=lambda: SiteSettings.load(request_or_site=request).share_image)


def _rendition(image, spec: str):
    """The image's rendition for `spec` in one cache round trip when it is cached.
    Wagtail's {% image %} and {% srcset_image %} read the rendition cache and then write
    what they found back to it on every render (get_rendition always; get_renditions
    unless the renditions were prefetched): two round trips per image on every page."""
    if image._get_prefetched_renditions() is not None:
        return next(iter(get_renditions_or_not_found(image, (spec,)).values()))  # no cache involved
    Rendition = image.get_rendition_model()
    image_filter = image.clean_filter_for_svg(Filter(spec=spec))
    key = Rendition.construct_cache_key(image, image_filter.get_cache_key(image), image_filter.spec)
    cached = Rendition.cache_backend.get(key)
    if cached is not None:
        cached.image = image  # as Wagtail does: the page's own image instance (its alt text)
        return cached
    return get_rendition_or_not_found(image, image_filter)  # found or made, then cached


@register.simple_tag
def rendition(image, spec):
    """`{% rendition image "fill-1200x630" as r %}`: as `{% image image spec as r %}`,
    in one cache round trip instead of two."""
    return _rendition(image, spec) if image else None


@register.simple_tag
def img(image, spec, **attributes):
    """`{% img image "fill-480x270" alt="" loading="lazy" %}`: the <img> tag that
    `{% image image spec alt="" loading="lazy" %}` renders, in one cache round trip
    instead of two."""
    if not image:
        return ""
    return _rendition(image, spec).img_tag(attributes)


@register.filter
def percent_of(value, total):
    try:
        return int(min(100, float(value) * 100 / float(total)))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.simple_tag(takes_context=True)
def breadcrumb_links(context, page):
    """[(title, url)] of `page`'s ancestors below the root, cached until the next purge."""
    request = context.get("request")

    def compute():
        return [(ancestor.title, ancestor.get_url(request)) for ancestor in page.get_ancestors().filter(depth__gt=1)]

    return memoize("breadcrumbs", page.pk, translation.get_language(), compute=compute)


class PublicFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, only_if=None):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.only_if = only_if

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False) or caching.timeout() <= 0:
            return self.nodelist.render(context)  # a draft preview must show the draft
        if self.only_if is not None and not self.only_if.resolve(context):
            return self.nodelist.render(context)
        parts = [self.name, translation.get_language(), request.get_host()]
        parts += [str(variable.resolve(context)) for variable in self.vary_on]
        return caching.shared_piece(
            caching.fragment_key(parts), lambda: self.nodelist.render(context), caching.timeout()
        )


@register.tag
def public_fragment(parser, token):
    """{% public_fragment "name" var… [only_if=condition] %}…{% endpublic_fragment %}: the
    block's HTML, shared by every reader (signed in or not) until the next purge, per
    language, host and the given variables. Only for markup that is the same for
    everyone: nothing from `user`, no CSRF token. With `only_if`, shared only when the
    condition holds (base.html shares a page's head and body only for views that show
    every reader the same page, see `cms.caching.serve_cached`)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("public_fragment needs a name")
    only_if = None
    if bits[-1].startswith("only_if="):
        only_if = parser.compile_filter(bits.pop()[len("only_if=") :])
    nodelist = parser.parse(("endpublic_fragment",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return PublicFragmentNode(nodelist, bits[1].strip("\"'"), vary_on, only_if)
