"""The public main menu. Apps add their entries here; a name that does not resolve
(its app not yet routed) is left out rather than breaking every page."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

MAIN_MENU = [
    ("cms:calls", _("Grant calls")),
    ("cms:directory", _("NGO directory")),
    ("cms:showcases", _("Projects")),
    ("cms:open_data", _("Open data")),
]


def main_menu():
    items = []
    for url_name, label in MAIN_MENU:
        try:
            items.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return items
