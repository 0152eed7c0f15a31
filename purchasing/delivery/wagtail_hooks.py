from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import is_programme_officer
from purchasing.delivery import admin_views
from purchasing.delivery.viewsets import AdviserPolicyViewSet


@hooks.register("register_admin_urls")
def register_delivery_admin_urls():
    return [
        path("purchasing/delivery/", admin_views.periods, name="purchasing_delivery_admin_periods"),
        path("purchasing/advisers/coverage/", admin_views.coverage, name="purchasing_delivery_admin_coverage"),
    ]


@hooks.register("register_admin_viewset")
def register_delivery_viewsets():
    return AdviserPolicyViewSet("purchasing_delivery_adviser_policy")


class DeliveryMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_follow_delivery(request.user)


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_programme_officer(request.user)


@hooks.register("register_admin_menu_item")
def register_delivery_menu():
    return DeliveryMenuItem(
        _("Service delivery"), reverse("purchasing_delivery_admin_periods"), icon_name="tasks", order=340
    )


@hooks.register("register_admin_menu_item")
def register_coverage_menu():
    return OfficerMenuItem(
        _("Village legal advisers"), reverse("purchasing_delivery_admin_coverage"), icon_name="site", order=341
    )
