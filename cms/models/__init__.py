from cms.models.donations import Donation
from cms.models.navigation import MainMenu, MainMenuItem
from cms.models.pages import ArticlePage, EventIndexPage, EventPage, NewsIndexPage, StandardPage
from cms.models.showcases import ShowcaseIndexPage, ShowcaseKpi, ShowcasePage, ShowcasePhoto

__all__ = [
    "ArticlePage",
    "Donation",
    "EventIndexPage",
    "EventPage",
    "MainMenu",
    "MainMenuItem",
    "NewsIndexPage",
    "ShowcaseIndexPage",
    "ShowcaseKpi",
    "ShowcasePage",
    "ShowcasePhoto",
    "StandardPage",
]
