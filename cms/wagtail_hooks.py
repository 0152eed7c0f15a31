from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms import admin_views
from cms.models import MainMenu
from cms.permissions import can_manage_showcases


class MainMenuViewSet(SnippetViewSet):
    model = MainMenu
    icon = "list-ul"
    menu_label = _("Main menu")
    menu_order = 150
    add_to_admin_menu = True
    list_display = ["name", "locale"]


register_snippet(MainMenuViewSet)


@hooks.register("register_admin_urls")
def register_showcase_admin_urls():
    return [
        path("showcases/from-awards/", admin_views.showcase_candidates, name="cms_showcase_candidates"),
        path("showcases/from-awards/<int:award_pk>/", admin_views.showcase_create, name="cms_showcase_create"),
        path(
            "showcases/<int:page_pk>/report-photos/",
            admin_views.showcase_import_photos,
            name="cms_showcase_import_photos",
        ),
    ]


class ShowcasesMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_showcases(request.user)


@hooks.register("register_admin_menu_item")
def register_showcases_menu_item():
    return ShowcasesMenuItem(
        _("Showcases from awards"), reverse("cms_showcase_candidates"), icon_name="image", order=160
    )
