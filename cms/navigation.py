"""The public main menu.

Editors run it as a snippet (`cms.MainMenu`, one per language, under Snippets in the
Wagtail admin). Until a menu exists for the active language, `DEFAULT_MENU` is shown;
a name that does not resolve (its app not yet routed) is left out rather than
breaking every page. The built menu is cached per language and purged with the
public pages (`cms.caching`).
"""

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cms.caching import generation, shared_piece
from cms.models import MainMenu

DEFAULT_MENU = [
    ("cms:calls", _("Grant calls")),
    ("cms:directory", _("NGO directory")),
    ("purchasing:offer_directory", _("Service directory")),
    ("announcements:list", _("Results announcements")),
    ("cms:open_data", _("Open data")),
]
CACHE_SECONDS = 60 * 60


def default_menu() -> list[dict]:
    items = []
    for url_name, label in DEFAULT_MENU:
        try:
            items.append({"url": reverse(url_name), "label": str(label)})
        except NoReverseMatch:
            continue
    return items


def editor_menu(language_code: str) -> list[dict] | None:
    """The items of the editors' menu for `language_code`, or None when there is none."""
    menu = (
        MainMenu.objects.filter(locale__language_code=language_code)
        .prefetch_related("items__link_page")
        .order_by("pk")
        .first()
    )
    if menu is None:
        return None
    links = [item.as_link() for item in menu.items.all()]
    return [link for link in links if link]


def main_menu() -> list[dict]:
    language = translation.get_language() or "en"
    key = f"cms:main-menu:{generation()}:{language}"

    def compute():
        items = editor_menu(language)
        return default_menu() if items is None else items

    return shared_piece(key, compute, CACHE_SECONDS)
